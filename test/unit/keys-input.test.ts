/**
 * API.md "String keys" and JWK checks: PEM labels, BOM/whitespace, secrets that look like
 * keys, X.509 certificates, JWK members (kty, crv, use, key_ops, alg, d), minimum sizes.
 */
import { execFileSync } from 'node:child_process'
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JoseError, sign, verify } from '../../src/index.ts'
import { kids } from '../../src/keys/asn1.ts'
import { pemKey } from '../../src/keys/der.ts'
import { parsePem } from '../../src/keys/pem.ts'
import type { Alg, Jwk, KeyInput } from '../../src/types.ts'
import { NOW, SECRET, craft, cryptoKey, ec, ed25519, jwk, parts, rawVerify, rejects, rsa, type Pair } from './helpers.ts'

let R: Pair
let P256: Pair
let ED: Pair
let pkcs1Pub: string
let pkcs1Priv: string
let sec1: string
let encrypted: string

beforeAll(() => {
  R = rsa()
  P256 = ec('P-256')
  ED = ed25519()
  pkcs1Pub = R.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string
  pkcs1Priv = R.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string
  sec1 = P256.privateKey.export({ type: 'sec1', format: 'pem' }) as string
  encrypted = R.privateKey.export({
    type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw',
  }) as string
})

const tok = (alg: Alg, key: Parameters<typeof craft>[2]) => craft({ alg, typ: 'JWT' }, { sub: 'x' }, key)
const verifies = async (token: string, key: KeyInput, algorithms?: Alg[]) => {
  const r = await verify(token, key, { now: NOW, ...(algorithms ? { algorithms } : {}) })
  expect(r.payload).toEqual({ sub: 'x' })
}

describe('PEM strings', () => {
  it('SPKI (PUBLIC KEY) verifies, PKCS#8 (PRIVATE KEY) signs', async () => {
    await verifies(tok('RS256', R.privateKey), R.pubPem, ['RS256'])
    const token = await sign({}, R.privPem, { alg: 'RS256', now: NOW })
    expect(rawVerify(token, R.publicKey)).toBe(true)
    const es = await sign({}, P256.privPem, { now: NOW })
    expect(rawVerify(es, P256.publicKey)).toBe(true)
  })

  it('one leading U+FEFF and ASCII whitespace around the PEM are removed', async () => {
    const wrap = (pem: string) => `\uFEFF \r\n\t${pem}\n\n  \t`
    await verifies(tok('RS256', R.privateKey), wrap(R.pubPem), ['RS256'])
    await verifies(tok('ES256', P256.privateKey), `\n\n${P256.pubPem}`)
    const token = await sign({}, wrap(P256.privPem), { alg: 'ES256', now: NOW })
    expect(rawVerify(token, P256.publicKey)).toBe(true)
  })

  it('CRLF line endings in the PEM body are accepted', async () => {
    await verifies(tok('ES256', P256.privateKey), P256.pubPem.replace(/\n/g, '\r\n'))
  })

  it('a private key where a public one is needed is ERR_KEY_INVALID', async () => {
    await rejects(() => verify(tok('RS256', R.privateKey), R.privPem, { algorithms: ['RS256'], now: NOW }), 'ERR_KEY_INVALID')
    await rejects(() => verify(tok('ES256', P256.privateKey), P256.privPem, { now: NOW }), 'ERR_KEY_INVALID')
  })

  // API.md v3 (String keys): PKCS#1 and SEC1 PEMs are accepted, wrapped into SPKI/PKCS#8
  // by our own DER code; an encrypted key is refused naming the conversion.
  it('RSA PUBLIC KEY verifies, RSA PRIVATE KEY and EC PRIVATE KEY sign', async () => {
    expect(pkcs1Pub).toContain('-----BEGIN RSA PUBLIC KEY-----')
    expect(pkcs1Priv).toContain('-----BEGIN RSA PRIVATE KEY-----')
    expect(sec1).toContain('-----BEGIN EC PRIVATE KEY-----')
    await verifies(tok('RS256', R.privateKey), pkcs1Pub, ['RS256'])
    await verifies(tok('PS256', R.privateKey), `\uFEFF ${pkcs1Pub.replace(/\n/g, '\r\n')}`, ['PS256'])
    expect(rawVerify(await sign({}, pkcs1Priv, { alg: 'RS256', now: NOW }), R.publicKey)).toBe(true)
    expect(rawVerify(await sign({}, sec1, { now: NOW }), P256.publicKey)).toBe(true)
    await rejects(() => verify(tok('RS256', R.privateKey), pkcs1Priv, { algorithms: ['RS256'], now: NOW }), 'ERR_KEY_INVALID')
    await rejects(() => sign({}, pkcs1Pub, { alg: 'RS256', now: NOW }), 'ERR_KEY_INVALID')
  })

  it('a PKCS#1 or SEC1 label on the wrong DER, or SEC1 without a named curve, is ERR_KEY_INVALID', async () => {
    const relabel = (pem: string, from: string, to: string) => pem.replaceAll(from, to)
    const o = { algorithms: ['RS256' as const], now: NOW }
    await rejects(() => verify(tok('RS256', R.privateKey), relabel(R.pubPem, 'PUBLIC KEY', 'RSA PUBLIC KEY'), o), 'ERR_KEY_INVALID')
    await rejects(() => sign({}, relabel(R.privPem, 'PRIVATE KEY', 'RSA PRIVATE KEY'), { alg: 'RS256', now: NOW }), 'ERR_KEY_INVALID')
    await rejects(() => sign({}, relabel(pkcs1Priv, 'RSA PRIVATE KEY', 'EC PRIVATE KEY'), { alg: 'ES256', now: NOW }), 'ERR_KEY_INVALID')
    // SEC1 with its [0] parameters removed: 30 len 020101 0420<d> [a0 …] a1 …
    const der = P256.privateKey.export({ type: 'sec1', format: 'der' })
    const noParams = Buffer.concat([Buffer.from([0x30, der[1]! - 12]), der.subarray(2, 39), der.subarray(51)])
    const pem = `-----BEGIN EC PRIVATE KEY-----\n${noParams.toString('base64')}\n-----END EC PRIVATE KEY-----`
    const e = await rejects(() => sign({}, pem, { alg: 'ES256', now: NOW }), 'ERR_KEY_INVALID')
    expect(e.message).toMatch(/named curve/)
    // [0] holding something else than one OID: implicitCurve (NULL), or the OID and more
    const sec1 = (params: number[], grow: number) => `-----BEGIN EC PRIVATE KEY-----\n${Buffer.concat([Buffer.from([0x30, der[1]! + grow]), der.subarray(2, 39), Buffer.from(params), der.subarray(51)]).toString('base64')}\n-----END EC PRIVATE KEY-----`
    const nul = await rejects(() => sign({}, sec1([0xa0, 2, 5, 0], -8), { alg: 'ES256', now: NOW }), 'ERR_KEY_INVALID')
    expect(nul.message).toMatch(/named curve/)
    // explicit ECParameters (a SEQUENCE) in [0]: the curve is not named
    const explicit = await rejects(() => sign({}, sec1([0xa0, 2, 0x30, 0], -8), { alg: 'ES256', now: NOW }), 'ERR_KEY_INVALID')
    expect(explicit.message).toMatch(/named curve/)
    const more = await rejects(() => sign({}, sec1([0xa0, 12, ...der.subarray(41, 51), 5, 0], 2), { alg: 'ES256', now: NOW }), 'ERR_KEY_INVALID')
    expect(more.message).toBe('malformed DER in EC PRIVATE KEY: needs a named curve') // our DER reader's, not the platform's import failure
    // no [0]: the curve's OID in [1] (where the public key goes) is not a named curve
    const inOne = Buffer.concat([Buffer.from([0x30, 37 + 12]), der.subarray(2, 39), Buffer.from([0xa1, 0x0a]), der.subarray(41, 51)])
    const one = await rejects(() => sign({}, `-----BEGIN EC PRIVATE KEY-----\n${inOne.toString('base64')}\n-----END EC PRIVATE KEY-----`, { alg: 'ES256', now: NOW }), 'ERR_KEY_INVALID')
    expect(one.message).toMatch(/named curve/)
    // the same key with its [0] as it was signs
    await sign({}, sec1([...der.subarray(39, 51)], 0), { alg: 'ES256', now: NOW })
  })

  // Our DER writer (src/keys/der.ts pemKey) against OpenSSL's: node:crypto converts the same
  // PKCS#1 DER to SPKI / PKCS#8. Synthetic keys (node parses any INTEGERs) sweep every length
  // form of each element we write: short, 81, 82, and past two length bytes, which we refuse.
  it('PKCS#1 keys wrap into the SPKI / PKCS#8 bytes node:crypto writes, every length form; past 64 KiB ERR_KEY_INVALID', () => {
    const len = (n: number) => (n < 128 ? [n] : n < 256 ? [0x81, n] : n < 65536 ? [0x82, n >> 8, n & 255] : [0x83, n >> 16, (n >> 8) & 255, n & 255])
    const tlv = (tag: number, b: number[]) => [tag, ...len(b.length), ...b]
    const int = (m: number) => tlv(2, Array.from({ length: m }, (_, i) => (i === 0 ? 0x41 : i === m - 1 ? 3 : (i * 37) & 255)))
    const ours = (label: string, der: number[]) => {
      try {
        return pemKey({ label: label as 'RSA PUBLIC KEY', der: Uint8Array.from(der) })
      } catch (e) {
        expect(e).toBeInstanceOf(JoseError)
        return e as JoseError
      }
    }
    const forms = new Set<string>()
    const check = (label: string, der: number[], theirs: Buffer) => {
      const r = ours(label, der)
      // node's outer length: 82 at most is ours to write, 83 is past what we encode
      if (theirs[1]! > 0x82) {
        expect((r as JoseError).code).toBe('ERR_KEY_INVALID')
        expect((r as JoseError).message).toMatch(/^malformed DER in (SPKI|PKCS#8)$/)
        forms.add(`${label} refused`)
      } else {
        expect(r).not.toBeInstanceOf(JoseError)
        expect(Buffer.from((r as { material: Uint8Array }).material).equals(theirs), `${label} of ${der.length} bytes`).toBe(true)
        // the element lengths we wrote: outer, then the BIT / OCTET STRING's (the last element)
        forms.add(`${label} ${theirs[1]! < 128 ? 'short' : theirs[1]!.toString(16)}`)
      }
    }
    const sizes = [...Array(140).keys()].map((m) => m + 1).concat([...Array(40).keys()].map((m) => m + 240), [...Array(30).keys()].map((m) => m + 65_490))
    for (const m of sizes) {
      const pub = tlv(0x30, [...int(m), ...int(3)])
      check('RSA PUBLIC KEY', pub, createPublicKey({ key: Buffer.from(pub), format: 'der', type: 'pkcs1' }).export({ type: 'spki', format: 'der' }))
      // nine INTEGERs: version, n, e, d (n's size), p, q, dp, dq, qi
      const h = Math.max(1, m >> 1)
      const priv = tlv(0x30, [...tlv(2, [0]), ...int(h), ...int(3), ...int(h), ...int(1), ...int(1), ...int(1), ...int(1), ...int(1)])
      check('RSA PRIVATE KEY', priv, createPrivateKey({ key: Buffer.from(priv), format: 'der', type: 'pkcs1' }).export({ type: 'pkcs8', format: 'der' }))
    }
    expect([...forms].sort()).toEqual([
      'RSA PRIVATE KEY 81', 'RSA PRIVATE KEY 82', 'RSA PRIVATE KEY refused', 'RSA PRIVATE KEY short',
      'RSA PUBLIC KEY 81', 'RSA PUBLIC KEY 82', 'RSA PUBLIC KEY refused', 'RSA PUBLIC KEY short',
    ])
  })

  it('real PKCS#1 keys (512 to 4096 bits) wrap into node:crypto\'s DER; SEC1 keys into a PKCS#8 node imports as the same key', () => {
    for (const bits of [512, 1024, 2048, 4096]) {
      const { publicKey, privateKey } = rsa(bits)
      const pub = publicKey.export({ type: 'pkcs1', format: 'pem' }) as string
      const priv = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string
      expect(Buffer.from(pemKey(parsePem(pub)).material).equals(publicKey.export({ type: 'spki', format: 'der' }))).toBe(true)
      expect(Buffer.from(pemKey(parsePem(priv)).material).equals(privateKey.export({ type: 'pkcs8', format: 'der' }))).toBe(true)
    }
    for (const crv of ['P-256', 'P-384', 'P-521'] as const) {
      const { privateKey } = ec(crv)
      const k = pemKey(parsePem(privateKey.export({ type: 'sec1', format: 'pem' }) as string))
      expect(k).toMatchObject({ form: 'pkcs8', kty: 'EC', crv })
      const wrapped = Buffer.from(k.material)
      expect(createPrivateKey({ key: wrapped, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' })).toEqual(privateKey.export({ format: 'jwk' }))
      // version, then the AlgorithmIdentifier OpenSSL writes (id-ecPublicKey, the named curve)
      const theirs = privateKey.export({ type: 'pkcs8', format: 'der' })
      const [v, alg] = kids(wrapped, kids(wrapped, { start: 0, end: wrapped.length }, 'x', /^30$/)[0]!, 'x', /^023004$/)
      const [, talg] = kids(theirs, kids(theirs, { start: 0, end: theirs.length }, 'x', /^30$/)[0]!, 'x', /^023004/)
      expect([...wrapped.subarray(v!.at, v!.end)]).toEqual([2, 1, 0])
      expect([...wrapped.subarray(alg!.at, alg!.end)]).toEqual([...theirs.subarray(talg!.at, talg!.end)])
    }
  })

  it('label ENCRYPTED PRIVATE KEY is ERR_KEY_INVALID naming the conversion', async () => {
    expect(encrypted).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----')
    const v = await rejects(() => verify(tok('RS256', R.privateKey), encrypted, { algorithms: ['RS256', 'ES256'], now: NOW }), 'ERR_KEY_INVALID')
    expect(v.message).toMatch(/openssl pkcs8 -topk8 -nocrypt/)
    const s = await rejects(() => sign({}, encrypted, { alg: 'RS256', now: NOW }), 'ERR_KEY_INVALID')
    expect(s.message).toMatch(/openssl pkcs8 -topk8 -nocrypt/)
  })

  it('line breaks as literal \\n escapes (an environment variable), or none at all', async () => {
    await verifies(tok('ES256', P256.privateKey), P256.pubPem.replace(/\n/g, '\\n'))
    await verifies(tok('ES256', P256.privateKey), P256.pubPem.replace(/\n/g, ''))
    await verifies(tok('ES256', P256.privateKey), P256.pubPem.replace(/\n/g, '\\r\\n'))
    expect(rawVerify(await sign({}, P256.privPem.replace(/\n/g, '\\n'), { alg: 'ES256', now: NOW }), P256.publicKey)).toBe(true)
  })

  it('other labels are ERR_KEY_INVALID', async () => {
    const body = R.pubPem.split('\n').slice(1, -2).join('\n')
    for (const label of ['FOO', 'PUBLIC  KEY', 'public key', 'DSA PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'X509 CRL']) {
      const pem = `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`
      await rejects(() => verify(tok('RS256', R.privateKey), pem, { algorithms: ['RS256'], now: NOW }), 'ERR_KEY_INVALID')
    }
  })

  it('mismatched BEGIN/END labels, missing END, or a damaged body are ERR_KEY_INVALID', async () => {
    const token = tok('RS256', R.privateKey)
    const o = { algorithms: ['RS256' as const], now: NOW }
    await rejects(() => verify(token, R.pubPem.replace('-----END PUBLIC KEY-----', '-----END PRIVATE KEY-----'), o), 'ERR_KEY_INVALID')
    await rejects(() => verify(token, R.pubPem.replace('-----END PUBLIC KEY-----', ''), o), 'ERR_KEY_INVALID')
    await rejects(() => verify(token, R.pubPem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!'), o), 'ERR_KEY_INVALID')
    await rejects(() => verify(token, '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n', o), 'ERR_KEY_INVALID')
  })
})

describe('strings that are neither PEM nor a plain secret', () => {
  const looksLikeKey = [
    ['-----BEGIN inside', `my-very-long-hmac-secret-value-----BEGIN-and-more`],
    ['-----END inside', `my-very-long-hmac-secret-value-----END-and-more!!`],
    ['text before a PEM', `garbage before\n-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----`],
    ['-----BEGIN without the space', `-----BEGINPUBLIC KEY----- padding padding padding`],
    ['a JSON JWK', `{"kty":"oct","k":"${Buffer.alloc(32, 1).toString('base64url')}"}`],
    ['a JSON JWK after whitespace', `  \n{"kty":"oct","k":"${Buffer.alloc(32, 1).toString('base64url')}"}`],
    ['a JSON JWK after a BOM', `\uFEFF{"kty":"oct","k":"${Buffer.alloc(32, 1).toString('base64url')}"}`],
    ['a brace and text', '{ this is not json but starts with a brace }'],
  ] as const
  for (const [name, key] of looksLikeKey) {
    it(`${name} → ERR_KEY_INVALID on verify and sign`, async () => {
      const token = tok('HS256', key)
      await rejects(() => verify(token, key, { algorithms: ['HS256'], now: NOW }), 'ERR_KEY_INVALID')
      await rejects(() => sign({}, key, { alg: 'HS256', now: NOW }), 'ERR_KEY_INVALID')
    })
  }

  it('an empty string, or only whitespace / BOM, is ERR_KEY_INVALID', async () => {
    for (const key of ['', '   ', '\uFEFF', '\n\t']) {
      await rejects(() => verify(tok('HS256', SECRET), key, { algorithms: ['HS256'], now: NOW }), 'ERR_KEY_INVALID')
      await rejects(() => sign({}, key, { alg: 'HS256', now: NOW }), 'ERR_KEY_INVALID')
    }
  })

  it('a string secret is its UTF-8 bytes: 16 × "é" is 32 bytes, enough for HS256', async () => {
    const key = 'é'.repeat(16)
    const token = await sign({}, key, { alg: 'HS256', now: NOW })
    expect(rawVerify(token, Buffer.from(key, 'utf8'))).toBe(true)
    await verifies(tok('HS256', Buffer.from(key, 'utf8')), key, ['HS256'])
  })
})

describe('X.509 certificate PEM', () => {
  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()
  let dir = ''
  let ecCert = ''
  let ecKey: KeyObject
  let rsaCert = ''
  let rsaKey: KeyObject

  beforeAll(() => {
    if (!hasOpenssl) return
    dir = mkdtempSync(join(tmpdir(), 'isojwt-unit-'))
    const make = (name: string, newkey: string[]) => {
      execFileSync('openssl', [
        'req', '-x509', '-nodes', '-days', '2', '-subj', '/CN=isojwt test', ...newkey,
        '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`),
      ], { stdio: 'ignore' })
      return [readFileSync(join(dir, `${name}.crt`), 'utf8'), createPrivateKey(readFileSync(join(dir, `${name}.key`)))] as const
    }
    ;[ecCert, ecKey] = make('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'])
    ;[rsaCert, rsaKey] = make('rsa', ['-newkey', 'rsa:2048'])
  })
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  // Skipped (not failed) when no openssl binary is available to make the certificates.
  it.skipIf(!hasOpenssl)('CERTIFICATE: its SPKI is used (EC pins ES256; RSA needs algorithms) [needs openssl]', async () => {
    expect(ecCert).toContain('-----BEGIN CERTIFICATE-----')
    await verifies(tok('ES256', ecKey), ecCert)
    await verifies(tok('ES256', ecKey), `\uFEFF\n${ecCert}\n`)
    await verifies(tok('RS256', rsaKey), rsaCert, ['RS256'])
    await verifies(tok('PS256', rsaKey), rsaCert, ['PS256'])
    await rejects(() => verify(tok('RS256', rsaKey), rsaCert, { now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await rejects(() => verify(tok('ES256', P256.privateKey), ecCert, { now: NOW }), 'ERR_JWS_SIGNATURE_INVALID')
  })

  it.skipIf(!hasOpenssl)('a certificate cannot sign [needs openssl]', async () => {
    await rejects(() => sign({}, ecCert, { alg: 'ES256', now: NOW }), 'ERR_KEY_INVALID')
  })
})

describe('JWK members', () => {
  const esTok = () => tok('ES256', P256.privateKey)
  const vf = (key: unknown, algorithms: Alg[] = ['ES256']) =>
    () => verify(esTok(), key as KeyInput, { algorithms, now: NOW })
  const sg = (key: unknown, alg: Alg = 'ES256') => () => sign({}, key as KeyInput, { alg, now: NOW })

  it("use 'sig' or absent is fine; use 'enc' is refused", async () => {
    await verifies(esTok(), jwk(P256.pubJwk, { use: 'sig' }))
    await rejects(vf(jwk(P256.pubJwk, { use: 'enc' })), 'ERR_KEY_INVALID')
    await rejects(sg(jwk(P256.privJwk, { use: 'enc' })), 'ERR_KEY_INVALID')
  })

  it("key_ops must contain 'verify' to verify and 'sign' to sign", async () => {
    await verifies(esTok(), jwk(P256.pubJwk, { key_ops: ['verify'] }))
    await expect(sign({}, jwk(P256.privJwk, { key_ops: ['sign'] }), { now: NOW })).resolves.toBeTypeOf('string')
    await rejects(vf(jwk(P256.pubJwk, { key_ops: ['sign'] })), 'ERR_KEY_INVALID')
    await rejects(vf(jwk(P256.pubJwk, { key_ops: ['encrypt'] })), 'ERR_KEY_INVALID')
    await rejects(vf(jwk(P256.pubJwk, { key_ops: [] })), 'ERR_KEY_INVALID')
    await rejects(sg(jwk(P256.privJwk, { key_ops: ['verify'] })), 'ERR_KEY_INVALID')
    await rejects(sg({ kty: 'oct', k: Buffer.from(SECRET).toString('base64url'), key_ops: ['verify'] }, 'HS256'), 'ERR_KEY_INVALID')
  })

  it('alg must agree with kty/crv (ERR_KEY_INVALID)', async () => {
    // header alg equals the JWK alg, so the only fault is the JWK itself
    const cases: Array<[Jwk, Alg, Parameters<typeof craft>[2]]> = [
      [jwk(P256.pubJwk, { alg: 'ES384' }), 'ES384', P256.privateKey],
      [jwk(P256.pubJwk, { alg: 'RS256' }), 'RS256', R.privateKey],
      [jwk(R.pubJwk, { alg: 'ES256' }), 'ES256', P256.privateKey],
      [jwk(R.pubJwk, { alg: 'HS256' }), 'HS256', SECRET],
      [jwk(ED.pubJwk, { alg: 'ES256' }), 'ES256', P256.privateKey],
      [{ kty: 'oct', k: Buffer.from(SECRET).toString('base64url'), alg: 'RS256' }, 'RS256', R.privateKey],
    ]
    for (const [key, alg, signer] of cases) {
      await rejects(() => verify(tok(alg, signer), key, { algorithms: [alg], now: NOW }), 'ERR_KEY_INVALID')
    }
    await rejects(sg(jwk(P256.privJwk, { alg: 'ES512' }), 'ES512'), 'ERR_KEY_INVALID')
    await rejects(sg(jwk(R.privJwk, { alg: 'EdDSA' }), 'EdDSA'), 'ERR_KEY_INVALID')
  })

  it('a private JWK for verify and a public JWK for sign are ERR_KEY_INVALID', async () => {
    await rejects(vf(P256.privJwk), 'ERR_KEY_INVALID')
    await rejects(() => verify(tok('RS256', R.privateKey), R.privJwk, { algorithms: ['RS256'], now: NOW }), 'ERR_KEY_INVALID')
    await rejects(() => verify(tok('EdDSA', ED.privateKey), ED.privJwk, { now: NOW }), 'ERR_KEY_INVALID')
    await rejects(sg(P256.pubJwk), 'ERR_KEY_INVALID')
    await rejects(sg(R.pubJwk, 'RS256'), 'ERR_KEY_INVALID')
    await rejects(sg(ED.pubJwk, 'EdDSA'), 'ERR_KEY_INVALID')
  })

  it('a private CryptoKey for verify and a public CryptoKey for sign are ERR_KEY_INVALID', async () => {
    const priv = await cryptoKey(P256.privJwk, { name: 'ECDSA', namedCurve: 'P-256' }, 'sign')
    const pub = await cryptoKey(P256.pubJwk, { name: 'ECDSA', namedCurve: 'P-256' }, 'verify')
    await rejects(vf(priv), 'ERR_KEY_INVALID')
    await rejects(sg(pub), 'ERR_KEY_INVALID')
  })

  it('unsupported kty or crv is ERR_JOSE_NOT_SUPPORTED', async () => {
    const x = Buffer.alloc(32, 1).toString('base64url')
    await rejects(vf({ kty: 'foo', x }), 'ERR_JOSE_NOT_SUPPORTED')
    await rejects(vf({ kty: 'EC', crv: 'secp256k1', x, y: x }), 'ERR_JOSE_NOT_SUPPORTED')
    await rejects(() => verify(tok('EdDSA', ED.privateKey), { kty: 'OKP', crv: 'Ed448', x: Buffer.alloc(57, 1).toString('base64url') }, {
      algorithms: ['EdDSA'], now: NOW,
    }), 'ERR_JOSE_NOT_SUPPORTED')
    await rejects(sg({ kty: 'EC', crv: 'secp256k1', x, y: x, d: x }), 'ERR_JOSE_NOT_SUPPORTED')
  })

  it('a CryptoKey of another algorithm is ERR_JOSE_NOT_SUPPORTED naming it, quoted', async () => {
    const aes = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt'])
    const e = await rejects(sg(aes), 'ERR_JOSE_NOT_SUPPORTED')
    expect(e.message).toBe('unsupported CryptoKey algorithm "AES-GCM"')
  })

  it('malformed members are ERR_KEY_INVALID', async () => {
    const { x, y } = P256.pubJwk as unknown as { x: string; y: string }
    const bad: unknown[] = [
      { crv: 'P-256', x, y }, // no kty
      { kty: 'EC', x, y }, // no crv
      { kty: 'EC', crv: 'P-256', x }, // no y
      { kty: 'EC', crv: 'P-256', x: x.slice(2), y }, // short x
      { kty: 'EC', crv: 'P-256', x: `${x.slice(0, -1)}+`, y }, // not base64url
      { kty: 5, crv: 'P-256', x, y },
      jwk(P256.pubJwk, { key_ops: 'verify' }),
      jwk(P256.pubJwk, { use: 5 }),
    ]
    for (const key of bad) await rejects(vf(key), 'ERR_KEY_INVALID')
    await rejects(() => verify(tok('RS256', R.privateKey), { kty: 'RSA', n: (R.pubJwk as unknown as { n: string }).n }, {
      algorithms: ['RS256'], now: NOW,
    }), 'ERR_KEY_INVALID')
    await rejects(() => verify(tok('HS256', SECRET), { kty: 'oct', k: '' }, { algorithms: ['HS256'], now: NOW }), 'ERR_KEY_INVALID')
  })
})

describe('JWK key_ops', () => {
  it('a string, null, a repeated usage or a non-string is refused with one message', async () => {
    for (const key_ops of ['verify', null, ['verify', 'verify'], ['verify', 1], [{}]]) {
      const e = await rejects(() => verify(tok('ES256', P256.privateKey), jwk(P256.pubJwk, { key_ops }), { algorithms: ['ES256'], now: NOW }), 'ERR_KEY_INVALID')
      expect(e.message, JSON.stringify(key_ops)).toBe('JWK "key_ops" must be an array of unique strings')
    }
  })
})

describe('minimum key sizes, on sign and on verify', () => {
  let small2047: Pair
  let small1024: Pair

  beforeAll(() => {
    const toPair = (bits: number): Pair => {
      const kp = generateKeyPairSync('rsa', { modulusLength: bits })
      return {
        ...kp,
        privPem: kp.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
        pubPem: kp.publicKey.export({ type: 'spki', format: 'pem' }) as string,
        privJwk: kp.privateKey.export({ format: 'jwk' }) as Jwk,
        pubJwk: kp.publicKey.export({ format: 'jwk' }) as Jwk,
      }
    }
    small2047 = toPair(2047)
    small1024 = toPair(1024)
  })

  it('RSA moduli under 2048 bits are ERR_KEY_INVALID (PEM, JWK, CryptoKey)', async () => {
    for (const pair of [small2047, small1024]) {
      const o = { algorithms: ['RS256' as const], now: NOW }
      const token = tok('RS256', pair.privateKey)
      await rejects(() => verify(token, pair.pubPem, o), 'ERR_KEY_INVALID')
      await rejects(() => verify(token, pair.pubJwk, o), 'ERR_KEY_INVALID')
      await rejects(() => verify(token, jwk(pair.pubJwk, { alg: 'RS256' }), { now: NOW }), 'ERR_KEY_INVALID')
      await rejects(() => sign({}, pair.privPem, { alg: 'RS256', now: NOW }), 'ERR_KEY_INVALID')
      await rejects(() => sign({}, pair.privJwk, { alg: 'PS256', now: NOW }), 'ERR_KEY_INVALID')
    }
    const pub = await cryptoKey(small1024.pubJwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, 'verify')
    await rejects(() => verify(tok('RS256', small1024.privateKey), pub, { now: NOW }), 'ERR_KEY_INVALID')
    const priv = await cryptoKey(small1024.privJwk, { name: 'RSA-PSS', hash: 'SHA-256' }, 'sign')
    await rejects(() => sign({}, priv, { now: NOW }), 'ERR_KEY_INVALID')
  })

  it('key errors come before the signature check', async () => {
    const short = new Uint8Array(31).fill(1)
    const bad = `${tok('HS256', short).slice(0, -4)}AAAA`
    await rejects(() => verify(bad, short, { algorithms: ['HS256'], now: NOW }), 'ERR_KEY_INVALID')
    const t = tok('RS256', small1024.privateKey)
    await rejects(() => verify(`${t.slice(0, -4)}AAAA`, small1024.pubPem, { algorithms: ['RS256'], now: NOW }), 'ERR_KEY_INVALID')
  })

  it('2048 bits is enough', async () => {
    await verifies(tok('RS256', R.privateKey), R.pubPem, ['RS256'])
  })

  const hmac: Array<[Alg, number]> = [['HS256', 32], ['HS384', 48], ['HS512', 64]]
  for (const [alg, size] of hmac) {
    it(`${alg}: keys shorter than ${size} bytes are ERR_KEY_INVALID (bytes, string, oct JWK, CryptoKey)`, async () => {
      const short = new Uint8Array(size - 1).fill(65)
      const exact = new Uint8Array(size).fill(65)
      const o = { algorithms: [alg], now: NOW }
      await rejects(() => verify(tok(alg, short), short, o), 'ERR_KEY_INVALID')
      await rejects(() => sign({}, short, { alg, now: NOW }), 'ERR_KEY_INVALID')
      const shortStr = 'A'.repeat(size - 1)
      await rejects(() => verify(tok(alg, shortStr), shortStr, o), 'ERR_KEY_INVALID')
      await rejects(() => sign({}, shortStr, { alg, now: NOW }), 'ERR_KEY_INVALID')
      const oct = { kty: 'oct', k: Buffer.from(short).toString('base64url') }
      await rejects(() => verify(tok(alg, short), oct, o), 'ERR_KEY_INVALID')
      await rejects(() => sign({}, oct, { alg, now: NOW }), 'ERR_KEY_INVALID')
      const hash = `SHA-${alg.slice(2)}`
      const ck = await crypto.subtle.importKey('raw', short, { name: 'HMAC', hash }, false, ['sign'])
      await rejects(() => sign({}, ck, { now: NOW }), 'ERR_KEY_INVALID')
      const ckv = await crypto.subtle.importKey('raw', short, { name: 'HMAC', hash }, false, ['verify'])
      await rejects(() => verify(tok(alg, short), ckv, { now: NOW }), 'ERR_KEY_INVALID')
      // exactly the hash size works
      await verifies(tok(alg, exact), exact, [alg])
      expect(parts(await sign({}, exact, { alg, now: NOW })).header.alg).toBe(alg)
    })
  }

  it('a 32-byte key is fine for HS256 but too short for HS512', async () => {
    await rejects(() => sign({}, SECRET, { alg: 'HS512', now: NOW }), 'ERR_KEY_INVALID')
    await rejects(() => verify(tok('HS512', SECRET), SECRET, { algorithms: ['HS512'], now: NOW }), 'ERR_KEY_INVALID')
  })

  it('an empty Uint8Array is ERR_KEY_INVALID', async () => {
    await rejects(() => sign({}, new Uint8Array(0), { alg: 'HS256', now: NOW }), 'ERR_KEY_INVALID')
    await rejects(() => verify(tok('HS256', SECRET), new Uint8Array(0), { algorithms: ['HS256'], now: NOW }), 'ERR_KEY_INVALID')
  })
})
