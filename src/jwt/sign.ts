/** `sign` (API.md, JWT): a JWT from a plain-object payload and options; the payload is never modified. */
import { fail, toJoseError } from '../errors.ts'
import { isPlainObject, stringify, type JsonObject } from '../jose/json.ts'
import { foreignHint, noCallback, optString, optStrings, readOptions, reusePlan, validating, type Options, type PlanSlot } from '../jose/options.ts'
import { lookup } from '../jwa/registry.ts'
import { checkExtraHeader, signCompact, type HeaderMemo } from '../jws/sign.ts'
import type { KeyDesc } from '../keys/describe.ts'
import type { JwtPayload, KeyInput, Now, SignOptions } from '../types.ts'
import { checkClaimTypes, NUMERIC_DATE_LIMIT } from './claims.ts'
import { checkNow, epochSeconds, parseDuration } from '../jose/time.ts'

export const SIGN_OPTIONS = ['alg', 'kid', 'typ', 'header', 'expiresIn', 'notBefore', 'issuedAt', 'issuer', 'subject', 'audience', 'jwtId', 'now'] as const

/** Sign options, validated once (createSigner validates at creation). */
export interface SignPlan {
  alg: unknown
  typ: string | undefined
  kid: string | undefined
  extra: JsonObject | undefined
  /** Claims the options set, by claim name, with the option that set them. */
  claims: readonly (readonly [claim: string, option: string, value: unknown])[]
  expiresIn: number | undefined
  notBefore: number | undefined
  issuedAt: boolean
  now: Now | undefined
  /** Encoded headers per key, for prepared signers (the plan's options never change). */
  headers?: WeakMap<KeyDesc, HeaderMemo>
}

export function planSign(options: unknown): SignPlan {
  return validating(() => plan(readOptions(options, SIGN_OPTIONS, foreignHint)))
}

function plan(o: Options<(typeof SIGN_OPTIONS)[number]>): SignPlan {
  if (o.alg !== undefined && !lookup(o.alg)) fail('ERR_JOSE_INVALID_ARGUMENT', `options.alg must be a supported JWS algorithm${o.alg === 'none' ? ' ("none" is never produced)' : ''}`)
  const typ = o.typ === null ? undefined : o.typ === undefined ? 'JWT' : optString(o.typ, 'options.typ')
  const extra = checkExtraHeader(o.header, false)
  if (o.typ !== undefined && extra && Object.hasOwn(extra, 'typ')) fail('ERR_JOSE_INVALID_ARGUMENT', '"typ" is given both in options.header and options.typ')
  if (o.issuedAt !== undefined && typeof o.issuedAt !== 'boolean') fail('ERR_JOSE_INVALID_ARGUMENT', 'options.issuedAt must be a boolean')
  const audience = o.audience === undefined ? undefined : optStrings(o.audience, 'options.audience')
  const claims: [string, string, unknown][] = []
  const add = (claim: string, option: string, value: unknown) => value !== undefined && claims.push([claim, option, value])
  add('iss', 'issuer', optString(o.issuer, 'options.issuer'))
  add('sub', 'subject', optString(o.subject, 'options.subject'))
  add('aud', 'audience', typeof o.audience === 'string' ? o.audience : audience)
  add('jti', 'jwtId', optString(o.jwtId, 'options.jwtId'))
  return {
    alg: o.alg, typ, kid: optString(o.kid, 'options.kid'), extra, claims,
    expiresIn: o.expiresIn === undefined ? undefined : parseDuration(o.expiresIn, 'options.expiresIn'),
    notBefore: o.notBefore === undefined ? undefined : parseDuration(o.notBefore, 'options.notBefore', true),
    issuedAt: o.issuedAt !== false,
    now: checkNow(o.now),
  }
}

function claimsFrom(payload: JsonObject, plan: SignPlan): JsonObject {
  const timed: [string, string, number | undefined][] = [['exp', 'expiresIn', plan.expiresIn], ['nbf', 'notBefore', plan.notBefore]]
  for (const [claim, option, value] of [...plan.claims, ...timed]) {
    if (value !== undefined && Object.hasOwn(payload, claim)) fail('ERR_JOSE_INVALID_ARGUMENT', `"${claim}" is given both in the payload and as options.${option}`)
  }
  // Spread defines own properties (no __proto__ setter runs), so the copy is faithful.
  const claims: JsonObject = { ...payload }
  for (const [claim, , value] of plan.claims) claims[claim] = value
  const setIat = plan.issuedAt && !Object.hasOwn(payload, 'iat')
  if (!setIat && plan.expiresIn === undefined && plan.notBefore === undefined) return claims
  // The clock is read here, on every call, never when a signer is created.
  const t = epochSeconds(plan.now)
  if (setIat) claims.iat = t
  for (const [claim, option, d] of timed) {
    if (d === undefined) continue
    const v = Math.floor(t + d)
    // A token past the NumericDate bound would be refused by every verify (API.md, JWT).
    if (v >= NUMERIC_DATE_LIMIT) fail('ERR_JOSE_INVALID_ARGUMENT', `options.${option} puts "${claim}" past 10^11 s (the year 5138)`)
    claims[claim] = v
  }
  return claims
}

/** Signs one payload under a validated plan. Throws synchronously or rejects (callers await it inside their try). */
export function signPlanned(plan: SignPlan, payload: unknown, key: unknown): string | Promise<string> {
  if (!isPlainObject(payload)) fail('ERR_JOSE_INVALID_ARGUMENT', 'the payload must be a plain object')
  checkClaimTypes(payload, 'ERR_JOSE_INVALID_ARGUMENT')
  const body = stringify(claimsFrom(payload, plan), 'the payload')
  return signCompact({ key, alg: plan.alg, typ: plan.typ, kid: plan.kid, extra: plan.extra, payload: body }, plan.headers)
}

/** The one-shot plan of the options seen last (see reusePlan); a remembered plan keeps a header memo, as createSigner's does. */
const PLANS: PlanSlot<SignPlan> = { memo: undefined }
const planOneShot = (o: Options<(typeof SIGN_OPTIONS)[number]>, remembered: boolean): SignPlan => (remembered ? { ...plan(o), headers: new WeakMap() } : plan(o))

/**
 * Signs a JWT. `iat` is set unless the payload has one; `typ` is `JWT` unless given.
 * The payload is never modified.
 *
 * @param payload - a plain object of claims (registered claims with their RFC 7519 types)
 * @param key - private key or secret: CryptoKey, JWK, PKCS#8 PEM, `Uint8Array` or string secret
 * @param options - `alg` (unless the key pins exactly one), `kid`, `expiresIn`, `issuer`, `audience`, …
 * @returns the compact JWS `header.payload.signature`
 *
 * @example
 * ```ts
 * import { sign, generateKeyPair } from 'isojwt'
 * const { privateKey } = await generateKeyPair('ES256')
 * const token = await sign({ sub: 'user-1' }, privateKey, { issuer: 'https://id.example', audience: 'api', expiresIn: '15m' })
 * ```
 */
export async function sign(payload: JwtPayload, key: KeyInput, options?: SignOptions): Promise<string> {
  try {
    noCallback(arguments, 2)
    if (!isPlainObject(payload)) fail('ERR_JOSE_INVALID_ARGUMENT', 'the payload must be a plain object')
    const token = signPlanned(reusePlan(PLANS, options, SIGN_OPTIONS, planOneShot), payload, key)
    return typeof token === 'string' ? token : await token // no await (and no hop) when it signed synchronously
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'signing failed')
  }
}
