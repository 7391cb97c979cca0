/**
 * RFC 7638 §3.1 JWK Thumbprint (test/vectors/data/rfc7638.json) and the OKP thumbprint of
 * RFC 8037 A.3 (rfc8037.json): SHA-256 over the required members in lexicographic order.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { thumbprint, thumbprintUri } from '../../src/index.ts'
import type { Jwk } from '../../src/types.ts'
import { rfcExample, rfcFile } from './load.ts'

const rfc7638 = rfcExample(rfcFile('rfc7638.json'), '3.1')
const rfc8037 = rfcFile('rfc8037.json')

describe('RFC 7638 §3.1 JWK Thumbprint', () => {
  const jwk = rfc7638.jwk as Jwk

  it('vector data: the printed value is SHA-256 of the printed canonical JSON', () => {
    expect(rfc7638.hash).toBe('SHA-256')
    expect(createHash('sha256').update(rfc7638.canonical_json!).digest('base64url')).toBe(rfc7638.thumbprint_b64u)
    expect(jwk.alg).toBe('RS256') // non-required members are present and must be ignored
    expect(jwk.kid).toBe('2011-04-29')
  })

  it('thumbprint(jwk) equals the printed NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', async () => {
    expect(await thumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
    expect(await thumbprint(jwk)).toBe(rfc7638.thumbprint_b64u)
    expect(await thumbprint(jwk, 'SHA-256')).toBe(rfc7638.thumbprint_b64u)
  })

  it('member order and optional members do not change it', async () => {
    const reordered: Jwk = { n: jwk.n, e: jwk.e, kty: 'RSA' }
    expect(await thumbprint(reordered)).toBe(rfc7638.thumbprint_b64u)
    expect(await thumbprint({ ...jwk, use: 'sig', key_ops: ['verify'] })).toBe(rfc7638.thumbprint_b64u)
  })

  it('RFC 9278 §3 example: thumbprintUri is the sha-256 thumbprint URI of this key', async () => {
    // RFC 9278 §3 prints this URI for the RFC 7638 §3.1 key.
    expect(await thumbprintUri(jwk)).toBe('urn:ietf:params:oauth:jwk-thumbprint:sha-256:NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
    expect(await thumbprintUri(jwk, 'SHA-512')).toBe(`urn:ietf:params:oauth:jwk-thumbprint:sha-512:${await thumbprint(jwk, 'SHA-512')}`)
    await expect(thumbprintUri(jwk, 'sha-256' as never)).rejects.toMatchObject({ code: 'ERR_JOSE_INVALID_ARGUMENT' })
  })

  it('SHA-384 / SHA-512 hash the same canonical JSON', async () => {
    expect(await thumbprint(jwk, 'SHA-384')).toBe(createHash('sha384').update(rfc7638.canonical_json!).digest('base64url'))
    expect(await thumbprint(jwk, 'SHA-512')).toBe(createHash('sha512').update(rfc7638.canonical_json!).digest('base64url'))
  })

  it('a different modulus gives a different thumbprint', async () => {
    const n = jwk.n as string
    const other = { ...jwk, n: `${n.slice(0, 10)}${n[10] === 'A' ? 'B' : 'A'}${n.slice(11)}` }
    expect(await thumbprint(other)).not.toBe(rfc7638.thumbprint_b64u)
  })
})

describe('RFC 8037 A.3 OKP (Ed25519) thumbprint', () => {
  const a3 = rfcExample(rfc8037, 'A.3')

  it('vector data: SHA-256 of the printed canonical JSON', () => {
    expect(createHash('sha256').update(a3.canonical_json!).digest('base64url')).toBe(a3.thumbprint_b64u)
  })

  it('thumbprint(A.3 public JWK) equals kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k', async () => {
    expect(await thumbprint(a3.jwk as Jwk)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k')
  })

  it('the A.1 private JWK has the same thumbprint (only required public members count)', async () => {
    const a1 = rfcExample(rfc8037, 'A.1')
    expect((a1.jwk as Jwk).d).toBeTypeOf('string')
    expect(await thumbprint(a1.jwk as Jwk)).toBe(a3.thumbprint_b64u)
  })
})
