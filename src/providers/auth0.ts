/**
 * Auth0 access tokens, as Auth0 documents them ("Validate Access Tokens", "Validate JSON
 * Web Tokens", "Access Token Profiles", "Signing Algorithms"): `iss` `https://<domain>/`
 * with its trailing slash, `aud` your API's identifier, RS256 or PS256 keys at
 * `https://<domain>/.well-known/jwks.json`, `typ` `JWT` (Auth0 token profile) or
 * `at+jwt` (RFC 9068 token profile), scopes in the `scope` string.
 */
import { guard, hostOf, readOptions, scopesIn, stringsOf } from './common.ts'
import { COMMON, makeProvider } from './provider.ts'
import type { Provider, ProviderOptions } from './types.ts'

/**
 * Options of `auth0`: your tenant's domain (or custom domain) as a host name, and your
 * API's identifier (the `aud` of its access tokens).
 *
 * @example
 * ```ts
 * import type { Auth0Options } from 'isojwt/providers'
 * const options: Auth0Options = { domain: 'example.eu.auth0.com', audience: 'https://api.example' }
 * ```
 */
export interface Auth0Options extends ProviderOptions {
  domain: string
  audience: string | string[]
}

/**
 * Verifies Auth0 access tokens (API.md, Identity providers): the issuer with its trailing
 * slash, your API's audience, RS256 or PS256 with the tenant's keys, `typ` `JWT` or
 * `at+jwt`. Scopes: the `scope` string.
 *
 * @example
 * ```ts
 * import { auth0 } from 'isojwt/providers'
 * const api = auth0({ domain: 'example.eu.auth0.com', audience: 'https://api.example' })
 * const rs = api.resourceServer({ requiredScopes: ['read:orders'] })
 * ```
 */
export function auth0(options: Auth0Options): Provider {
  return guard('auth0', () => {
    const o = readOptions(options, ['domain', 'audience', ...COMMON], 'auth0 options')
    const domain = hostOf(o.domain, 'options.domain')
    const issuer = `https://${domain}/`
    return makeProvider({
      name: 'Auth0',
      issuer,
      jwksUrl: `${issuer}.well-known/jwks.json`,
      algorithms: ['RS256', 'PS256'],
      typ: ['JWT', 'at+jwt'],
      audience: stringsOf(o.audience, 'options.audience'),
      required: ['iss', 'aud', 'sub', 'exp'],
      issuerOk: (iss) => iss === issuer,
      scopes: scopesIn(['scope']),
    }, o)
  })
}
