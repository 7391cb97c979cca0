/**
 * ID token validation (OIDC Core §3.1.3.7, §3.2.2.11, §3.3.2.11): required claims, `aud`
 * and `azp`, `nonce`, `max_age` against `auth_time`, and the `at_hash`/`c_hash` bindings.
 */
import { toJoseError } from '../errors.ts'
import type { JsonObject } from '../jose/json.ts'
import { optString, validating } from '../jose/options.ts'
import { lookup } from '../jwa/registry.ts'
import { checkNumericDate, claimError, type Check } from '../jwt/claims.ts'
import { parseDuration } from '../jose/time.ts'
import type { InferOutput, JwtPayload, KeyInput, KeyResolver, StandardSchemaV1, VerifyResult } from '../types.ts'
import type { VerifyIdTokenOptions } from './types.ts'
import { checkHashInput, halfHash } from './hash-claims.ts'
import { shaped, verifyPlanned, type VerifyPlan } from '../jwt/verify.ts'
import { planProfile, readProfileOptions, requiredIssuer, requiredString, stringClaim } from './profile.ts'

const NAMES = ['issuer', 'clientId', 'nonce', 'maxAge', 'accessToken', 'code', 'algorithms', 'now', 'clockTolerance', 'maxTokenLength', 'schema'] as const

/** OIDC Core §3.1.3.7 items 4–5: azp equals the client id when present; required with several audiences. */
function azpCheck(clientId: string): Check {
  return ({ payload }) => {
    const azp = stringClaim(payload, 'azp')
    if (azp === undefined) {
      if (Array.isArray(payload.aud) && payload.aud.length > 1) claimError('azp', 'missing', 'an ID token with several audiences needs "azp"', payload)
      return
    }
    if (azp !== clientId) claimError('azp', 'mismatch', 'the ID token was issued to another party ("azp")', payload)
  }
}

/** OIDC Core §3.1.3.7 item 11: the nonce sent in the request comes back unchanged. */
function nonceCheck(nonce: string): Check {
  return ({ payload }) => {
    if (!Object.hasOwn(payload, 'nonce')) claimError('nonce', 'missing', 'the ID token has no "nonce"', payload)
    if (payload.nonce !== nonce) claimError('nonce', 'mismatch', 'the ID token "nonce" does not match', payload)
  }
}

/** OIDC Core §2 (auth_time a NumericDate) and §3.1.3.7 item 13 (max_age). */
function authTimeCheck(maxAge: number | undefined): Check {
  return ({ payload, t, tol }) => {
    if (!Object.hasOwn(payload, 'auth_time')) {
      if (maxAge !== undefined) claimError('auth_time', 'missing', 'maxAge needs "auth_time"', payload)
      return
    }
    const at = payload.auth_time as number
    checkNumericDate(at, 'claim "auth_time"', 'ERR_JWT_CLAIM_INVALID', { claim: 'auth_time', reason: 'invalid', payload })
    if (maxAge === undefined) return
    if (at > t + tol) claimError('auth_time', 'in_future', 'the end-user authenticated in the future', payload)
    if (t > at + maxAge + tol) claimError('auth_time', 'too_old', 'the end-user authenticated longer ago than maxAge', payload)
  }
}

interface IdTokenPlan {
  profile: VerifyPlan
  accessToken: string | undefined
  code: string | undefined
}

function planIdToken(options: unknown): IdTokenPlan {
  return validating(() => {
    const o = readProfileOptions(options, NAMES)
    const clientId = requiredString(o.clientId, 'options.clientId')
    const nonce = optString(o.nonce, 'options.nonce')
    const maxAge = o.maxAge === undefined ? undefined : parseDuration(o.maxAge, 'options.maxAge')
    const checks = [azpCheck(clientId), authTimeCheck(maxAge), ...(nonce === undefined ? [] : [nonceCheck(nonce)])]
    const profile = planProfile({
      algorithms: o.algorithms, maxTokenLength: o.maxTokenLength, now: o.now, clockTolerance: o.clockTolerance,
      issuer: requiredIssuer(o.issuer), audience: [clientId],
      // The generic default: absent or JWT; at+jwt and logout+jwt are other token kinds.
      typ: undefined, required: ['sub', 'exp', 'iat'], checks, schema: o.schema,
    })
    return { profile, accessToken: checkHashInput(o.accessToken, 'options.accessToken'), code: checkHashInput(o.code, 'options.code') }
  })
}

/** OIDC Core §3.2.2.9 / §3.3.2.10: the hash claim must be present and equal when a value is given. */
async function hashCheck(hash: string, payload: JsonObject, claim: 'at_hash' | 'c_hash', value: string | undefined): Promise<void> {
  if (value === undefined) return
  const got = stringClaim(payload, claim)
  if (got === undefined) claimError(claim, 'missing', `the ID token has no "${claim}"`, payload)
  if (got !== (await halfHash(hash, value))) claimError(claim, 'mismatch', `"${claim}" does not match`, payload)
}

/**
 * Verifies an OpenID Connect ID token for a client: `iss`, `sub`, `aud` (containing
 * `clientId`), `exp`, `iat`; `azp`; `nonce` when given; `maxAge` as OIDC `max_age`
 * against `auth_time`; `at_hash`/`c_hash` required and checked when `accessToken`/`code`
 * are given (implicit and hybrid flows).
 *
 * @example
 * ```ts
 * import { verifyIdToken, createRemoteJwks } from 'isojwt'
 * declare const idToken: string, nonce: string
 * const jwks = createRemoteJwks('https://id.example/jwks')
 * const { payload } = await verifyIdToken(idToken, jwks, { issuer: 'https://id.example', clientId: 'my-app', nonce })
 * ```
 */
export function verifyIdToken<P = JwtPayload>(token: string, key: KeyInput | KeyResolver, options: VerifyIdTokenOptions & { schema?: undefined }): Promise<VerifyResult<P>>
export function verifyIdToken<S extends StandardSchemaV1>(token: string, key: KeyInput | KeyResolver,
  options: Omit<VerifyIdTokenOptions, 'schema'> & { schema: S }): Promise<VerifyResult<InferOutput<S>>>
export function verifyIdToken<P = JwtPayload>(token: string, key: KeyInput | KeyResolver, options: VerifyIdTokenOptions): Promise<VerifyResult<P>>
export async function verifyIdToken(token: string, key: KeyInput | KeyResolver, options: VerifyIdTokenOptions): Promise<VerifyResult<unknown>> {
  try {
    const plan = planIdToken(options)
    const r = await verifyPlanned(plan.profile, token, key)
    const hash = lookup(r.alg)!.hash
    await hashCheck(hash, r.payload, 'at_hash', plan.accessToken)
    await hashCheck(hash, r.payload, 'c_hash', plan.code)
    return await shaped(plan.profile, { header: r.header, payload: r.payload as unknown, key: r.key })
  } catch (e) {
    throw toJoseError(e, 'ERR_JWS_INVALID', 'ID token verification failed')
  }
}
