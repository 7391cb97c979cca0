/**
 * JWS JSON serialization and unencoded payloads against published examples:
 * RFC 7515 A.6 (general) and A.7 (flattened), RFC 7797 §4.2 (b64: false, JSON and
 * detached compact), RFC 7520 §4.5 (detached content), §4.6 (kid unprotected); §4.7 and
 * §4.8 are refused on purpose: they put "alg" in the unprotected header (API.md).
 */
import { describe, expect, it } from 'vitest'
import { signJws, signJwsJson, verifyJws, verifyJwsJson } from '../../src/index.ts'
import type { Alg, Jwk } from '../../src/types.ts'
import { codeOf, readVectors, rfcExample, rfcFile, textOf } from './load.ts'

const a6 = rfcExample(rfcFile('rfc7515.json'), 'A.6')
const a7 = rfcExample(rfcFile('rfc7515.json'), 'A.7')
const ex42 = rfcExample(rfcFile('rfc7797.json'), '4.2')
interface Cookbook { input: { payload: string; key: Jwk; alg: Alg }; output: Record<string, unknown> }
const cb = (f: string) => readVectors<Cookbook>(`jose-cookbook/jws/${f}.json`)
const c45 = cb('4_5.signature_with_detached_content')
const c46 = cb('4_6.protecting_specific_header_fields')
const c47 = cb('4_7.protecting_content_only')
const c48 = cb('4_8.multiple_signatures')
const pub = (jwk: Jwk): Jwk => Object.fromEntries(Object.entries(jwk).filter(([k]) => !['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(k))) as Jwk

describe('RFC 7515 A.6 / A.7', () => {
  it('A.6 general: each key verifies its own signature and says which', async () => {
    const [rsa, ec] = a6.keys!
    const r0 = await verifyJwsJson(a6.json as never, rsa!.jwk_public, { algorithms: ['RS256'] })
    expect([r0.index, textOf(r0.payload), r0.protectedHeader, r0.unprotectedHeader]).toEqual([0, a6.payload, { alg: 'RS256' }, { kid: rsa!.kid }])
    const r1 = await verifyJwsJson(JSON.stringify(a6.json), ec!.jwk_public, { algorithms: ['ES256'] })
    expect([r1.index, textOf(r1.payload)]).toEqual([1, a6.payload])
  })

  it('A.7 flattened verifies; a changed payload does not', async () => {
    const k = a7.keys![0]!
    const r = await verifyJwsJson(a7.json as never, k.jwk_public, { algorithms: ['ES256'] })
    expect([r.index, textOf(r.payload), r.unprotectedHeader]).toEqual([0, a7.payload, { kid: k.kid }])
    expect(await codeOf(() => verifyJwsJson({ ...(a7.json as object), payload: 'e30' } as never, k.jwk_public, { algorithms: ['ES256'] }))).toBe('ERR_JWS_SIGNATURE_INVALID')
  })

  it('A.7 re-signed by signJwsJson has the same protected header and verifies', async () => {
    const k = a7.keys![0]!
    const jws = await signJwsJson(a7.payload!, [{ key: k.jwk, alg: 'ES256', unprotected: { kid: k.kid } }])
    expect(jws).toMatchObject({ payload: a7.payload_b64u, protected: (a7.json as { protected: string }).protected, header: { kid: k.kid } })
    expect((await verifyJwsJson(jws, k.jwk_public, { algorithms: ['ES256'] })).index).toBe(0)
  })
})

describe('RFC 7797 §4.2 (b64: false)', () => {
  const jwk = ex42.jwk as Jwk
  const opts = { algorithms: ['HS256'] as Alg[], crit: { b64: true as const } }

  it('flattened JSON verifies only with crit { b64: true }', async () => {
    expect(textOf((await verifyJwsJson(ex42.json as never, jwk, opts)).payload)).toBe('$.02')
    expect(await codeOf(() => verifyJwsJson(ex42.json as never, jwk, { algorithms: ['HS256'] }))).toBe('ERR_JOSE_NOT_SUPPORTED')
  })

  it('detached compact verifies with crit and the payload; signJws reproduces it', async () => {
    expect(textOf((await verifyJws(ex42.compact_detached!, jwk, { ...opts, payload: '$.02' })).payload)).toBe('$.02')
    expect(await codeOf(() => verifyJws(ex42.compact_detached!, jwk, { ...opts, payload: '$.03' }))).toBe('ERR_JWS_SIGNATURE_INVALID')
    expect(await codeOf(() => verifyJws(ex42.compact_detached!, jwk, { algorithms: ['HS256'], payload: '$.02' }))).toBe('ERR_JOSE_NOT_SUPPORTED')
    // Header member order differs from the RFC's ({"alg","b64","crit"}): same members, ours verifies.
    const mine = await signJws('$.02', jwk, { alg: 'HS256', b64: false, detached: true })
    expect(mine).toMatch(/^[^.]+\.\.[^.]+$/)
    expect(textOf((await verifyJws(mine, jwk, { ...opts, payload: '$.02' })).payload)).toBe('$.02')
    const json = await signJwsJson('$.02', [{ key: jwk, alg: 'HS256' }], { b64: false })
    expect(json).toEqual(ex42.json)
  })

  it('a JWT never takes b64: false, even with crit', async () => {
    const { verify } = await import('../../src/index.ts')
    const jws = await signJws('{}', jwk, { alg: 'HS256', b64: false, detached: true })
    expect(await codeOf(() => verify(jws, jwk, opts as never))).toBe('ERR_JWT_INVALID')
  })
})

describe('RFC 7520 §4.5–4.8', () => {
  it('§4.5 detached content: compact and JSON verify with options.payload, and not without it', async () => {
    const { payload, key, alg } = c45.input
    const compact = c45.output.compact as string
    expect(textOf((await verifyJws(compact, key, { algorithms: [alg], payload })).payload)).toBe(payload)
    expect(await codeOf(() => verifyJws(compact, key, { algorithms: [alg] }))).toBe('ERR_JWS_SIGNATURE_INVALID')
    for (const form of ['json', 'json_flat']) {
      expect((await verifyJwsJson(c45.output[form] as never, key, { algorithms: [alg], payload })).index).toBe(0)
      expect(await codeOf(() => verifyJwsJson(c45.output[form] as never, key, { algorithms: [alg] }))).toBe('ERR_JWS_INVALID')
    }
  })

  it('§4.6 protected alg, unprotected kid: verifies', async () => {
    const { key, alg } = c46.input
    for (const form of ['json', 'json_flat']) {
      const r = await verifyJwsJson(c46.output[form] as never, key, { algorithms: [alg] })
      expect(r.unprotectedHeader).toEqual({ kid: key.kid })
    }
  })

  it('§4.7 and §4.8 (alg in the unprotected header) are refused on purpose', async () => {
    expect(await codeOf(() => verifyJwsJson(c47.output.json as never, c47.input.key, { algorithms: ['HS256'] }))).toBe('ERR_JWS_INVALID')
    const keys = c48.input.key as unknown as Jwk[]
    for (const k of keys) expect(await codeOf(() => verifyJwsJson(c48.output.json as never, pub(k), { algorithms: ['RS256', 'ES512', 'HS256'] }))).toBe('ERR_JWS_INVALID')
  })
})
