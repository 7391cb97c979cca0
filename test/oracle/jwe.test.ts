/**
 * JWE interop with jose (its CompactEncrypt / compactDecrypt), both directions, for every
 * `alg` × `enc` pair, ECDH-ES on every curve, apu/apv, and `zip: "DEF"`.
 */
import { inflateRawSync } from 'node:zlib'
import * as jose from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { decrypt, encrypt, type Jwk } from '../../src/index.ts'
import { ALGS, CURVES, ENCS, curvePair, keyFor, opts, rsaPair, type Pair } from '../jwe/keys.ts'

const text = (b: Uint8Array): string => new TextDecoder().decode(b)

/** jose wants a CryptoKey (or KeyObject) for asymmetric keys, bytes for secrets. */
async function forJose(k: Pair['pub'], alg: string): Promise<CryptoKey | Uint8Array> {
  if (typeof k === 'string') return new TextEncoder().encode(k)
  if (k instanceof Uint8Array) return k
  return await jose.importJWK({ ...(k as Jwk), alg }) as CryptoKey
}

describe('JWE interop with jose, every alg × enc', () => {
  const pairs: Record<string, Pair> = {}
  beforeAll(async () => {
    pairs.rsa = await rsaPair()
    for (const crv of CURVES) pairs[crv] = await curvePair(crv)
  }, 60_000)

  for (const alg of ALGS) {
    for (const enc of ENCS) {
      const curves = alg.family === 'ECDH-ES' ? CURVES : ['P-256']
      for (const crv of curves) {
        it(`${alg.alg} + ${enc.enc}${alg.family === 'ECDH-ES' ? ` on ${crv}` : ''}: ours → jose, jose → ours`, async () => {
          const k = keyFor(alg, enc, { rsa: pairs.rsa!, curve: pairs[crv]! })
          const ours = await encrypt('héllo', k.pub, { alg: alg.alg, enc: enc.enc, kid: 'k1' })
          const theirs = await jose.compactDecrypt(ours, await forJose(k.priv, alg.alg), { keyManagementAlgorithms: [alg.alg] })
          expect(text(theirs.plaintext)).toBe('héllo')
          expect(theirs.protectedHeader).toMatchObject({ alg: alg.alg, enc: enc.enc, kid: 'k1' })
          const made = await new jose.CompactEncrypt(new TextEncoder().encode('hi there'))
            .setProtectedHeader({ alg: alg.alg, enc: enc.enc }).encrypt(await forJose(k.pub, alg.alg))
          const back = await decrypt(made, k.priv, opts(alg, enc))
          expect(text(back.plaintext)).toBe('hi there')
        })
      }
    }
  }

  it('ECDH-ES with apu/apv: jose derives the same key', async () => {
    const k = pairs['P-384']!
    const ours = await encrypt('x', k.pub, { alg: 'ECDH-ES', enc: 'A256GCM', header: { apu: 'QWxpY2U', apv: 'Qm9i' } })
    const theirs = await jose.compactDecrypt(ours, await forJose(k.priv, 'ECDH-ES'))
    expect(text(theirs.plaintext)).toBe('x')
    const made = await new jose.CompactEncrypt(new TextEncoder().encode('y')).setProtectedHeader({ alg: 'ECDH-ES+A192KW', enc: 'A128GCM' })
      .setKeyManagementParameters({ apu: new TextEncoder().encode('Alice'), apv: new TextEncoder().encode('Bob') }).encrypt(await forJose(k.pub, 'ECDH-ES+A192KW'))
    expect(text((await decrypt(made, k.priv, opts('ECDH-ES+A192KW', 'A128GCM'))).plaintext)).toBe('y')
  })

  it('zip: "DEF" is raw DEFLATE (RFC 1951), as node:zlib reads it', async () => {
    const secret = crypto.getRandomValues(new Uint8Array(32))
    const jwe = await encrypt('a'.repeat(1000), secret, { alg: 'dir', enc: 'A256GCM', zip: 'DEF' })
    const { plaintext, header } = await decrypt(jwe, secret, opts('dir', 'A256GCM'))
    expect(header.zip).toBe('DEF')
    expect(text(plaintext)).toBe('a'.repeat(1000))
    // The ciphertext is the compressed form: far shorter than the plaintext.
    expect(jwe.split('.')[3]!.length).toBeLessThan(200)
    expect(text((await jose.compactDecrypt(jwe, secret)).plaintext)).toBe('a'.repeat(1000))
    const made = await new jose.CompactEncrypt(new TextEncoder().encode('b'.repeat(500))).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', zip: 'DEF' }).encrypt(secret)
    expect(text((await decrypt(made, secret, opts('dir', 'A256GCM'))).plaintext)).toBe('b'.repeat(500))
    // An empty raw DEFLATE stream (one final fixed block) is what node:zlib makes too.
    expect(inflateRawSync(Buffer.from('AwA', 'base64url')).length).toBe(0)
  })
})
