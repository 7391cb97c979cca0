/**
 * Okta access tokens from a custom authorization server, as Okta documents them ("Validate
 * access tokens", "OpenID Connect & OAuth 2.0 API": the `/keys` endpoint, the access token's
 * claims): `iss` `https://<domain>/oauth2/<authorizationServerId>`, RS256 keys at
 * `<issuer>/v1/keys`, `aud` your audience, `cid` the client id, scopes in the `scp` array.
 * Tokens of the org authorization server (issuer `https://<domain>`) are for Okta alone
 * ("consider these access tokens as opaque strings"): refused at creation.
 */
import { baseUrlOf, claimFailed, guard, invalid, readOptions, scopesIn, stringsOf } from './common.ts'
import { COMMON, makeProvider } from './provider.ts'
import type { Provider, ProviderOptions } from './types.ts'

/**
 * Options of `okta`: a custom authorization server's issuer (`…/oauth2/default` or
 * `…/oauth2/<id>`), your audience, and optionally the client id(s) accepted in `cid`.
 *
 * @example
 * ```ts
 * import type { OktaOptions } from 'isojwt/providers'
 * const options: OktaOptions = { issuer: 'https://example.okta.com/oauth2/default', audience: 'api://default' }
 * ```
 */
export interface OktaOptions extends ProviderOptions {
  issuer: string
  audience: string | string[]
  clientId?: string | string[]
}

/**
 * Verifies Okta access tokens from a custom authorization server (API.md, Identity
 * providers): its issuer and keys, RS256, your audience, `cid` when `clientId` is given.
 * Scopes: the `scp` array.
 *
 * @example
 * ```ts
 * import { okta } from 'isojwt/providers'
 * declare const accessToken: string
 * const as = okta({ issuer: 'https://example.okta.com/oauth2/default', audience: 'api://default', clientId: '0oa1b2c3d4e5f6g7h8i9' })
 * const { scopes } = await as.verify(accessToken, { requiredScopes: ['orders.read'] })
 * ```
 */
export function okta(options: OktaOptions): Provider {
  return guard('okta', () => {
    const o = readOptions(options, ['issuer', 'audience', 'clientId', ...COMMON], 'okta options')
    const issuer = baseUrlOf(o.issuer, 'options.issuer', true)
    if (!/^\/oauth2\/[^/]+$/.test(new URL(issuer).pathname)) {
      invalid('options.issuer must be a custom authorization server (https://<domain>/oauth2/default or /oauth2/<id>): '
        + 'access tokens of the org authorization server (an issuer without /oauth2/) are for Okta alone and cannot be validated locally')
    }
    const clients = o.clientId === undefined ? undefined : stringsOf(o.clientId, 'options.clientId')
    return makeProvider({
      name: 'Okta',
      issuer,
      jwksUrl: `${issuer}/v1/keys`,
      algorithms: ['RS256'],
      audience: stringsOf(o.audience, 'options.audience'),
      required: ['iss', 'aud', 'sub', 'exp', ...(clients ? ['cid'] : [])],
      issuerOk: (iss) => iss === issuer,
      claims(payload) {
        if (clients && !clients.includes(payload.cid as string)) claimFailed('cid', 'mismatch', 'the access token\'s "cid" is not one of options.clientId', payload)
      },
      scopes: scopesIn(['scp']),
    }, o)
  })
}
