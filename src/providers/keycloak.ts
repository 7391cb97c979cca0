/**
 * Keycloak access tokens, as Keycloak documents them (Server Administration Guide: realm
 * keys and OpenID Connect endpoints; Securing Applications: validating access tokens): `iss`
 * `<url>/realms/<realm>`, keys at `<issuer>/protocol/openid-connect/certs`, the realm's
 * asymmetric signature algorithm, `typ` `JWT` or (with the client setting for RFC 9068)
 * `at+jwt`, the payload `typ` `Bearer` (ID tokens say `ID`, refresh tokens `Refresh`),
 * `aud` (`account` by default, your client with an audience mapper) and `azp` (the client
 * the token was issued to), scopes in the `scope` string.
 */
import { baseUrlOf, claimFailed, guard, invalid, readOptions, requiredString, scopesIn, stringsOf } from './common.ts'
import { COMMON, makeProvider } from './provider.ts'
import type { Provider, ProviderOptions } from './types.ts'

/**
 * Options of `keycloak`: the server URL (with `/auth` for Keycloak before 17), the realm,
 * and the `audience` (`aud`) or `authorizedParty` (`azp`) accepted: one of the two at least.
 *
 * @example
 * ```ts
 * import type { KeycloakOptions } from 'isojwt/providers'
 * const options: KeycloakOptions = { url: 'https://sso.example.com', realm: 'shop', audience: 'orders-api' }
 * ```
 */
export interface KeycloakOptions extends ProviderOptions {
  url: string
  realm: string
  audience?: string | string[]
  authorizedParty?: string | string[]
}

/**
 * Verifies Keycloak access tokens (API.md, Identity providers): the realm's issuer and
 * keys, the asymmetric algorithms, `typ` `Bearer` in the payload, and your `audience`
 * (`aud`) and/or `authorizedParty` (`azp`), one of which is required: Keycloak's default
 * audience, `account`, is every client's. Scopes: the `scope` string.
 *
 * @example
 * ```ts
 * import { keycloak } from 'isojwt/providers'
 * declare const accessToken: string
 * const realm = keycloak({ url: 'https://sso.example.com', realm: 'shop', audience: 'orders-api' })
 * const { payload } = await realm.verify(accessToken)
 * ```
 */
export function keycloak(options: KeycloakOptions): Provider {
  return guard('keycloak', () => {
    const o = readOptions(options, ['url', 'realm', 'audience', 'authorizedParty', ...COMMON], 'keycloak options')
    const url = baseUrlOf(o.url, 'options.url', true)
    const realm = requiredString(o.realm, 'options.realm', (s) => s.length <= 255 && !/[/?#%\\\s]/.test(s), 'a realm name')
    if (o.audience === undefined && o.authorizedParty === undefined) {
      invalid("options.audience or options.authorizedParty is required: Keycloak's default audience \"account\" is shared by every client of the realm")
    }
    const audience = o.audience === undefined ? undefined : stringsOf(o.audience, 'options.audience')
    const parties = o.authorizedParty === undefined ? undefined : stringsOf(o.authorizedParty, 'options.authorizedParty')
    const issuer = `${url}/realms/${realm}`
    return makeProvider({
      name: 'Keycloak',
      issuer,
      jwksUrl: `${issuer}/protocol/openid-connect/certs`,
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      typ: ['JWT', 'at+jwt'],
      ...(audience && { audience }),
      required: ['iss', 'sub', 'exp', 'typ', ...(audience ? ['aud'] : []), ...(parties ? ['azp'] : [])],
      issuerOk: (iss) => iss === issuer,
      claims(payload) {
        // Keycloak marks its access tokens; ID, refresh and logout tokens say otherwise.
        if (payload.typ !== 'Bearer') claimFailed('typ', 'mismatch', 'not a Keycloak access token (its "typ" claim is not "Bearer")', payload)
        if (parties && !parties.includes(payload.azp as string)) claimFailed('azp', 'mismatch', 'the token\'s "azp" is not one of options.authorizedParty', payload)
      },
      scopes: scopesIn(['scope']),
    }, o)
  })
}
