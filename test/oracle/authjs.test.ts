/**
 * Auth.js session cookies (issue 17; @auth/core, dev dependency): docs/jwe.md's
 * `authjsSessionKey`, taken from the Markdown as written, derives the key Auth.js derives,
 * so that a session made by `@auth/core/jwt`'s `encode` opens with `decryptJwt`, and one
 * made by `encryptJwt` opens with its `decode`. The key is also checked against
 * node:crypto's HKDF, and Auth.js's `kid` (the SHA-512 JWK thumbprint of the key) against
 * isojwt's `thumbprint`.
 */
import { hkdfSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decode as authDecode, encode as authEncode } from '@auth/core/jwt'
import { transformSync } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { decryptJwt, encryptJwt, thumbprint, type KeyResolver } from '../../src/index.ts'
import { codeOf } from '../support/errors.ts'
import { b64u } from '../support/base64url.ts'

const GUIDE = readFileSync(join(import.meta.dirname, '../../docs/jwe.md'), 'utf8')
/** The guide's `authjsSessionKey`, as written (its `ts` block), transpiled. */
const authjsSessionKey = (() => {
  const block = [...GUIDE.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!).find((b) => b.includes('function authjsSessionKey'))
  const fn = block && /^export async function authjsSessionKey[\s\S]*?^}$/m.exec(block)?.[0]
  if (!fn) throw new Error('docs/jwe.md has no authjsSessionKey')
  const js = transformSync(fn.replace(/^export /, ''), { loader: 'ts' }).code
  return new Function(`${js}\nreturn authjsSessionKey`)() as (secret: string, cookieName?: string) => Promise<Uint8Array>
})()

const SECRET = 'a-long-random-AUTH_SECRET-value-for-tests-0123456789'
const COOKIE = 'authjs.session-token'
const options = { algorithms: ['dir' as const], encryptions: ['A256CBC-HS512' as const], clockTolerance: 15 }

describe('the documented key derivation', () => {
  it('is HKDF-SHA256(secret, salt = cookie name, info = "Auth.js Generated Encryption Key (<name>)"), 64 bytes', async () => {
    for (const name of [COOKIE, '__Secure-authjs.session-token']) {
      const key = await authjsSessionKey(SECRET, name)
      const expected = new Uint8Array(hkdfSync('sha256', SECRET, name, `Auth.js Generated Encryption Key (${name})`, 64))
      expect(key).toEqual(expected)
    }
    expect(await authjsSessionKey(SECRET)).toEqual(await authjsSessionKey(SECRET, COOKIE))
  })
})

describe('Auth.js → isojwt', () => {
  it("a session from @auth/core's encode opens with decryptJwt and the documented key", async () => {
    const token = { name: 'Ada', email: 'ada@example.com', picture: null, sub: 'user-42' }
    for (const salt of [COOKIE, '__Secure-authjs.session-token']) {
      const jwe = await authEncode({ token, secret: SECRET, salt })
      const key = await authjsSessionKey(SECRET, salt)
      const { header, payload } = await decryptJwt(jwe, key, options)
      expect(payload).toMatchObject(token)
      expect(typeof payload.jti).toBe('string')
      expect(payload.exp! - payload.iat!).toBe(30 * 24 * 60 * 60)
      expect(header).toEqual({ alg: 'dir', enc: 'A256CBC-HS512', kid: await thumbprint({ kty: 'oct', k: b64u(key) }, 'SHA-512') })
    }
  })

  it('the wrong secret or the wrong cookie name is the one decryption failure; an expired session is ERR_JWT_EXPIRED', async () => {
    const jwe = await authEncode({ token: { sub: 'x' }, secret: SECRET, salt: COOKIE })
    expect(await codeOf(decryptJwt(jwe, await authjsSessionKey('another secret'), options))).toBe('ERR_JWE_DECRYPTION_FAILED')
    expect(await codeOf(decryptJwt(jwe, await authjsSessionKey(SECRET, '__Secure-authjs.session-token'), options))).toBe('ERR_JWE_DECRYPTION_FAILED')
    const old = await authEncode({ token: { sub: 'x' }, secret: SECRET, salt: COOKIE, maxAge: 1 })
    const later = new Date(Date.now() + 60_000)
    expect(await codeOf(decryptJwt(old, await authjsSessionKey(SECRET), { ...options, now: later }))).toBe('ERR_JWT_EXPIRED')
  })

  it('rotation: a resolver with the keys of several secrets opens sessions made with either', async () => {
    const secrets = ['the new secret, long enough', SECRET]
    const resolver: KeyResolver = () => Promise.all(secrets.map((s) => authjsSessionKey(s)))
    for (const secret of secrets) {
      const jwe = await authEncode({ token: { sub: secret.length.toString() }, secret, salt: COOKIE })
      expect((await decryptJwt(jwe, resolver, options)).payload.sub).toBe(secret.length.toString())
    }
  })
})

describe('isojwt → Auth.js', () => {
  it("a session from encryptJwt (no kid) opens with @auth/core's decode", async () => {
    const key = await authjsSessionKey(SECRET)
    const jwe = await encryptJwt({ sub: 'user-7', name: 'Grace' }, key, { alg: 'dir', enc: 'A256CBC-HS512', expiresIn: '30d', jwtId: crypto.randomUUID() })
    const payload = await authDecode({ token: jwe, secret: SECRET, salt: COOKIE })
    expect(payload).toMatchObject({ sub: 'user-7', name: 'Grace' })
    expect(typeof payload?.exp).toBe('number')
    // With the kid Auth.js writes, too; and another secret does not open it.
    const withKid = await encryptJwt({ sub: 'k' }, key, { alg: 'dir', enc: 'A256CBC-HS512', kid: await thumbprint({ kty: 'oct', k: b64u(key) }, 'SHA-512'), expiresIn: 60 })
    expect((await authDecode({ token: withKid, secret: SECRET, salt: COOKIE }))?.sub).toBe('k')
    await expect(authDecode({ token: jwe, secret: 'another secret', salt: COOKIE })).rejects.toThrow()
  })
})
