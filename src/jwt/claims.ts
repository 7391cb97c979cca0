/**
 * JWT claim checks (RFC 7519 §4.1, RFC 8725 §3.8–3.11), compiled once from the options
 * into a list of closures and run in the documented order: typ, presence, types, iss,
 * sub, aud, nbf, exp, iat/maxAge. First failure wins.
 */
import { fail, quote, type ClaimFailureReason, type JoseErrorCode, type JoseErrorDetails } from '../errors.ts'
import type { JsonObject } from '../jose/json.ts'
import { optString, optStrings, stringList, type Options } from '../jose/options.ts'
import type { Now } from '../types.ts'
import { checkNow, epochSeconds, parseDuration } from '../jose/time.ts'

export const CLAIM_OPTIONS = ['issuer', 'audience', 'subject', 'typ', 'maxAge', 'clockTolerance', 'requiredClaims', 'now'] as const

type Ctx = { header: Readonly<JsonObject>; payload: JsonObject; t: number; tol: number }
type Check = (c: Ctx) => void

export interface ClaimPolicy {
  readonly now: Now | undefined
  readonly tol: number
  readonly checks: readonly Check[]
  /**
   * The checks whose verdict can change for one verified token: those that read the time
   * (nbf, exp, maxAge) and a profile's checks. The others are pure functions of the
   * frozen header and payload and of the options, so a cache hit that passed them once
   * passes them again: running only these on a hit gives the verdict running all gives.
   */
  readonly again: readonly Check[]
}

function claimError(claim: string, reason: ClaimFailureReason, message: string, payload: unknown): never {
  // A caller-chosen claim name is echoed at most 64 characters long, like all outside text.
  fail('ERR_JWT_CLAIM_INVALID', message, { claim: claim.length > 64 ? claim.slice(0, 64) : claim, reason, payload })
}

/** RFC 7515 §4.1.9: media types compare case-insensitively, "application/" optional. */
export function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase()
  return lower.includes('/') ? lower : `application/${lower}`
}

function typCheck(option: unknown): Check {
  if (option === false) return () => {}
  const wanted = option === undefined ? undefined : optStrings(option, 'options.typ')!.map(normaliseTyp)
  // The verdict for the typ seen last: tokens of one issuer all carry the same one.
  let seen: string | undefined
  let seenOk = false
  return ({ header, payload }) => {
    const typ = header.typ as string | undefined
    if (typ === undefined) {
      if (wanted) claimError('typ', 'missing', 'the header has no "typ"', payload)
      return
    }
    if (typ !== seen) {
      seenOk = wanted ? wanted.includes(normaliseTyp(typ)) : normaliseTyp(typ) === 'application/jwt'
      seen = typ
    }
    if (!seenOk) claimError('typ', 'mismatch', `unexpected "typ" ${quote(typ)}`, payload)
  }
}

const STRING_CLAIMS = ['iss', 'sub', 'jti'] as const
const DATE_CLAIMS = ['exp', 'nbf', 'iat'] as const

/** 10^11 s is the year 5138: a NumericDate this large is milliseconds by mistake (API.md, JWT). */
export const NUMERIC_DATE_LIMIT = 1e11

/**
 * RFC 7519 §2: a NumericDate counts seconds. Not a finite number → wrong type; 10^11 or
 * more → `exp: Date.now() + 3600000`, a token valid for 57,000 years: named as the mistake.
 */
export function checkNumericDate(v: unknown, label: string, code: JoseErrorCode, details?: JoseErrorDetails): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(code, `${label} has the wrong type (RFC 7519 §4.1)`, details)
  if (v >= NUMERIC_DATE_LIMIT) {
    fail(code, `${label} is 10^11 or more: NumericDates count seconds, not milliseconds (RFC 7519 §2; use Math.floor(Date.now() / 1000))`, details)
  }
}

/** RFC 7519 §4.1: registered claims must have their types; throws `code` naming the first that does not. */
export function checkClaimTypes(p: JsonObject, code: JoseErrorCode, payload?: JsonObject): void {
  // Without `payload` it is the caller's own payload (sign): the message says so.
  const label = (claim: string): string => `${payload ? '' : 'payload '}claim "${claim}"`
  const wrong = (claim: string): never => fail(code, `${label(claim)} has the wrong type (RFC 7519 §4.1)`, payload && { claim, reason: 'invalid', payload })
  for (const c of STRING_CLAIMS) if (Object.hasOwn(p, c) && typeof p[c] !== 'string') wrong(c)
  if (Object.hasOwn(p, 'aud')) {
    const aud = p.aud
    if (typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) wrong('aud')
  }
  for (const c of DATE_CLAIMS) if (Object.hasOwn(p, c)) checkNumericDate(p[c], label(c), code, payload && { claim: c, reason: 'invalid', payload })
}

const typesCheck: Check = ({ payload }) => checkClaimTypes(payload, 'ERR_JWT_INVALID', payload)

function oneOf(claim: 'iss' | 'sub', allowed: readonly string[]): Check {
  return ({ payload }) => {
    if (!allowed.includes(payload[claim] as string)) claimError(claim, 'mismatch', `unexpected "${claim}" ${quote(payload[claim])}`, payload)
  }
}

function audCheck(allowed: readonly string[]): Check {
  return ({ payload }) => {
    const aud = payload.aud as string | string[]
    const list = typeof aud === 'string' ? [aud] : aud
    if (!list.some((a) => allowed.includes(a))) claimError('aud', 'mismatch', 'the token is not for this audience', payload)
  }
}

const timeChecks: Check = ({ payload, t, tol }) => {
  const nbf = payload.nbf as number | undefined
  if (nbf !== undefined && nbf > t + tol) {
    fail('ERR_JWT_NOT_YET_VALID', 'the token is not valid yet', { claim: 'nbf', reason: 'in_future', notBefore: new Date(nbf * 1000), payload })
  }
  const exp = payload.exp as number | undefined
  if (exp !== undefined && exp <= t - tol) {
    fail('ERR_JWT_EXPIRED', 'the token has expired', { claim: 'exp', reason: 'too_old', expiredAt: new Date(exp * 1000), payload })
  }
}

function maxAgeCheck(maxAge: number): Check {
  return ({ payload, t, tol }) => {
    const iat = payload.iat as number
    if (t - iat > maxAge + tol) claimError('iat', 'too_old', 'the token is older than maxAge', payload)
    if (iat > t + tol) claimError('iat', 'in_future', 'the token was issued in the future', payload)
  }
}

/** Compiles the claim options once; throws ERR_JOSE_INVALID_ARGUMENT for bad options. */
export function compileClaims(o: Options<(typeof CLAIM_OPTIONS)[number]>, extra: readonly Check[] = []): ClaimPolicy {
  const issuer = optStrings(o.issuer, 'options.issuer')
  const audience = optStrings(o.audience, 'options.audience')
  const subject = optString(o.subject, 'options.subject')
  const maxAge = o.maxAge === undefined ? undefined : parseDuration(o.maxAge, 'options.maxAge')
  const tol = o.clockTolerance === undefined ? 0 : parseDuration(o.clockTolerance, 'options.clockTolerance')
  const required = o.requiredClaims === undefined ? [] : stringList(o.requiredClaims, 'options.requiredClaims', 0, () => true, 'an array of strings')
  if (issuer) required.push('iss')
  if (subject !== undefined) required.push('sub')
  if (audience) required.push('aud')
  if (maxAge !== undefined) required.push('iat')
  const checks: Check[] = [typCheck(o.typ)]
  if (required.length > 0) {
    checks.push(({ payload }) => {
      for (const c of required) if (!Object.hasOwn(payload, c)) claimError(c, 'missing', `required claim ${quote(c)} is missing`, payload)
    })
  }
  checks.push(typesCheck)
  if (issuer) checks.push(oneOf('iss', issuer))
  if (subject !== undefined) checks.push(oneOf('sub', [subject]))
  if (audience) checks.push(audCheck(audience))
  const again = [timeChecks, ...(maxAge === undefined ? [] : [maxAgeCheck(maxAge)]), ...extra]
  checks.push(...again)
  return { now: checkNow(o.now), tol, checks, again }
}

/**
 * Runs the compiled checks against a verified header and payload at time t (seconds;
 * read from the policy's clock when not given); returns t.
 */
export function checkClaims(policy: ClaimPolicy, header: Readonly<JsonObject>, payload: JsonObject, t = epochSeconds(policy.now), checks = policy.checks): number {
  const ctx: Ctx = { header, payload, t, tol: policy.tol }
  for (const check of checks) check(ctx)
  return t
}
