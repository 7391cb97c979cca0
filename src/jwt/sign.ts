/** `sign` (API.md, JWT): a JWT from a plain-object payload and options; the payload is never modified. */
import { toJoseError } from '../errors.ts'
import { isPlainObject, stringify, type JsonObject } from '../jose/json.ts'
import { foreignHint, invalid, noCallback, twice, optString, optStrings, readOptions, reusePlan, validating, type Options, type PlanSlot } from '../jose/options.ts'
import { algEntry } from '../jwa/policy.ts'
import { checkExtraHeader, signCompact, type HeaderMemo } from '../jws/sign.ts'
import { backendNow } from '../jws/signature.ts'
import type { KeyDesc } from '../keys/describe.ts'
import type { JwtPayload, KeyInput, Now, SignOptions } from '../types.ts'
import { checkClaimTypes, NUMERIC_DATE_LIMIT } from './claims.ts'
import { checkNow, epochSeconds, parseDuration } from '../jose/time.ts'

/** The claims sign options set, in the order they are written: [claim, option]. */
const SET = [['iss', 'issuer'], ['sub', 'subject'], ['aud', 'audience'], ['jti', 'jwtId'], ['exp', 'expiresIn'], ['nbf', 'notBefore']] as const

type SignOption = 'alg' | 'kid' | 'typ' | 'header' | 'issuedAt' | 'now' | (typeof SET)[number][1]
/** Sign's options; from the fifth on, those that set claims (encryptJwt takes them: API.md, "the claim options of SignOptions"). */
export const SIGN_OPTIONS: readonly SignOption[] = /* @__PURE__ */ (() => ['alg', 'kid', 'typ', 'header', 'issuedAt', 'now', ...SET.map((s) => s[1])] as SignOption[])()

/** Sign options, validated once (createSigner validates at creation). */
export interface SignPlan {
  alg: unknown
  typ: string | undefined
  kid: string | undefined
  extra: JsonObject | undefined
  /** Claims the options set, with the option that set them. */
  claims: readonly (readonly [claim: string, option: string, value: unknown])[]
  /** exp and nbf, as seconds from the time of signing. */
  timed: readonly (readonly [claim: string, option: string, seconds: number])[]
  issuedAt: boolean
  now: Now | undefined
  /** Encoded headers per key, for prepared signers (the plan's options never change). */
  headers?: WeakMap<KeyDesc, HeaderMemo>
}

export function planSign(options: unknown): SignPlan {
  return validating(() => plan(readOptions(options, SIGN_OPTIONS, foreignHint)))
}

/** The plan of read options; encryptJwt passes its claim options only (no JWS `alg`, `typ` JWT). */
export function plan(o: Options<SignOption>): SignPlan {
  if (o.alg !== undefined) algEntry(o.alg, 'options.alg')
  const extra = checkExtraHeader(o.header, false)
  if (o.typ !== undefined && extra && Object.hasOwn(extra, 'typ')) twice('typ', 'options.header', 'typ')
  if (o.issuedAt !== undefined && typeof o.issuedAt !== 'boolean') invalid('options.issuedAt must be a boolean')
  const claims: [string, string, unknown][] = []
  const timed: [string, string, number][] = []
  for (const [claim, option] of SET) {
    const v = o[option]
    const name = `options.${option}`
    if (v === undefined) continue
    // Only notBefore may point to the past; an audience array is copied.
    if (claim === 'exp' || claim === 'nbf') timed.push([claim, option, parseDuration(v, name, claim === 'nbf')])
    else claims.push([claim, option, claim === 'aud' && typeof v !== 'string' ? optStrings(v, name) : optString(v, name)])
  }
  return {
    alg: o.alg, typ: o.typ === null ? undefined : o.typ === undefined ? 'JWT' : optString(o.typ, 'options.typ'),
    kid: optString(o.kid, 'options.kid'), extra, claims, timed, issuedAt: o.issuedAt !== false, now: checkNow(o.now),
  }
}

/**
 * Signs one payload under a validated plan. Not `async` itself, so that signing takes one
 * promise (signCompact's): a bad payload throws before it, and every caller awaits the
 * call inside its try.
 */
export function signPlanned(plan: SignPlan, payload: unknown, key: unknown): Promise<string> {
  return signCompact({ key, alg: plan.alg, typ: plan.typ, kid: plan.kid, extra: plan.extra, payload: jwtBody(plan, payload) }, plan.headers)
}

/** The JWT payload text: the caller's payload checked, the options' claims added (sign and encryptJwt). */
export function jwtBody(plan: SignPlan, payload: unknown): string {
  if (!isPlainObject(payload)) invalid('the payload must be a plain object')
  checkClaimTypes(payload as JsonObject, 'ERR_JOSE_INVALID_ARGUMENT')
  for (const [claim, option] of [...plan.claims, ...plan.timed]) {
    if (Object.hasOwn(payload as JsonObject, claim)) twice(claim, 'the payload', option)
  }
  // Spread defines own properties (no __proto__ setter runs), so the copy is faithful.
  const out: JsonObject = { ...(payload as JsonObject) }
  for (const [claim, , value] of plan.claims) out[claim] = value
  const setIat = plan.issuedAt && !Object.hasOwn(payload as JsonObject, 'iat')
  if (setIat || plan.timed.length) {
    // The clock is read here, on every call, never when a signer is created.
    const t = epochSeconds(plan.now)
    if (setIat) out.iat = t
    for (const [claim, option, d] of plan.timed) {
      // A token past the NumericDate bound would be refused by every verify (API.md, JWT).
      if ((out[claim] = Math.floor(t + d)) >= NUMERIC_DATE_LIMIT) invalid(`options.${option} puts "${claim}" past 10^11 s`)
    }
  }
  return stringify(out, 'the payload')
}

/** The one-shot plan of the options seen last (see reusePlan); a remembered plan keeps a header memo, as createSigner's does. */
const PLANS: PlanSlot<SignPlan> = { memo: undefined }
// SIGN_OPTIONS' Reader, in the node build only (src/jose/options.ts, Reader).
if (backendNow) PLANS.read = (o: Options<SignOption> = Object.create(null)) =>
  [o.alg, o.kid, o.typ, o.header, o.issuedAt, o.now, o.issuer, o.subject, o.audience, o.jwtId, o.expiresIn, o.notBefore]
const planOneShot = (o: Options<SignOption>, remembered: boolean): SignPlan => (remembered ? { ...plan(o), headers: new WeakMap() } : plan(o))

/**
 * Signs a JWT. `iat` is set unless the payload has one; `typ` is `JWT` unless given.
 * The payload is never modified.
 *
 * @typeParam P - the payload's type, checked against the registered claims' types (inferred when not given: `sign<Claims>(…)` makes a missing claim of `Claims` a type error)
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
export async function sign<P extends object = JwtPayload>(payload: P & Pick<JwtPayload, 'iss' | 'sub' | 'aud' | 'exp' | 'nbf' | 'iat' | 'jti'>, key: KeyInput, options?: SignOptions): Promise<string> {
  try {
    noCallback(arguments, 2)
    return await signPlanned(reusePlan(PLANS, options, SIGN_OPTIONS, planOneShot), payload, key)
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'signing failed')
  }
}
