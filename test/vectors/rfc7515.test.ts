/**
 * RFC 7515 Appendix A (test/vectors/data/rfc7515.json): A.1 HS256, A.2 RS256, A.3 ES256,
 * A.4 ES512, A.5 unsecured (alg "none"), A.6/A.7 JSON serialization.
 * The claims carry exp 1300819380 (2011-03-22T18:43:00Z): the JWT checks run with a fixed
 * clock one second before, and must report ERR_JWT_EXPIRED on the real clock.
 */
import { describe, expect, it } from 'vitest'
import { decode, importKey, isExpired, signJws, verify, verifyJws } from '../../src/index.ts'
import type { Alg, Jwk, KeyResolver } from '../../src/types.ts'
import {
  b64u, codeOf, fromB64u, oracleSign, oracleVerify, outcome, publicJwk, rfcExample, rfcFile,
  segments, tamperSignature, textOf, utf8,
} from './load.ts'
import { signSignature, verifySignature } from './primitive.ts'

const file = rfcFile('rfc7515.json')
const EXP = 1300819380
const beforeExp = new Date((EXP - 1) * 1000)
const atExp = new Date(EXP * 1000)

/** Checks shared by every signed example: the compact form is exactly its parts. */
function checkParts(id: string) {
  const ex = rfcExample(file, id)
  expect(b64u(ex.protected_header!)).toBe(ex.protected_header_b64u)
  expect(b64u(ex.payload!)).toBe(ex.payload_b64u)
  expect(ex.signing_input).toBe(`${ex.protected_header_b64u}.${ex.payload_b64u}`)
  expect(ex.compact).toBe(`${ex.signing_input}.${ex.signature_b64u}`)
}

describe('RFC 7515 Appendix A', () => {
  it('the file holds exactly A.1-A.7', () => {
    expect(file.examples.map((e) => e.id)).toEqual(['A.1', 'A.2', 'A.3', 'A.4', 'A.5', 'A.6', 'A.7'])
  })

  describe('A.1 HS256 (header {"typ":"JWT",CRLF SP "alg":"HS256"})', () => {
    const ex = rfcExample(file, 'A.1')
    const jwk = ex.jwk as Jwk
    const opts = { algorithms: ['HS256'] as Alg[] }

    it('vector data: 64-byte oct key, compact = header.payload.signature', () => {
      expect(fromB64u(jwk.k as string)).toHaveLength(64)
      expect(jwk.alg).toBeUndefined()
      checkParts('A.1')
    })

    it('verify (JWT API) accepts it with a fixed clock before exp, header and claims intact', async () => {
      const r = await verify(ex.compact!, jwk, { ...opts, now: beforeExp })
      expect(r.payload).toEqual(ex.claims)
      expect(r.header).toEqual(JSON.parse(ex.protected_header!))
      expect(r.header.typ).toBe('JWT')
      expect(r.key).toBeInstanceOf(CryptoKey)
      expect(r.key.algorithm.name).toBe('HMAC')
      expect(r.key.extractable).toBe(false)
    })

    it('verifyJws accepts it and returns the exact payload octets', async () => {
      const r = await verifyJws(ex.compact!, jwk, opts)
      expect(textOf(r.payload)).toBe(ex.payload)
    })

    it('without a fixed clock it is ERR_JWT_EXPIRED, carrying expiredAt and the verified payload', async () => {
      const o = await outcome(() => verify(ex.compact!, jwk, opts))
      expect(o.ok ? 'resolved' : o.jose ? o.code : 'non-JoseError').toBe('ERR_JWT_EXPIRED')
      if (!o.ok && o.jose) {
        expect(o.error.expiredAt).toEqual(atExp)
        expect(o.error.payload).toEqual(ex.claims)
      }
    })

    it('exp boundary: expired at t = exp, accepted there with clockTolerance 1', async () => {
      expect(await codeOf(() => verify(ex.compact!, jwk, { ...opts, now: atExp }))).toBe('ERR_JWT_EXPIRED')
      const r = await verify(ex.compact!, jwk, { ...opts, now: atExp, clockTolerance: 1 })
      expect(r.payload).toEqual(ex.claims)
    })

    it('an oct JWK without alg pins nothing: no algorithms → ERR_JOSE_ALG_NOT_ALLOWED (the header never fills the gap)', async () => {
      expect(await codeOf(() => verify(ex.compact!, jwk, { now: beforeExp }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => verifyJws(ex.compact!, jwk))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => verifyJws(ex.compact!, jwk, { algorithms: ['HS512'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    })

    it('the same secret as raw bytes and as an imported CryptoKey (which pins HS256) verifies', async () => {
      const raw = fromB64u(jwk.k as string)
      expect((await verify(ex.compact!, raw, { ...opts, now: beforeExp })).payload).toEqual(ex.claims)
      const key = await importKey(jwk, 'HS256')
      expect((await verify(ex.compact!, key, { now: beforeExp })).payload).toEqual(ex.claims)
    })

    it('a changed signature is ERR_JWS_SIGNATURE_INVALID', async () => {
      expect(await codeOf(() => verifyJws(tamperSignature(ex.compact!), jwk, opts))).toBe('ERR_JWS_SIGNATURE_INVALID')
    })

    it('isExpired and decode read the structure only', () => {
      expect(isExpired(ex.compact!)).toBe(true)
      expect(isExpired(ex.compact!, { now: beforeExp })).toBe(false)
      const d = decode(ex.compact!)
      expect(d.payload).toEqual(ex.claims)
      expect(d.header).toEqual(JSON.parse(ex.protected_header!))
      expect(b64u(d.signature)).toBe(ex.signature_b64u)
    })

    it('re-signing the RFC signing input (CRLF header) with the library\'s signing step reproduces dBjftJeZ…', async () => {
      // signJws cannot write this header's octets; the signing step under it can sign them.
      const key = await importKey(jwk, 'HS256')
      const sig = await signSignature('HS256', key, utf8(ex.signing_input!))
      expect(b64u(sig)).toBe(ex.signature_b64u)
      expect(await verifySignature('HS256', key, sig, utf8(ex.signing_input!))).toBe(true)
    })

    it('re-signing: the CRLF header cannot be produced by signJws, so its HS256 tag is checked against node:crypto', async () => {
      // signJws writes its own header JSON; the RFC's header bytes (CRLF, space) are not
      // reproducible through the public API. HMAC is deterministic, so the tag over our own
      // signing input must equal an independent HMAC with the same key.
      const ours = await signJws(utf8(ex.payload!), jwk, { alg: 'HS256' })
      const [h, p, s] = segments(ours)
      expect(p).toBe(ex.payload_b64u)
      expect(JSON.parse(textOf(fromB64u(h)))).toEqual({ alg: 'HS256' })
      expect(s).toBe(b64u(oracleSign('HS256', jwk, utf8(`${h}.${p}`))))
    })
  })

  describe('A.2 RS256', () => {
    const ex = rfcExample(file, 'A.2')
    const pub = ex.jwk_public as Jwk
    const opts = { algorithms: ['RS256'] as Alg[] }

    it('vector data: 2048-bit modulus, compact = header.payload.signature', () => {
      expect(fromB64u(pub.n as string)).toHaveLength(256)
      checkParts('A.2')
    })

    it('verify (JWT API) accepts it with a fixed clock; ERR_JWT_EXPIRED on the real clock', async () => {
      const r = await verify(ex.compact!, pub, { ...opts, now: beforeExp })
      expect(r.payload).toEqual(ex.claims)
      expect(r.header).toEqual({ alg: 'RS256' })
      expect(r.key.algorithm.name).toBe('RSASSA-PKCS1-v1_5')
      expect(await codeOf(() => verify(ex.compact!, pub, opts))).toBe('ERR_JWT_EXPIRED')
    })

    it('an RSA JWK without alg pins nothing; PS256 only, or no algorithms, is ERR_JOSE_ALG_NOT_ALLOWED', async () => {
      expect(await codeOf(() => verifyJws(ex.compact!, pub))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => verifyJws(ex.compact!, pub, { algorithms: ['PS256'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    })

    it('re-signing with signJws reproduces the RFC token byte for byte (RSASSA-PKCS1-v1_5 is deterministic)', async () => {
      // The header here is the single member {"alg":"RS256"}: signJws can write exactly it.
      const ours = await signJws(utf8(ex.payload!), ex.jwk as Jwk, { alg: 'RS256' })
      expect(JSON.parse(textOf(fromB64u(segments(ours)[0])))).toEqual({ alg: 'RS256' })
      expect(ours).toBe(ex.compact)
    })

    it('a changed signature is ERR_JWS_SIGNATURE_INVALID', async () => {
      expect(await codeOf(() => verifyJws(tamperSignature(ex.compact!), pub, opts))).toBe('ERR_JWS_SIGNATURE_INVALID')
    })
  })

  describe('A.3 ES256', () => {
    const ex = rfcExample(file, 'A.3')
    const pub = ex.jwk_public as Jwk

    it('vector data: compact = header.payload.signature, a 64-octet R||S signature', () => {
      checkParts('A.3')
      expect(fromB64u(ex.signature_b64u!)).toHaveLength(64)
    })

    it('verify (JWT API) accepts it with a fixed clock (the EC key pins ES256); ERR_JWT_EXPIRED on the real clock', async () => {
      const r = await verify(ex.compact!, pub, { now: beforeExp })
      expect(r.payload).toEqual(ex.claims)
      expect(r.key.algorithm.name).toBe('ECDSA')
      expect(await codeOf(() => verify(ex.compact!, pub))).toBe('ERR_JWT_EXPIRED')
    })

    it('algorithms outside the pinned ES256 are ERR_JOSE_ALG_NOT_ALLOWED', async () => {
      expect(await codeOf(() => verifyJws(ex.compact!, pub, { algorithms: ['ES384'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    })

    it('the private JWK is refused for verification (ERR_KEY_INVALID)', async () => {
      expect(await codeOf(() => verifyJws(ex.compact!, ex.jwk as Jwk))).toBe('ERR_KEY_INVALID')
    })

    it('a changed signature is ERR_JWS_SIGNATURE_INVALID', async () => {
      expect(await codeOf(() => verifyJws(tamperSignature(ex.compact!), pub))).toBe('ERR_JWS_SIGNATURE_INVALID')
    })

    it('ECDSA is randomized: a fresh signJws token has a 64-octet signature that verifies here and in node:crypto', async () => {
      const ours = await signJws(utf8(ex.payload!), ex.jwk as Jwk, { alg: 'ES256' })
      const [h, p, s] = segments(ours)
      expect(fromB64u(s)).toHaveLength(64)
      expect(oracleVerify('ES256', pub, utf8(`${h}.${p}`), fromB64u(s))).toBe(true)
      expect(textOf((await verifyJws(ours, pub)).payload)).toBe(ex.payload)
    })
  })

  describe('A.4 ES512 (payload "Payload", not a JWT)', () => {
    const ex = rfcExample(file, 'A.4')
    const pub = ex.jwk_public as Jwk

    it('vector data: compact = header.payload.signature, a 132-octet R||S signature', () => {
      checkParts('A.4')
      expect(fromB64u(ex.signature_b64u!)).toHaveLength(132)
    })

    it('verifyJws accepts it (the P-521 key pins ES512)', async () => {
      const r = await verifyJws(ex.compact!, pub)
      expect(textOf(r.payload)).toBe('Payload')
      expect(r.header).toEqual({ alg: 'ES512' })
    })

    it('verify (JWT API) checks the signature, then refuses the non-JSON payload: ERR_JWT_INVALID', async () => {
      expect(await codeOf(() => verify(ex.compact!, pub))).toBe('ERR_JWT_INVALID')
      expect(await codeOf(() => verify(tamperSignature(ex.compact!), pub))).toBe('ERR_JWS_SIGNATURE_INVALID')
    })

    it('a fresh signJws token has a 132-octet signature that verifies here and in node:crypto', async () => {
      const ours = await signJws('Payload', ex.jwk as Jwk, { alg: 'ES512' })
      const [h, p, s] = segments(ours)
      expect(fromB64u(s)).toHaveLength(132)
      expect(oracleVerify('ES512', pub, utf8(`${h}.${p}`), fromB64u(s))).toBe(true)
      expect(textOf((await verifyJws(ours, pub)).payload)).toBe('Payload')
    })
  })

  describe('A.5 unsecured JWS (alg "none") is never accepted', () => {
    const ex = rfcExample(file, 'A.5')
    const hsKey = rfcExample(file, 'A.1').jwk as Jwk
    const esKey = rfcExample(file, 'A.3').jwk_public as Jwk

    it('vector data: header {"alg":"none"}, empty signature', () => {
      expect(ex.expected).toBe('unsecured')
      expect(ex.compact).toBe(`${ex.signing_input}.`)
      expect(b64u(ex.protected_header!)).toBe(ex.protected_header_b64u)
    })

    it('verify and verifyJws refuse it with ERR_JOSE_ALG_NOT_ALLOWED, with and without algorithms', async () => {
      for (const key of [hsKey, esKey]) {
        expect(await codeOf(() => verify(ex.compact!, key, { now: beforeExp }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
        expect(await codeOf(() => verifyJws(ex.compact!, key))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      }
      for (const algorithms of [['HS256'], ['ES256'], ['HS256', 'RS256', 'ES256', 'EdDSA']] as Alg[][]) {
        expect(await codeOf(() => verify(ex.compact!, hsKey, { algorithms, now: beforeExp }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
        expect(await codeOf(() => verifyJws(ex.compact!, hsKey, { algorithms }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      }
    })

    it('it is refused before any key is resolved: a resolver is never called', async () => {
      let calls = 0
      const resolver: KeyResolver = () => {
        calls++
        return hsKey
      }
      expect(await codeOf(() => verify(ex.compact!, resolver, { algorithms: ['HS256'], now: beforeExp }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => verifyJws(ex.compact!, resolver))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(calls).toBe(0)
    })

    it('asking for "none" in algorithms is the caller\'s error: ERR_JOSE_INVALID_ARGUMENT', async () => {
      const algorithms = ['none'] as unknown as Alg[]
      expect(await codeOf(() => verify(ex.compact!, hsKey, { algorithms, now: beforeExp }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      expect(await codeOf(() => verifyJws(ex.compact!, hsKey, { algorithms }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    })

    it('decode still reads its structure (decode is never trust)', () => {
      const d = decode(ex.compact!)
      expect(d.header).toEqual({ alg: 'none' })
      expect(d.payload).toEqual(ex.claims)
      expect(d.signature).toHaveLength(0)
    })
  })

  describe('A.6 / A.7 JSON serialization (not supported: compact only)', () => {
    for (const id of ['A.6', 'A.7']) {
      const ex = rfcExample(file, id)
      it(`${id}: the JSON form given to verifyJws is ERR_JWS_INVALID`, async () => {
        expect(await codeOf(() => verifyJws(JSON.stringify(ex.json), ex.keys![0]!.jwk_public))).toBe('ERR_JWS_INVALID')
      })

      it(`${id}: each signature, re-assembled as protected.payload.signature, verifies as compact`, async () => {
        // The JWS Signing Input covers only the protected header and payload (RFC 7515
        // §5.1), so every signature of a JSON serialization is also a compact JWS.
        const json = ex.json as { payload: string; signatures?: { protected: string; signature: string }[]; protected?: string; signature?: string }
        const sigs = json.signatures ?? [{ protected: json.protected!, signature: json.signature! }]
        expect(sigs).toHaveLength(ex.keys!.length)
        for (const [i, s] of sigs.entries()) {
          const k = ex.keys![i]!
          const compact = `${s.protected}.${json.payload}.${s.signature}`
          const r = await verifyJws(compact, publicJwk(k.jwk_public), { algorithms: [k.alg as Alg] })
          expect(textOf(r.payload)).toBe(ex.payload)
          expect(r.header.alg).toBe(k.alg)
        }
      })
    }
  })
})
