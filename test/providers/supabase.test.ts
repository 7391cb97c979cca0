/**
 * supabase (API.md, Identity providers): access tokens in the shape of Supabase's "JWT Claims
 * Reference" (`aud` authenticated, `role`, `aal`, `session_id`), ES256 and RS256 signing keys
 * at `<project>/auth/v1/.well-known/jwks.json`; never the legacy HS256 secret.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { supabase } from '../../src/providers/index.ts'
import { edit, esKey, invalidArgument, NOW, NOW_S, refused, rsaKeys, serve, signed, type RsaKey } from './fixtures.ts'

const URL_ = 'https://abcdefghijklmnop.supabase.co'
const ISS = `${URL_}/auth/v1`
const KEYS = `${ISS}/.well-known/jwks.json`

let a: RsaKey
let ec: Awaited<ReturnType<typeof esKey>>
beforeAll(async () => {
  [a] = await rsaKeys()
  ec = await esKey()
})

const claims = (over: Record<string, unknown> = {}) => edit({
  iss: ISS, aud: 'authenticated', exp: NOW_S + 3600, iat: NOW_S - 60, sub: '4c1a1d2c-5e6f-4a7b-8c9d-0e1f2a3b4c5d', role: 'authenticated',
  aal: 'aal1', session_id: '1b2c3d4e-0000-4000-8000-000000000000', email: 'ada@example.com', phone: '', is_anonymous: false,
  app_metadata: { provider: 'email', providers: ['email'] }, user_metadata: {}, amr: [{ method: 'password', timestamp: NOW_S - 60 }],
}, over)
const es = (c: Record<string, unknown>) => signed(c, ec.priv, 'ES256', { typ: 'JWT', kid: 'es-key' })
function provider(audience?: string) {
  const s = serve({ [KEYS]: { keys: [{ ...ec.pub, alg: 'ES256', use: 'sig', kid: 'es-key', key_ops: ['verify'] }, { ...a.pub, alg: 'RS256', use: 'sig', kid: 'rsa-key' }] } })
  return { p: supabase({ url: URL_, ...(audience && { audience }), fetch: s.fetch, now: NOW }), urls: s.urls }
}

describe('supabase', () => {
  it("accepts ES256 and RS256 user tokens, aud 'authenticated' by default; keys at auth/v1/.well-known/jwks.json", async () => {
    const { p, urls } = provider()
    const r = await p.verify(await es(claims()))
    expect([r.payload.role, r.scopes, urls, p.issuer]).toEqual(['authenticated', [], [KEYS], ISS])
    expect((await p.verify(await signed(claims(), a.priv, 'RS256', { typ: 'JWT', kid: 'rsa-key' }))).payload.sub).toBeTruthy()
  })

  it('each rule broken once is refused; the legacy HS256 secret never verifies', async () => {
    const { p } = provider()
    await refused(p.verify(await es(claims({ aud: 'anon' }))), 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch')
    await refused(p.verify(await es(claims({ iss: 'https://other.supabase.co/auth/v1' }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await es(claims({ iss: URL_ }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await es(claims({ sub: undefined }))), 'ERR_JWT_CLAIM_INVALID', 'sub', 'missing')
    await refused(p.verify(await es(claims({ exp: NOW_S - 1 }))), 'ERR_JWT_EXPIRED')
    await refused(p.verify(await signed(claims(), new TextEncoder().encode('super-secret-jwt-token-with-at-least-32-characters-long'), 'HS256', { typ: 'JWT' })), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })

  it('another audience when told; the url is an origin', async () => {
    expect((await provider('my-api').p.verify(await es(claims({ aud: 'my-api' })))).payload.aud).toBe('my-api')
    await refused(provider('my-api').p.verify(await es(claims())), 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch')
    for (const url of [`${URL_}/auth/v1`, 'abcdefghijklmnop.supabase.co', 'http://abcdefghijklmnop.supabase.co']) invalidArgument(() => supabase({ url }))
    invalidArgument(() => supabase({ url: URL_, audience: '' }))
    expect(supabase({ url: 'http://127.0.0.1:54321' }).issuer).toBe('http://127.0.0.1:54321/auth/v1')
  })
})
