/**
 * encryptJwt / decryptJwt (API.md, JWE): claims set as sign sets them and checked as verify
 * checks them, only after decryption; RSA-OAEP* and ECDH-ES* refused unless
 * publicKeyEncryption: true; jose's EncryptJWT / jwtDecrypt both ways.
 */
import * as jose from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { decrypt, decryptJwt, encrypt, encryptJwt, generateKeyPair, isJoseError, sign, verify, type Jwk } from '../../src/index.ts'
import { curvePair, rsaPair, type Pair } from './keys.ts'
import { codeOf } from '../support/errors.ts'

const secret = new Uint8Array(32).fill(7)
const dir = { algorithms: ['dir' as const], encryptions: ['A256GCM' as const] }
const T = new Date('2026-01-01T00:00:00Z')
const t = T.getTime() / 1000
const pairs: { rsa?: Pair; p256?: Pair; x25519?: Pair } = {}
beforeAll(async () => {
  pairs.rsa = await rsaPair()
  pairs.p256 = await curvePair('P-256')
  pairs.x25519 = await curvePair('X25519')
}, 60_000)

describe('encryptJwt / decryptJwt round trips', () => {
  it('sets claims as sign does, typ JWT, and decryptJwt checks them', async () => {
    const payload = { sub: 'u1', role: 'admin' }
    const token = await encryptJwt(payload, secret, { alg: 'dir', enc: 'A256GCM', kid: 'k1', issuer: 'https://id.example', audience: 'api', expiresIn: '1h', now: T })
    expect(payload).toEqual({ sub: 'u1', role: 'admin' })
    const { header, payload: got } = await decryptJwt(token, secret, { ...dir, issuer: 'https://id.example', audience: 'api', now: T })
    expect(header).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'k1', typ: 'JWT' })
    expect(got).toEqual({ sub: 'u1', role: 'admin', iss: 'https://id.example', aud: 'api', iat: t, exp: t + 3600 })
  })

  it('A256KW, PBES2 and GCMKW secrets', async () => {
    const kw = new Uint8Array(32).fill(1)
    for (const alg of ['A256KW', 'A128GCMKW'] as const) {
      const k = alg === 'A128GCMKW' ? kw.subarray(0, 16) : kw
      const token = await encryptJwt({ n: 1 }, k, { alg, enc: 'A128CBC-HS256' })
      expect((await decryptJwt(token, k, { algorithms: [alg] })).payload.n).toBe(1)
    }
    const token = await encryptJwt({ n: 2 }, 'a password', { alg: 'PBES2-HS256+A128KW', enc: 'A128GCM' })
    expect((await decryptJwt(token, 'a password', { algorithms: ['PBES2-HS256+A128KW'] })).payload.n).toBe(2)
  })

  it('claim option conflicts and bad payloads are refused as sign refuses them', async () => {
    expect(await codeOf(encryptJwt({ sub: 'a' }, secret, { alg: 'dir', enc: 'A256GCM', subject: 'b' }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    expect(await codeOf(encryptJwt({ exp: Date.now() }, secret, { alg: 'dir', enc: 'A256GCM' }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    expect(await codeOf(encryptJwt([] as never, secret, { alg: 'dir', enc: 'A256GCM' }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    expect(await codeOf(encryptJwt({}, secret, { alg: 'HS256', enc: 'A256GCM' } as never))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    expect(await codeOf(encryptJwt({}, secret, { alg: 'dir', enc: 'A256GCM', typ: 'x' } as never))).toBe('ERR_JOSE_INVALID_ARGUMENT')
  })
})

describe('claims are checked only after decryption', () => {
  it('expired, not yet valid, wrong audience, issuer, typ', async () => {
    const token = await encryptJwt({}, secret, { alg: 'dir', enc: 'A256GCM', audience: 'api', issuer: 'me', expiresIn: 60, notBefore: 10, now: T })
    const at = (s: number): Date => new Date(T.getTime() + s * 1000)
    expect(await codeOf(decryptJwt(token, secret, { ...dir, now: at(60) }))).toBe('ERR_JWT_EXPIRED')
    expect(await codeOf(decryptJwt(token, secret, { ...dir, now: at(5) }))).toBe('ERR_JWT_NOT_YET_VALID')
    expect(await codeOf(decryptJwt(token, secret, { ...dir, now: at(20), audience: 'other' }))).toBe('ERR_JWT_CLAIM_INVALID')
    expect(await codeOf(decryptJwt(token, secret, { ...dir, now: at(20), issuer: 'you' }))).toBe('ERR_JWT_CLAIM_INVALID')
    expect(await codeOf(decryptJwt(token, secret, { ...dir, now: at(20), typ: 'at+jwt' }))).toBe('ERR_JWT_CLAIM_INVALID')
    expect(await codeOf(decryptJwt(token, secret, { ...dir, now: at(20), audience: 'api', issuer: 'me' }))).toBe('resolved')
    // The error carries the decrypted payload, as verify's claim errors do.
    const e = await decryptJwt(token, secret, { ...dir, now: at(61) }).catch((x: unknown) => x)
    expect(isJoseError(e) && e.payload).toMatchObject({ aud: 'api' })
  })

  it('a wrong key fails decryption before any claim is looked at', async () => {
    const token = await encryptJwt({}, secret, { alg: 'dir', enc: 'A256GCM', expiresIn: 1, now: new Date(0) })
    expect(await codeOf(decryptJwt(token, new Uint8Array(32), { ...dir, audience: 'x' }))).toBe('ERR_JWE_DECRYPTION_FAILED')
  })

  it('a plaintext that is not a JSON object is ERR_JWT_INVALID; a bad claim type too', async () => {
    expect(await codeOf(decryptJwt(await encrypt('"s"', secret, { alg: 'dir', enc: 'A256GCM' }), secret, dir))).toBe('ERR_JWT_INVALID')
    expect(await codeOf(decryptJwt(await encrypt('{"exp":"x"}', secret, { alg: 'dir', enc: 'A256GCM' }), secret, dir))).toBe('ERR_JWT_INVALID')
  })

  it('decrypt still reads what encryptJwt made', async () => {
    const token = await encryptJwt({ a: 1 }, secret, { alg: 'dir', enc: 'A256GCM', issuedAt: false })
    expect(new TextDecoder().decode((await decrypt(token, secret, dir)).plaintext)).toBe('{"a":1}')
  })
})

describe('publicKeyEncryption', () => {
  it('RSA-OAEP* and ECDH-ES* are refused unless publicKeyEncryption: true', async () => {
    for (const [alg, pair] of [['RSA-OAEP-256', pairs.rsa!], ['ECDH-ES', pairs.p256!], ['ECDH-ES+A128KW', pairs.x25519!]] as const) {
      const token = await encryptJwt({ sub: 'x' }, pair.pub, { alg, enc: 'A128GCM' })
      const priv = { ...(pair.priv as Jwk), alg }
      // A key that pins the alg, no options: the token's alg is not allowed.
      expect(await codeOf(decryptJwt(token, priv)), alg).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(decryptJwt(token, priv, { publicKeyEncryption: false })), alg).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      // Listing it without the flag is the caller's mistake.
      expect(await codeOf(decryptJwt(token, pair.priv, { algorithms: [alg] })), alg).toBe('ERR_JOSE_INVALID_ARGUMENT')
      expect((await decryptJwt(token, pair.priv, { algorithms: [alg], publicKeyEncryption: true })).payload.sub).toBe('x')
      expect((await decryptJwt(token, priv, { publicKeyEncryption: true })).payload.sub).toBe('x')
    }
    expect(await codeOf(decryptJwt('x', secret, { publicKeyEncryption: 1 as never }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
  })

  it('decrypt (not a JWT) keeps accepting them', async () => {
    const jwe = await encrypt('x', pairs.p256!.pub, { alg: 'ECDH-ES', enc: 'A128GCM' })
    expect(await codeOf(decrypt(jwe, pairs.p256!.priv, { algorithms: ['ECDH-ES'] }))).toBe('resolved')
  })
})

describe('nested JWT (cty "JWT": a signed JWT inside, RFC 7519 §5.2, §7.2 step 8)', () => {
  /** The error of a call, or undefined. */
  const errorOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e)

  it('decryptJwt refuses it with ERR_JWT_INVALID, pointing to decrypt + verify (API.md gives it no verify key)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const inner = await sign({ sub: 'u1' }, privateKey, { audience: 'api', expiresIn: '5m' })
    const jwe = await encrypt(inner, secret, { alg: 'dir', enc: 'A256GCM', cty: 'JWT' })
    const e = await errorOf(decryptJwt(jwe, secret, dir))
    expect(isJoseError(e) && e.code).toBe('ERR_JWT_INVALID')
    expect((e as Error).message).toMatch(/nested JWT.*decrypt\(\).*verify\(\)/)
    // The documented way: decrypt, then verify the inner JWT with the signer's key.
    const { plaintext, header } = await decrypt(jwe, secret, dir)
    expect(header.cty).toBe('JWT')
    const { payload } = await verify(new TextDecoder().decode(plaintext), publicKey, { audience: 'api' })
    expect(payload.sub).toBe('u1')
  })

  it('whatever the plaintext: a JSON claims set under cty "JWT" is refused too (cty compared case-insensitively, application/ prefix optional)', async () => {
    for (const cty of ['JWT', 'jwt', 'application/jwt', 'Application/JWT']) {
      const jwe = await encrypt('{"sub":"x"}', secret, { alg: 'dir', enc: 'A256GCM', cty })
      expect(await codeOf(decryptJwt(jwe, secret, dir)), cty).toBe('ERR_JWT_INVALID')
    }
    for (const cty of ['json', 'application/json', 'JWTX', 'text/jwt']) {
      const jwe = await encrypt('{"sub":"x"}', secret, { alg: 'dir', enc: 'A256GCM', cty })
      expect((await decryptJwt(jwe, secret, dir)).payload.sub, cty).toBe('x')
    }
  })

  it('decryption comes first: a forged nested JWT is ERR_JWE_DECRYPTION_FAILED, not a cty answer', async () => {
    const jwe = await encrypt('{"sub":"x"}', secret, { alg: 'dir', enc: 'A256GCM', cty: 'JWT' })
    expect(await codeOf(decryptJwt(jwe, new Uint8Array(32), dir))).toBe('ERR_JWE_DECRYPTION_FAILED')
  })
})

describe('jose interop (EncryptJWT / jwtDecrypt)', () => {
  it('ours → jose and jose → ours, dir + A256CBC-HS512 and RSA-OAEP-256', async () => {
    const key = new Uint8Array(64).fill(3)
    const ours = await encryptJwt({ sub: 'u' }, key, { alg: 'dir', enc: 'A256CBC-HS512', audience: 'api', expiresIn: '5m' })
    const theirs = await jose.jwtDecrypt(ours, key, { audience: 'api' })
    expect(theirs.payload.sub).toBe('u')
    expect(theirs.protectedHeader.typ).toBe('JWT')
    const made = await new jose.EncryptJWT({ sub: 'v' }).setProtectedHeader({ alg: 'dir', enc: 'A256CBC-HS512' })
      .setAudience('api').setIssuedAt().setExpirationTime('5m').encrypt(key)
    expect((await decryptJwt(made, key, { algorithms: ['dir'], audience: 'api' })).payload.sub).toBe('v')
    const expired = await new jose.EncryptJWT({}).setProtectedHeader({ alg: 'dir', enc: 'A256CBC-HS512' }).setExpirationTime(1000).encrypt(key)
    expect(await codeOf(decryptJwt(expired, key, { algorithms: ['dir'] }))).toBe('ERR_JWT_EXPIRED')

    const rsa = pairs.rsa!
    const priv = await jose.importJWK({ ...(rsa.priv as Jwk), alg: 'RSA-OAEP-256' })
    const pub = await jose.importJWK({ ...(rsa.pub as Jwk), alg: 'RSA-OAEP-256' })
    const o2 = await encryptJwt({ sub: 'w' }, rsa.pub, { alg: 'RSA-OAEP-256', enc: 'A128GCM', issuer: 'me' })
    expect((await jose.jwtDecrypt(o2, priv, { issuer: 'me' })).payload.sub).toBe('w')
    const m2 = await new jose.EncryptJWT({ sub: 'z' }).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A128GCM' }).setIssuer('me').encrypt(pub)
    expect((await decryptJwt(m2, rsa.priv, { algorithms: ['RSA-OAEP-256'], publicKeyEncryption: true, issuer: 'me' })).payload.sub).toBe('z')
  })
})
