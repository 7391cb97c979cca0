/**
 * Issue 12, hardening 2: weak keys refused in every form (API.md, String keys).
 * - RSA: the public exponent must be odd and ≥ 3 (RFC 8017 §3.1). With e = 1 every
 *   PKCS#1 v1.5 encoded message is its own signature: anyone forges RS256 tokens.
 * - Ed25519: a public key of small order (the eight points of order dividing 8, and
 *   their non-canonical encodings) verifies forged signatures; the identity point
 *   accepts R = identity, S = 0 for every message.
 * Each attack is first shown to work against crypto.subtle and node:crypto directly,
 * then isojwt refuses the key: JWK, PEM (SPKI, PKCS#8, PKCS#1), certificate, CryptoKey.
 */
import { createHash, createPublicKey, generateKeyPairSync, verify as nodeVerify } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { createVerifier, importKey, sign, verify } from '../../src/index.ts'
import type { Alg, Jwk, KeyInput } from '../../src/types.ts'
import { NOW, T, asymKeys, expectCode, forge, signingInput, type AsymKeys } from '../oracle/helpers.ts'
import { certificateOf, der, ed25519Spki, modulusOf, pemBody, pemOf, rsaSpki } from './key-der.ts'
import { b64u } from '../support/base64url.ts'

const CLAIMS = { sub: 'admin', iat: T, exp: T + 600 }
const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'))
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts))

let rsa: AsymKeys
beforeAll(() => {
  rsa = asymKeys('rsa')
})

// ─────────────────────────────── RSA exponent ───────────────────────────────

/** RFC 8017 §9.2 EMSA-PKCS1-v1_5 for SHA-256, k = 256 bytes: 00 01 FF…FF 00 DigestInfo H. */
function emsaPkcs1(input: string): Uint8Array {
  const t = concat(hex('3031300d060960864801650304020105000420'), createHash('sha256').update(input).digest())
  return concat(hex('0001'), new Uint8Array(256 - 3 - t.length).fill(0xff), hex('00'), t)
}

/** A PKCS#8 RSA private key (DER) from JWK members, with the exponent replaced. */
function rsaPkcs8(jwk: Jwk, e: Uint8Array): Uint8Array {
  const int = (v: Uint8Array) => der(0x02, ...(v[0]! & 0x80 ? [hex('00')] : []), v)
  const m = (name: string) => int(new Uint8Array(Buffer.from(jwk[name] as string, 'base64url')))
  const pkcs1 = der(0x30, hex('020100'), m('n'), int(e), m('d'), m('p'), m('q'), m('dp'), m('dq'), m('qi'))
  return der(0x30, hex('020100'), der(0x30, hex('06092a864886f70d0101010500')), der(0x04, pkcs1))
}

/** Every form a public key with modulus `n` and exponent `e` can take, as isojwt inputs. */
async function rsaForms(n: Uint8Array, e: Uint8Array): Promise<Array<[string, KeyInput]>> {
  const spki = rsaSpki(n, e)
  const forms: Array<[string, KeyInput]> = [
    ['SPKI PEM', pemOf('PUBLIC KEY', spki)],
    ['PKCS#1 RSA PUBLIC KEY PEM', pemOf('RSA PUBLIC KEY', spki.subarray(24))],
    ['certificate PEM', pemOf('CERTIFICATE', certificateOf(spki))],
    ['JWK', { kty: 'RSA', n: b64u(n), e: b64u(e) }],
    ['JWK with alg', { kty: 'RSA', n: b64u(n), e: b64u(e), alg: 'RS256' }],
  ]
  try {
    const params = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
    forms.push(['CryptoKey', await crypto.subtle.importKey('spki', spki as BufferSource, params, true, ['verify'])])
  } catch {
    // This runtime's importer refuses the key itself: nothing for isojwt to refuse.
  }
  return forms
}

describe('hardening 2: weak keys (RSA public exponent, RFC 8017 §3.1)', () => {
  it('the attack: an SPKI with e = 1 and a real 2048-bit modulus verifies a forged RS256 token in crypto.subtle and node:crypto', async () => {
    const n = modulusOf(rsa.spki)
    expect(n.length).toBe(256)
    const spki = rsaSpki(n, hex('01'))
    const input = signingInput({ alg: 'RS256', typ: 'JWT' }, CLAIMS)
    const forged = emsaPkcs1(input) // s = EM: s^1 mod n = EM
    const key = await crypto.subtle.importKey('spki', spki as BufferSource, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify'])
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, forged as BufferSource, new TextEncoder().encode(input))).toBe(true)
    expect(nodeVerify('sha256', Buffer.from(input), createPublicKey(pemOf('PUBLIC KEY', spki)), forged)).toBe(true)
  })

  it('isojwt refuses e = 1 in every form: ERR_KEY_INVALID before the forged signature is looked at', async () => {
    const n = modulusOf(rsa.spki)
    const token = `${signingInput({ alg: 'RS256', typ: 'JWT' }, CLAIMS)}.${b64u(emsaPkcs1(signingInput({ alg: 'RS256', typ: 'JWT' }, CLAIMS)))}`
    const forms = await rsaForms(n, hex('01'))
    expect(forms.map(([name]) => name)).toContain('CryptoKey')
    for (const [name, key] of forms) {
      const o = { algorithms: ['RS256'] as Alg[], now: NOW }
      const e = await expectCode(() => verify(token, key, o), 'ERR_KEY_INVALID')
      expect(e.message, name).toMatch(/exponent must be odd and ≥ 3/)
      await expectCode(() => verify(token, async () => key, o), 'ERR_KEY_INVALID')
      await expectCode(() => createVerifier(key, o)(token), 'ERR_KEY_INVALID')
      if (typeof key === 'string') await expectCode(() => importKey(key, 'RS256'), 'ERR_KEY_INVALID')
    }
  })

  const exponents: Array<[string, string]> = [['0 (empty)', ''], ['0', '00'], ['1 with a leading zero', '0001'], ['2', '02'], ['4', '04'], ['65536', '010000'], ['65538', '010002']]
  it.each(exponents)('e = %s is ERR_KEY_INVALID in every form (public keys)', async (_name, e) => {
    const token = forge({ alg: 'RS256' }, CLAIMS, { alg: 'RS256', key: rsa.privateKey })
    for (const [name, key] of await rsaForms(modulusOf(rsa.spki), hex(e))) {
      // An empty INTEGER is malformed DER rather than a weak exponent: ERR_KEY_INVALID either way.
      const err = await expectCode(() => verify(token, key, { algorithms: ['RS256'], now: NOW }), 'ERR_KEY_INVALID')
      if (e !== '' || !name.includes('PEM')) expect(err.message, name).toMatch(/exponent|JWK "e"/)
    }
  })

  it('private keys too: PKCS#8 (its publicExponent), PKCS#1 RSA PRIVATE KEY, JWK, CryptoKey with e = 1 or even', async () => {
    const priv = rsa.privateJwk
    for (const e of ['01', '02', '010000']) {
      const pkcs8 = rsaPkcs8(priv, hex(e))
      const keys: Array<[string, KeyInput]> = [
        ['PKCS#8 PEM', pemOf('PRIVATE KEY', pkcs8)],
        ['PKCS#1 PEM', pemOf('RSA PRIVATE KEY', pkcs8.subarray(26))],
        ['JWK', { ...priv, e: b64u(hex(e)) }],
      ]
      try {
        keys.push(['CryptoKey', await crypto.subtle.importKey('pkcs8', pkcs8 as BufferSource, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign'])])
      } catch {
        // refused by the runtime's own importer
      }
      for (const [name, key] of keys) {
        const err = await expectCode(() => sign({ sub: 'a' }, key, { alg: 'PS256' }), 'ERR_KEY_INVALID')
        expect(err.message, `${name}, e = ${e}`).toMatch(/exponent must be odd and ≥ 3/)
      }
    }
  })

  it('controls: e = 3 and e = 65537 are fine (odd, ≥ 3)', async () => {
    const three = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 })
    const token = forge({ alg: 'RS256' }, CLAIMS, { alg: 'RS256', key: three.privateKey })
    const spki = three.publicKey.export({ type: 'spki', format: 'pem' }) as string
    expect((await verify(token, spki, { algorithms: ['RS256'], now: NOW })).payload.sub).toBe('admin')
    expect((await verify(token, three.publicKey.export({ format: 'jwk' }) as Jwk, { algorithms: ['RS256'], now: NOW })).payload.sub).toBe('admin')
    const signed = await sign({ sub: 'a' }, three.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { alg: 'RS256' })
    expect((await verify(signed, spki, { algorithms: ['RS256'] })).payload.sub).toBe('a')
    const usual = forge({ alg: 'RS256' }, CLAIMS, { alg: 'RS256', key: rsa.privateKey })
    for (const [name, key] of await rsaForms(modulusOf(rsa.spki), hex('010001'))) {
      expect((await verify(usual, key, { algorithms: ['RS256'], now: NOW })).payload.sub, name).toBe('admin')
    }
  })
})

// ─────────────────────────────── Ed25519 small order ───────────────────────────────
// Edwards25519 arithmetic (RFC 8032 §5.1), in the test only, to compute the small-order
// set rather than trust a literal.

const P = 2n ** 255n - 19n
const mod = (a: bigint): bigint => ((a % P) + P) % P
function pow(b: bigint, e: bigint): bigint {
  let r = 1n
  for (b = mod(b); e > 0n; e >>= 1n, b = mod(b * b)) if (e & 1n) r = mod(r * b)
  return r
}
const inv = (a: bigint): bigint => pow(a, P - 2n)
const D = mod(-121665n * inv(121666n))
const SQRT_M1 = pow(2n, (P - 1n) / 4n)
type Point = readonly [bigint, bigint]
const IDENTITY: Point = [0n, 1n]

function add([x1, y1]: Point, [x2, y2]: Point): Point {
  const t = mod(D * x1 * x2 * y1 * y2)
  return [mod((x1 * y2 + x2 * y1) * inv(1n + t)), mod((y1 * y2 + x1 * x2) * inv(1n - t))]
}
const times = (pt: Point, k: number): Point => Array.from({ length: k - 1 }).reduce<Point>((acc) => add(acc, pt), pt)

const littleEndian = (v: bigint): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * i)) & 255n))
const yOf = (enc: Uint8Array): bigint => enc.reduceRight((acc, b, i) => (acc << 8n) | BigInt(i === 31 ? b & 0x7f : b), 0n)
/** An encoding with y given as an integer (possibly ≥ p) and the sign bit. */
const encoding = (y: bigint, sign: number): Uint8Array => {
  const out = littleEndian(y)
  out[31] = out[31]! | (sign << 7)
  return out
}
const encode = ([x, y]: Point): Uint8Array => encoding(y, Number(x & 1n))

/** RFC 8032 §5.1.3 decoding: the point, or undefined when the encoding is invalid. */
function decode(enc: Uint8Array): Point | undefined {
  const y = yOf(enc)
  const sign = enc[31]! >> 7
  if (y >= P) return undefined
  const u = mod(y * y - 1n)
  const v = mod(D * y * y + 1n)
  let x = mod(u * pow(v, 3n) * pow(u * pow(v, 7n), (P - 5n) / 8n))
  if (mod(v * x * x) !== u) x = mod(x * SQRT_M1)
  if (mod(v * x * x) !== u) return undefined
  if (x === 0n && sign === 1) return undefined
  return [Number(x & 1n) === sign ? x : mod(-x), y]
}

const Y8_ENCODING = 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'
const Y8 = yOf(hex(Y8_ENCODING))
/** Every y the set can have, and the two non-canonical ones the issue names (y = p, p + 1). */
const SMALL_Y = [0n, 1n, P - 1n, Y8, P - Y8]
const NON_CANONICAL_Y = [P, P + 1n, 2n ** 255n - 1n]
const WEAK: Array<[string, Uint8Array]> = [
  ...SMALL_Y.flatMap((y) => [0, 1].map((s): [string, Uint8Array] => [`y = ${y === Y8 ? 'y8' : y === P - Y8 ? 'p − y8' : y === P - 1n ? 'p − 1' : y}, sign ${s}`, encoding(y, s)])),
  ...NON_CANONICAL_Y.flatMap((y) => [0, 1].map((s): [string, Uint8Array] => [`non-canonical y = ${y === P ? 'p' : y === P + 1n ? 'p + 1' : '2^255 − 1'}, sign ${s}`, encoding(y, s)])),
]

/** Every form an Ed25519 public key can take (the CryptoKeys only if the runtime imports it). */
async function edForms(x: Uint8Array): Promise<Array<[string, KeyInput]>> {
  const spki = ed25519Spki(x)
  const forms: Array<[string, KeyInput]> = [
    ['JWK', { kty: 'OKP', crv: 'Ed25519', x: b64u(x) }],
    ['JWK with alg', { kty: 'OKP', crv: 'Ed25519', x: b64u(x), alg: 'EdDSA' }],
    ['SPKI PEM', pemOf('PUBLIC KEY', spki)],
    ['certificate PEM', pemOf('CERTIFICATE', certificateOf(spki))],
  ]
  try {
    forms.push(['extractable CryptoKey', await crypto.subtle.importKey('raw', x as BufferSource, 'Ed25519', true, ['verify'])])
  } catch {
    // refused by the runtime's own importer
  }
  return forms
}

describe('hardening 2: weak keys (Ed25519 small-order points, RFC 8032 §5.1.3)', () => {
  it('the small-order set, computed: 8 points of order dividing 8, y8 and p − y8 are the order-8 ones', () => {
    const points = WEAK.map(([, enc]) => decode(enc)).filter((pt): pt is Point => pt !== undefined)
    const distinct = new Set(points.map(([x, y]) => `${x},${y}`))
    expect(distinct.size).toBe(8)
    for (const pt of points) expect(times(pt, 8)).toEqual(IDENTITY)
    const p8 = decode(hex(Y8_ENCODING))!
    expect(times(p8, 4)).not.toEqual(IDENTITY) // order exactly 8
    expect(Buffer.from(encode(p8)).toString('hex')).toBe(Y8_ENCODING)
    // p − y8 with the sign bit clear is the other order-8 point, 26e8958f…05
    const other = decode(encoding(P - Y8, 0))!
    expect(Buffer.from(encode(other)).toString('hex')).toBe('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05')
    expect(times(other, 4)).not.toEqual(IDENTITY)
    // the identity is y = 1; y = p and p + 1 are non-canonical encodings of y = 0 and 1
    expect(decode(encoding(1n, 0))).toEqual(IDENTITY)
    expect(mod(P)).toBe(0n)
    expect(mod(P + 1n)).toBe(1n)
  })

  it('controls: a point of large order is not in the set (a real key, the base point)', () => {
    const real = decode(pemBody(asymKeys('ed25519').spki).subarray(12))!
    expect(times(real, 8)).not.toEqual(IDENTITY)
    const base = decode(encoding(mod(4n * inv(5n)), 0))!
    expect(times(base, 8)).not.toEqual(IDENTITY)
  })

  it('the attack: the identity key accepts R = identity, S = 0 for any message in crypto.subtle and node:crypto', async () => {
    const identity = encode(IDENTITY)
    const forged = concat(identity, new Uint8Array(32))
    const message = new TextEncoder().encode('any message at all')
    const key = await crypto.subtle.importKey('raw', identity as BufferSource, 'Ed25519', true, ['verify'])
    expect(await crypto.subtle.verify('Ed25519', key, forged as BufferSource, message)).toBe(true)
    const nodeKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(identity) }, format: 'jwk' })
    expect(nodeVerify(null, message, nodeKey, forged)).toBe(true)
  })

  it('isojwt refuses the identity key in every form it can read, before the forged token', async () => {
    const identity = encode(IDENTITY)
    const token = `${signingInput({ alg: 'EdDSA', typ: 'JWT' }, CLAIMS)}.${b64u(concat(identity, new Uint8Array(32)))}`
    const forms = await edForms(identity)
    expect(forms.map(([name]) => name)).toContain('extractable CryptoKey')
    for (const [name, key] of forms) {
      const e = await expectCode(() => verify(token, key, { now: NOW }), 'ERR_KEY_INVALID')
      expect(e.message, name).toMatch(/small-order or non-canonical Ed25519/)
      await expectCode(() => verify(token, () => key, { algorithms: ['EdDSA', 'Ed25519'], now: NOW }), 'ERR_KEY_INVALID')
      await expectCode(() => createVerifier(key, { now: NOW })(token), 'ERR_KEY_INVALID')
      // the verdict is remembered per key, not re-exported: a second call says the same
      await expectCode(() => verify(token, key, { now: NOW }), 'ERR_KEY_INVALID')
    }
  })

  it.each(WEAK)('%s is ERR_KEY_INVALID as JWK x, SPKI PEM, certificate and extractable CryptoKey', async (_name, x) => {
    const token = forge({ alg: 'EdDSA' }, CLAIMS, { alg: 'EdDSA', key: asymKeys('ed25519').privateKey })
    for (const [name, key] of await edForms(x)) {
      const e = await expectCode(() => verify(token, key, { algorithms: ['EdDSA'], now: NOW }), 'ERR_KEY_INVALID')
      expect(e.message, name).toMatch(/small-order or non-canonical Ed25519/)
    }
    await expectCode(() => importKey({ kty: 'OKP', crv: 'Ed25519', x: b64u(x) }, 'EdDSA'), 'ERR_KEY_INVALID')
  })

  it('controls: real Ed25519 keys verify in every form', async () => {
    for (let i = 0; i < 5; i++) {
      const ed = asymKeys('ed25519')
      const token = forge({ alg: 'EdDSA' }, CLAIMS, { alg: 'EdDSA', key: ed.privateKey })
      for (const [name, key] of await edForms(pemBody(ed.spki).subarray(12))) {
        expect((await verify(token, key, { now: NOW })).payload.sub, name).toBe('admin')
      }
    }
  })

  it('a non-extractable CryptoKey is the caller\'s own (API.md): its bytes cannot be read, so it is not checked', async () => {
    const identity = encode(IDENTITY)
    const token = `${signingInput({ alg: 'EdDSA', typ: 'JWT' }, CLAIMS)}.${b64u(concat(identity, new Uint8Array(32)))}`
    const key = await crypto.subtle.importKey('raw', identity as BufferSource, 'Ed25519', false, ['verify'])
    // Documented in docs/keys.md and docs/security.md: import such keys from checked bytes.
    expect((await verify(token, key, { now: NOW })).payload.sub).toBe('admin')
  })
})
