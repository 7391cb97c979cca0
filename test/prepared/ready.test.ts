// Creation-time key checks and ready() (API.md, Prepared signers and verifiers; issue 15).
import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  createLocalJwks, createRemoteJwks, createSigner, createVerifier, exportJwk, generateKeyPair, generateSecret, sign, type Jwk,
} from '../../src/index.ts'

const secret = generateSecret('HS256')
const throwsCode = (f: () => unknown, code: string): void => {
  expect(f).toThrow(expect.objectContaining({ name: 'JoseError', code }))
}

describe('a malformed key given directly throws at creation', () => {
  const bad: [string, unknown, string?][] = [
    ['a PEM with a broken body', '-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----'],
    ['an unsupported PEM label', '-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----'],
    ['a JWK without its members', { kty: 'EC', crv: 'P-256' }],
    ['a JWK of an unknown kty', { kty: 'XYZ' }, 'ERR_JOSE_NOT_SUPPORTED'],
    ['a short HMAC secret', new Uint8Array(8)],
    ['an empty string', ''],
    ['key text as a secret (JSON)', '{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}'],
    ['not a key at all', 42],
  ]
  for (const [name, key, code = 'ERR_KEY_INVALID'] of bad) {
    it(name, () => {
      throwsCode(() => createVerifier(key as never, { algorithms: ['ES256', 'HS256'] }), code)
      throwsCode(() => createSigner(key as never, { alg: 'HS256' }), code)
    })
  }

  it('a resolver is not called at creation', () => {
    let calls = 0
    createVerifier(() => (calls++, undefined))
    expect(calls).toBe(0)
  })
})

describe('ready()', () => {
  it('resolves for good keys, and the calls use what it imported', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const pub = publicKey.export({ format: 'jwk' }) as Jwk
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string
    const signES = createSigner(pem, { alg: 'ES256' })
    const verifyES = createVerifier(pub)
    await expect(signES.ready()).resolves.toBeUndefined()
    await expect(verifyES.ready()).resolves.toBeUndefined()
    expect((await verifyES(await signES({ sub: 'u' }))).payload.sub).toBe('u')
    const signHS = createSigner(secret, { alg: 'HS256' })
    await expect(signHS.ready()).resolves.toBeUndefined()
    await expect(createVerifier(secret, { algorithms: ['HS256'] }).ready()).resolves.toBeUndefined()
    // every algorithm the options allow: a 32-byte secret cannot verify HS384, found at startup
    await expect(createVerifier(secret, { algorithms: ['HS256', 'HS384'] }).ready()).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' })
  })

  it('rejects with the import error for a key the runtime cannot import', async () => {
    // Well-formed members (right lengths), but not a point on P-256: only the import can tell.
    const offCurve: Jwk = { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(42) + 'E' }
    const v = createVerifier(offCurve)
    await expect(v.ready()).rejects.toMatchObject({ name: 'JoseError', code: 'ERR_KEY_INVALID' })
    // and rejects again on the next call (a failed import is not remembered)
    await expect(v.ready()).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' })
  })

  it('rejects when the key fits no algorithm the options allow, or cannot sign', async () => {
    await expect(createSigner(secret, { alg: 'RS256' }).ready()).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' })
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }) as string
    await expect(createVerifier(pem).ready()).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' })
    await expect(createVerifier(pem, { algorithms: ['RS256', 'PS256'] }).ready()).resolves.toBeUndefined()
    await expect(createSigner(pem, { alg: 'RS256' }).ready()).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' })
  })

  it('loads a remote set once (an injected fetch), and the verification then fetches nothing', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256')
    const jwk = { ...(await exportJwk(publicKey)), kid: 'k1' }
    let fetches = 0
    const fetch = async (): Promise<Response> => {
      fetches++
      return new Response(JSON.stringify({ keys: [jwk] }), { headers: { 'content-type': 'application/json' } })
    }
    const v = createVerifier(createRemoteJwks('https://id.example/jwks', { fetch }), { algorithms: ['ES256'] })
    expect(fetches).toBe(0)
    await v.ready()
    expect(fetches).toBe(1)
    await v.ready()
    expect((await v(await sign({ sub: 'u' }, privateKey, { alg: 'ES256', kid: 'k1' }))).payload.sub).toBe('u')
    expect(fetches).toBe(1)
  })

  it('rejects when the remote set cannot be fetched', async () => {
    const fetch = async (): Promise<Response> => new Response('nope', { status: 500 })
    const v = createVerifier(createRemoteJwks('https://id.example/jwks', { fetch }), { algorithms: ['ES256'] })
    await expect(v.ready()).rejects.toMatchObject({ code: 'ERR_JWKS_FETCH_FAILED' })
  })

  it('is ready at once for a local set and a plain resolver', async () => {
    const { publicKey } = await generateKeyPair('ES256')
    const local = createLocalJwks({ keys: [{ ...(await exportJwk(publicKey)), kid: 'k' }] })
    await expect(createVerifier(local).ready()).resolves.toBeUndefined()
    let calls = 0
    await expect(createVerifier(() => (calls++, undefined)).ready()).resolves.toBeUndefined()
    expect(calls).toBe(0)
  })

  it('is typed on the returned functions', () => {
    expectTypeOf(createVerifier(secret, { algorithms: ['HS256'] }).ready).toEqualTypeOf<() => Promise<void>>()
    expectTypeOf(createSigner(secret, { alg: 'HS256' }).ready).toEqualTypeOf<() => Promise<void>>()
  })
})
