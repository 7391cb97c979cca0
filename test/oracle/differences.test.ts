/**
 * One test per row of differences.ts: each runs jose and isojwt on the same input and
 * asserts both behaviours as the row states them.
 */
import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import * as jose from 'jose'
import { decode, sign, verify } from '../../src/index.ts'
import { differences } from './differences.ts'
import {
  NOW,
  T,
  asymKeys,
  b64u,
  caught,
  cryptoKeyFor,
  expectCode,
  forge,
  joseOutcome,
  secretFor,
  signingInput,
  stringSecret,
  utf8,
  withSegment,
  type AsymKeys,
} from './helpers.ts'
import { ed25519Spki, modulusOf, pemBody, pemOf, rsaSpki } from '../regressions/key-der.ts'

let rsa: AsymKeys
let rsa1024: AsymKeys
let secret: Uint8Array

beforeAll(() => {
  rsa = asymKeys('rsa')
  rsa1024 = asymKeys('rsa', 1024)
  secret = secretFor('HS256')
})

/** An HS256 token of exactly `len` characters ({"alg":"HS256"} header, {"p":"x…"} payload). */
function tokenOfLength(len: number): string {
  const head = b64u(JSON.stringify({ alg: 'HS256' }))
  const payloadChars = len - head.length - 2 - 43 // two dots, 43-char HS256 signature
  // base64url of n bytes has ⌈4n/3⌉ characters; {"p":""} is 8 bytes
  const n = Math.floor((payloadChars * 3) / 4)
  return forge({ alg: 'HS256' }, { p: 'x'.repeat(n - 8) }, { alg: 'HS256', key: secret })
}

const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'))
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts))

/** RFC 8017 §9.2 EMSA-PKCS1-v1_5 (SHA-256, 256-byte modulus): with e = 1 this is the signature. */
function emsaPkcs1(input: string): Uint8Array {
  const t = concat(hex('3031300d060960864801650304020105000420'), createHash('sha256').update(input).digest())
  return concat(hex('0001'), new Uint8Array(256 - 3 - t.length).fill(0xff), hex('00'), t)
}

const demos: Record<string, () => Promise<void>> = {
  async 'hmac-min-length'() {
    for (const len of [1, 16, 31]) {
      const short = new Uint8Array(len).fill(7)
      // jose: signs and verifies
      const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(short)
      expect((await jose.jwtVerify(token, short)).payload).toEqual({ a: 1 })
      // isojwt: refuses on both sides
      await expectCode(() => sign({ a: 1 }, short, { alg: 'HS256' }), 'ERR_KEY_INVALID')
      await expectCode(() => verify(token, short, { algorithms: ['HS256'] }), 'ERR_KEY_INVALID')
    }
    // the boundary: exactly 32 bytes is fine in both
    const ok = new Uint8Array(32).fill(7)
    const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(ok)
    expect((await verify(token, ok, { algorithms: ['HS256'] })).payload).toEqual({ a: 1 })
    // zero length: jose fails too, but not with a JOSEError code
    const j0 = await joseOutcome(() => new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(0)))
    expect(j0).not.toBe('OK')
    expect(j0.startsWith('ERR_')).toBe(false)
  },

  async 'string-secret'() {
    const s = stringSecret(40)
    const bytes = utf8(s)
    // jose: a string key is a TypeError
    const j = await joseOutcome(() => new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(s as never))
    expect(j).toBe('TypeError')
    const jv = await joseOutcome(async () => {
      const t = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(bytes)
      return jose.jwtVerify(t, s as never)
    })
    expect(jv).toBe('TypeError')
    // isojwt: the string works when an HS alg is listed; not without `algorithms`
    const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(bytes)
    expect((await verify(token, s, { algorithms: ['HS256'] })).payload).toEqual({ a: 1 })
    await expectCode(() => verify(token, s), 'ERR_JOSE_ALG_NOT_ALLOWED')
    const mine = await sign({ a: 1 }, s, { alg: 'HS256', issuedAt: false })
    expect((await jose.jwtVerify(mine, bytes)).payload).toEqual({ a: 1 })
  },

  async 'max-token-length'() {
    const big = await new jose.SignJWT({ pad: 'x'.repeat(20_000) }).setProtectedHeader({ alg: 'HS256' }).sign(secret)
    expect(big.length).toBeGreaterThan(16_384)
    expect((await jose.jwtVerify(big, secret)).payload.pad).toHaveLength(20_000)
    await expectCode(() => verify(big, secret, { algorithms: ['HS256'] }), 'ERR_JWS_INVALID')
    expect(() => decode(big)).toThrow(expect.objectContaining({ code: 'ERR_JWS_INVALID' }))
    // raising the limit makes isojwt accept it
    expect((await verify(big, secret, { algorithms: ['HS256'], maxTokenLength: big.length })).payload).toEqual({
      pad: 'x'.repeat(20_000),
    })
    // exactly 16 384 characters is processed, 16 385 is not
    const exact = tokenOfLength(16_384)
    const over = tokenOfLength(16_385)
    expect([exact.length, over.length]).toEqual([16_384, 16_385])
    expect((await verify(exact, secret, { algorithms: ['HS256'] })).payload).toHaveProperty('p')
    await expectCode(() => verify(over, secret, { algorithms: ['HS256'] }), 'ERR_JWS_INVALID')
    expect(await joseOutcome(() => jose.jwtVerify(over, secret))).toBe('OK')
  },

  async 'default-typ'() {
    for (const typ of ['at+jwt', 'logout+jwt', 'application/example+jwt']) {
      const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256', typ }).sign(secret)
      expect((await jose.jwtVerify(token, secret)).protectedHeader.typ).toBe(typ)
      const e = await expectCode(() => verify(token, secret, { algorithms: ['HS256'] }), 'ERR_JWT_CLAIM_INVALID')
      expect(e.claim).toBe('typ')
      expect((await verify(token, secret, { algorithms: ['HS256'], typ: false })).payload).toEqual({ a: 1 })
    }
    // absent and JWT (any case, with or without application/) pass the default in both
    for (const header of [{ alg: 'HS256' }, { alg: 'HS256', typ: 'JWT' }, { alg: 'HS256', typ: 'application/jwt' }]) {
      const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader(header as jose.JWTHeaderParameters).sign(secret)
      expect((await verify(token, secret, { algorithms: ['HS256'] })).payload).toEqual({ a: 1 })
    }
  },

  async 'maxage-code'() {
    const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(T - 120).sign(secret)
    const je = (await caught(() => jose.jwtVerify(token, secret, { currentDate: NOW, maxTokenAge: 60 }))) as jose.errors.JWTExpired
    expect(je.code).toBe('ERR_JWT_EXPIRED')
    expect(je.claim).toBe('iat')
    const e = await expectCode(() => verify(token, secret, { algorithms: ['HS256'], now: NOW, maxAge: 60 }), 'ERR_JWT_CLAIM_INVALID')
    expect(e.claim).toBe('iat')
    expect(e.reason).toBe('too_old')
  },

  async 'unpinned-keys'() {
    const { alg: _drop, ...noAlg } = rsa.publicJwk
    expect(noAlg.alg).toBeUndefined()
    for (const alg of ['RS256', 'PS256'] as const) {
      const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg }).sign(rsa.privateKey)
      expect((await jose.jwtVerify(token, noAlg)).payload).toEqual({ a: 1 })
      await expectCode(() => verify(token, noAlg), 'ERR_JOSE_ALG_NOT_ALLOWED')
      await expectCode(() => verify(token, rsa.spki), 'ERR_JOSE_ALG_NOT_ALLOWED')
      expect((await verify(token, noAlg, { algorithms: [alg] })).payload).toEqual({ a: 1 })
    }
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      const s = secretFor('HS512') // 64 bytes: long enough for all three
      const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg }).sign(s)
      expect((await jose.jwtVerify(token, s)).payload).toEqual({ a: 1 })
      await expectCode(() => verify(token, s), 'ERR_JOSE_ALG_NOT_ALLOWED')
      expect((await verify(token, s, { algorithms: [alg] })).payload).toEqual({ a: 1 })
    }
  },

  async 'non-finite-numericdate'() {
    const token = forge({ alg: 'HS256' }, '{"sub":"a","exp":1e999}', { alg: 'HS256', key: secret })
    const res = await jose.jwtVerify(token, secret, { currentDate: NOW })
    expect(res.payload.exp).toBe(Infinity)
    await expectCode(() => verify(token, secret, { algorithms: ['HS256'], now: NOW }), 'ERR_JWT_INVALID')
  },

  async 'lenient-base64url'() {
    const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(secret)
    const sig = token.split('.')[2]!
    expect(sig.length % 4).toBe(3) // 32 bytes → 43 chars, 2 trailing zero bits
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = alphabet.indexOf(sig.at(-1)!)
    const variants = [
      withSegment(token, 2, `${sig}=`), // padded
      withSegment(token, 2, sig.slice(0, -1) + alphabet[last ^ 1]), // non-zero trailing bit
    ]
    for (const v of variants) {
      expect(await joseOutcome(() => jose.jwtVerify(v, secret))).toBe('OK')
      await expectCode(() => verify(v, secret, { algorithms: ['HS256'] }), 'ERR_JWS_INVALID')
    }
  },

  async 'alg-none-code'() {
    for (const alg of ['none', 'None']) {
      const token = `${b64u(JSON.stringify({ alg }))}.${b64u('{"a":1}')}.`
      expect(await joseOutcome(() => jose.jwtVerify(token, secret))).toBe('ERR_JOSE_NOT_SUPPORTED')
      await expectCode(() => verify(token, secret), 'ERR_JOSE_ALG_NOT_ALLOWED')
      await expectCode(() => verify(token, secret, { algorithms: ['HS256'] }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    }
  },

  async 'crit-registered-name'() {
    const token = forge({ alg: 'HS256', crit: ['alg'] }, { a: 1 }, { alg: 'HS256', key: secret })
    expect(await joseOutcome(() => jose.jwtVerify(token, secret))).toBe('ERR_JOSE_NOT_SUPPORTED')
    await expectCode(() => verify(token, secret, { algorithms: ['HS256'] }), 'ERR_JWS_INVALID')
  },

  async 'key-errors-are-joseerrors'() {
    expect(await joseOutcome(() => new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'RS256' }).sign(rsa1024.privateKey))).toBe('TypeError')
    const token = forge({ alg: 'RS256' }, { a: 1 }, { alg: 'RS256', key: rsa1024.privateKey })
    expect(await joseOutcome(() => jose.jwtVerify(token, rsa1024.publicKey))).toBe('TypeError')
    await expectCode(() => sign({ a: 1 }, rsa1024.pkcs8, { alg: 'RS256' }), 'ERR_KEY_INVALID')
    await expectCode(() => verify(token, rsa1024.spki, { algorithms: ['RS256'] }), 'ERR_KEY_INVALID')
    const ck = await cryptoKeyFor('RS256', rsa1024, 'verify')
    await expectCode(() => verify(token, ck), 'ERR_KEY_INVALID')
  },

  async 'nbf-code'() {
    const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).setNotBefore(T + 30).sign(secret)
    const je = (await caught(() => jose.jwtVerify(token, secret, { currentDate: NOW }))) as jose.errors.JWTClaimValidationFailed
    expect(je.code).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED')
    expect(je.claim).toBe('nbf')
    const e = await expectCode(() => verify(token, secret, { algorithms: ['HS256'], now: NOW }), 'ERR_JWT_NOT_YET_VALID')
    expect((e.notBefore as Date).getTime()).toBe((T + 30) * 1000)
  },

  async 'rsa-exponent'() {
    const n = modulusOf(rsa.spki)
    const input = signingInput({ alg: 'RS256' }, { sub: 'admin' })
    const forged = `${input}.${b64u(emsaPkcs1(input))}`
    for (const e of ['01', '02', '010000']) {
      const spki = pemOf('PUBLIC KEY', rsaSpki(n, hex(e)))
      const jwk = { kty: 'RSA', n: b64u(n), e: b64u(hex(e)) }
      // jose: imports both forms; e = 1 verifies the forgery, an even e only fails signatures
      const expected = e === '01' ? 'OK' : 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
      expect(await joseOutcome(async () => jose.jwtVerify(forged, await jose.importSPKI(spki, 'RS256')))).toBe(expected)
      expect(await joseOutcome(() => jose.jwtVerify(forged, jwk))).toBe(expected)
      // isojwt: the key itself is refused
      for (const key of [spki, jwk]) {
        const err = await expectCode(() => verify(forged, key, { algorithms: ['RS256'] }), 'ERR_KEY_INVALID')
        expect(err.message).toMatch(/exponent must be odd and ≥ 3/)
      }
    }
  },

  async 'ed25519-small-order'() {
    const identity = hex(`01${'00'.repeat(31)}`)
    const input = signingInput({ alg: 'EdDSA' }, { sub: 'admin' })
    const forged = `${input}.${b64u(concat(identity, new Uint8Array(32)))}` // R = identity, S = 0
    // the identity (y = 1) and its non-canonical encoding y = p + 1 = 2^255 − 18
    for (const x of [identity, hex(`ee${'ff'.repeat(30)}7f`)]) {
      const jwk = { kty: 'OKP', crv: 'Ed25519', x: b64u(x) }
      const spki = pemOf('PUBLIC KEY', ed25519Spki(x))
      expect((await jose.jwtVerify(forged, jwk)).payload).toEqual({ sub: 'admin' })
      expect((await jose.jwtVerify(forged, await jose.importSPKI(spki, 'EdDSA'))).payload).toEqual({ sub: 'admin' })
      for (const key of [jwk, spki]) {
        const err = await expectCode(() => verify(forged, key, { algorithms: ['EdDSA'] }), 'ERR_KEY_INVALID')
        expect(err.message).toMatch(/small-order or non-canonical Ed25519/)
      }
    }
  },

  async 'key-text-bytes'() {
    const forms = [utf8(rsa.spki), pemBody(rsa.spki), utf8(JSON.stringify(rsa.publicJwk))] // PEM file, DER SPKI, JWK JSON
    for (const bytes of forms) {
      const token = await new jose.SignJWT({ sub: 'admin' }).setProtectedHeader({ alg: 'HS256' }).sign(bytes)
      expect((await jose.jwtVerify(token, bytes)).payload).toEqual({ sub: 'admin' })
      expect((await jose.jwtVerify(token, bytes, { algorithms: ['RS256', 'HS256'] })).payload).toEqual({ sub: 'admin' })
      await expectCode(() => verify(token, bytes, { algorithms: ['RS256', 'HS256'] }), 'ERR_KEY_INVALID')
      await expectCode(() => sign({ sub: 'admin' }, bytes, { alg: 'HS256' }), 'ERR_KEY_INVALID')
    }
  },

  async 'numeric-date-ms'() {
    const ms = NOW.getTime() + 3_600_000 // the slip: Date.now() + one hour
    // jose signs it both ways and verifies it: as seconds, it is ~50 000 years away
    const viaPayload = await new jose.SignJWT({ sub: 'a', exp: ms }).setProtectedHeader({ alg: 'HS256' }).sign(secret)
    const viaSetter = await new jose.SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(ms).sign(secret)
    for (const token of [viaPayload, viaSetter]) {
      const { payload } = await jose.jwtVerify(token, secret, { currentDate: NOW })
      expect(payload.exp).toBe(ms)
      expect(new Date(payload.exp! * 1000).getUTCFullYear()).toBeGreaterThan(50_000)
      await expectCode(() => verify(token, secret, { algorithms: ['HS256'], now: NOW }), 'ERR_JWT_INVALID')
    }
    const e = await expectCode(() => sign({ sub: 'a', exp: ms }, secret, { alg: 'HS256' }), 'ERR_JOSE_INVALID_ARGUMENT')
    expect(e.message).toMatch(/milliseconds/)
  },

  async 'option-list-holes'() {
    const audience = ['api', , 'x'] as string[]
    expect(1 in audience).toBe(false)
    const tokenFor = (aud: string) => forge({ alg: 'HS256' }, { sub: 'a', aud }, { alg: 'HS256', key: secret })
    // jose: the hole matches nothing; the listed audiences work as usual
    expect(await joseOutcome(() => jose.jwtVerify(tokenFor('api'), secret, { audience }))).toBe('OK')
    expect(await joseOutcome(() => jose.jwtVerify(tokenFor('x'), secret, { audience }))).toBe('OK')
    expect(await joseOutcome(() => jose.jwtVerify(tokenFor('other'), secret, { audience }))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED')
    // and a hole in requiredClaims is a missing claim "undefined" (claim: "unspecified")
    const je = (await caught(() => jose.jwtVerify(tokenFor('api'), secret, { requiredClaims: ['sub', , 'aud'] as string[] }))) as jose.errors.JWTClaimValidationFailed
    expect([je.code, je.claim, je.reason, je.message]).toEqual(['ERR_JWT_CLAIM_VALIDATION_FAILED', 'unspecified', 'missing', 'missing required "undefined" claim'])
    // isojwt: refused at the call, whatever the token
    for (const aud of ['api', 'x', 'other']) {
      await expectCode(() => verify(tokenFor(aud), secret, { algorithms: ['HS256'], audience }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
    await expectCode(() => verify(tokenFor('api'), secret, { algorithms: ['HS256'], requiredClaims: ['sub', , 'aud'] as string[] }), 'ERR_JOSE_INVALID_ARGUMENT')
  },
}

describe('differences from jose (differences.ts)', () => {
  it('every row has a demo and every demo a row', () => {
    expect(Object.keys(demos).sort()).toEqual(differences.map((d) => d.id).sort())
    for (const d of differences) {
      for (const field of ['topic', 'isojwt', 'jose', 'why'] as const) expect(d[field].length).toBeGreaterThan(10)
    }
  })

  for (const row of differences) {
    it(`${row.id}: ${row.topic}`, async () => {
      const demo = demos[row.id]
      expect(demo, `no demo for ${row.id}`).toBeTypeOf('function')
      await demo!()
    })
  }
})
