/**
 * RFC 8037 Appendix A (test/vectors/data/rfc8037.json): A.1 Ed25519 private key, A.2 public
 * key, A.3 thumbprint (see rfc7638.test.ts), A.4 signing, A.5 validation; and the
 * cookbook's curve25519/jws.json (the same example). A.6/A.7 are X25519/X448 key
 * agreement (JWE), out of scope. Ed25519 is deterministic (RFC 8032 §5.1.6), so signing
 * A.4's input with A.1's key must give A.4's signature byte for byte.
 */
import { describe, expect, it } from 'vitest'
import { exportJwk, importKey, signJws, verify, verifyJws } from '../../src/index.ts'
import type { Jwk } from '../../src/types.ts'
import {
  b64u, codeOf, fromB64u, fromHex, oracleSign, readVectors, rfcExample, rfcFile, segments,
  tamperSignature, textOf, utf8, type CookbookJws,
} from './load.ts'

const file = rfcFile('rfc8037.json')
const a1 = rfcExample(file, 'A.1')
const a2 = rfcExample(file, 'A.2')
const a4 = rfcExample(file, 'A.4')
const a5 = rfcExample(file, 'A.5')

describe('RFC 8037 Appendix A (Ed25519)', () => {
  it('the file holds A.1-A.7; vector data agrees with the printed hex', () => {
    expect(file.examples.map((e) => e.id)).toEqual(['A.1', 'A.2', 'A.3', 'A.4', 'A.5', 'A.6', 'A.7'])
    const jwk = a1.jwk as Jwk
    expect(b64u(fromHex((a1 as unknown as { private_key_hex: string }).private_key_hex))).toBe(jwk.d)
    expect(b64u(fromHex((a1 as unknown as { public_key_hex: string }).public_key_hex))).toBe(jwk.x)
    expect(a2.jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: jwk.x })
    expect(a4.compact).toBe(`${a4.protected_header_b64u}.${a4.payload_b64u}.${a4.signature_b64u}`)
    expect(b64u(a4.payload!)).toBe(a4.payload_b64u)
    expect(a5.compact).toBe(a4.compact)
  })

  it('A.1: the private JWK imports for EdDSA and its public half exports as A.2', async () => {
    const priv = await importKey(a1.jwk as Jwk, 'EdDSA')
    expect(priv.type).toBe('private')
    expect(priv.algorithm.name).toBe('Ed25519')
    const pub = await importKey(a2.jwk as Jwk, 'EdDSA', { extractable: true })
    const exported = await exportJwk(pub)
    expect(exported).toMatchObject({ kty: 'OKP', crv: 'Ed25519', x: (a2.jwk as Jwk).x })
    expect(exported.d).toBeUndefined()
  })

  it('A.4/A.5: verifyJws accepts the JWS with the A.2 public key (an OKP key pins EdDSA)', async () => {
    const r = await verifyJws(a5.compact!, a5.jwk_public as Jwk)
    expect(textOf(r.payload)).toBe('Example of Ed25519 signing')
    expect(r.header).toEqual({ alg: 'EdDSA' })
    expect(r.key.algorithm.name).toBe('Ed25519')
    const viaImported = await verifyJws(a4.compact!, await importKey(a2.jwk as Jwk, 'EdDSA'))
    expect(textOf(viaImported.payload)).toBe(a4.payload)
  })

  it('A.4: signJws with the A.1 key reproduces the RFC token byte for byte', async () => {
    const ours = await signJws(a4.payload!, a1.jwk as Jwk, { alg: 'EdDSA' })
    expect(JSON.parse(textOf(fromB64u(segments(ours)[0])))).toEqual({ alg: 'EdDSA' })
    expect(ours).toBe(a4.compact)
    expect(b64u(fromHex((a4 as unknown as { signature_hex: string }).signature_hex))).toBe(segments(ours)[2])
    // Same bytes from a private CryptoKey as from the JWK.
    const priv = await importKey(a1.jwk as Jwk, 'EdDSA')
    expect(await signJws(utf8(a4.payload!), priv, { alg: 'EdDSA' })).toBe(a4.compact)
  })

  it('a changed signature, and a private key for verification, are refused', async () => {
    expect(await codeOf(() => verifyJws(tamperSignature(a5.compact!), a2.jwk as Jwk))).toBe('ERR_JWS_SIGNATURE_INVALID')
    expect(await codeOf(() => verifyJws(a5.compact!, a1.jwk as Jwk))).toBe('ERR_KEY_INVALID')
  })

  it('policy: algorithms without EdDSA is ERR_JOSE_ALG_NOT_ALLOWED (EdDSA and Ed25519 are distinct names)', async () => {
    expect(await codeOf(() => verifyJws(a5.compact!, a2.jwk as Jwk, { algorithms: ['Ed25519'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    expect(await codeOf(() => verifyJws(a5.compact!, a2.jwk as Jwk, { algorithms: ['ES256'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    const r = await verifyJws(a5.compact!, a2.jwk as Jwk, { algorithms: ['EdDSA', 'ES256'] })
    expect(r.header.alg).toBe('EdDSA')
  })

  it('RFC 9864 "Ed25519" with the same key: deterministic signature equals node:crypto over its own input', async () => {
    const ours = await signJws(a4.payload!, a1.jwk as Jwk, { alg: 'Ed25519' })
    const [h, p, s] = segments(ours)
    expect(JSON.parse(textOf(fromB64u(h)))).toEqual({ alg: 'Ed25519' })
    expect(s).toBe(b64u(oracleSign('Ed25519', a1.jwk as Jwk, utf8(`${h}.${p}`))))
    expect(textOf((await verifyJws(ours, a2.jwk as Jwk)).payload)).toBe(a4.payload)
  })

  it('verify (JWT API) reaches the payload step: "Example of Ed25519 signing" is not JSON → ERR_JWT_INVALID', async () => {
    expect(await codeOf(() => verify(a4.compact!, a2.jwk as Jwk))).toBe('ERR_JWT_INVALID')
  })

  it('cookbook curve25519/jws.json is the same example and verifies and re-signs identically', async () => {
    const v = readVectors<CookbookJws>('jose-cookbook/curve25519/jws.json')
    expect(v.output.compact).toBe(a4.compact)
    const { d: _d, ...pub } = v.input.key
    expect(textOf((await verifyJws(v.output.compact!, pub as Jwk)).payload)).toBe(v.input.payload)
    expect(await signJws(v.input.payload, v.input.key, { alg: 'EdDSA' })).toBe(v.output.compact)
  })
})
