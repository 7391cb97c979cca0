/**
 * keycloak (API.md, Identity providers): access tokens in the shape Keycloak issues (payload
 * `typ` Bearer, `azp`, `aud` `account`, `realm_access`, `scope`), the realm's certs
 * endpoint; audience or authorized party required.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { keycloak, type KeycloakOptions } from '../../src/providers/index.ts'
import { edit, esKey, invalidArgument, NOW, NOW_S, refused, rsaKeys, serve, signed, type RsaKey } from './fixtures.ts'

const URL_ = 'https://sso.example.com'
const ISS = `${URL_}/realms/shop`
const KEYS = `${ISS}/protocol/openid-connect/certs`
const KID = 'FJ86GcF3jTbNLOco4NvZkUCIUmfYCqoqtOQeMfbhNlE'

let a: RsaKey
let b: RsaKey
let ec: Awaited<ReturnType<typeof esKey>>
beforeAll(async () => {
  [a, b] = await rsaKeys()
  ec = await esKey()
})

const claims = (over: Record<string, unknown> = {}) => edit({
  exp: NOW_S + 300, iat: NOW_S - 10, jti: 'onrtac:6b1b3e3c-5f0b-4c63-9a35-1c1c1c1c1c1c', iss: ISS, aud: ['orders-api', 'account'],
  sub: 'f4b6a5e0-8f3c-4d0a-9f1e-0d9b2a1c3e4f', typ: 'Bearer', azp: 'web-shop', sid: '8f7e6d5c-4b3a-2910-8f7e-6d5c4b3a2910',
  acr: '1', 'allowed-origins': ['https://shop.example.com'], realm_access: { roles: ['offline_access', 'uma_authorization'] },
  scope: 'openid email profile orders:read', email_verified: true, preferred_username: 'ada',
}, over)
const token = (c: Record<string, unknown>, typ = 'JWT', key = a) => signed(c, key.priv, 'RS256', { typ, kid: KID })
function provider(o: Partial<KeycloakOptions> = { audience: 'orders-api' }) {
  const s = serve({ [KEYS]: { keys: [{ ...a.pub, alg: 'RS256', use: 'sig', kid: KID }, { ...ec.pub, alg: 'ES256', use: 'sig', kid: 'es' }] } })
  return { p: keycloak({ url: URL_, realm: 'shop', fetch: s.fetch, now: NOW, ...o } as KeycloakOptions), urls: s.urls }
}

describe('keycloak', () => {
  it('accepts an access token (typ JWT or at+jwt); keys from the realm\'s certs endpoint; scopes from scope', async () => {
    const { p, urls } = provider()
    const r = await p.verify(await token(claims()), { requiredScopes: ['orders:read'] })
    expect([r.scopes, urls, p.issuer]).toEqual([['openid', 'email', 'profile', 'orders:read'], [KEYS], ISS])
    expect((await p.verify(await token(claims(), 'at+jwt'))).payload.azp).toBe('web-shop')
    expect((await p.verify(await signed(claims(), ec.priv, 'ES256', { typ: 'JWT', kid: 'es' }))).payload.azp).toBe('web-shop')
  })

  it('audience, authorizedParty or both: each is checked', async () => {
    const azp = provider({ authorizedParty: 'web-shop' }).p
    expect((await azp.verify(await token(claims({ aud: 'account' })))).payload.azp).toBe('web-shop')
    await refused(azp.verify(await token(claims({ azp: 'admin-console' }))), 'ERR_JWT_CLAIM_INVALID', 'azp', 'mismatch')
    await refused(azp.verify(await token(claims({ azp: undefined }))), 'ERR_JWT_CLAIM_INVALID', 'azp', 'missing')
    const both = provider({ audience: 'orders-api', authorizedParty: ['web-shop', 'mobile'] }).p
    await refused(both.verify(await token(claims({ aud: 'account' }))), 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch')
    await refused(both.verify(await token(claims({ azp: 'admin-console' }))), 'ERR_JWT_CLAIM_INVALID', 'azp', 'mismatch')
  })

  it('each rule broken once is refused, ID and refresh tokens included', async () => {
    const { p } = provider()
    await refused(p.verify(await token(claims({ typ: 'ID' }))), 'ERR_JWT_CLAIM_INVALID', 'typ', 'mismatch')
    await refused(p.verify(await token(claims({ typ: 'Refresh' }))), 'ERR_JWT_CLAIM_INVALID', 'typ', 'mismatch')
    await refused(p.verify(await token(claims({ typ: undefined }))), 'ERR_JWT_CLAIM_INVALID', 'typ', 'missing')
    await refused(p.verify(await token(claims({ aud: 'account' }))), 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch')
    await refused(p.verify(await token(claims({ iss: `${URL_}/realms/master` }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(claims({ exp: NOW_S - 1 }))), 'ERR_JWT_EXPIRED')
    await refused(p.verify(await token(claims(), 'logout+jwt')), 'ERR_JWT_CLAIM_INVALID', 'typ', 'mismatch')
    await refused(p.verify(await token(claims(), 'JWT', b)), 'ERR_JWS_SIGNATURE_INVALID')
    // Refresh tokens are HMAC-signed with a realm secret: never accepted (no HS* algorithm).
    await refused(p.verify(await signed(claims({ typ: 'Refresh' }), new Uint8Array(32).fill(1), 'HS256', { typ: 'JWT', kid: KID })), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })

  it('one of audience and authorizedParty is required; url and realm are checked; /auth for Keycloak before 17', () => {
    invalidArgument(() => keycloak({ url: URL_, realm: 'shop' }), /audience or options.authorizedParty/)
    invalidArgument(() => keycloak({ url: 'http://sso.example.com', realm: 'shop', audience: 'a' }))
    invalidArgument(() => keycloak({ url: URL_, realm: 'a/b', audience: 'a' }))
    invalidArgument(() => keycloak({ url: URL_, realm: '', audience: 'a' }))
    expect(keycloak({ url: `${URL_}/auth/`, realm: 'shop', audience: 'a' }).issuer).toBe(`${URL_}/auth/realms/shop`)
    expect(keycloak({ url: 'http://localhost:8080', realm: 'shop', audience: 'a' }).issuer).toBe('http://localhost:8080/realms/shop')
  })
})
