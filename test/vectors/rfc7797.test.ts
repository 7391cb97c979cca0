/**
 * RFC 7797 (test/vectors/data/rfc7797.json), the "b64" header parameter.
 * §4.1: {"alg":"HS256"} over "$.02", the ordinary encoded form: must verify.
 * §3: "b64": true listed in "crit" means the ordinary encoding: must be accepted.
 * §4.2: "b64": false (unencoded payload) without the caller's crit { b64: true }: verifyJws → ERR_JOSE_NOT_SUPPORTED
 * (accepted with it: test/vectors/jws-json.test.ts);
 * for a JWT it is forbidden (RFC 7797 §7) → verify gives ERR_JWT_INVALID.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { importKey, verify, verifyJws } from '../../src/index.ts'
import type { Alg, Jwk } from '../../src/types.ts'
import { b64u, codeOf, fromB64u, oracleSign, rfcExample, rfcFile, textOf, utf8 } from './load.ts'
import { signSignature } from './primitive.ts'

const file = rfcFile('rfc7797.json')
const ex41 = rfcExample(file, '4.1')
const ex42 = rfcExample(file, '4.2')
const extra = rfcExample(file, 'cookbook-extra')
const jwk = ex41.jwk as Jwk
const opts = { algorithms: ['HS256'] as Alg[] }

/** A compact JWS over `header`/`payload` MACed with the RFC key by node:crypto (test-side). */
function macToken(header: Record<string, unknown>, payload: string): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(payload)}`
  return `${input}.${b64u(oracleSign('HS256', jwk, utf8(input)))}`
}

describe('RFC 7797 (b64)', () => {
  it('the file holds 4.1, 4.2 and the cookbook extra', () => {
    expect(file.examples.map((e) => e.id)).toEqual(['4.1', '4.2', 'cookbook-extra'])
  })

  describe('§4.1 {"alg":"HS256"}, payload "$.02"', () => {
    it('vector data: compact = header.payload.signature, HMAC recomputes', () => {
      expect(ex41.compact).toBe(`${ex41.protected_header_b64u}.${ex41.payload_b64u}.${ex41.signature_b64u}`)
      expect(b64u(ex41.payload!)).toBe(ex41.payload_b64u)
      expect(b64u(oracleSign('HS256', jwk, utf8(ex41.signing_input!)))).toBe(ex41.signature_b64u)
    })

    it('verifyJws accepts it and returns "$.02"', async () => {
      const r = await verifyJws(ex41.compact!, jwk, opts)
      expect(textOf(r.payload)).toBe('$.02')
      expect(r.header).toEqual({ alg: 'HS256' })
    })
  })

  describe('§3 "b64": true listed in "crit" (the default encoding, made explicit)', () => {
    const token = macToken({ alg: 'HS256', b64: true, crit: ['b64'] }, '$.02')

    it('verifyJws accepts it with the same payload', async () => {
      const r = await verifyJws(token, jwk, opts)
      expect(textOf(r.payload)).toBe('$.02')
      expect(r.header.b64).toBe(true)
      expect(r.header.crit).toEqual(['b64'])
    })

    it('verify accepts it for a JSON claims set', async () => {
      const jwt = macToken({ alg: 'HS256', b64: true, crit: ['b64'] }, '{"sub":"rfc7797"}')
      expect((await verify(jwt, jwk, opts)).payload).toEqual({ sub: 'rfc7797' })
    })

    it('"b64" present but not listed in "crit" is ERR_JWS_INVALID (RFC 7797 §6)', async () => {
      expect(await codeOf(() => verifyJws(macToken({ alg: 'HS256', b64: true }, '$.02'), jwk, opts))).toBe('ERR_JWS_INVALID')
    })
  })

  describe('§4.2 {"alg":"HS256","b64":false,"crit":["b64"]} (unencoded payload)', () => {
    it('vector data: the MAC covers the unencoded payload, the compact form is detached', () => {
      expect(ex42.compact).toBeNull()
      expect(ex42.compact_detached).toBe(`${ex42.protected_header_b64u}..${ex42.signature_b64u}`)
      expect(ex42.signing_input).toBe(`${ex42.protected_header_b64u}.$.02`)
      const mac = createHmac('sha256', fromB64u(jwk.k as string)).update(ex42.signing_input!).digest('base64url')
      expect(mac).toBe(ex42.signature_b64u)
    })

    it('the library\'s signing step over the unencoded signing input gives A5dxf2s9… (the primitive is right, the mode is refused)', async () => {
      const key = await importKey(jwk, 'HS256')
      expect(b64u(await signSignature('HS256', key, utf8(ex42.signing_input!)))).toBe(ex42.signature_b64u)
    })

    it('verifyJws: ERR_JOSE_NOT_SUPPORTED (with and without algorithms)', async () => {
      expect(await codeOf(() => verifyJws(ex42.compact_detached!, jwk, opts))).toBe('ERR_JOSE_NOT_SUPPORTED')
      expect(await codeOf(() => verifyJws(ex42.compact_detached!, { ...jwk, alg: 'HS256' }))).toBe('ERR_JOSE_NOT_SUPPORTED')
    })

    it('verify (JWT API): ERR_JWT_INVALID, b64:false is forbidden for JWTs', async () => {
      expect(await codeOf(() => verify(ex42.compact_detached!, jwk, opts))).toBe('ERR_JWT_INVALID')
    })

    it('the same header with an encoded payload segment is still refused, never verified as b64:true', async () => {
      // MAC computed the ordinary way; a library that ignored b64 would accept it.
      const token = macToken({ alg: 'HS256', b64: false, crit: ['b64'] }, '$.02')
      expect(await codeOf(() => verifyJws(token, jwk, opts))).toBe('ERR_JOSE_NOT_SUPPORTED')
      expect(await codeOf(() => verify(token, jwk, opts))).toBe('ERR_JWT_INVALID')
    })
  })

  describe('cookbook extra: b64:false with an unencoded payload inside the compact form', () => {
    it('is refused (its middle segment is not base64url, and b64:false is unsupported)', async () => {
      expect(extra.compact).toContain('.This is the payload string!.')
      const code = await codeOf(() => verifyJws(extra.compact!, extra.jwk as Jwk))
      expect(['ERR_JWS_INVALID', 'ERR_JOSE_NOT_SUPPORTED']).toContain(code)
    })
  })
})
