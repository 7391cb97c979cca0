/**
 * X25519 keys as PEM (RFC 8410: SPKI and PKCS#8 with id-X25519, 1.3.101.110) for ECDH-ES,
 * both ways with jose; JWS still refuses them (no JWS algorithm takes X25519).
 */
import { generateKeyPairSync } from 'node:crypto'
import * as jose from 'jose'
import { describe, expect, it } from 'vitest'
import { decrypt, decryptJwt, encrypt, encryptJwt, sign, verify } from '../../src/index.ts'
import { codeOf } from '../support/errors.ts'

const { publicKey, privateKey } = generateKeyPairSync('x25519')
const pub = publicKey.export({ type: 'spki', format: 'pem' }) as string
const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('X25519 PEM keys for ECDH-ES', () => {
  it('SPKI encrypts, PKCS#8 decrypts, every ECDH-ES alg', async () => {
    for (const alg of ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW'] as const) {
      const jwe = await encrypt('hi', pub, { alg, enc: 'A256GCM' })
      expect(text((await decrypt(jwe, priv, { algorithms: [alg] })).plaintext), alg).toBe('hi')
    }
    const token = await encryptJwt({ sub: 'x' }, pub, { alg: 'ECDH-ES', enc: 'A128GCM' })
    expect((await decryptJwt(token, priv, { algorithms: ['ECDH-ES'], publicKeyEncryption: true })).payload.sub).toBe('x')
  })

  it('jose both ways', async () => {
    const ours = await encrypt('to jose', pub, { alg: 'ECDH-ES+A128KW', enc: 'A128GCM' })
    const theirKey = await jose.importPKCS8(priv, 'ECDH-ES+A128KW')
    expect(text((await jose.compactDecrypt(ours, theirKey)).plaintext)).toBe('to jose')
    const made = await new jose.CompactEncrypt(new TextEncoder().encode('from jose')).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' })
      .encrypt(await jose.importSPKI(pub, 'ECDH-ES'))
    expect(text((await decrypt(made, priv, { algorithms: ['ECDH-ES'] })).plaintext)).toBe('from jose')
  })

  it('a private PEM does not encrypt, a public one does not decrypt; JWS refuses X25519 PEM as before', async () => {
    expect(await codeOf(encrypt('x', priv, { alg: 'ECDH-ES', enc: 'A256GCM' }))).toBe('ERR_KEY_INVALID')
    const jwe = await encrypt('hi', pub, { alg: 'ECDH-ES', enc: 'A256GCM' })
    expect(await codeOf(decrypt(jwe, pub, { algorithms: ['ECDH-ES'] }))).toBe('ERR_KEY_INVALID')
    expect(await codeOf(sign({}, priv, { alg: 'EdDSA' }))).toBe('ERR_JOSE_NOT_SUPPORTED')
    expect(await codeOf(verify('a.b.c', pub, { algorithms: ['EdDSA'] }))).not.toBe('resolved')
  })

  it('id-X25519 with parameters is refused (RFC 8410 §3: absent)', async () => {
    const der = publicKey.export({ type: 'spki', format: 'der' })
    // 302a 3005 0603 2b656e 0321 00…: give the AlgorithmIdentifier a NULL parameter.
    const bad = Buffer.concat([Buffer.from('302c300706032b656e0500', 'hex'), der.subarray(9)])
    const pem = `-----BEGIN PUBLIC KEY-----\n${bad.toString('base64')}\n-----END PUBLIC KEY-----`
    expect(await codeOf(encrypt('x', pem, { alg: 'ECDH-ES', enc: 'A256GCM' }))).toBe('ERR_JOSE_NOT_SUPPORTED')
  })
})
