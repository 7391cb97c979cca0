/** Public types of the OAuth 2.0 / OpenID Connect profiles (API.md, OAuth profiles). */
import type { Alg, Duration, IssuerFunction, JwtPayload, KeyInput, Now, StandardSchemaV1, VerifyResult } from '../types.ts'

/**
 * A store of client assertion `jti`s. `add` must be atomic: it returns `false` when the
 * `jti` was already there (Redis `SET key 1 NX PXAT until`), `true` when it recorded it.
 *
 * @example
 * ```ts
 * import type { ReplayStore } from 'isojwt'
 * const seen = new Map<string, number>()
 * const replayStore: ReplayStore = {
 *   add(jti, until) {
 *     if (seen.has(jti)) return false
 *     seen.set(jti, until.getTime())
 *     return true
 *   },
 * }
 * ```
 */
export interface ReplayStore {
  /** Records `jti` until `until`; returns false when it was already there. */
  add(jti: string, until: Date): boolean | Promise<boolean>
}

/**
 * Options of `signClientAssertion` (RFC 7523 §2.2, §3).
 *
 * @example
 * ```ts
 * import type { ClientAssertionOptions } from 'isojwt'
 * const options: ClientAssertionOptions = { clientId: 'my-app', audience: 'https://as.example', key: 'client-secret-of-32-bytes-or-more!!', alg: 'HS256' }
 * ```
 */
export interface ClientAssertionOptions {
  clientId: string
  /** The authorization server's issuer identifier (one string). */
  audience: string
  key: KeyInput
  alg?: Alg
  /** Default 60 s. */
  expiresIn?: Duration
  /** Default: 128 random bits, base64url. */
  jwtId?: string
  now?: Now
}

/**
 * Options of `verifyClientAssertion` (RFC 7523 §3).
 *
 * @example
 * ```ts
 * import type { VerifyClientAssertionOptions } from 'isojwt'
 * const options: VerifyClientAssertionOptions = { clientId: 'my-app', audience: 'https://as.example', maxLifetime: '5m' }
 * ```
 */
export interface VerifyClientAssertionOptions {
  clientId: string
  audience: string | string[]
  algorithms?: Alg[]
  now?: Now
  clockTolerance?: Duration
  /** How far ahead of `iat` and of now `exp` may lie. Default 300 s. */
  maxLifetime?: Duration
  replayStore?: ReplayStore
  /** Longest token accepted, before any other work (UTF-16 code units). Default 16 384. */
  maxTokenLength?: number
  /** A Standard Schema run last on the verified payload; the result's payload is its output. */
  schema?: StandardSchemaV1
}

/**
 * Options of `verifyAccessToken` (RFC 9068 §4).
 *
 * @example
 * ```ts
 * import type { VerifyAccessTokenOptions } from 'isojwt'
 * const options: VerifyAccessTokenOptions = { issuer: 'https://as.example', audience: 'https://api.example', requiredScopes: ['read'] }
 * ```
 */
export interface VerifyAccessTokenOptions {
  /** The issuer identifier, exact match; a list, or an `IssuerFunction` deciding on the verified `iss` and payload. */
  issuer: string | string[] | IssuerFunction
  audience: string | string[]
  algorithms?: Alg[]
  requiredScopes?: string[]
  now?: Now
  clockTolerance?: Duration
  /** Longest token accepted, before any other work (UTF-16 code units). Default 16 384. */
  maxTokenLength?: number
  /** A Standard Schema run last on the verified payload; the result's payload is its output. */
  schema?: StandardSchemaV1
}

/**
 * Result of `verifyAccessToken`: the words of the `scope` claim in `scopes`.
 *
 * @example
 * ```ts
 * import type { AccessTokenResult } from 'isojwt'
 * const canWrite = (r: AccessTokenResult) => r.scopes.includes('write')
 * ```
 */
export interface AccessTokenResult<P = JwtPayload> extends VerifyResult<P> {
  scopes: string[]
}

/**
 * Options of `verifyIdToken` (OIDC Core §3.1.3.7, §3.2.2.11, §3.3.2.11).
 *
 * @example
 * ```ts
 * import type { VerifyIdTokenOptions } from 'isojwt'
 * const options: VerifyIdTokenOptions = { issuer: 'https://id.example', clientId: 'my-app', nonce: 'n-0S6_WzA2Mj', maxAge: '1h' }
 * ```
 */
export interface VerifyIdTokenOptions {
  /** The issuer identifier, exact match; a list, or an `IssuerFunction` deciding on the verified `iss` and payload. */
  issuer: string | string[] | IssuerFunction
  clientId: string
  nonce?: string
  /** OIDC `max_age`: requires `auth_time`. */
  maxAge?: Duration
  /** Checks `at_hash` (required when given). */
  accessToken?: string
  /** Checks `c_hash` (required when given). */
  code?: string
  algorithms?: Alg[]
  now?: Now
  clockTolerance?: Duration
  /** Longest token accepted, before any other work (UTF-16 code units). Default 16 384. */
  maxTokenLength?: number
  /** A Standard Schema run last on the verified payload; the result's payload is its output. */
  schema?: StandardSchemaV1
}
