/**
 * Weak keys: HMAC secrets shorter than the hash output (RFC 7518 §3.2) and RSA moduli
 * under 2048 bits (RFC 7518 §3.3) are ERR_KEY_INVALID on sign and on verify, however
 * they arrive.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { importKey, sign, signJws, verify, verifyJws } from '../../src/index.ts'
import type { Alg, Jwk, KeyInput, KeyResolver } from '../../src/types.ts'
import { NOW, T, asymKeys, cryptoKeyFor, expectCode, forge, type AsymKeys } from '../oracle/helpers.ts'

const CLAIMS = { sub: 'u', iat: T, exp: T + 600 }

/** [label, key as given to isojwt, the bytes node:crypto signs with, alg] */
const shortHmac: [string, Uint8Array | string, Uint8Array, Alg][] = [
  ['empty Uint8Array', new Uint8Array(0), new Uint8Array(0), 'HS256'],
  ['1-byte Uint8Array', new Uint8Array([7]), new Uint8Array([7]), 'HS256'],
  ["empty string ''", '', new Uint8Array(0), 'HS256'],
  ["1-byte string 'k'", 'k', new TextEncoder().encode('k'), 'HS256'],
  ['31-byte Uint8Array for HS256', new Uint8Array(31).fill(1), new Uint8Array(31).fill(1), 'HS256'],
  ['31-byte string for HS256', 'a'.repeat(31), new TextEncoder().encode('a'.repeat(31)), 'HS256'],
  ['47-byte Uint8Array for HS384', new Uint8Array(47).fill(1), new Uint8Array(47).fill(1), 'HS384'],
  ['63-byte Uint8Array for HS512', new Uint8Array(63).fill(1), new Uint8Array(63).fill(1), 'HS512'],
  ['32-byte Uint8Array for HS512', new Uint8Array(32).fill(1), new Uint8Array(32).fill(1), 'HS512'],
  // a string whose UTF-8 is shorter than 32 bytes counts bytes, not characters: 16 × 'é' = 32 bytes is fine,
  // 15 × 'é' + 'a' = 31 bytes is not
  ['31 UTF-8 bytes as a string', `${'é'.repeat(15)}a`, new TextEncoder().encode(`${'é'.repeat(15)}a`), 'HS256'],
]

describe('CVE class: weak HMAC secrets accepted', () => {
  it.each(shortHmac)('%s → ERR_KEY_INVALID on sign', async (_l, key, _b, alg) => {
    await expectCode(() => sign({ a: 1 }, key, { alg }), 'ERR_KEY_INVALID')
    await expectCode(() => signJws('payload', key, { alg }), 'ERR_KEY_INVALID')
    await expectCode(() => importKey(key, alg), 'ERR_KEY_INVALID')
  })

  it.each(shortHmac)('%s → ERR_KEY_INVALID on verify (direct, sync and async resolver)', async (_l, key, bytes, alg) => {
    const token = forge({ alg }, CLAIMS, { alg, key: bytes })
    const opts = { algorithms: [alg], now: NOW }
    await expectCode(() => verify(token, key, opts), 'ERR_KEY_INVALID')
    await expectCode(() => verify(token, () => key, opts), 'ERR_KEY_INVALID')
    const asyncResolver: KeyResolver = async () => key
    await expectCode(() => verify(token, asyncResolver, opts), 'ERR_KEY_INVALID')
    await expectCode(() => verifyJws(token, asyncResolver, { algorithms: [alg] }), 'ERR_KEY_INVALID')
  })

  it('short oct JWKs are refused too', async () => {
    const jwk: Jwk = { kty: 'oct', k: Buffer.alloc(16, 1).toString('base64url'), alg: 'HS256' }
    const token = forge({ alg: 'HS256' }, CLAIMS, { alg: 'HS256', key: Buffer.alloc(16, 1) })
    await expectCode(() => verify(token, jwk, { now: NOW }), 'ERR_KEY_INVALID')
    await expectCode(() => sign({ a: 1 }, jwk), 'ERR_KEY_INVALID')
    const empty: Jwk = { kty: 'oct', k: '' }
    await expectCode(() => verify(token, empty, { algorithms: ['HS256'], now: NOW }), 'ERR_KEY_INVALID')
  })

  it('short HMAC CryptoKeys are refused too', async () => {
    const ck = await crypto.subtle.importKey('raw', new Uint8Array(16).fill(1), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ])
    const token = forge({ alg: 'HS256' }, CLAIMS, { alg: 'HS256', key: new Uint8Array(16).fill(1) })
    await expectCode(() => verify(token, ck, { now: NOW }), 'ERR_KEY_INVALID')
    await expectCode(() => sign({ a: 1 }, ck), 'ERR_KEY_INVALID')
  })

  it('controls: exactly the minimum length works (bytes and string)', async () => {
    for (const [alg, n] of [['HS256', 32], ['HS384', 48], ['HS512', 64]] as const) {
      const bytes = new Uint8Array(n).fill(5)
      const token = await sign({ a: 1 }, bytes, { alg, issuedAt: false })
      expect((await verify(token, bytes, { algorithms: [alg] })).payload).toEqual({ a: 1 })
      const str = 'z'.repeat(n)
      expect((await verify(await sign({ a: 1 }, str, { alg }), str, { algorithms: [alg] })).payload).toHaveProperty('a', 1)
    }
    const utf = 'é'.repeat(16) // 32 UTF-8 bytes
    expect((await verify(await sign({ a: 1 }, utf, { alg: 'HS256' }), utf, { algorithms: ['HS256'] })).payload).toHaveProperty('a', 1)
  })
})

describe('CVE class: RSA keys under 2048 bits accepted', () => {
  let rsa1024: AsymKeys
  beforeAll(() => {
    rsa1024 = asymKeys('rsa', 1024)
  })

  it.each(['RS256', 'PS256', 'RS512'] as Alg[])('%s: PEM, JWK (with and without alg) and CryptoKey → ERR_KEY_INVALID on sign', async (alg) => {
    const ck = await cryptoKeyFor(alg, rsa1024, 'sign')
    const { alg: _a, ...noAlg } = rsa1024.privateJwk
    const keys: KeyInput[] = [rsa1024.pkcs8, noAlg as Jwk, { ...noAlg, alg } as Jwk, ck]
    for (const key of keys) {
      await expectCode(() => sign({ a: 1 }, key, { alg }), 'ERR_KEY_INVALID')
      await expectCode(() => signJws('x', key, { alg }), 'ERR_KEY_INVALID')
    }
    await expectCode(() => importKey(rsa1024.pkcs8, alg), 'ERR_KEY_INVALID')
  })

  it.each(['RS256', 'PS256', 'RS512'] as Alg[])('%s: PEM, JWK (with and without alg) and CryptoKey → ERR_KEY_INVALID on verify', async (alg) => {
    const token = forge({ alg }, CLAIMS, { alg, key: rsa1024.privateKey })
    const ck = await cryptoKeyFor(alg, rsa1024, 'verify')
    const { alg: _a, ...noAlg } = rsa1024.publicJwk
    const keys: KeyInput[] = [rsa1024.spki, noAlg as Jwk, { ...noAlg, alg } as Jwk, ck]
    for (const key of keys) {
      await expectCode(() => verify(token, key, { algorithms: [alg], now: NOW }), 'ERR_KEY_INVALID')
      await expectCode(() => verify(token, async () => key, { algorithms: [alg], now: NOW }), 'ERR_KEY_INVALID')
      await expectCode(() => verifyJws(token, key, { algorithms: [alg] }), 'ERR_KEY_INVALID')
    }
    await expectCode(() => importKey(rsa1024.spki, alg), 'ERR_KEY_INVALID')
  })
})
