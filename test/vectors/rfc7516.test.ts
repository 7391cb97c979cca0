/**
 * RFC 7516 Appendix A (test/vectors/data/rfc7516.json, transcribed from the RFC):
 * - A.1 RSA-OAEP + A256GCM and A.3 A128KW + A128CBC-HS256 decrypt with the RFC's own keys
 *   (the JWKs printed in A.1.3 and A.3.3) to the RFC's plaintexts, and their headers;
 *   node:crypto checks the same values independently;
 * - A.2 RSA1_5 + A128CBC-HS256 is refused on purpose: RSA1_5 is not supported (API.md, JWE).
 */
import { constants, createCipheriv, createDecipheriv, createHmac, createPrivateKey, privateDecrypt } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decrypt, decryptJwt, encrypt, type Jwk, type JweAlg } from '../../src/index.ts'
import { codeOf, fromB64u, rfcExample, rfcFile, textOf } from './load.ts'

interface JweExample {
  id: string
  alg: string
  enc: string
  jwk: Jwk
  jwk_public: Jwk | null
  protected_header: string
  protected_header_b64u: string
  compact: string
  cek_b64u: string
  iv_b64u: string
  plaintext: string
  expected: 'valid' | 'refused'
}

const file = rfcFile('rfc7516.json')
const example = (id: string): JweExample => rfcExample(file, id) as unknown as JweExample
const segments = (compact: string): string[] => compact.split('.')

/** The same JWE with one bit of one segment's first byte flipped (still canonical base64url). */
function flip(compact: string, segment: number): string {
  const parts = segments(compact)
  const bytes = fromB64u(parts[segment]!)
  bytes[0]! ^= 1
  parts[segment] = Buffer.from(bytes).toString('base64url')
  return parts.join('.')
}

/** RFC 7518 §5.2.2.2 with node:crypto only: the tag first, then AES-CBC. */
function oracleCbcHs(cek: Uint8Array, aad: string, iv: Uint8Array, ct: Uint8Array, tag: Uint8Array): string {
  const half = cek.length / 2
  const al = Buffer.alloc(8)
  al.writeBigUInt64BE(BigInt(aad.length * 8))
  const mac = createHmac('sha256', cek.subarray(0, half)).update(aad, 'ascii').update(iv).update(ct).update(al).digest().subarray(0, half)
  expect(Buffer.from(mac).equals(Buffer.from(tag))).toBe(true)
  const d = createDecipheriv('aes-128-cbc', cek.subarray(half), iv)
  return Buffer.concat([d.update(ct), d.final()]).toString('utf8')
}

describe('RFC 7516 Appendix A', () => {
  it('the file holds A.1, A.2 and A.3 with the RFC plaintexts', () => {
    expect(file.examples.map((e) => e.id)).toEqual(['A.1', 'A.2', 'A.3'])
    expect(example('A.1').plaintext).toBe('The true sign of intelligence is not knowledge but imagination.')
    expect(example('A.2').plaintext).toBe('Live long and prosper.')
    expect(example('A.3').plaintext).toBe('Live long and prosper.')
    for (const id of ['A.1', 'A.2', 'A.3']) {
      const ex = example(id)
      expect(segments(ex.compact)[0]).toBe(ex.protected_header_b64u)
      expect(textOf(fromB64u(ex.protected_header_b64u))).toBe(ex.protected_header)
      expect(JSON.parse(ex.protected_header)).toEqual({ alg: ex.alg, enc: ex.enc })
      expect(segments(ex.compact)[2]).toBe(ex.iv_b64u)
    }
  })

  describe('A.1 RSAES-OAEP and AES GCM', () => {
    const ex = example('A.1')
    const options = { algorithms: ['RSA-OAEP' as JweAlg], encryptions: ['A256GCM' as const] }

    it('node:crypto (independent): the encrypted key is the recorded CEK, and AES-256-GCM gives the plaintext', () => {
      const [h, ek, iv, ct, tag] = segments(ex.compact)
      const key = createPrivateKey({ key: ex.jwk as never, format: 'jwk' })
      const cek = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, fromB64u(ek!))
      expect(cek.toString('base64url')).toBe(ex.cek_b64u)
      const d = createDecipheriv('aes-256-gcm', cek, fromB64u(iv!))
      d.setAAD(Buffer.from(h!, 'ascii'))
      d.setAuthTag(fromB64u(tag!))
      expect(Buffer.concat([d.update(fromB64u(ct!)), d.final()]).toString('utf8')).toBe(ex.plaintext)
    })

    it('decrypt with the RFC JWK gives the RFC plaintext and header', async () => {
      const { header, plaintext } = await decrypt(ex.compact, ex.jwk, options)
      expect(textOf(plaintext)).toBe(ex.plaintext)
      expect(header).toEqual({ alg: 'RSA-OAEP', enc: 'A256GCM' })
      // A JWK that pins RSA-OAEP needs no options.
      expect(textOf((await decrypt(ex.compact, { ...ex.jwk, alg: 'RSA-OAEP' })).plaintext)).toBe(ex.plaintext)
    })

    it('a flipped bit in the encrypted key, IV, ciphertext or tag is the one decryption failure', async () => {
      for (const segment of [1, 2, 3, 4]) {
        expect(await codeOf(() => decrypt(flip(ex.compact, segment), ex.jwk, options)), `segment ${segment}`).toBe('ERR_JWE_DECRYPTION_FAILED')
      }
    })

    it('policy: the public key cannot decrypt; RSA-OAEP-256 is not RSA-OAEP; the key pins nothing without algorithms', async () => {
      expect(await codeOf(() => decrypt(ex.compact, ex.jwk_public!, options))).toBe('ERR_KEY_INVALID')
      expect(await codeOf(() => decrypt(ex.compact, ex.jwk, { algorithms: ['RSA-OAEP-256'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => decrypt(ex.compact, ex.jwk))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      // Not a JWT, and public-key encryption in any case needs the caller's word in decryptJwt.
      expect(await codeOf(() => decryptJwt(ex.compact, ex.jwk, options))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    })

    it('round trip with the RFC key: encrypt to its public half, decrypt with it', async () => {
      const jwe = await encrypt(ex.plaintext, ex.jwk_public!, { alg: 'RSA-OAEP', enc: 'A256GCM' })
      expect(textOf((await decrypt(jwe, ex.jwk, options)).plaintext)).toBe(ex.plaintext)
    })
  })

  describe('A.2 RSAES-PKCS1-v1_5 (refused on purpose)', () => {
    const ex = example('A.2')

    it('the recorded values are consistent (node:crypto: the CEK decrypts the content under a matching tag)', () => {
      expect(ex.expected).toBe('refused')
      const [h, , iv, ct, tag] = segments(ex.compact)
      expect(oracleCbcHs(fromB64u(ex.cek_b64u), h!, fromB64u(iv!), fromB64u(ct!), fromB64u(tag!))).toBe(ex.plaintext)
    })

    it('decrypt refuses the RFC token: RSA1_5 is not an allowed alg, not even a listable one', async () => {
      expect(await codeOf(() => decrypt(ex.compact, ex.jwk))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => decrypt(ex.compact, ex.jwk, { algorithms: ['RSA-OAEP'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => decrypt(ex.compact, ex.jwk, { algorithms: ['RSA1_5' as JweAlg] }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      // The header's alg is refused before any key is read; a JWK that names RSA1_5 is not a
      // key this library reads (here with A.1's token, whose alg would pass the policy).
      expect(await codeOf(() => decrypt(ex.compact, { ...ex.jwk, alg: 'RSA1_5' }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => decrypt(example('A.1').compact, { ...example('A.1').jwk, alg: 'RSA1_5' }, { algorithms: ['RSA-OAEP'] }))).toBe('ERR_KEY_INVALID')
      expect(await codeOf(() => encrypt('x', ex.jwk_public!, { alg: 'RSA1_5' as JweAlg, enc: 'A128CBC-HS256' }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    })
  })

  describe('A.3 AES Key Wrap and AES_128_CBC_HMAC_SHA_256', () => {
    const ex = example('A.3')
    const options = { algorithms: ['A128KW' as JweAlg], encryptions: ['A128CBC-HS256' as const] }

    it('node:crypto (independent): AES key unwrap gives the recorded CEK, whose tag and content check', () => {
      const [h, ek, iv, ct, tag] = segments(ex.compact)
      const unwrap = createDecipheriv('id-aes128-wrap', fromB64u(ex.jwk.k as string), Buffer.from('a6a6a6a6a6a6a6a6', 'hex'))
      const cek = Buffer.concat([unwrap.update(fromB64u(ek!)), unwrap.final()])
      expect(cek.toString('base64url')).toBe(ex.cek_b64u)
      expect(oracleCbcHs(cek, h!, fromB64u(iv!), fromB64u(ct!), fromB64u(tag!))).toBe(ex.plaintext)
      // And the wrap is deterministic: wrapping the CEK again gives the RFC's encrypted key.
      const wrap = createCipheriv('id-aes128-wrap', fromB64u(ex.jwk.k as string), Buffer.from('a6a6a6a6a6a6a6a6', 'hex'))
      expect(Buffer.concat([wrap.update(cek), wrap.final()]).toString('base64url')).toBe(ek)
    })

    it('decrypt with the RFC key (as the JWK, and as raw bytes) gives the RFC plaintext and header', async () => {
      for (const key of [ex.jwk, fromB64u(ex.jwk.k as string)]) {
        const { header, plaintext } = await decrypt(ex.compact, key, options)
        expect(textOf(plaintext)).toBe(ex.plaintext)
        expect(header).toEqual({ alg: 'A128KW', enc: 'A128CBC-HS256' })
      }
      // decryptJwt: the plaintext is not a JSON object.
      expect(await codeOf(() => decryptJwt(ex.compact, ex.jwk, options))).toBe('ERR_JWT_INVALID')
    })

    it('a flipped bit in the encrypted key, IV, ciphertext or tag is the one decryption failure; a wrong key too', async () => {
      for (const segment of [1, 2, 3, 4]) {
        expect(await codeOf(() => decrypt(flip(ex.compact, segment), ex.jwk, options)), `segment ${segment}`).toBe('ERR_JWE_DECRYPTION_FAILED')
      }
      expect(await codeOf(() => decrypt(ex.compact, new Uint8Array(16), options))).toBe('ERR_JWE_DECRYPTION_FAILED')
    })

    it('policy: a secret pins nothing (algorithms needed); A256KW wants a 32-byte key', async () => {
      expect(await codeOf(() => decrypt(ex.compact, ex.jwk))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(() => decrypt(ex.compact, ex.jwk, { algorithms: ['A256KW'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    })
  })
})
