/** Public types of isojwt/providers (API.md, Identity providers). */
import type {
  InferOutput, JwksCacheStore, JwksEvent, JwtPayload, Now, RemoteJwks, ResourceServer, ResourceServerOptions,
  StandardSchemaV1, VerifyOptions, VerifyResult,
} from 'isojwt'

/**
 * What every provider factory also takes: the key set's `fetch`, `cacheStore` and
 * `onEvent` (as `createRemoteJwks` takes them), and the `clockTolerance` and clock its
 * verifications use unless a call gives its own.
 *
 * @example
 * ```ts
 * import type { ProviderOptions } from 'isojwt/providers'
 * const options: ProviderOptions = { clockTolerance: '30s', onEvent: (e) => console.log(e.type, e.url) }
 * ```
 */
export interface ProviderOptions {
  /** The fetch the key set uses (tests, proxies). Default: the global `fetch`. */
  fetch?: typeof fetch
  /** Shares the fetched key set between processes or isolates (`isojwt/stores`). */
  cacheStore?: JwksCacheStore
  /** Called on key-set fetches, revalidations and failures. */
  onEvent?: (e: JwksEvent) => void
  /** Leeway for `exp`, `nbf`, `iat` and the provider's own time claims. Default 0. */
  clockTolerance?: number | string
  /** The clock, read on every call. Default: the system clock. */
  now?: Now
}

/**
 * The options a provider's `verify` and `createVerifier` take: `VerifyOptions`, plus
 * `requiredScopes`, read where the provider keeps scopes. The provider fixes `issuer`,
 * `audience`, `algorithms` and `typ`: passing one is `ERR_JOSE_INVALID_ARGUMENT` (caller
 * options only add checks).
 *
 * @example
 * ```ts
 * import type { ProviderVerifyOptions } from 'isojwt/providers'
 * const options: ProviderVerifyOptions = { requiredScopes: ['orders.read'], clockTolerance: 5, maxAge: '1h' }
 * ```
 */
export interface ProviderVerifyOptions extends VerifyOptions {
  /** Scopes the token must grant, read where this provider keeps them (`scope`, `scp`, Entra `roles`). */
  requiredScopes?: string[]
}

/**
 * A provider's verification result: `verify`'s, plus the scopes the token grants, read
 * where the provider keeps them.
 *
 * @example
 * ```ts
 * import type { ProviderResult } from 'isojwt/providers'
 * declare const r: ProviderResult
 * if (r.scopes.includes('orders.read')) console.log(r.payload.sub)
 * ```
 */
export interface ProviderResult<P = JwtPayload> extends VerifyResult<P> {
  /** The scopes (or Entra app roles) the token grants, from the payload as signed. */
  scopes: string[]
}

/**
 * What a provider's `createVerifier` returns: a function verifying one token by the
 * provider's rules, with `ready()` (loads the key set once, to fail at startup).
 *
 * @example
 * ```ts
 * import type { ProviderVerifier } from 'isojwt/providers'
 * declare const verifyToken: ProviderVerifier
 * await verifyToken.ready()
 * ```
 */
export type ProviderVerifier<P = JwtPayload> = ((token: string) => Promise<ProviderResult<P>>) & { ready(): Promise<void> }

/**
 * Options of a provider's `resourceServer`: `createResourceServer`'s (API.md). The provider
 * fixes `issuer`, `audience`, `jwks`, `algorithms` and `profile`: passing one is
 * `ERR_JOSE_INVALID_ARGUMENT`; the others (`requiredScopes`, DPoP, `publicUrl`, a `schema`,
 * …) apply as they do there.
 *
 * @example
 * ```ts
 * import type { ProviderResourceServerOptions } from 'isojwt/providers'
 * const options: ProviderResourceServerOptions = { requiredScopes: ['orders.read'], publicUrl: 'https://api.example' }
 * ```
 */
export type ProviderResourceServerOptions = Partial<ResourceServerOptions>

/**
 * One identity provider's rules (API.md, Identity providers): its issuer, its key set,
 * and `verify`, `createVerifier` and `resourceServer`, which apply those rules first and
 * the caller's options on top (options only add checks).
 *
 * @example
 * ```ts
 * import { auth0, type Provider } from 'isojwt/providers'
 * declare const token: string
 * const provider: Provider = auth0({ domain: 'example.eu.auth0.com', audience: 'https://api.example' })
 * const { payload, scopes } = await provider.verify(token, { requiredScopes: ['read:orders'] })
 * ```
 */
export interface Provider {
  /** The issuer as the provider spells it (Entra's multi-tenant values: with `{tenantid}`). */
  readonly issuer: string
  /** The provider's key set (fetched on first use, never at creation). */
  readonly jwks: RemoteJwks
  /** Verifies one token: the provider's rules, then the caller's options. */
  verify<P = JwtPayload>(token: string, options?: ProviderVerifyOptions & { schema?: undefined }): Promise<ProviderResult<P>>
  verify<S extends StandardSchemaV1>(token: string, options: ProviderVerifyOptions & { schema: S }): Promise<ProviderResult<InferOutput<S>>>
  /** A prepared verifier (`cache` and `cacheTtl` as `createVerifier` takes them). */
  createVerifier<P = JwtPayload>(options?: ProviderVerifyOptions & { cache?: number; cacheTtl?: number | string; schema?: undefined }): ProviderVerifier<P>
  createVerifier<S extends StandardSchemaV1>(options: ProviderVerifyOptions & { cache?: number; cacheTtl?: number | string; schema: S }): ProviderVerifier<InferOutput<S>>
  /** A resource server (bearer and DPoP) whose tokens are checked by the provider's rules; `requiredScopes` reads the provider's scopes. */
  resourceServer(options?: ProviderResourceServerOptions): ResourceServer
}
