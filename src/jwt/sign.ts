/** `sign` (API.md, JWT): a JWT from a plain-object payload and options; the payload is never modified. */
import { toJoseError } from '../errors.ts'
import { isPlainObject, stringify, type JsonObject } from '../jose/json.ts'
import { foreignHint, invalid, twice, optString, optStrings, readOptions, reusePlan, validating, type Options, type PlanSlot } from '../jose/options.ts'
import { algEntry } from '../jwa/policy.ts'
import { checkExtraHeader, signCompact, type HeaderMemo, type SignHead } from '../jws/sign.ts'
import { backendNow } from '../jws/signature.ts'
import type { KeyDesc } from '../keys/describe.ts'
import type { JwtPayload, KeyInput, Now, SignOptions } from '../types.ts'
import { checkClaimTypes, NUMERIC_DATE_LIMIT } from './claims.ts'
import { checkNow, epochSeconds, parseDuration } from '../jose/time.ts'

/**
 * The claims sign options set, in the order they are written: [claim, option]. `iat`
 * (issuedAt, a boolean) and the Durations exp and nbf are read off the clock at signing.
 */
const SET = [['iss', 'issuer'], ['sub', 'subject'], ['aud', 'audience'], ['jti', 'jwtId'], ['iat', 'issuedAt'], ['exp', 'expiresIn'], ['nbf', 'notBefore']] as const

type SignOption = 'alg' | 'kid' | 'typ' | 'header' | 'now' | (typeof SET)[number][1]
/** Sign's options; from the fifth on, those that set claims (encryptJwt takes them: API.md, "the claim options of SignOptions"). */
export const SIGN_OPTIONS: readonly SignOption[] = /* @__PURE__ */ (() => ['alg', 'kid', 'typ', 'header', 'now', ...SET.map((s) => s[1])] as SignOption[])()

/** Sign options, validated once (createSigner validates at creation): the header's, and the claims'. */
export interface SignPlan extends SignHead {
  /**
   * Claims the options set, in SET's order, with the option that set them: a value, or
   * (`timed`) seconds from the time of signing (iat: 0, set unless the payload has one).
   */
  claims: readonly (readonly [claim: string, option: string, value: unknown, timed?: true])[]
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
  const extra = checkExtraHeader(o.header, false, o)
  const claims: [string, string, unknown, true?][] = []
  for (const [claim, option] of SET) {
    const v = o[option]
    const name = `options.${option}`
    if (claim === 'iat') {
      if (v !== undefined && typeof v !== 'boolean') invalid(`${name} must be a boolean`)
      if (v !== false) claims.push([claim, option, 0, true])
    } else if (v !== undefined) {
      // Only notBefore may point to the past; an audience array is copied.
      claims.push(claim === 'exp' || claim === 'nbf' ? [claim, option, parseDuration(v, name, claim === 'nbf'), true]
        : [claim, option, claim === 'aud' && typeof v !== 'string' ? optStrings(v, name) : optString(v, name)])
    }
  }
  return {
    alg: o.alg, typ: o.typ === null ? undefined : o.typ === undefined ? 'JWT' : optString(o.typ, 'options.typ'),
    kid: optString(o.kid, 'options.kid'), extra, claims, now: checkNow(o.now),
  }
}

/**
 * Signs one payload under a validated plan. Not `async` itself, so that signing takes one
 * promise (signCompact's): a bad payload throws before it, and every caller awaits the
 * call inside its try.
 */
export function signPlanned(plan: SignPlan, payload: unknown, key: unknown): Promise<string> {
  return signCompact(plan, key, jwtBody(plan, payload), plan.headers)
}

/** The JWT payload text: the caller's payload checked, the options' claims added (sign and encryptJwt). */
export function jwtBody(plan: SignPlan, payload: unknown): string {
  if (!isPlainObject(payload)) invalid('the payload must be a plain object')
  checkClaimTypes(payload, 'ERR_JOSE_INVALID_ARGUMENT')
  // A claim both in the payload and in the options is refused; the payload's own `iat` wins.
  for (const [claim, option] of plan.claims) if (claim !== 'iat' && Object.hasOwn(payload, claim)) twice(claim, 'the payload', option)
  // Spread defines own properties (no __proto__ setter runs), so the copy is faithful.
  const out: JsonObject = { ...payload }
  // The clock is read here, at most once per call, never when a signer is created.
  let t: number | undefined
  for (const [claim, option, value, timed] of plan.claims) {
    if (!timed) out[claim] = value
    else if (!Object.hasOwn(payload, claim)) {
      // A token past the NumericDate bound would be refused by every verify (API.md, JWT).
      if ((out[claim] = Math.floor((t ??= epochSeconds(plan.now)) + (value as number))) >= NUMERIC_DATE_LIMIT && claim !== 'iat') {
        invalid(`options.${option} puts "${claim}" past 10^11 s`)
      }
    }
  }
  return stringify(out, 'the payload')
}

/** The one-shot plan of the options seen last (see reusePlan); a remembered plan keeps a header memo, as createSigner's does. */
const PLANS: PlanSlot<SignPlan> = { memo: undefined }
// SIGN_OPTIONS' Reader, in the node build only (src/jose/options.ts, Reader).
if (backendNow) PLANS.read = (o: Options<SignOption> = Object.create(null)) =>
  [o.alg, o.kid, o.typ, o.header, o.now, o.issuer, o.subject, o.audience, o.jwtId, o.issuedAt, o.expiresIn, o.notBefore]
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
    return await signPlanned(reusePlan(PLANS, options, SIGN_OPTIONS, planOneShot, arguments[3]), payload, key)
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'signing failed')
  }
}
