/**
 * docs/express-and-hono.md, run: the guide's resource server (`const rs =
 * createResourceServer({…})` of each recipe, as written) is built against the library's
 * source with the key set's `fetch` stubbed: it serves a generated RS256 key, or fails as
 * an unreachable provider does. The middlewares themselves run in the real Express and
 * Hono in test/oauth/adapters.test.ts; the one bearer regex block is run here too.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { transformSync } from 'esbuild'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createRemoteJwks, createResourceServer, exportJwk, generateKeyPair, sign, type Jwk, type ResourceServer } from '../../src/index.ts'

const GUIDE = readFileSync(join(import.meta.dirname, '../../docs/express-and-hono.md'), 'utf8')
const blocks = [...GUIDE.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
const block = (framework: string) => blocks.find((b) => b.includes(`from '${framework}'`))!
/** The guide's `const rs = createResourceServer({…})` of a recipe, built (a fresh key set each time). */
function guideServer(framework: string): ResourceServer {
  const decl = /^const rs = createResourceServer\(\{[\s\S]*?^\}\)$/m.exec(block(framework))![0]
  const js = transformSync(decl, { loader: 'ts' }).code
  return new Function('createResourceServer', 'createRemoteJwks', `${js}\nreturn rs`)(createResourceServer, createRemoteJwks) as ResourceServer
}

let jwk: Jwk
let privateKey: CryptoKey
const claims = { iss: 'https://id.example/', aud: 'https://api.example', sub: 'u1', client_id: 'c1', jti: 'j1' }
const access = (extra: Record<string, unknown> = {}, key: CryptoKey = privateKey) =>
  sign({ ...claims, scope: 'orders:read orders:write', ...extra }, key, { alg: 'RS256', typ: 'at+jwt', kid: 'k1', expiresIn: '5m' })
const req = (authorization?: string) => new Request('https://api.example/api/orders', { headers: authorization ? { authorization } : {} })
const serveKeys = () => vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ keys: [jwk] }), { status: 200, headers: { 'content-type': 'application/json' } }))
const ALGS = 'DPoP algs="ES256 EdDSA Ed25519 PS256 RS256"'

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true })
  privateKey = pair.privateKey
  jwk = { ...(await exportJwk(pair.publicKey)), kid: 'k1' }
})
afterEach(() => vi.unstubAllGlobals())

describe('docs/express-and-hono.md', () => {
  it('both recipes use createResourceServer with publicUrl and export requireAuth; no hand-written status mapping is left', () => {
    for (const f of ['express', 'hono']) {
      expect(block(f)).toMatch(/^export (async )?function requireAuth/m)
      expect(block(f)).toContain('rs.authenticate(')
      expect(block(f)).toContain("publicUrl: 'https://api.example'")
    }
    expect(GUIDE).not.toMatch(/verifyAccessToken|isJoseError|ERR_JWKS_FETCH_FAILED'\)/)
    expect(block('express')).toContain('url: req.originalUrl') // the mount path kept for DPoP's htu
  })

  for (const f of ['express', 'hono']) {
    it(`${f}: the guide's server passes a good token, maps scope and token failures to 403 and 401 as the table says`, async () => {
      serveKeys()
      const rs = guideServer(f)
      expect(await rs.authenticate(req(`Bearer ${await access()}`))).toMatchObject({ ok: true, scheme: 'Bearer', payload: { sub: 'u1' }, scopes: ['orders:read', 'orders:write'] })
      expect(await rs.authenticate(req(`bearer   ${await access()}`))).toMatchObject({ ok: true })
      const scope = await rs.authenticate(req(`Bearer ${await access({ scope: 'orders:write' })}`))
      expect([scope.ok || scope.status, scope.headers]).toEqual([403,
        { 'www-authenticate': `Bearer error="insufficient_scope", error_description="ERR_JWT_CLAIM_INVALID", scope="orders:read", ${ALGS}` }])
      const forged = await rs.authenticate(req(`Bearer ${await access({}, (await generateKeyPair('RS256')).privateKey)}`))
      expect([forged.ok || forged.status, forged.headers]).toEqual([401,
        { 'www-authenticate': `Bearer error="invalid_token", error_description="ERR_JWS_SIGNATURE_INVALID", ${ALGS}` }])
      for (const h of [undefined, 'Basic dTpw']) {
        const o = await rs.authenticate(req(h))
        expect([o.ok || o.status, o.headers]).toEqual([401, { 'www-authenticate': `Bearer, ${ALGS}` }])
      }
      const two = await rs.authenticate(req(`Bearer ${await access()}, Bearer ${await access()}`))
      expect(two.ok || two.status).toBe(400)
    })

    it(`${f}: an unreachable key set is 503 with retry-after, never 401`, async () => {
      vi.stubGlobal('fetch', async () => { throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }) })
      const o = await guideServer(f).authenticate(req(`Bearer ${await access()}`))
      expect([o.ok || o.status, o.headers]).toEqual([503, { 'retry-after': '5' }])
    })
  }

  it('the one bearer regex block runs: a b64token after Bearer, nothing else', () => {
    const code = blocks.find((b) => b.includes('export const BEARER'))!
    const js = transformSync(code.replace('export const', 'const'), { loader: 'ts' }).code
    const { BEARER, token } = new Function(`${js}\nreturn { BEARER, token }`)() as { BEARER: RegExp; token: string | undefined }
    expect(token).toBe('eyJhbGciOiJFUzI1NiJ9.e30.c2ln')
    expect(BEARER.exec('Bearer "x"')).toBeNull()
  })
})
