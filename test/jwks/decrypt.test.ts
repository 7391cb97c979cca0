/**
 * API.md "JWE" and "Key sets": a set used for decryption selects keys with use "enc" or
 * absent and key_ops with decrypt, unwrapKey or deriveBits (or absent); the JWS rule
 * stays "sig" / "verify". A use: sig key never decrypts; a use: enc key never verifies.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { createLocalJwks, decrypt, decryptJwt, encrypt, encryptJwt, sign, verify, type Jwk } from '../../src/index.ts'
import { curvePair, rsaPair, type Pair } from '../jwe/keys.ts'
import { codeOf } from '../support/errors.ts'

const k32 = new Uint8Array(32).fill(9)
const oct = (extra: Record<string, unknown>): Jwk => ({ kty: 'oct', k: Buffer.from(k32).toString('base64url'), ...extra })
let rsa: Pair
let p256: Pair
let x25519: Pair
beforeAll(async () => {
  rsa = await rsaPair()
  p256 = await curvePair('P-256')
  x25519 = await curvePair('X25519')
}, 60_000)

describe('createLocalJwks serves decrypt and decryptJwt', () => {
  it('RSA-OAEP-256, ECDH-ES on P-256 and X25519, A256KW: the key with the right kid, use and key_ops', async () => {
    const set = createLocalJwks({
      keys: [
        { ...(rsa.priv as Jwk), kid: 'r', use: 'enc', key_ops: ['decrypt'] },
        { ...(p256.priv as Jwk), kid: 'e', use: 'enc', key_ops: ['deriveBits'] },
        { ...(x25519.priv as Jwk), kid: 'x' },
        oct({ kid: 'o', use: 'enc', key_ops: ['unwrapKey'] }),
      ],
    }, { allowSymmetric: true })
    const cases = [['RSA-OAEP-256', rsa.pub, 'r'], ['ECDH-ES', p256.pub, 'e'], ['ECDH-ES+A128KW', x25519.pub, 'x'], ['A256KW', k32, 'o']] as const
    for (const [alg, pub, kid] of cases) {
      const jwe = await encrypt('hi', pub, { alg, enc: 'A128GCM', kid })
      expect(new TextDecoder().decode((await decrypt(jwe, set, { algorithms: [alg] })).plaintext), alg).toBe('hi')
      const token = await encryptJwt({ sub: kid }, pub, { alg, enc: 'A128GCM', kid })
      expect((await decryptJwt(token, set, { algorithms: [alg], publicKeyEncryption: true })).payload.sub, alg).toBe(kid)
      // Without a kid: chosen by kty and the epk's curve.
      const bare = await encrypt('hi', pub, { alg, enc: 'A128GCM' })
      expect(await codeOf(decrypt(bare, set, { algorithms: [alg] })), `${alg} without kid`).toBe('resolved')
    }
  })

  it('a use: sig key, or key_ops without a decrypting op, never decrypts', async () => {
    const jwe = await encrypt('hi', p256.pub, { alg: 'ECDH-ES', enc: 'A128GCM' })
    for (const extra of [{ use: 'sig' }, { key_ops: ['verify'] }, { key_ops: ['sign', 'encrypt'] }, { key_ops: 'deriveBits' as never }]) {
      const set = createLocalJwks({ keys: [{ ...(p256.priv as Jwk), ...extra }] })
      expect(await codeOf(decrypt(jwe, set, { algorithms: ['ECDH-ES'] })), JSON.stringify(extra)).toBe('ERR_JWKS_NO_MATCHING_KEY')
    }
    const kw = await encrypt('hi', k32, { alg: 'A256KW', enc: 'A128GCM' })
    expect(await codeOf(decrypt(kw, createLocalJwks({ keys: [oct({ use: 'sig' })] }, { allowSymmetric: true }), { algorithms: ['A256KW'] }))).toBe('ERR_JWKS_NO_MATCHING_KEY')
    // oct keys still need allowSymmetric.
    expect(await codeOf(decrypt(kw, createLocalJwks({ keys: [oct({})] }), { algorithms: ['A256KW'] }))).toBe('ERR_JWKS_NO_MATCHING_KEY')
  })

  it('a key of another kty or curve is not offered', async () => {
    const jwe = await encrypt('hi', p256.pub, { alg: 'ECDH-ES', enc: 'A128GCM' })
    const set = createLocalJwks({ keys: [{ ...(x25519.priv as Jwk) }, { ...(rsa.priv as Jwk) }, oct({})] }, { allowSymmetric: true })
    expect(await codeOf(decrypt(jwe, set, { algorithms: ['ECDH-ES'] }))).toBe('ERR_JWKS_NO_MATCHING_KEY')
    const oaep = await encrypt('hi', rsa.pub, { alg: 'RSA-OAEP', enc: 'A128GCM' })
    expect(await codeOf(decrypt(oaep, createLocalJwks({ keys: [{ ...(p256.priv as Jwk) }] }), { algorithms: ['RSA-OAEP'] }))).toBe('ERR_JWKS_NO_MATCHING_KEY')
  })

  it('a use: enc key never verifies; a use: sig key still does', async () => {
    const hs = oct({})
    const token = await sign({ sub: 's' }, k32, { alg: 'HS256' })
    for (const extra of [{ use: 'enc' }, { key_ops: ['decrypt', 'unwrapKey', 'deriveBits'] }]) {
      const set = createLocalJwks({ keys: [{ ...hs, ...extra }] }, { allowSymmetric: true })
      expect(await codeOf(verify(token, set, { algorithms: ['HS256'] })), JSON.stringify(extra)).toBe('ERR_JWKS_NO_MATCHING_KEY')
    }
    const ok = createLocalJwks({ keys: [{ ...hs, use: 'sig', key_ops: ['verify'] }] }, { allowSymmetric: true })
    expect((await verify(token, ok, { algorithms: ['HS256'] })).payload.sub).toBe('s')
    // A JWS whose header happens to carry an "enc" member is still a JWS.
    const withEnc = await sign({ sub: 's' }, k32, { alg: 'HS256', header: { enc: 'A128GCM' } })
    expect((await verify(withEnc, ok, { algorithms: ['HS256'] })).payload.sub).toBe('s')
  })
})
