/**
 * okta (API.md, Identity providers): access tokens of a custom authorization server in the
 * shape of Okta's "Validate access tokens" and the OIDC & OAuth 2.0 API reference (`cid`,
 * `scp` array, `uid`), keys at `<issuer>/v1/keys`; the org authorization server refused.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { okta } from '../../src/providers/index.ts'
import { edit, invalidArgument, NOW, NOW_S, refused, rsaKeys, serve, signed, type RsaKey } from './fixtures.ts'

const ISS = 'https://example.okta.com/oauth2/default'
const KEYS = `${ISS}/v1/keys`
const AUD = 'api://default'
const CLIENT = '0oa1b2c3d4e5f6g7h8i9'
const KID = '45js03w0djwedsw'

let a: RsaKey
let b: RsaKey
beforeAll(async () => {
  [a, b] = await rsaKeys()
})

const claims = (over: Record<string, unknown> = {}) => edit({
  ver: 1, jti: 'AT.0mP4JKAZX1iACIT4vbEDF7LpvDVjxypPMf0D7uX39RE', iss: ISS, aud: AUD, sub: '00uid4BxXw6I6TV4m0g3',
  iat: NOW_S - 60, exp: NOW_S + 3540, cid: CLIENT, uid: '00uid4BxXw6I6TV4m0g3', scp: ['openid', 'email', 'orders.read'], auth_time: NOW_S - 600,
}, over)
const token = (c: Record<string, unknown>, key = a) => signed(c, key.priv, 'RS256', { kid: KID })
function provider(clientId?: string | string[]) {
  const s = serve({ [KEYS]: { keys: [{ ...a.pub, alg: 'RS256', use: 'sig', kid: KID }] } })
  return { p: okta({ issuer: ISS, audience: AUD, ...(clientId && { clientId }), fetch: s.fetch, now: NOW }), urls: s.urls }
}

describe('okta', () => {
  it('accepts an access token of the custom authorization server; keys at <issuer>/v1/keys; scopes from the scp array', async () => {
    const { p, urls } = provider(CLIENT)
    const r = await p.verify(await token(claims()), { requiredScopes: ['orders.read'] })
    expect([r.scopes, urls, p.issuer]).toEqual([['openid', 'email', 'orders.read'], [KEYS], ISS])
  })

  it('each rule broken once is refused', async () => {
    const { p } = provider(CLIENT)
    await refused(p.verify(await token(claims({ iss: 'https://example.okta.com' }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(claims({ iss: 'https://example.okta.com/oauth2/other' }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(claims({ aud: 'api://other' }))), 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch')
    await refused(p.verify(await token(claims({ cid: 'another-client' }))), 'ERR_JWT_CLAIM_INVALID', 'cid', 'mismatch')
    await refused(p.verify(await token(claims({ cid: undefined }))), 'ERR_JWT_CLAIM_INVALID', 'cid', 'missing')
    await refused(p.verify(await token(claims({ exp: NOW_S - 1 }))), 'ERR_JWT_EXPIRED')
    await refused(p.verify(await token(claims(), b)), 'ERR_JWS_SIGNATURE_INVALID')
    await refused(p.verify(await signed(claims(), a.priv, 'PS256', { kid: KID })), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await refused(p.verify(await token(claims({ scp: 'orders.read' })), { requiredScopes: ['orders.write'] }), 'ERR_JWT_CLAIM_INVALID', 'scope', 'mismatch')
    // Without clientId, cid is not checked.
    expect((await provider().p.verify(await token(claims({ cid: 'another-client' })))).payload.cid).toBe('another-client')
  })

  it('the org authorization server (an issuer without /oauth2/) is refused at creation', () => {
    invalidArgument(() => okta({ issuer: 'https://example.okta.com', audience: AUD }), /org authorization server/)
    invalidArgument(() => okta({ issuer: 'https://example.okta.com/', audience: AUD }), /org authorization server/)
    invalidArgument(() => okta({ issuer: 'https://example.okta.com/oauth2', audience: AUD }))
    invalidArgument(() => okta({ issuer: 'https://example.okta.com/oauth2/default/v1', audience: AUD }))
    invalidArgument(() => okta({ issuer: 'http://example.okta.com/oauth2/default', audience: AUD }), /https/)
    invalidArgument(() => okta({ issuer: `${ISS}?x=1`, audience: AUD }))
    invalidArgument(() => okta({ issuer: ISS } as never))
    expect(okta({ issuer: `${ISS}/`, audience: AUD }).issuer).toBe(ISS)
  })
})
