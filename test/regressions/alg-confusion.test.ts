/**
 * Algorithm confusion: the attacker chooses the algorithm through the header and the
 * verifier lets the key's text or a JWK without `alg` decide how to use it.
 * Tokens are built by hand and signed with node:crypto.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { verify } from '../../src/index.ts'
import type { Alg, Jwk, KeyInput, KeyResolver } from '../../src/types.ts'
import { NOW, T, asymKeys, cryptoKeyFor, expectCode, forge, type AsymKeys } from '../oracle/helpers.ts'

let rsa: AsymKeys
let p256: AsymKeys
let pkcs1: string

beforeAll(() => {
  rsa = asymKeys('rsa')
  p256 = asymKeys('p256')
  pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string
})

const HEADER_HS = { alg: 'HS256', typ: 'JWT' }
const CLAIMS = { sub: 'admin', iat: T, exp: T + 600 }

/** An HS256 token whose HMAC key is the exact text the verifier holds. */
const hsWithKeyText = (text: string) => forge(HEADER_HS, CLAIMS, { alg: 'HS256', key: text })
const rs256 = (payload: object = CLAIMS) => forge({ alg: 'RS256', typ: 'JWT' }, payload, { alg: 'RS256', key: rsa.privateKey })

const ALGS: Alg[] = ['RS256', 'HS256']

describe('CVE class: RS→HS confusion (the RSA public key text used as an HMAC secret)', () => {
  // Per API.md "String keys": after one leading U+FEFF and ASCII whitespace, a string
  // starting with "-----BEGIN " is a PEM; a PEM RSA key pins nothing and is compatible
  // with RS*/PS* only, so HS256 is not in the allowed set.
  const pemVariants: [string, (pem: string) => string][] = [
    ['(a) the SPKI PEM string', (p) => p],
    ['(b) the PEM with a leading BOM (U+FEFF)', (p) => `\uFEFF${p}`],
    ['(c) the PEM with a leading space', (p) => ` ${p}`],
    ['(d) the PEM with CRLF line ends', (p) => p.replace(/\r?\n/g, '\r\n')],
  ]

  it.each(pemVariants)('%s → ERR_JOSE_ALG_NOT_ALLOWED', async (_name, variant) => {
    const key = variant(rsa.spki)
    const token = hsWithKeyText(key)
    await expectCode(() => verify(token, key, { algorithms: ALGS, now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    // the variant is still the RSA key: a genuine RS256 token verifies with it
    const ok = await verify(rs256(), key, { algorithms: ALGS, now: NOW })
    expect(ok.payload).toEqual(CLAIMS)
    expect(ok.header.alg).toBe('RS256')
  })

  it('(a′) the same through a key resolver returning the PEM', async () => {
    const resolver: KeyResolver = () => rsa.spki
    await expectCode(() => verify(hsWithKeyText(rsa.spki), resolver, { algorithms: ALGS, now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })

  it('(e) text before the -----BEGIN header → ERR_KEY_INVALID', async () => {
    const key = `my key:\n${rsa.spki}`
    await expectCode(() => verify(hsWithKeyText(key), key, { algorithms: ALGS, now: NOW }), 'ERR_KEY_INVALID')
    // not an HMAC secret for genuine HS256 either
    await expectCode(() => verify(rs256(), key, { algorithms: ALGS, now: NOW }), 'ERR_KEY_INVALID')
  })

  it('(e′) a string containing only -----END → ERR_KEY_INVALID', async () => {
    const key = `${'s'.repeat(40)}-----END PUBLIC KEY-----`
    await expectCode(() => verify(hsWithKeyText(key), key, { algorithms: ['HS256'], now: NOW }), 'ERR_KEY_INVALID')
  })

  // API.md v3 (String keys): RSA PUBLIC KEY (PKCS#1) is accepted, wrapped into SPKI: an
  // RSA key like (a), never a secret, so HS256 is outside the allowed set.
  it("(f) a PKCS#1 PEM ('RSA PUBLIC KEY') is an RSA key → ERR_JOSE_ALG_NOT_ALLOWED; RS256 verifies", async () => {
    expect(pkcs1.startsWith('-----BEGIN RSA PUBLIC KEY-----')).toBe(true)
    await expectCode(() => verify(hsWithKeyText(pkcs1), pkcs1, { algorithms: ALGS, now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    expect((await verify(rs256(), pkcs1, { algorithms: ALGS, now: NOW })).payload).toEqual(CLAIMS)
  })

  it('(g) JSON.stringify(publicJwk) as a string → ERR_KEY_INVALID', async () => {
    const key = JSON.stringify(rsa.publicJwk)
    await expectCode(() => verify(hsWithKeyText(key), key, { algorithms: ALGS, now: NOW }), 'ERR_KEY_INVALID')
    const spaced = `  \n${key}`
    await expectCode(() => verify(hsWithKeyText(spaced), spaced, { algorithms: ALGS, now: NOW }), 'ERR_KEY_INVALID')
  })

  it('the public JWK object (with and without alg) → ERR_JOSE_ALG_NOT_ALLOWED', async () => {
    const { alg: _a, ...noAlg } = rsa.publicJwk
    const withAlg: Jwk = { ...noAlg, alg: 'RS256' }
    for (const jwk of [noAlg as Jwk, withAlg]) {
      for (const secretText of [JSON.stringify(jwk), rsa.spki, String(jwk.n)]) {
        const token = hsWithKeyText(secretText)
        await expectCode(() => verify(token, jwk, { algorithms: ALGS, now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
        await expectCode(() => verify(token, jwk, { now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
      }
      expect((await verify(rs256(), jwk, { algorithms: ALGS, now: NOW })).payload).toEqual(CLAIMS)
    }
  })

  it('a CryptoKey (RSASSA-PKCS1-v1_5/SHA-256 public) → ERR_JOSE_ALG_NOT_ALLOWED', async () => {
    const ck = await cryptoKeyFor('RS256', rsa, 'verify', true)
    const token = hsWithKeyText(rsa.spki)
    await expectCode(() => verify(token, ck, { algorithms: ALGS, now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await expectCode(() => verify(token, ck, { now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    expect((await verify(rs256(), ck, { now: NOW })).payload).toEqual(CLAIMS)
  })

  it('a resolver offering the PEM and the JWK as candidates still never runs HMAC', async () => {
    const resolver: KeyResolver = async () => [rsa.spki, rsa.publicJwk as Jwk]
    await expectCode(() => verify(hsWithKeyText(rsa.spki), resolver, { algorithms: ALGS, now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })
})

describe('CVE class: a JWK without alg trusting the header alg', () => {
  it('EC P-256 JWK without alg, token says ES384 → refused', async () => {
    const { alg: _a, ...jwk } = p256.publicJwk
    // an ES384-labelled token signed with the P-256 key (SHA-384, P1363)
    const token = forge({ alg: 'ES384' }, CLAIMS, { alg: 'ES384', key: p256.privateKey })
    await expectCode(() => verify(token, jwk as Jwk, { now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await expectCode(() => verify(token, jwk as Jwk, { algorithms: ['ES384'], now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await expectCode(() => verify(token, jwk as Jwk, { algorithms: ['ES256', 'ES384'], now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    // control: ES256 with the same key verifies without `algorithms` (P-256 pins ES256)
    const good = forge({ alg: 'ES256' }, CLAIMS, { alg: 'ES256', key: p256.privateKey })
    expect((await verify(good, jwk as Jwk, { now: NOW })).payload).toEqual(CLAIMS)
  })

  it('RSA JWK without alg and no `algorithms` → ERR_JOSE_ALG_NOT_ALLOWED even for a valid RS256 token', async () => {
    const { alg: _a, ...jwk } = rsa.publicJwk
    const token = rs256()
    await expectCode(() => verify(token, jwk as Jwk, { now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    const viaResolver: KeyResolver = () => jwk as Jwk
    await expectCode(() => verify(token, viaResolver, { now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    // control: the caller's policy makes it verify
    expect((await verify(token, jwk as Jwk, { algorithms: ['RS256'], now: NOW })).payload).toEqual(CLAIMS)
  })

  it("RSA JWK without alg, algorithms ['RS256'], header PS256 (valid PSS signature) → refused", async () => {
    const { alg: _a, ...jwk } = rsa.publicJwk
    const token = forge({ alg: 'PS256' }, CLAIMS, { alg: 'PS256', key: rsa.privateKey })
    await expectCode(() => verify(token, jwk as Jwk, { algorithms: ['RS256'], now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    // and through a resolver: refused before the resolver is asked
    let calls = 0
    const resolver: KeyResolver = () => {
      calls++
      return jwk as Jwk
    }
    await expectCode(() => verify(token, resolver, { algorithms: ['RS256'], now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    expect(calls).toBe(0)
    // control: PS256 listed → verifies
    expect((await verify(token, jwk as Jwk, { algorithms: ['PS256'], now: NOW })).payload).toEqual(CLAIMS)
  })

  it('RSA JWK with alg RS256 and a PS256 token listed in algorithms → refused (the JWK pins RS256)', async () => {
    const jwk: Jwk = { ...rsa.publicJwk, alg: 'RS256' }
    const token = forge({ alg: 'PS256' }, CLAIMS, { alg: 'PS256', key: rsa.privateKey })
    await expectCode(() => verify(token, jwk, { algorithms: ['RS256', 'PS256'], now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })

  it('oct JWK without alg and no `algorithms` → ERR_JOSE_ALG_NOT_ALLOWED', async () => {
    const secret = new Uint8Array(32).fill(9)
    const jwk: Jwk = { kty: 'oct', k: Buffer.from(secret).toString('base64url') }
    const token = forge(HEADER_HS, CLAIMS, { alg: 'HS256', key: secret })
    await expectCode(() => verify(token, jwk, { now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    expect((await verify(token, jwk as KeyInput, { algorithms: ['HS256'], now: NOW })).payload).toEqual(CLAIMS)
  })
})
