/**
 * clerk (API.md, Identity providers): session tokens in the shape of Clerk's "Session tokens"
 * (v2: `azp`, `sid`, `sts`, `v`, `fva`), keys at the Frontend API's jwks.json; `azp` among
 * the authorized parties.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { clerk } from '../../src/providers/index.ts'
import { edit, invalidArgument, NOW, NOW_S, refused, rsaKeys, serve, signed, type RsaKey } from './fixtures.ts'

const ISS = 'https://clerk.example.com'
const KEYS = `${ISS}/.well-known/jwks.json`
const KID = 'ins_2abcExampleKid'
const APP = 'https://example.com'

let a: RsaKey
let b: RsaKey
beforeAll(async () => {
  [a, b] = await rsaKeys()
})

const claims = (over: Record<string, unknown> = {}) => edit({
  azp: APP, exp: NOW_S + 60, fva: [0, -1], iat: NOW_S - 1, iss: ISS, nbf: NOW_S - 11, sid: 'sess_123', sts: 'active', sub: 'user_123', v: 2,
}, over)
const token = (c: Record<string, unknown>, key = a) => signed(c, key.priv, 'RS256', { typ: 'JWT', kid: KID })
function provider(parties = [APP, 'http://localhost:3000']) {
  const s = serve({ [KEYS]: { keys: [{ ...a.pub, alg: 'RS256', use: 'sig', kid: KID }] } })
  return { p: clerk({ issuer: ISS, authorizedParties: parties, fetch: s.fetch, now: NOW }), urls: s.urls }
}

describe('clerk', () => {
  it('accepts a session token whose azp is an authorized party; keys at the Frontend API\'s jwks.json', async () => {
    const { p, urls } = provider()
    const r = await p.verify(await token(claims()))
    expect([r.payload.sid, r.scopes, urls, p.issuer]).toEqual(['sess_123', [], [KEYS], ISS])
    expect((await p.verify(await token(claims({ azp: 'http://localhost:3000' })))).payload.sub).toBe('user_123')
  })

  it('each rule broken once is refused', async () => {
    const { p } = provider()
    await refused(p.verify(await token(claims({ azp: 'https://evil.example' }))), 'ERR_JWT_CLAIM_INVALID', 'azp', 'mismatch')
    await refused(p.verify(await token(claims({ azp: `${APP}/` }))), 'ERR_JWT_CLAIM_INVALID', 'azp', 'mismatch')
    await refused(p.verify(await token(claims({ azp: undefined }))), 'ERR_JWT_CLAIM_INVALID', 'azp', 'missing')
    await refused(p.verify(await token(claims({ sid: undefined }))), 'ERR_JWT_CLAIM_INVALID', 'sid', 'missing')
    await refused(p.verify(await token(claims({ iss: 'https://clerk.other.example' }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(claims({ exp: NOW_S }))), 'ERR_JWT_EXPIRED')
    await refused(p.verify(await token(claims({ nbf: NOW_S + 5 }))), 'ERR_JWT_NOT_YET_VALID')
    await refused(p.verify(await token(claims(), b)), 'ERR_JWS_SIGNATURE_INVALID')
  })

  it('authorizedParties: a non-empty list of origins; issuer an https origin', () => {
    for (const parties of [[], ['example.com'], ['https://example.com/'], ['https://example.com/app'], 'https://example.com']) {
      invalidArgument(() => clerk({ issuer: ISS, authorizedParties: parties as never }))
    }
    invalidArgument(() => clerk({ issuer: `${ISS}/v1`, authorizedParties: [APP] }))
    invalidArgument(() => clerk({ issuer: 'http://clerk.example.com', authorizedParties: [APP] }))
  })
})
