/**
 * API.md "Keys": importKey, exportJwk, thumbprint (RFC 7638), generateKeyPair,
 * generateSecret, and the import cache.
 */
import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  exportJwk, generateKeyPair, generateSecret, importKey, sign, thumbprint, verify,
} from '../../src/index.ts'
import type { Alg, Jwk } from '../../src/types.ts'
import {
  NOW, SECRET, craft, ec, ed25519, jwk, parts, rawVerify, rejects, rejectsJose, rsa, throwsSync, type Pair,
} from './helpers.ts'

let R: Pair
let P256: Pair
let P384: Pair
let ED: Pair

beforeAll(() => {
  R = rsa()
  P256 = ec('P-256')
  P384 = ec('P-384')
  ED = ed25519()
})

const tok = (alg: Alg, key: Parameters<typeof craft>[2]) => craft({ alg, typ: 'JWT' }, { sub: 'x' }, key)

describe('importKey', () => {
  it('returns CryptoKeys with the WebCrypto algorithm the JWS alg names', async () => {
    const cases: Array<[Jwk | string | Uint8Array, Alg, string, Record<string, unknown>, KeyType]> = [
      [P256.pubJwk, 'ES256', 'ECDSA', { namedCurve: 'P-256' }, 'public'],
      [P256.privJwk, 'ES256', 'ECDSA', { namedCurve: 'P-256' }, 'private'],
      [P384.pubPem, 'ES384', 'ECDSA', { namedCurve: 'P-384' }, 'public'],
      [R.pubPem, 'RS512', 'RSASSA-PKCS1-v1_5', { hash: { name: 'SHA-512' }, modulusLength: 2048 }, 'public'],
      [R.privPem, 'PS384', 'RSA-PSS', { hash: { name: 'SHA-384' } }, 'private'],
      [R.pubJwk, 'PS256', 'RSA-PSS', { hash: { name: 'SHA-256' } }, 'public'],
      [SECRET, 'HS256', 'HMAC', { hash: { name: 'SHA-256' } }, 'secret'],
      [ED.pubJwk, 'EdDSA', 'Ed25519', {}, 'public'],
      [ED.pubPem, 'Ed25519', 'Ed25519', {}, 'public'],
      [ED.privPem, 'EdDSA', 'Ed25519', {}, 'private'],
    ]
    for (const [input, alg, name, extra, type] of cases) {
      const key = await importKey(input, alg)
      expect(key, alg).toBeInstanceOf(CryptoKey)
      expect(key.algorithm, alg).toMatchObject({ name, ...extra })
      expect(key.type, alg).toBe(type)
    }
  })

  it('the extractable option is honoured', async () => {
    const yes = await importKey(SECRET, 'HS256', { extractable: true })
    expect(yes.extractable).toBe(true)
    expect(new Uint8Array(await crypto.subtle.exportKey('raw', yes))).toEqual(SECRET)
    const no = await importKey(SECRET, 'HS256', { extractable: false })
    expect(no.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('raw', no)).rejects.toBeTruthy()
    expect((await importKey(P256.privJwk, 'ES256', { extractable: true })).extractable).toBe(true)
    expect((await importKey(P256.privJwk, 'ES256', { extractable: false })).extractable).toBe(false)
  })

  it('an imported key signs and verifies', async () => {
    const priv = await importKey(P256.privJwk, 'ES256')
    const token = await sign({}, priv, { now: NOW })
    expect(rawVerify(token, P256.publicKey)).toBe(true)
    const pub = await importKey(P256.pubPem, 'ES256')
    await expect(verify(token, pub, { now: NOW })).resolves.toMatchObject({ header: { alg: 'ES256' } })
  })

  it('alg outside pinned / compatible is ERR_KEY_INVALID', async () => {
    const cases: Array<[Jwk | string | Uint8Array, Alg]> = [
      [P256.pubJwk, 'ES384'],
      [P256.pubJwk, 'RS256'],
      [jwk(R.pubJwk, { alg: 'RS256' }), 'PS256'],
      [R.pubPem, 'HS256'],
      [R.pubPem, 'ES256'],
      [SECRET, 'RS256'],
      ['a string secret that is long enough!!!!!', 'ES256'],
      [ED.pubJwk, 'ES256'],
      [jwk(ED.pubJwk, { alg: 'Ed25519' }), 'EdDSA'],
    ]
    for (const [input, alg] of cases) {
      await rejects(() => importKey(input, alg), 'ERR_KEY_INVALID')
    }
  })

  it('size minimums apply', async () => {
    await rejects(() => importKey(new Uint8Array(31), 'HS256'), 'ERR_KEY_INVALID')
    await rejects(() => importKey(SECRET, 'HS384'), 'ERR_KEY_INVALID')
  })

  it('an alg that is not an Alg is ERR_JOSE_INVALID_ARGUMENT', async () => {
    for (const alg of ['none', 'es256', 'XS256', '', 5]) {
      await rejects(() => importKey(P256.pubJwk, alg as Alg), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('exportJwk', () => {
  it('round trip: generated ES256 pair → JWKs → sign/verify', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true })
    const priv = await exportJwk(pair.privateKey)
    const pub = await exportJwk(pair.publicKey)
    expect(priv).toMatchObject({ kty: 'EC', crv: 'P-256' })
    expect(typeof priv.d).toBe('string')
    expect(pub).toMatchObject({ kty: 'EC', crv: 'P-256', x: priv.x, y: priv.y })
    expect(pub).not.toHaveProperty('d')
    const token = await sign({ sub: 'x' }, priv, { alg: 'ES256', now: NOW })
    await expect(verify(token, pub, { now: NOW })).resolves.toMatchObject({ payload: { sub: 'x' } })
    await expect(verify(token, pair.publicKey, { now: NOW })).resolves.toBeTruthy()
  })

  it('RSA and Ed25519 public keys; an HMAC key', async () => {
    const rsaPair = await generateKeyPair('PS256')
    const rsaPub = await exportJwk(rsaPair.publicKey)
    expect(rsaPub).toMatchObject({ kty: 'RSA', e: 'AQAB' })
    expect(Buffer.from(rsaPub.n as string, 'base64url')).toHaveLength(256)
    expect(rsaPub).not.toHaveProperty('d')
    const token = await sign({ sub: 'x' }, rsaPair.privateKey, { now: NOW })
    await expect(verify(token, rsaPub, { algorithms: ['PS256'], now: NOW })).resolves.toBeTruthy()

    const edPair = await generateKeyPair('EdDSA')
    const edPub = await exportJwk(edPair.publicKey)
    expect(edPub).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
    expect(Buffer.from(edPub.x as string, 'base64url')).toHaveLength(32)

    const hmac = await importKey(SECRET, 'HS256', { extractable: true })
    const oct = await exportJwk(hmac)
    expect(oct).toMatchObject({ kty: 'oct', k: Buffer.from(SECRET).toString('base64url') })
  })

  it('a non-extractable key is refused with a JoseError', async () => {
    const key = await importKey(SECRET, 'HS256', { extractable: false })
    await rejectsJose(() => exportJwk(key))
    await rejectsJose(() => exportJwk({} as CryptoKey))
  })
})

describe('thumbprint (RFC 7638)', () => {
  // RFC 7638 §3.1
  const rfc: Jwk = {
    kty: 'RSA',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
    alg: 'RS256',
    kid: '2011-04-29',
  }

  const expected = (members: Record<string, unknown>, hash = 'sha256') =>
    createHash(hash).update(JSON.stringify(members)).digest('base64url')

  it('the RFC 7638 example', async () => {
    expect(await thumbprint(rfc)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
  })

  it('only the required members count (alg, kid, use, key_ops, d, … ignored)', async () => {
    const { x, y, d } = P256.privJwk as Record<string, string>
    const want = expected({ crv: 'P-256', kty: 'EC', x, y })
    expect(await thumbprint(P256.pubJwk)).toBe(want)
    expect(await thumbprint(P256.privJwk)).toBe(want)
    expect(await thumbprint({ kty: 'EC', crv: 'P-256', x, y, d, kid: 'k', alg: 'ES256', use: 'sig', key_ops: ['verify'], extra: 1 })).toBe(want)
    const { n, e } = R.pubJwk as Record<string, string>
    expect(await thumbprint(R.privJwk)).toBe(expected({ e, kty: 'RSA', n }))
    expect(await thumbprint(ED.privJwk)).toBe(expected({ crv: 'Ed25519', kty: 'OKP', x: (ED.pubJwk as Record<string, string>).x }))
    const k = Buffer.from(SECRET).toString('base64url')
    expect(await thumbprint({ kty: 'oct', k, alg: 'HS256' })).toBe(expected({ k, kty: 'oct' }))
  })

  it('digest option: SHA-256 (default), SHA-384, SHA-512', async () => {
    const members = { e: rfc.e, kty: 'RSA', n: rfc.n }
    expect(await thumbprint(rfc, 'SHA-256')).toBe(expected(members, 'sha256'))
    expect(await thumbprint(rfc, 'SHA-384')).toBe(expected(members, 'sha384'))
    expect(await thumbprint(rfc, 'SHA-512')).toBe(expected(members, 'sha512'))
  })

  it('bad input: an unknown digest is ERR_JOSE_INVALID_ARGUMENT; a JWK without its members is refused', async () => {
    await rejects(() => thumbprint(rfc, 'SHA-1' as never), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejects(() => thumbprint(rfc, 'sha256' as never), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejectsJose(() => thumbprint({ kty: 'RSA', e: 'AQAB' }))
    await rejectsJose(() => thumbprint({ kty: 'EC', crv: 'P-256', x: 'AA' }))
  })
})

describe('generateKeyPair', () => {
  const expectations: Array<[Alg, Record<string, unknown>]> = [
    ['RS256', { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' }, modulusLength: 2048 }],
    ['RS384', { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-384' } }],
    ['RS512', { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-512' } }],
    ['PS256', { name: 'RSA-PSS', hash: { name: 'SHA-256' }, modulusLength: 2048 }],
    ['PS384', { name: 'RSA-PSS', hash: { name: 'SHA-384' } }],
    ['PS512', { name: 'RSA-PSS', hash: { name: 'SHA-512' } }],
    ['ES256', { name: 'ECDSA', namedCurve: 'P-256' }],
    ['ES384', { name: 'ECDSA', namedCurve: 'P-384' }],
    ['ES512', { name: 'ECDSA', namedCurve: 'P-521' }],
    ['EdDSA', { name: 'Ed25519' }],
    ['Ed25519', { name: 'Ed25519' }],
  ]
  for (const [alg, algorithm] of expectations) {
    it(`${alg}: a pair that signs and verifies`, async () => {
      const pair = await generateKeyPair(alg)
      expect(pair.privateKey).toBeInstanceOf(CryptoKey)
      expect(pair.privateKey.type).toBe('private')
      expect(pair.publicKey.type).toBe('public')
      expect(pair.publicKey.algorithm).toMatchObject(algorithm)
      const token = await sign({ sub: 'x' }, pair.privateKey, { alg, now: NOW })
      expect(parts(token).header.alg).toBe(alg)
      const r = await verify(token, pair.publicKey, { now: NOW })
      expect(r.payload).toEqual({ sub: 'x', iat: NOW.getTime() / 1000 })
      expect(r.key).toBe(pair.publicKey)
    })
  }

  it('extractable: true gives an exportable private key', async () => {
    const pair = await generateKeyPair('ES384', { extractable: true })
    expect(pair.privateKey.extractable).toBe(true)
    expect((await exportJwk(pair.privateKey)).d).toBeTypeOf('string')
  })

  it('modulusLength 3072 and 4096', async () => {
    for (const modulusLength of [3072, 4096] as const) {
      const pair = await generateKeyPair('RS256', { modulusLength })
      expect(pair.publicKey.algorithm).toMatchObject({ modulusLength })
    }
  }, 60_000)

  it('an invalid modulusLength is ERR_JOSE_INVALID_ARGUMENT', async () => {
    for (const modulusLength of [1024, 2047, 2049, 8192, 0, -2048, Number.NaN, '2048']) {
      await rejects(() => generateKeyPair('RS256', { modulusLength: modulusLength as never }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('an unknown alg is ERR_JOSE_INVALID_ARGUMENT', async () => {
    for (const alg of ['none', 'rs256', 'XS256']) {
      await rejects(() => generateKeyPair(alg as Alg), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('generateSecret', () => {
  const sizes: Array<['HS256' | 'HS384' | 'HS512', number]> = [['HS256', 32], ['HS384', 48], ['HS512', 64]]
  for (const [alg, size] of sizes) {
    it(`${alg}: at least ${size} random bytes, usable with sign/verify`, async () => {
      const a = generateSecret(alg)
      const b = generateSecret(alg)
      expect(a).toBeInstanceOf(Uint8Array)
      expect(a.length).toBeGreaterThanOrEqual(size)
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false)
      const token = await sign({}, a, { alg, now: NOW })
      await expect(verify(token, a, { algorithms: [alg], now: NOW })).resolves.toBeTruthy()
    })
  }

  it('a non-HMAC alg throws ERR_JOSE_INVALID_ARGUMENT synchronously', () => {
    for (const alg of ['RS256', 'none', 'hs256']) {
      throwsSync(() => generateSecret(alg as never), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('import cache', () => {
  it('the same JWK object twice: the second verify returns the same CryptoKey', async () => {
    const key = jwk(P256.pubJwk)
    const token = tok('ES256', P256.privateKey)
    const a = await verify(token, key, { now: NOW })
    const b = await verify(token, key, { now: NOW })
    expect(b.key).toBe(a.key)
  })

  it('the same PEM string and the same Uint8Array twice: same CryptoKey', async () => {
    const t1 = tok('ES256', P256.privateKey)
    expect((await verify(t1, P256.pubPem, { now: NOW })).key).toBe((await verify(t1, P256.pubPem, { now: NOW })).key)
    const bytes = new Uint8Array(SECRET)
    const t2 = tok('HS256', bytes)
    const o = { algorithms: ['HS256' as const], now: NOW }
    expect((await verify(t2, bytes, o)).key).toBe((await verify(t2, bytes, o)).key)
  })

  it('the cache is keyed by alg too: one RSA JWK verifying RS256 then PS256', async () => {
    const key = jwk(R.pubJwk)
    const o = { algorithms: ['RS256' as const, 'PS256' as const], now: NOW }
    const rs = await verify(tok('RS256', R.privateKey), key, o)
    const ps = await verify(tok('PS256', R.privateKey), key, o)
    expect(rs.key.algorithm.name).toBe('RSASSA-PKCS1-v1_5')
    expect(ps.key.algorithm.name).toBe('RSA-PSS')
    expect((await verify(tok('RS256', R.privateKey), key, o)).key).toBe(rs.key)
  })

  it('the cache is keyed by alg for strings too: one PEM for RS256 then PS384, one secret for HS256 then HS384', async () => {
    const o = { algorithms: ['RS256', 'PS384', 'HS256', 'HS384'] as Alg[], now: NOW }
    const rs = await verify(tok('RS256', R.privateKey), R.pubPem, o)
    const ps = await verify(tok('PS384', R.privateKey), R.pubPem, o)
    expect(rs.key.algorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } })
    expect(ps.key.algorithm).toMatchObject({ name: 'RSA-PSS', hash: { name: 'SHA-384' } })
    const secret = 'x'.repeat(48)
    const h256 = await verify(tok('HS256', secret), secret, o)
    const h384 = await verify(tok('HS384', secret), secret, o)
    expect(h256.key.algorithm).toMatchObject({ hash: { name: 'SHA-256' } })
    expect(h384.key.algorithm).toMatchObject({ hash: { name: 'SHA-384' } })
  })

  it('the result key for a secret is a non-extractable HMAC CryptoKey', async () => {
    for (const key of [SECRET, 'string secret with enough bytes in it!!']) {
      const r = await verify(tok('HS256', key), key, { algorithms: ['HS256'], now: NOW })
      expect(r.key).toBeInstanceOf(CryptoKey)
      expect(r.key.type).toBe('secret')
      expect(r.key.extractable).toBe(false)
      expect(r.key.algorithm).toMatchObject({ name: 'HMAC', hash: { name: 'SHA-256' } })
    }
  })
})
