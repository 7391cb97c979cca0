/** Public types of the resource server and the DPoP fetch wrapper (API.md, Protecting an API). */
import type { JoseError } from '../errors.ts'
import type { Alg, Duration, IssuerFunction, JwsHeader, JwtPayload, KeyInput, KeyResolver, Now, StandardSchemaV1 } from '../types.ts'
import type { ReplayStore } from './types.ts'

/**
 * Options of `createResourceServer`. `jwks` may be a record of key sets by issuer: a
 * token is checked only with the set of its own issuer. (`ResourceServerVerifierOptions`
 * is the other form: a `verifier` with rules of its own instead of these six.)
 *
 * @example
 * ```ts
 * import { createRemoteJwks, type ResourceServerOptions } from 'isojwt'
 * const options: ResourceServerOptions = {
 *   issuer: 'https://as.example', audience: 'https://api.example',
 *   jwks: createRemoteJwks('https://as.example/jwks'), requiredScopes: ['read'], publicUrl: 'https://api.example',
 * }
 * ```
 */
export interface ResourceServerOptions extends ResourceServerCommonOptions {
  /** The accepted issuer(s), or a function called with the verified `iss` and payload (`IssuerFunction`; with a record of key sets, the record's names are the issuers and the function must accept too). */
  issuer: string | string[] | IssuerFunction
  audience: string | string[]
  jwks: KeyInput | KeyResolver | Record<string, KeyInput | KeyResolver>
  algorithms?: Alg[]
  /** `'at+jwt'` (RFC 9068, default) or `'jwt'` (`verify`'s rules, for plain JWT access tokens). */
  profile?: 'at+jwt' | 'jwt'
  schema?: StandardSchemaV1
}

/**
 * A resource server whose access tokens a function verifies, by rules of its own (a
 * provider's `createVerifier()` from `isojwt/providers` is one): the result's `scopes`, when
 * it has them, are what `requiredScopes` reads; otherwise the token's `scope` claim.
 *
 * @example
 * ```ts
 * import { createResourceServer, createVerifier, createRemoteJwks } from 'isojwt'
 * const verifyToken = createVerifier(createRemoteJwks('https://as.example/jwks'), { issuer: 'https://as.example', audience: 'api', algorithms: ['RS256'] })
 * const rs = createResourceServer({ verifier: verifyToken, publicUrl: 'https://api.example' })
 * ```
 */
export interface ResourceServerVerifierOptions extends ResourceServerCommonOptions {
  /** Verifies the token (rejecting with a JoseError); `scopes` in its result replace the `scope` claim's. */
  verifier: (token: string) => Promise<{ header: JwsHeader; payload: unknown; key: CryptoKey; scopes?: readonly string[] }>
}

/**
 * What every resource server takes, whichever way its tokens are verified.
 *
 * @example
 * ```ts
 * import type { ResourceServerCommonOptions } from 'isojwt'
 * const common: ResourceServerCommonOptions = { requiredScopes: ['orders:read'], dpop: 'allowed', publicUrl: 'https://api.example' }
 * ```
 */
export interface ResourceServerCommonOptions {
  /** Scopes every request needs; missing ones answer 403 `insufficient_scope`. */
  requiredScopes?: string[]
  /** `'allowed'` (default): Bearer and DPoP; `'required'`: DPoP only; `'off'`: Bearer only. */
  dpop?: 'allowed' | 'required' | 'off'
  /** Default ES256, EdDSA, Ed25519, PS256, RS256; asymmetric only. */
  dpopAlgorithms?: Alg[]
  /** Turns on stateless server nonces (RFC 9449 §8): `secret` at least 32 bytes, `lifetime` default 5 min. */
  dpopNonce?: { secret: Uint8Array; lifetime?: Duration }
  /** Records proof `jti`s; default a bounded in-memory store (one instance only). */
  replayStore?: ReplayStore
  /** How old a proof's `iat` may be. Default 60 s. */
  proofMaxAge?: Duration
  /** The public origin (and path prefix) requests arrive at, for `htu`; required for Node-style requests. */
  publicUrl?: string
  realm?: string
  clockTolerance?: Duration
  now?: Now
  maxTokenLength?: number
}

/**
 * A Node-style request (`node:http`, Express): `url` is the origin-form path. Pass
 * `rawHeaders` or `headersDistinct` so duplicate Authorization headers can be seen.
 *
 * @example
 * ```ts
 * import type { NodeLikeRequest } from 'isojwt'
 * const req: NodeLikeRequest = { method: 'GET', url: '/orders', headers: { authorization: 'Bearer eyJ…' } }
 * ```
 */
export interface NodeLikeRequest {
  method?: string
  url?: string
  headers: Record<string, string | string[] | undefined>
  rawHeaders?: string[]
  headersDistinct?: Record<string, string[] | undefined>
}

/**
 * What `authenticate` answers: the verified token, or the status and headers to send.
 *
 * @example
 * ```ts
 * import type { AuthOutcome } from 'isojwt'
 * declare const outcome: AuthOutcome
 * if (!outcome.ok) console.log(outcome.status, outcome.error.code)
 * ```
 */
export type AuthOutcome =
  | { ok: true; scheme: 'Bearer' | 'DPoP'; header: JwsHeader; payload: JwtPayload; scopes: string[]; key: CryptoKey; jkt?: string; headers: Record<string, string> }
  | { ok: false; status: 400 | 401 | 403 | 503; headers: Record<string, string>; error: JoseError; response(): Response }

/**
 * A resource server made by `createResourceServer`.
 *
 * @example
 * ```ts
 * import type { ResourceServer } from 'isojwt'
 * declare const rs: ResourceServer
 * export async function handle(request: Request): Promise<Response> {
 *   const outcome = await rs.authenticate(request)
 *   if (!outcome.ok) return outcome.response()
 *   return Response.json({ sub: outcome.payload.sub, scopes: outcome.scopes })
 * }
 * ```
 */
export interface ResourceServer {
  authenticate(request: Request | NodeLikeRequest): Promise<AuthOutcome>
}

/**
 * The function `createDpopFetch` returns: `fetch` with `accessToken` in `init`.
 *
 * @example
 * ```ts
 * import type { DpopFetch } from 'isojwt'
 * declare const dpopFetch: DpopFetch
 * const res = await dpopFetch('https://api.example/orders', { accessToken: 'eyJ…' })
 * ```
 */
export type DpopFetch = (input: string | URL | Request, init?: RequestInit & { accessToken?: string }) => Promise<Response>
