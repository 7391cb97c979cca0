import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createRemoteJwks, createSigner, createVerifier, exportJwk, generateKeyPair, generateSecret, isJoseError, sign, type Jwk,
} from '../../src/index.ts'

const T0 = new Date('2030-01-01T00:00:00Z')
const secret = generateSecret('HS256')

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (e) {
    expect(isJoseError(e)).toBe(true)
    return (e as { code: string }).code
  }
}

describe('createSigner', () => {
  it('validates options synchronously and returns synchronously', () => {
    expect(() => createSigner(secret, { alg: 'HS256', expiresIn: '60' })).toThrow(expect.objectContaining({ code: 'ERR_JOSE_INVALID_ARGUMENT' }))
    expect(() => createSigner(secret, { alg: 'none' as never })).toThrow(expect.objectContaining({ code: 'ERR_JOSE_INVALID_ARGUMENT' }))
    expect(() => createSigner(secret, { alg: 'RS256' })).not.toThrow() // whether the key fits is found on first use
    expect(typeof createSigner(secret, { alg: 'HS256' })).toBe('function')
  })

  it('reads the clock per call, never at creation', async () => {
    let now = T0
    const s = createSigner(secret, { alg: 'HS256', expiresIn: 10, now: () => now })
    now = new Date(T0.getTime() + 5000)
    const t = await s({ sub: 'a' })
    const payload = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString())
    expect(payload.iat).toBe(T0.getTime() / 1000 + 5)
    expect(payload.exp).toBe(T0.getTime() / 1000 + 15)
  })

  it('a malformed key throws at creation (API.md v3, Prepared); one that misfits rejects each call', async () => {
    expect(() => createSigner('short', { alg: 'HS256' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }))
    const s = createSigner(secret, { alg: 'RS256' })
    expect(await code(s({}))).toBe('ERR_KEY_INVALID')
    expect(await code(s({}))).toBe('ERR_KEY_INVALID')
  })
})

describe('createVerifier', () => {
  afterEach(() => vi.useRealTimers())

  for (const cache of [0, 100]) {
    it(`a verifier created at t0 refuses at t0+11 a token with exp t0+10 (fake timers, cache ${cache})`, async () => {
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(T0)
      const token = await sign({ sub: 'a' }, secret, { alg: 'HS256', expiresIn: 10 })
      const verifyToken = createVerifier(secret, { algorithms: ['HS256'], cache })
      expect((await verifyToken(token)).payload.sub).toBe('a')
      vi.setSystemTime(T0.getTime() + 9_000)
      expect((await verifyToken(token)).payload.sub).toBe('a')
      vi.setSystemTime(T0.getTime() + 11_000)
      expect(await code(verifyToken(token))).toBe('ERR_JWT_EXPIRED')
    })
  }

  it('nbf and maxAge are re-checked on cache hits, and cacheTtl bounds an entry', async () => {
    let now = T0
    const t0 = T0.getTime() / 1000
    const token = await sign({ sub: 'a', iat: t0, nbf: t0 }, secret, { alg: 'HS256' })
    const v = createVerifier(secret, { algorithms: ['HS256'], cache: 10, maxAge: 30, cacheTtl: 20, now: () => now })
    expect((await v(token)).payload.sub).toBe('a')
    now = new Date(T0.getTime() - 1000)
    expect(await code(v(token))).toBe('ERR_JWT_NOT_YET_VALID')
    now = new Date(T0.getTime() + 31_000)
    expect(await code(v(token))).toBe('ERR_JWT_CLAIM_INVALID')
  })

  it('results of a caching verifier are deep-frozen: a mutated result does not change the next one', async () => {
    const token = await sign({ sub: 'a', roles: ['user'] }, secret, { alg: 'HS256', expiresIn: 60 })
    const v = createVerifier<{ sub: string; roles: string[] }>(secret, { algorithms: ['HS256'], cache: 10 })
    const first = await v(token)
    expect(() => { first.payload.roles.push('admin') }).toThrow(TypeError)
    expect(() => { (first.payload as { sub: string }).sub = 'root' }).toThrow(TypeError)
    const second = await v(token)
    expect(second.payload.roles).toEqual(['user'])
    expect(second.payload.sub).toBe('a')
  })

  it('failures are never cached, and tokens over 4096 characters are not cached', async () => {
    const token = await sign({ sub: 'a', pad: 'x'.repeat(5000) }, secret, { alg: 'HS256', expiresIn: 60 })
    const v = createVerifier(secret, { algorithms: ['HS256'], cache: 10 })
    const a = await v(token)
    const b = await v(token)
    expect(a).not.toBe(b) // verified twice: no cache entry for a long token
    const bad = token.slice(0, -2) + (token.endsWith('AA') ? 'BA' : 'AA')
    expect(await code(v(bad))).not.toBe('ok')
    expect(await code(v(bad))).not.toBe('ok')
  })

  it('the resolver runs once on every call, hit or not (API.md v3: a hit skips only the signature); an entry lives at most cacheTtl', async () => {
    let now = T0
    let calls = 0
    const token = await sign({ sub: 'a' }, secret, { alg: 'HS256', expiresIn: 3600, now: T0 })
    const v = createVerifier(() => { calls++; return secret }, { algorithms: ['HS256'], cache: 10, cacheTtl: '1m', now: () => now })
    const first = await v(token)
    const second = await v(token)
    expect(second).toBe(first) // a hit: the cached result
    expect(calls).toBe(2)
    now = new Date(T0.getTime() + 61_000)
    expect(await v(token)).not.toBe(first) // past cacheTtl: verified afresh, the resolver's answer reused
    expect(calls).toBe(3)
  })

  it('validates options synchronously', () => {
    expect(() => createVerifier(secret, { cache: -1 })).toThrow(expect.objectContaining({ code: 'ERR_JOSE_INVALID_ARGUMENT' }))
    expect(() => createVerifier(secret, { algorithms: [] })).toThrow(expect.objectContaining({ code: 'ERR_JOSE_INVALID_ARGUMENT' }))
    expect(() => createVerifier(secret, { cacheTtl: 'soon' })).toThrow(expect.objectContaining({ code: 'ERR_JOSE_INVALID_ARGUMENT' }))
  })
})

describe('createVerifier with a remote key set', () => {
  let server: http.Server
  let url = ''
  let served: Jwk[] = []
  let requests = 0
  let a: CryptoKeyPair
  let b: CryptoKeyPair

  beforeAll(async () => {
    a = await generateKeyPair('ES256')
    b = await generateKeyPair('ES256')
    const ja = { ...(await exportJwk(a.publicKey)), kid: 'a' }
    const jb = { ...(await exportJwk(b.publicKey)), kid: 'b' }
    served = [ja, jb]
    server = http.createServer((_req, res) => {
      requests++
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ keys: served }))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('a key removed from the set and reloaded makes the cached token fail', async () => {
    const jwks = createRemoteJwks(url)
    const v = createVerifier(jwks, { cache: 10 })
    const token = await sign({ sub: 'a' }, a.privateKey, { kid: 'a', expiresIn: 600 })
    expect((await v(token)).payload.sub).toBe('a')
    const before = requests
    expect((await v(token)).payload.sub).toBe('a') // a hit: no request
    expect(requests).toBe(before)
    // An identical reload keeps the entry (the key object is kept).
    await jwks.reload()
    expect((await v(token)).payload.sub).toBe('a')
    served = served.filter((k) => k.kid !== 'a')
    await jwks.reload()
    expect(await code(v(token))).toBe('ERR_JWKS_NO_MATCHING_KEY')
  })
})

describe('createSigner keeps what it validated', () => {
  it('changing options.header after creation changes nothing (no unvalidated alg/b64/crit sneaks in)', async () => {
    const header: Record<string, unknown> = { 'x-env': 'prod' }
    const s = createSigner(secret, { alg: 'HS256', header })
    header.b64 = false
    header.crit = ['b64']
    header['x-env'] = 'dev'
    const token = await s({ sub: 'a' })
    const h = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())
    expect(h).toEqual({ alg: 'HS256', typ: 'JWT', 'x-env': 'prod' })
  })
})

describe('createSigner reuses its encoded header', () => {
  it('the header follows the key: another key, or a JWK whose kid changed, gets its own header', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    const jwk: Record<string, unknown> = { ...(await exportJwk(privateKey)), kid: 'k1' }
    const s = createSigner(jwk as never, { expiresIn: 60 })
    const headerOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString())
    expect(headerOf(await s({ n: 1 }))).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' })
    expect(headerOf(await s({ n: 2 }))).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' })
    jwk.kid = 'k2'
    expect(headerOf(await s({ n: 3 }))).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k2' })
    const hs = createSigner(secret, { alg: 'HS384' })
    expect(await code(hs({}))).toBe('ERR_KEY_INVALID') // 32-byte secret is too short for HS384, every call
    expect(await code(hs({}))).toBe('ERR_KEY_INVALID')
  })
})
