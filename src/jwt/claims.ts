/**
 * JWT claim checks (RFC 7519 §4.1, RFC 8725 §3.8–3.11), compiled once from the options
 * and run in the documented order (API.md): typ, presence, types, iss, sub, aud, nbf,
 * exp, iat/maxAge, then a profile's checks. First failure wins.
 */
import { fail, isJoseError, quote, scrub, type ClaimFailureReason, type JoseErrorCode, type JoseErrorDetails } from '../errors.ts'
import type { JsonObject } from '../jose/json.ts'
import { optString, optStrings, stringList, type Options } from '../jose/options.ts'
import { checkNow, epochSeconds, parseDuration } from '../jose/time.ts'
import type { IssuerFunction, JwtPayload, Now } from '../types.ts'

export const CLAIM_OPTIONS = ['issuer', 'audience', 'subject', 'typ', 'maxAge', 'clockTolerance', 'requiredClaims', 'now'] as const

/** What a claim check sees: the verified header and payload, t (seconds) and the tolerance. */
export type Ctx = { header: Readonly<JsonObject>; payload: JsonObject; t: number; tol: number }
/** A claim check; only an issuer function's check answers a promise (checkClaims awaits it before the next). */
export type Check = (c: Ctx) => void | Promise<void>

export interface ClaimPolicy {
  readonly now: Now | undefined
  readonly tol: number
  readonly checks: readonly Check[]
  /**
   * The checks whose verdict can change for one verified token: an issuer function, those
   * that read the time (nbf, exp, maxAge) and a profile's checks. The others are pure functions of the
   * frozen header and payload and of the options, so a cache hit that passed them once
   * passes them again: running only these on a hit gives the verdict running all gives.
   */
  readonly again: readonly Check[]
}

/** A claim failure after the signature verified: carries the verified payload. A caller-chosen claim name is echoed at most 64 characters long, like all outside text. */
export function claimError(claim: string, reason: ClaimFailureReason, message: string, payload: unknown): never {
  fail('ERR_JWT_CLAIM_INVALID', message, { claim: claim.slice(0, 64), reason, payload })
}

/** RFC 7515 §4.1.9: media types compare case-insensitively, "application/" optional. */
export function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase()
  return lower.includes('/') ? lower : `application/${lower}`
}

/** `options.typ`: false turns the check off; absent, a `typ` that is there must be JWT. */
function typCheck(option: unknown): Check {
  if (option === false) return () => {}
  const wanted = option === undefined ? ['application/jwt'] : optStrings(option, 'options.typ')!.map(normaliseTyp)
  // The verdict for the typ seen last: tokens of one issuer all carry the same one.
  let seen: string | undefined
  let ok = false
  return ({ header, payload }) => {
    const typ = header.typ as string | undefined
    if (typ === undefined) {
      if (option !== undefined) claimError('typ', 'missing', 'the header has no "typ"', payload)
    } else if (typ !== seen ? !(ok = wanted.includes(normaliseTyp((seen = typ)))) : !ok) claimError('typ', 'mismatch', `unexpected "typ" ${quote(typ)}`, payload)
  }
}

/** 10^11 s is the year 5138: a NumericDate this large is milliseconds by mistake (API.md, JWT). */
export const NUMERIC_DATE_LIMIT = 1e11

/** Why a finite NumericDate 10^11 or more is refused: `exp: Date.now() + 3600000`, a token valid for 57,000 years. */
const MILLIS = 'is 10^11 or more: use seconds, not milliseconds'

/** RFC 7519 §2: a NumericDate counts seconds: a finite number below 10^11, else `code` naming the mistake. */
export function checkNumericDate(v: unknown, label: string, code: JoseErrorCode, details?: JoseErrorDetails): void {
  if (!(Number.isFinite(v) && (v as number) < NUMERIC_DATE_LIMIT)) fail(code, `${label} ${Number.isFinite(v) ? MILLIS : 'has the wrong type'}`, details)
}

/** The registered claims with a type (RFC 7519 §4.1): StringOrURI, then aud, then NumericDates. */
const TYPED = ['iss', 'sub', 'jti', 'aud', 'exp', 'nbf', 'iat']

/** RFC 7519 §4.1: registered claims must have their types; throws `code` naming the first that does not. */
export function checkClaimTypes(p: JsonObject, code: JoseErrorCode, payload?: JsonObject): void {
  for (let i = 0; i < 7; i++) {
    const c = TYPED[i]!
    if (!Object.hasOwn(p, c)) continue
    const v = p[c]
    const date = i > 3
    if (date ? Number.isFinite(v) && (v as number) < NUMERIC_DATE_LIMIT : typeof v === 'string' || (i === 3 && Array.isArray(v) && v.every((a) => typeof a === 'string'))) continue
    // Without `payload` it is the caller's own payload (sign): the message says so.
    fail(code, `${payload ? '' : 'payload '}claim "${c}" ${date && Number.isFinite(v) ? MILLIS : 'has the wrong type'}`, payload && { claim: c, reason: 'invalid', payload })
  }
}

/** `options.issuer`: a non-empty string or list of them, or an `IssuerFunction` (API.md, JWT). */
export const optIssuer = (value: unknown): readonly string[] | IssuerFunction | undefined =>
  typeof value === 'function' ? value as IssuerFunction : optStrings(value, 'options.issuer')

/**
 * An issuer function's check (API.md, JWT): run at the `iss` step, after the signature
 * and the claim types (so `iss` is a string), awaited; only `true` accepts. What it
 * throws becomes the cause (its name kept, its message not: it may echo the payload).
 */
const issuerCheck = (fn: IssuerFunction): Check => async ({ payload }) => {
  let ok: unknown
  let cause: Error | undefined
  try {
    ok = await fn(payload.iss as string, payload as JwtPayload)
  } catch (e) {
    if (isJoseError(e)) throw e
    cause = scrub(e, 'the issuer function failed')
  }
  if (ok !== true) fail('ERR_JWT_CLAIM_INVALID', cause?.message ?? `unexpected "iss" ${quote(payload.iss)}`, { claim: 'iss', reason: 'mismatch', payload, ...(cause && { cause }) })
}

/** Compiles the claim options once; throws ERR_JOSE_INVALID_ARGUMENT for bad options. */
export function compileClaims(o: Options<(typeof CLAIM_OPTIONS)[number]>, extra: readonly Check[] = []): ClaimPolicy {
  const issuer = optIssuer(o.issuer)
  const fn = typeof issuer === 'function' ? [issuerCheck(issuer)] : []
  // The claims an option pins, in the order they are checked: to a list of values, or
  // (iss) to an issuer function, which runs as its own check.
  const pinned = ([
    ['iss', issuer],
    ['sub', o.subject === undefined ? undefined : [optString(o.subject, 'options.subject')!]],
    ['aud', optStrings(o.audience, 'options.audience')],
  ] as [string, readonly string[] | IssuerFunction | undefined][]).filter((p) => p[1])
  const maxAge = o.maxAge === undefined ? undefined : parseDuration(o.maxAge, 'options.maxAge')
  const tol = o.clockTolerance === undefined ? 0 : parseDuration(o.clockTolerance, 'options.clockTolerance')
  const required = o.requiredClaims === undefined ? [] : stringList(o.requiredClaims, 'options.requiredClaims', 0, () => true, 'an array of strings')
  for (const p of pinned) required.push(p[0])
  if (maxAge !== undefined) required.push('iat')
  // Types are checked first, so nbf, exp and iat are numbers or absent (undefined compares false).
  const again: Check[] = [({ payload, t }) => {
    const { nbf, exp, iat } = payload as { nbf?: number; exp?: number; iat?: number }
    if (nbf! > t + tol) fail('ERR_JWT_NOT_YET_VALID', 'the token is not valid yet', { claim: 'nbf', reason: 'in_future', notBefore: new Date(nbf! * 1000), payload })
    if (exp! <= t - tol) fail('ERR_JWT_EXPIRED', 'the token has expired', { claim: 'exp', reason: 'too_old', expiredAt: new Date(exp! * 1000), payload })
    if (maxAge !== undefined) {
      if (t - iat! > maxAge + tol) claimError('iat', 'too_old', 'the token is older than maxAge', payload)
      if (iat! > t + tol) claimError('iat', 'in_future', 'the token was issued in the future', payload)
    }
  }, ...extra]
  const present: Check = ({ payload }) => {
    for (const c of required) if (!Object.hasOwn(payload, c)) claimError(c, 'missing', `required claim ${quote(c)} is missing`, payload)
    checkClaimTypes(payload, 'ERR_JWT_INVALID', payload)
  }
  const compare: Check = ({ payload }) => {
    for (const [c, allowed] of pinned) {
      const v = payload[c]
      if (typeof allowed === 'object' && !(Array.isArray(v) ? v.some((a) => allowed.includes(a)) : allowed.includes(v as string))) {
        claimError(c, 'mismatch', `unexpected "${c}" ${quote(v)}`, payload)
      }
    }
  }
  // An issuer function runs where `iss` is compared, and again on every cache hit.
  return { now: checkNow(o.now), tol, checks: [typCheck(o.typ), present, ...fn, compare, ...again], again: [...fn, ...again] }
}

/**
 * Runs the compiled checks against a verified header and payload at time t (seconds;
 * read from the policy's clock when not given); returns t. Synchronous, unless a check
 * answers a promise (an issuer function): the rest then run after it settles, in order,
 * and t comes as a promise.
 */
export function checkClaims(policy: ClaimPolicy, header: Readonly<JsonObject>, payload: JsonObject, t = epochSeconds(policy.now), checks = policy.checks): number | Promise<number> {
  const ctx: Ctx = { header, payload, t, tol: policy.tol }
  for (let i = 0; i < checks.length; i++) {
    const pending = checks[i]!(ctx)
    if (pending) return pending.then(() => checkClaims(policy, header, payload, t, checks.slice(i + 1)))
  }
  return t
}
