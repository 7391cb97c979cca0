/**
 * The public types of `createRemoteJwks` (API.md, Key sets): its options, what it
 * returns, its events and the shared `cacheStore`.
 */
import type { JoseError } from '../errors.ts'
import type { JwksDocument, KeyResolver, Now } from '../types.ts'

/**
 * Storage shared between processes or isolates for a remote key set (Workers KV, the
 * Cache API, Redis). Entries are plain JSON; read back, they are checked like a fresh
 * response and must carry the same URL. A `get` that hangs counts as empty after the
 * timeout; `set` is not awaited.
 *
 * @example
 * ```ts
 * import { createRemoteJwks, type JwksCacheStore } from 'isojwt'
 * const memory = new Map<string, unknown>()
 * const cacheStore: JwksCacheStore = {
 *   get: (url) => memory.get(url),
 *   set: (url, entry) => { memory.set(url, entry) },
 * }
 * const jwks = createRemoteJwks('https://id.example/.well-known/jwks.json', { cacheStore })
 * ```
 */
export interface JwksCacheStore {
  get(url: string): unknown | Promise<unknown>
  set(url: string, entry: unknown): void | Promise<void>
}

/**
 * What happened to a remote key set: `fetched` (a 200), `not_modified` (a 304 renewed
 * it), `fetch_failed`, `serving_stale` (a refresh failed, the last good set is used),
 * `stale_expired` (past `staleIfError`: verifications now fail).
 *
 * @example
 * ```ts
 * import type { JwksEventType } from 'isojwt'
 * const alarming: ReadonlySet<JwksEventType> = new Set(['fetch_failed', 'serving_stale', 'stale_expired'])
 * ```
 */
export type JwksEventType = 'fetched' | 'not_modified' | 'fetch_failed' | 'serving_stale' | 'stale_expired'
/**
 * The argument of `RemoteJwksOptions.onEvent`: the event, the set's URL and, for
 * failures, the JoseError.
 *
 * @example
 * ```ts
 * import { createRemoteJwks, type JwksEvent } from 'isojwt'
 * const log = (e: JwksEvent) => console.log('jwks', e.type, e.url, e.error?.code ?? '')
 * const jwks = createRemoteJwks('https://id.example/.well-known/jwks.json', { onEvent: log })
 * ```
 */
export interface JwksEvent { type: JwksEventType; url: string; error?: JoseError }

/**
 * Options of `createRemoteJwks`. Durations are seconds or strings such as `'30s'`.
 *
 * @example
 * ```ts
 * import { createRemoteJwks, type RemoteJwksOptions } from 'isojwt'
 * const options: RemoteJwksOptions = { timeout: '3s', maxTtl: '1h', staleIfError: '6h' }
 * const jwks = createRemoteJwks('https://id.example/.well-known/jwks.json', options)
 * ```
 */
export interface RemoteJwksOptions {
  /** Deadline of one request. Default 5 s. */
  timeout?: number | string
  /** Least time between the starts of two requests after an unknown `kid` or a failure. Default 30 s. Before any set has loaded, the wait after a failure is 1 s from its end, doubling up to this. */
  cooldown?: number | string
  /** Shortest time a fetched set is fresh, whatever its `Cache-Control`. Default 60 s. */
  minTtl?: number | string
  /** Longest time a fetched set is fresh (also without `max-age`). Default 600 s. */
  maxTtl?: number | string
  /** How long past expiry the last good set keeps working while refreshes fail. Default 3 600 s. */
  staleIfError?: number | string
  /** Largest response body read. Default 524 288 (512 KiB). */
  maxResponseBytes?: number
  /** Most keys a set may hold. Default 100. */
  maxKeys?: number
  /** Allow `http:` URLs to other hosts than loopback. Default false. */
  allowHttp?: boolean
  /** Extra request headers. */
  headers?: Record<string, string>
  /** The fetch to use. Default: the global `fetch`. */
  fetch?: typeof fetch
  /** Storage shared between processes or isolates. */
  cacheStore?: JwksCacheStore
  /** Called on fetches, revalidations and failures; its errors are ignored. */
  onEvent?: (e: JwksEvent) => void
  /** The clock (tests, simulations); read on every use. */
  now?: Now
  /**
   * The document's format: `'jwks'` (default), a JWK Set; or `'x509-map'`, a JSON object
   * of certificates in PEM by `kid`, as Google and Firebase publish them. Each certificate
   * is checked as any certificate key is (RSA at least 2048 bits, …) and becomes the public
   * JWK of its key with that `kid`, without `alg` (so `algorithms` is needed, e.g. `['RS256']`);
   * one unusable entry makes the whole document fail as a malformed JWK Set does.
   */
  format?: 'jwks' | 'x509-map'
}

/**
 * What `createRemoteJwks` returns: a key resolver for `verify` and `createVerifier`, with
 * `reload()` (fetch now, ignoring the cooldown) and `jwks` (a frozen copy of the current
 * set, `undefined` before the first fetch).
 *
 * @example
 * ```ts
 * import { createRemoteJwks, type RemoteJwks } from 'isojwt'
 * const jwks: RemoteJwks = createRemoteJwks('https://id.example/.well-known/jwks.json')
 * await jwks.reload() // e.g. warm it up at startup
 * console.log(jwks.jwks?.keys.map((k) => k.kid))
 * ```
 */
export type RemoteJwks = KeyResolver & { reload(): Promise<void>; readonly jwks: JwksDocument | undefined }

/**
 * Options of `discover`. Durations are seconds or strings such as `'3s'`.
 *
 * @example
 * ```ts
 * import { discover, type DiscoverOptions } from 'isojwt'
 * const options: DiscoverOptions = { timeout: '3s' }
 * const metadata = await discover('https://id.example', options)
 * ```
 */
export interface DiscoverOptions {
  /** The fetch to use. Default: the global `fetch`. */
  fetch?: typeof fetch
  /** Deadline of each request (the OpenID one, then the RFC 8414 one). Default 5 s. */
  timeout?: number | string
  /** Allow an `http:` issuer and `jwks_uri` on other hosts than loopback. Default false. */
  allowHttp?: boolean
  /** Storage shared between processes or isolates, as for `createRemoteJwks`. */
  cacheStore?: JwksCacheStore
  /** The clock (tests, simulations); read on every call. */
  now?: Now
}

/**
 * An authorization server's metadata (OpenID Connect Discovery 1.0 §3, RFC 8414 §2), as
 * `discover` returns it: deep-frozen, its `issuer` exactly the one asked for and its
 * `jwks_uri` an https URL (http only to loopback, or with `allowHttp`). Other members
 * are as the server sent them, unchecked.
 *
 * @example
 * ```ts
 * import { createRemoteJwks, discover, type AuthorizationServerMetadata } from 'isojwt'
 * const metadata: AuthorizationServerMetadata = await discover('https://id.example')
 * const jwks = createRemoteJwks(metadata.jwks_uri)
 * const algorithms = metadata.id_token_signing_alg_values_supported
 * ```
 */
export interface AuthorizationServerMetadata {
  readonly issuer: string
  readonly jwks_uri: string
  readonly authorization_endpoint?: string
  readonly token_endpoint?: string
  readonly userinfo_endpoint?: string
  readonly registration_endpoint?: string
  readonly introspection_endpoint?: string
  readonly revocation_endpoint?: string
  readonly end_session_endpoint?: string
  readonly scopes_supported?: readonly string[]
  readonly response_types_supported?: readonly string[]
  readonly grant_types_supported?: readonly string[]
  readonly subject_types_supported?: readonly string[]
  readonly id_token_signing_alg_values_supported?: readonly string[]
  readonly token_endpoint_auth_methods_supported?: readonly string[]
  readonly token_endpoint_auth_signing_alg_values_supported?: readonly string[]
  readonly dpop_signing_alg_values_supported?: readonly string[]
  readonly code_challenge_methods_supported?: readonly string[]
  readonly claims_supported?: readonly string[]
  readonly [member: string]: unknown
}
