/**
 * JWT access tokens at a resource server (RFC 9068 §4): `typ` `at+jwt`, the seven
 * required claims, HS* only when the caller lists it, and scopes by whole words.
 */
import { JoseError, toJoseError } from '../errors.ts'
import type { JsonObject } from '../jose/json.ts'
import { stringList, validating } from '../jose/options.ts'
import type { InferOutput, JwtPayload, KeyInput, KeyResolver, StandardSchemaV1 } from '../types.ts'
import type { AccessTokenResult, VerifyAccessTokenOptions } from './types.ts'
import { claimError, type Check } from '../jwt/claims.ts'
import { shaped, verifyPlanned, type VerifyPlan } from '../jwt/verify.ts'
import { planProfile, readProfileOptions, requiredIssuer, requiredStrings, stringClaim } from './profile.ts'

const NAMES = ['issuer', 'audience', 'algorithms', 'requiredScopes', 'now', 'clockTolerance', 'maxTokenLength', 'schema'] as const

/** RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti are REQUIRED. */
const REQUIRED = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'] as const

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** The space-delimited `scope` claim (RFC 9068 §2.2.3, RFC 8693 §4.2) as a list of words. */
export function scopesOf(payload: JsonObject): string[] {
  const scope = stringClaim(payload, 'scope')
  if (scope === undefined) return []
  return [...new Set(scope.split(' ').filter((s) => s !== ''))]
}

export function checkRequiredScopes(value: unknown): readonly string[] {
  if (value === undefined) return []
  return stringList(value, 'options.requiredScopes', 0, (s) => SCOPE_TOKEN.test(s), 'an array of scope tokens (no spaces)')
}

/** RFC 9068 §2.2: client_id a string; §2.2.3: every required scope among the token's words. */
function scopeCheck(required: readonly string[]): Check {
  return ({ payload }) => {
    stringClaim(payload, 'client_id')
    const granted = new Set(scopesOf(payload))
    if (required.length > 0 && !Object.hasOwn(payload, 'scope')) claimError('scope', 'missing', 'the token has no "scope" claim', payload)
    // Whole words only: "rea" is not "read" (RFC 6749 §3.3).
    for (const s of required) if (!granted.has(s)) claimError('scope', 'mismatch', 'the token lacks a required scope', payload)
  }
}

function planAccessToken(options: unknown): VerifyPlan {
  return validating(() => {
    const o = readProfileOptions(options, NAMES)
    return planProfile({
      algorithms: o.algorithms, maxTokenLength: o.maxTokenLength, now: o.now, clockTolerance: o.clockTolerance,
      issuer: requiredIssuer(o.issuer), audience: requiredStrings(o.audience, 'options.audience'),
      typ: 'at+jwt', required: REQUIRED, checks: [scopeCheck(checkRequiredScopes(o.requiredScopes))],
      hmacOnlyIfListed: true, schema: o.schema,
    })
  })
}

/**
 * Verifies an RFC 9068 JWT access token at a resource server: `typ` must be `at+jwt`,
 * `iss`, `exp`, `aud`, `sub`, `client_id`, `iat`, `jti` present, `requiredScopes` among the
 * token's `scope` words. HS* tokens are accepted only when `algorithms` lists them.
 *
 * @example
 * ```ts
 * import { verifyAccessToken, createRemoteJwks } from 'isojwt'
 * declare const token: string
 * const jwks = createRemoteJwks('https://as.example/jwks')
 * const { payload, scopes } = await verifyAccessToken(token, jwks, {
 *   issuer: 'https://as.example', audience: 'https://api.example', requiredScopes: ['read'],
 * })
 * ```
 */
export function verifyAccessToken<P = JwtPayload>(token: string, key: KeyInput | KeyResolver, options: VerifyAccessTokenOptions & { schema?: undefined }): Promise<AccessTokenResult<P>>
export function verifyAccessToken<S extends StandardSchemaV1>(token: string, key: KeyInput | KeyResolver,
  options: Omit<VerifyAccessTokenOptions, 'schema'> & { schema: S }): Promise<AccessTokenResult<InferOutput<S>>>
export function verifyAccessToken<P = JwtPayload>(token: string, key: KeyInput | KeyResolver, options: VerifyAccessTokenOptions): Promise<AccessTokenResult<P>>
export async function verifyAccessToken(token: string, key: KeyInput | KeyResolver, options: VerifyAccessTokenOptions): Promise<AccessTokenResult<unknown>> {
  try {
    const plan = planAccessToken(options)
    const r = await verifyPlanned(plan, token, key)
    return await shaped(plan, { header: r.header, payload: r.payload as unknown, key: r.key, scopes: scopesOf(r.payload) })
  } catch (e) {
    // RFC 9068 §2.1: access tokens are typed at+jwt; other JWTs are verify's to check.
    if (e instanceof JoseError && e.claim === 'typ' && e.reason === 'mismatch') e.message += `: RFC 9068 requires "at+jwt"; check other JWTs with verify() or createResourceServer({ profile: 'jwt' })`
    throw toJoseError(e, 'ERR_JWS_INVALID', 'access token verification failed')
  }
}
