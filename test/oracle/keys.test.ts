/**
 * Key utilities against jose: RFC 7638 thumbprints, exportJwk output that jose can
 * import, and keys from generateKeyPair / generateSecret / importKey used across both
 * libraries.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as jose from 'jose'
import { exportJwk, generateKeyPair, generateSecret, importKey, sign, thumbprint, verify } from '../../src/index.ts'
import type { Alg } from '../../src/types.ts'
import { ALL_ALGS, HS_ALGS, NOW, T, algInfo, allAsymKeys, type KeySet } from './helpers.ts'

let keys: KeySet

beforeAll(() => {
  keys = allAsymKeys()
})

const ASYM_ALGS = ALL_ALGS.filter((a) => algInfo(a).family !== 'HS')

describe('thumbprint agrees with jose.calculateJwkThumbprint', () => {
  it.each(['rsa', 'p256', 'p384', 'p521', 'ed25519'] as const)('%s public and private JWK', async (kind) => {
    for (const jwk of [keys[kind].publicJwk, keys[kind].privateJwk, { ...keys[kind].publicJwk, kid: 'x', alg: 'whatever', use: 'sig' }]) {
      for (const digest of ['sha256', 'sha384', 'sha512'] as const) {
        const mine = await thumbprint(jwk, `SHA-${digest.slice(3)}` as 'SHA-256')
        expect(mine).toBe(await jose.calculateJwkThumbprint(jwk as jose.JWK, digest))
      }
      expect(await thumbprint(jwk)).toBe(await jose.calculateJwkThumbprint(jwk as jose.JWK))
    }
  })
  it('oct JWK', async () => {
    const jwk = { kty: 'oct', k: Buffer.from(generateSecret('HS256')).toString('base64url') }
    expect(await thumbprint(jwk)).toBe(await jose.calculateJwkThumbprint(jwk))
  })
})

describe('generateKeyPair → exportJwk → jose', () => {
  it.each(ASYM_ALGS)('%s: isojwt-generated key, token verified by jose with the exported public JWK', async (alg) => {
    const pair = await generateKeyPair(alg, { extractable: true })
    const pub = await exportJwk(pair.publicKey)
    expect(pub.d).toBeUndefined()
    const priv = await exportJwk(pair.privateKey)
    expect(await thumbprint(pub)).toBe(await jose.calculateJwkThumbprint(priv as jose.JWK))

    const token = await sign({ sub: 'k' }, pair.privateKey, { alg, now: NOW })
    const res = await jose.jwtVerify(token, await jose.importJWK(pub as jose.JWK, alg), { currentDate: NOW })
    expect(res.payload).toEqual({ sub: 'k', iat: T })

    // and the other way: jose signs with the exported private JWK, isojwt verifies with the CryptoKey
    const back = await new jose.SignJWT({ n: 2 }).setProtectedHeader({ alg }).sign(await jose.importJWK(priv as jose.JWK, alg))
    expect((await verify(back, pair.publicKey, { now: NOW })).payload).toEqual({ n: 2 })
  })

  it.each(HS_ALGS)('%s: generateSecret has the minimum length and round-trips with jose', async (alg: Alg) => {
    const s = generateSecret(alg as 'HS256')
    expect(s).toBeInstanceOf(Uint8Array)
    expect(s.length).toBeGreaterThanOrEqual(algInfo(alg).bits / 8)
    expect(generateSecret(alg as 'HS256')).not.toEqual(s)
    const token = await sign({ a: 1 }, s, { alg, issuedAt: false })
    expect((await jose.jwtVerify(token, s, { algorithms: [alg] })).payload).toEqual({ a: 1 })
  })
})

describe('importKey produces CryptoKeys jose accepts', () => {
  it.each(ASYM_ALGS)('%s from SPKI and PKCS#8 PEM', async (alg) => {
    const k = keys[algInfo(alg).kind as keyof KeySet]
    const pub = await importKey(k.spki, alg)
    const priv = await importKey(k.pkcs8, alg)
    expect(pub.type).toBe('public')
    expect(priv.type).toBe('private')
    const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg }).sign(priv)
    expect((await jose.jwtVerify(token, pub)).payload).toEqual({ a: 1 })
    const token2 = await sign({ a: 2 }, priv, { alg, issuedAt: false })
    expect((await jose.jwtVerify(token2, k.publicKey)).payload).toEqual({ a: 2 })
  })

  it.each(ASYM_ALGS)('%s exportJwk of an imported public key equals node:crypto JWK members', async (alg) => {
    const k = keys[algInfo(alg).kind as keyof KeySet]
    const pub = await importKey(k.spki, alg, { extractable: true })
    const jwk = await exportJwk(pub)
    for (const member of ['kty', 'crv', 'x', 'y', 'n', 'e']) {
      expect(jwk[member]).toEqual(k.publicJwk[member])
    }
  })
})
