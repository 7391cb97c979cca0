/**
 * auth0 (API.md, Identity providers): access tokens in the shapes of Auth0's "Access Token
 * Profiles" (the Auth0 profile's sample with its array `aud`, and the RFC 9068 profile's,
 * typed at+jwt), its issuer with the trailing slash and its jwks.json.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { auth0 } from '../../src/providers/index.ts'
import { edit, invalidArgument, NOW, NOW_S, refused, rsaKeys, serve, signed, type RsaKey } from './fixtures.ts'

const DOMAIN = 'my-domain.auth0.com'
const ISS = `https://${DOMAIN}/`
const KEYS = `https://${DOMAIN}/.well-known/jwks.json`
const API = 'https://example.com/health-api'
const KID = 'NjVBRjY5MDlCMUIwNzU4RTA2QzZFMDQ4QzQ2MDAyQjVDNjk1RTM2Qg'

let a: RsaKey
let b: RsaKey
beforeAll(async () => {
  [a, b] = await rsaKeys()
})

/** The Auth0 profile's sample token. */
const claims = (over: Record<string, unknown> = {}) => edit({
  iss: ISS, sub: 'auth0|123456', aud: [API, `https://${DOMAIN}/userinfo`], azp: 'my_client_id', exp: NOW_S + 3600, iat: NOW_S - 60,
  scope: 'openid profile read:patients read:admin', my_custom_claim: 'my_custom_value',
}, over)
/** The RFC 9068 profile's sample token. */
const rfc9068 = (over: Record<string, unknown> = {}) => edit({
  iss: ISS, sub: 'auth0|123456', aud: [API, `https://${DOMAIN}/userinfo`], client_id: 'my_client_id', exp: NOW_S + 3600, iat: NOW_S - 60,
  jti: '73WakrfVbNJBaAmhQtEeDv', scope: 'openid profile read:patients read:admin',
}, over)
const token = (c: Record<string, unknown>, typ: string | null = 'JWT', key = a, alg: 'RS256' | 'PS256' | 'RS512' = 'RS256') =>
  signed(c, key.priv, alg, edit({ typ: typ ?? undefined, kid: KID }, {}))
function provider() {
  const s = serve({ [KEYS]: { keys: [{ ...a.pub, alg: 'RS256', use: 'sig', kid: KID }, { ...a.pub, alg: 'PS256', use: 'sig', kid: 'ps' }] } })
  return { p: auth0({ domain: DOMAIN, audience: API, fetch: s.fetch, now: NOW }), urls: s.urls }
}

describe('auth0', () => {
  it('accepts both profiles (typ JWT, at+jwt); issuer with its trailing slash; keys at /.well-known/jwks.json; scopes from scope', async () => {
    const { p, urls } = provider()
    expect(p.issuer).toBe(ISS)
    const r = await p.verify(await token(claims()), { requiredScopes: ['read:patients'] })
    expect(r.scopes).toEqual(['openid', 'profile', 'read:patients', 'read:admin'])
    expect((await p.verify(await token(rfc9068(), 'at+jwt'))).payload.client_id).toBe('my_client_id')
    expect(urls).toEqual([KEYS])
  })

  it('PS256 with a PS256 key of the tenant', async () => {
    const { p } = provider()
    expect((await p.verify(await signed(claims(), a.priv, 'PS256', { typ: 'JWT', kid: 'ps' }))).payload.sub).toBe('auth0|123456')
  })

  it('each rule broken once is refused', async () => {
    const { p } = provider()
    await refused(p.verify(await token(claims({ iss: `https://${DOMAIN}` }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(claims({ iss: 'https://other.auth0.com/' }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(claims({ aud: `https://${DOMAIN}/userinfo` }))), 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch')
    for (const c of ['sub', 'exp', 'aud']) await refused(p.verify(await token(claims({ [c]: undefined }))), 'ERR_JWT_CLAIM_INVALID', c, 'missing')
    await refused(p.verify(await token(claims({ exp: NOW_S - 5 }))), 'ERR_JWT_EXPIRED')
    await refused(p.verify(await token(claims(), 'id+jwt')), 'ERR_JWT_CLAIM_INVALID', 'typ', 'mismatch')
    await refused(p.verify(await token(claims(), null)), 'ERR_JWT_CLAIM_INVALID', 'typ', 'missing')
    await refused(p.verify(await token(claims(), 'JWT', b)), 'ERR_JWS_SIGNATURE_INVALID')
    await refused(p.verify(await token(claims(), 'JWT', a, 'RS512')), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await refused(p.verify(await token(claims()), { requiredScopes: ['write:patients'] }), 'ERR_JWT_CLAIM_INVALID', 'scope', 'mismatch')
  })

  it('domain is a host name (no scheme, no path)', () => {
    for (const domain of [`https://${DOMAIN}`, `${DOMAIN}/`, '', 'a b.auth0.com', `${DOMAIN}/api`]) invalidArgument(() => auth0({ domain, audience: API }))
    invalidArgument(() => auth0({ domain: DOMAIN, audience: [] }))
    invalidArgument(() => auth0({ domain: DOMAIN } as never))
  })
})
