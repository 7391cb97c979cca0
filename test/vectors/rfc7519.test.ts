/**
 * RFC 7519 (test/vectors/data/rfc7519.json): §3.1 the example JWT (HS256, header with CRLF,
 * typ "JWT", exp 1300819380 = 2011-03-22T18:43:00Z), §6.1 the unsecured JWT, and
 * Appendix A.1/A.2 (JWE, out of scope: they must be refused, never misread as JWS).
 */
import { describe, expect, it } from 'vitest'
import { decode, importKey, isExpired, verify, verifyJws } from '../../src/index.ts'
import type { Alg, Jwk } from '../../src/types.ts'
import { b64u, codeOf, fromB64u, outcome, rfcExample, rfcFile, tamperSignature, utf8 } from './load.ts'
import { signSignature } from './primitive.ts'

const file = rfcFile('rfc7519.json')
const EXP = 1300819380
const beforeExp = new Date(Date.UTC(2011, 2, 22, 18, 42, 59)) // one second before exp

describe('RFC 7519', () => {
  it('the file holds exactly §3.1, §6.1, A.1, A.2', () => {
    expect(file.examples.map((e) => e.id)).toEqual(['3.1', '6.1', 'A.1', 'A.2'])
    expect(beforeExp.getTime()).toBe((EXP - 1) * 1000)
  })

  describe('§3.1 example JWT', () => {
    const ex = rfcExample(file, '3.1')
    const jwk = ex.jwk as Jwk
    const opts = { algorithms: ['HS256'] as Alg[] }

    it('vector data: the header is the exact RFC octets (CRLF, space), key is 64 bytes', () => {
      expect(ex.protected_header).toBe('{"typ":"JWT",\r\n "alg":"HS256"}')
      expect(b64u(ex.protected_header!)).toBe(ex.protected_header_b64u)
      expect(b64u(ex.payload!)).toBe(ex.payload_b64u)
      expect(ex.compact).toBe(`${ex.protected_header_b64u}.${ex.payload_b64u}.${ex.signature_b64u}`)
      expect(fromB64u(jwk.k as string)).toHaveLength(64)
    })

    it('verify accepts it with a fixed clock in 2011: claims, typ JWT and a non-extractable HMAC key', async () => {
      const r = await verify(ex.compact!, jwk, { ...opts, now: beforeExp })
      expect(r.payload).toEqual({ iss: 'joe', exp: EXP, 'http://example.com/is_root': true })
      expect(r.payload).toEqual(ex.claims)
      expect(r.header).toEqual({ typ: 'JWT', alg: 'HS256' })
      expect(r.key.algorithm.name).toBe('HMAC')
      expect(r.key.extractable).toBe(false)
    })

    it('now as a function is read on each call', async () => {
      let reads = 0
      const now = () => {
        reads++
        return beforeExp
      }
      await verify(ex.compact!, jwk, { ...opts, now })
      await verify(ex.compact!, jwk, { ...opts, now })
      expect(reads).toBeGreaterThanOrEqual(2)
    })

    it('without a fixed clock: ERR_JWT_EXPIRED with expiredAt = 2011-03-22T18:43:00Z', async () => {
      const o = await outcome(() => verify(ex.compact!, jwk, opts))
      expect(o.ok ? 'resolved' : o.jose ? o.code : 'non-JoseError').toBe('ERR_JWT_EXPIRED')
      if (!o.ok && o.jose) expect(o.error.expiredAt?.toISOString()).toBe('2011-03-22T18:43:00.000Z')
    })

    it('typ options: "JWT" and "application/jwt" accept, "at+jwt" is ERR_JWT_CLAIM_INVALID', async () => {
      await expect(verify(ex.compact!, jwk, { ...opts, now: beforeExp, typ: 'JWT' })).resolves.toBeTruthy()
      await expect(verify(ex.compact!, jwk, { ...opts, now: beforeExp, typ: 'application/jwt' })).resolves.toBeTruthy()
      const o = await outcome(() => verify(ex.compact!, jwk, { ...opts, now: beforeExp, typ: 'at+jwt' }))
      expect(o.ok ? 'resolved' : o.jose ? o.code : 'non-JoseError').toBe('ERR_JWT_CLAIM_INVALID')
      if (!o.ok && o.jose) expect(o.error.claim).toBe('typ')
    })

    it('issuer "joe" accepts; another issuer is ERR_JWT_CLAIM_INVALID (claim iss)', async () => {
      await expect(verify(ex.compact!, jwk, { ...opts, now: beforeExp, issuer: 'joe' })).resolves.toBeTruthy()
      const o = await outcome(() => verify(ex.compact!, jwk, { ...opts, now: beforeExp, issuer: 'Joe' }))
      expect(o.ok ? 'resolved' : o.jose ? o.code : 'non-JoseError').toBe('ERR_JWT_CLAIM_INVALID')
      if (!o.ok && o.jose) expect(o.error.claim).toBe('iss')
    })

    it('a changed signature is ERR_JWS_SIGNATURE_INVALID even on the real clock (signature before claims)', async () => {
      expect(await codeOf(() => verify(tamperSignature(ex.compact!), jwk, opts))).toBe('ERR_JWS_SIGNATURE_INVALID')
    })

    it('the library\'s signing step over the exact RFC signing input reproduces the RFC signature', async () => {
      const key = await importKey(jwk, 'HS256')
      expect(b64u(await signSignature('HS256', key, utf8(ex.signing_input!)))).toBe(ex.signature_b64u)
    })

    it('decode and isExpired', () => {
      expect(decode(ex.compact!).payload).toEqual(ex.claims)
      expect(isExpired(ex.compact!)).toBe(true)
      expect(isExpired(ex.compact!, { now: beforeExp })).toBe(false)
    })
  })

  describe('§6.1 unsecured JWT', () => {
    const ex = rfcExample(file, '6.1')
    const jwk = rfcExample(file, '3.1').jwk as Jwk

    it('is refused with ERR_JOSE_ALG_NOT_ALLOWED by verify and verifyJws, with and without algorithms', async () => {
      expect(ex.expected).toBe('unsecured')
      expect(ex.compact!.endsWith('.')).toBe(true)
      expect(await codeOf(() => verify(ex.compact!, jwk, { now: beforeExp }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => verify(ex.compact!, jwk, { algorithms: ['HS256'], now: beforeExp }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => verifyJws(ex.compact!, jwk))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => verifyJws(ex.compact!, jwk, { algorithms: ['HS256'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    })
  })

  describe('A.1 / A.2 (JWE, out of scope)', () => {
    for (const id of ['A.1', 'A.2']) {
      const ex = rfcExample(file, id)
      it(`${id}: a five-part JWE given to verify / verifyJws is ERR_JWS_INVALID`, async () => {
        expect(ex.compact!.split('.')).toHaveLength(5)
        const key = ex.jwk_public as Jwk
        expect(await codeOf(() => verify(ex.compact!, key, { algorithms: ['RS256'] }))).toBe('ERR_JWS_INVALID')
        expect(await codeOf(() => verifyJws(ex.compact!, key, { algorithms: ['RS256'] }))).toBe('ERR_JWS_INVALID')
      })
    }
  })
})
