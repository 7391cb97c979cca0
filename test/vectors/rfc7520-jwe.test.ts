/**
 * RFC 7520 §5.1–5.9 compact JWEs (test/vectors/data/jose-cookbook/jwe/5_1..5_9, copied
 * byte for byte from ietf-jose/cookbook): each decrypts with the cookbook's key to the
 * cookbook's plaintext and header, and a flipped tag bit is the one decryption failure.
 * §5.1 (RSA1_5) is refused on purpose: RSA1_5 is not supported (API.md, JWE).
 * §5.10–5.13 exist only in the JSON serializations, which this version does not read.
 * §6 (jose-cookbook/6.nesting_signatures_and_encryption.json): a PS256 JWT inside an
 * RSA-OAEP + A128GCM JWE with cty "JWT"; decrypt, then verify, reads it; decryptJwt refuses it.
 */
import { describe, expect, it } from 'vitest'
import { decrypt, decryptJwt, encrypt, verify, type Jwk, type JweAlg, type JweEnc } from '../../src/index.ts'
import { codeOf, readVectors } from './load.ts'

interface CookbookJwe {
  input: { plaintext: string; key?: Jwk; pwd?: string; alg: string; enc: string; zip?: string }
  encrypting_content: { protected: Record<string, unknown> }
  output: { compact: string }
}

const FILES = [
  ['5.2', '5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json'],
  ['5.3', '5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json'],
  ['5.4', '5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json'],
  ['5.5', '5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json'],
  ['5.6', '5_6.direct_encryption_using_aes-gcm.json'],
  ['5.7', '5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json'],
  ['5.8', '5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json'],
  ['5.9', '5_9.compressed_content.json'],
] as const

const flip = (compact: string, segment: number): string => {
  const parts = compact.split('.')
  const s = parts[segment]!
  // Flip one bit of the first character (A <-> B, etc.): still canonical base64url.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  parts[segment] = alphabet[alphabet.indexOf(s[0]!) ^ 1] + s.slice(1)
  return parts.join('.')
}

describe('RFC 7520 §5 (JOSE cookbook, compact JWE)', () => {
  for (const [section, file] of FILES) {
    const v = readVectors<CookbookJwe>(`jose-cookbook/jwe/${file}`)
    const key = v.input.pwd ?? v.input.key!
    const options = { algorithms: [v.input.alg as JweAlg], encryptions: [v.input.enc as JweEnc] }
    it(`§${section} ${v.input.alg} + ${v.input.enc}${v.input.zip ? ' + zip' : ''}: decrypts to the plaintext and header`, async () => {
      const { plaintext, header } = await decrypt(v.output.compact, key, options)
      expect(new TextDecoder().decode(plaintext)).toBe(v.input.plaintext)
      expect(header).toEqual(v.encrypting_content.protected)
    })
    it(`§${section}: a flipped tag bit is ERR_JWE_DECRYPTION_FAILED`, async () => {
      expect(await codeOf(() => decrypt(flip(v.output.compact, 4), key, options))).toBe('ERR_JWE_DECRYPTION_FAILED')
    })
  }

  it('§5.1 RSA1_5 is refused: not a supported algorithm, in a token or in options', async () => {
    const v = readVectors<CookbookJwe>('jose-cookbook/jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json')
    const { alg: _alg, ...key } = v.input.key!
    expect(await codeOf(() => decrypt(v.output.compact, key as never, { algorithms: ['RSA-OAEP'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    expect(await codeOf(() => decrypt(v.output.compact, key as never, { algorithms: ['RSA1_5' as JweAlg] }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    expect(await codeOf(() => encrypt('x', key as never, { alg: 'RSA1_5' as JweAlg, enc: 'A128GCM' }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
  })

  describe('§6 nesting signatures and encryption (cty "JWT")', () => {
    interface Nested {
      sign: { input: { payload: string; key: Jwk; alg: string }; output: { compact: string } }
      encrypt: { input: { key: Jwk; alg: string; enc: string }; encrypting_content: { protected: Record<string, unknown> }; output: { compact: string } }
    }
    const v = readVectors<Nested>('jose-cookbook/6.nesting_signatures_and_encryption.json')
    // exp 1300819380 (2011-03-22T18:43:00Z): verified one second before it.
    const now = new Date((1300819380 - 1) * 1000)
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...signer } = v.sign.input.key as Record<string, string>

    it('decrypt gives the §6 JWS, whose PS256 signature and claims verify', async () => {
      const { header, plaintext } = await decrypt(v.encrypt.output.compact, v.encrypt.input.key, { algorithms: ['RSA-OAEP'] })
      expect(header).toEqual(v.encrypt.encrypting_content.protected)
      const inner = new TextDecoder().decode(plaintext)
      expect(inner).toBe(v.sign.output.compact)
      const { payload } = await verify(inner, signer as Jwk, { algorithms: ['PS256'], now })
      expect(payload).toEqual(JSON.parse(v.sign.input.payload))
    })

    it('decryptJwt refuses it: ERR_JWT_INVALID, after decryption succeeded', async () => {
      expect(await codeOf(() => decryptJwt(v.encrypt.output.compact, v.encrypt.input.key, { publicKeyEncryption: true, now }))).toBe('ERR_JWT_INVALID')
      expect(await codeOf(() => decryptJwt(flip(v.encrypt.output.compact, 4), v.encrypt.input.key, { publicKeyEncryption: true, now }))).toBe('ERR_JWE_DECRYPTION_FAILED')
    })
  })
})
