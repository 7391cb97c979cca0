/**
 * API.md "Which algorithms a key pins" and the allowed set for verification:
 * algorithms ∩ pinned(key) | algorithms ∩ compatible(key) | pinned(key); empty →
 * ERR_JOSE_ALG_NOT_ALLOWED. The header alg never fills a gap.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { verify } from '../../src/index.ts'
import type { Alg, KeyInput, VerifyOptions } from '../../src/types.ts'
import { NOW, SECRET, SECRET_STR, craft, cryptoKey, ec, ed25519, jwk, rejects, rejectsJose, rsa, type Pair } from './helpers.ts'

let R: Pair
let P256: Pair
let P384: Pair
let P521: Pair
let ED: Pair

beforeAll(() => {
  R = rsa()
  P256 = ec('P-256')
  P384 = ec('P-384')
  P521 = ec('P-521')
  ED = ed25519()
})

/** A JWT with header alg `alg`, signed by `key` with that algorithm. */
const tok = (alg: Alg | string, key: Parameters<typeof craft>[2], signAlg: string = alg) =>
  craft({ alg, typ: 'JWT' }, { sub: 'x' }, key, signAlg)

async function accepts(token: string, key: KeyInput, o: VerifyOptions = {}): Promise<CryptoKey> {
  const r = await verify(token, key, { now: NOW, ...o })
  expect(r.payload).toEqual({ sub: 'x' })
  expect(r.key).toBeInstanceOf(CryptoKey)
  return r.key
}
const refuses = (token: string, key: KeyInput, o: VerifyOptions = {}) =>
  rejects(() => verify(token, key, { now: NOW, ...o }), 'ERR_JOSE_ALG_NOT_ALLOWED')

describe('JWK with alg pins {alg}', () => {
  it('verifies without algorithms', async () => {
    await accepts(tok('RS256', R.privateKey), jwk(R.pubJwk, { alg: 'RS256' }))
    await accepts(tok('PS384', R.privateKey), jwk(R.pubJwk, { alg: 'PS384' }))
    await accepts(tok('ES256', P256.privateKey), jwk(P256.pubJwk, { alg: 'ES256' }))
    await accepts(tok('EdDSA', ED.privateKey), jwk(ED.pubJwk, { alg: 'EdDSA' }))
    await accepts(tok('HS256', SECRET), { kty: 'oct', alg: 'HS256', k: Buffer.from(SECRET).toString('base64url') })
  })

  it('another alg the same key material could verify is refused', async () => {
    const rs = jwk(R.pubJwk, { alg: 'RS256' })
    await refuses(tok('PS256', R.privateKey), rs)
    await refuses(tok('PS256', R.privateKey), rs, { algorithms: ['PS256', 'RS256'] })
    await refuses(tok('RS384', R.privateKey), rs, { algorithms: ['RS384'] })
    // EdDSA ≠ Ed25519 for a JWK that names one
    await refuses(tok('Ed25519', ED.privateKey), jwk(ED.pubJwk, { alg: 'EdDSA' }))
    await refuses(tok('EdDSA', ED.privateKey), jwk(ED.pubJwk, { alg: 'Ed25519' }))
  })

  it('algorithms ∩ {alg} empty → refused', async () => {
    await refuses(tok('RS256', R.privateKey), jwk(R.pubJwk, { alg: 'RS256' }), { algorithms: ['PS256'] })
  })
})

describe('CryptoKeys pin by algorithm and hash', () => {
  it('HMAC/SHA-384 → {HS384}', async () => {
    const raw = new Uint8Array(48).fill(9)
    const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-384' }, false, ['verify'])
    expect(await accepts(tok('HS384', raw), key)).toBe(key)
    await refuses(tok('HS256', raw), key, { algorithms: ['HS256', 'HS384'] })
    await refuses(tok('HS512', new Uint8Array(64).fill(9)), key, { algorithms: ['HS512'] })
  })

  it('RSASSA-PKCS1-v1_5/SHA-256 → {RS256}', async () => {
    const key = await cryptoKey(R.pubJwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, 'verify')
    expect(await accepts(tok('RS256', R.privateKey), key)).toBe(key)
    await refuses(tok('PS256', R.privateKey), key, { algorithms: ['PS256', 'RS256'] })
    await refuses(tok('RS384', R.privateKey), key, { algorithms: ['RS384', 'RS256'] })
  })

  it('RSA-PSS/SHA-512 → {PS512}', async () => {
    const key = await cryptoKey(R.pubJwk, { name: 'RSA-PSS', hash: 'SHA-512' }, 'verify')
    await accepts(tok('PS512', R.privateKey), key)
    await refuses(tok('RS512', R.privateKey), key, { algorithms: ['RS512'] })
  })

  it('ECDSA P-256 / P-384 / P-521 → ES256 / ES384 / ES512', async () => {
    for (const [pair, crv, alg] of [[P256, 'P-256', 'ES256'], [P384, 'P-384', 'ES384'], [P521, 'P-521', 'ES512']] as const) {
      const key = await cryptoKey(pair.pubJwk, { name: 'ECDSA', namedCurve: crv }, 'verify')
      await accepts(tok(alg, pair.privateKey), key)
    }
    const k256 = await cryptoKey(P256.pubJwk, { name: 'ECDSA', namedCurve: 'P-256' }, 'verify')
    // ES384 header over a P-256 signature made with SHA-384: the curve pins ES256
    await refuses(tok('ES384', P256.privateKey), k256, { algorithms: ['ES384'] })
  })

  it('Ed25519 → {EdDSA, Ed25519}', async () => {
    const key = await cryptoKey(ED.pubJwk, { name: 'Ed25519' }, 'verify')
    await accepts(tok('EdDSA', ED.privateKey), key)
    await accepts(tok('Ed25519', ED.privateKey), key)
    await refuses(tok('Ed25519', ED.privateKey), key, { algorithms: ['EdDSA'] })
  })
})

describe('EC / OKP JWK and PEM without alg pin by curve', () => {
  it('EC JWK without alg', async () => {
    await accepts(tok('ES256', P256.privateKey), P256.pubJwk)
    await accepts(tok('ES384', P384.privateKey), P384.pubJwk)
    await accepts(tok('ES512', P521.privateKey), P521.pubJwk)
    await accepts(tok('ES256', P256.privateKey), P256.pubJwk, { algorithms: ['ES256', 'RS256'] })
    await refuses(tok('ES384', P256.privateKey, 'ES384'), P256.pubJwk, { algorithms: ['ES384'] })
    await refuses(tok('ES256', P256.privateKey), P256.pubJwk, { algorithms: ['ES384'] })
  })

  it('EC SPKI PEM', async () => {
    await accepts(tok('ES256', P256.privateKey), P256.pubPem)
    await accepts(tok('ES512', P521.privateKey), P521.pubPem)
  })

  it('OKP JWK / PEM without alg: EdDSA and Ed25519', async () => {
    await accepts(tok('EdDSA', ED.privateKey), ED.pubJwk)
    await accepts(tok('Ed25519', ED.privateKey), ED.pubJwk)
    await accepts(tok('EdDSA', ED.privateKey), ED.pubPem)
    await accepts(tok('Ed25519', ED.privateKey), ED.pubPem)
  })
})

describe('keys that pin nothing need algorithms (compatible set)', () => {
  it('RSA JWK without alg / RSA PEM: nothing without algorithms, RS*/PS* with them', async () => {
    for (const key of [R.pubJwk, R.pubPem] as KeyInput[]) {
      await refuses(tok('RS256', R.privateKey), key)
      await refuses(tok('PS256', R.privateKey), key)
      await accepts(tok('RS256', R.privateKey), key, { algorithms: ['RS256'] })
      await accepts(tok('PS512', R.privateKey), key, { algorithms: ['RS256', 'PS512'] })
      await refuses(tok('PS512', R.privateKey), key, { algorithms: ['RS256'] })
    }
  })

  it('secrets (string, Uint8Array, oct JWK without alg): nothing without algorithms, HS* with them', async () => {
    const oct = { kty: 'oct', k: Buffer.from(SECRET).toString('base64url') }
    for (const [key, material] of [[SECRET, SECRET], [SECRET_STR, SECRET_STR], [oct, SECRET]] as const) {
      await refuses(tok('HS256', material), key)
      await accepts(tok('HS256', material), key, { algorithms: ['HS256'] })
      await accepts(tok('HS256', material), key, { algorithms: ['RS256', 'HS256'] })
      await refuses(tok('HS256', material), key, { algorithms: ['HS384'] })
    }
  })

  it('secrets cannot verify asymmetric algs, RSA keys cannot verify HMAC (algorithm confusion)', async () => {
    // RS256 token, verifier mis-configured with a secret and both algs allowed
    await refuses(tok('RS256', R.privateKey), SECRET, { algorithms: ['RS256', 'HS256'] })
    await refuses(tok('ES256', P256.privateKey), SECRET_STR, { algorithms: ['ES256', 'HS256'] })
    // HS256 token MACed with the public key text: the classic confusion attack
    for (const key of [R.pubPem, R.pubJwk, P256.pubPem, P256.pubJwk] as KeyInput[]) {
      const forged = tok('HS256', typeof key === 'string' ? key : JSON.stringify(key))
      await refuses(forged, key, { algorithms: ['HS256', 'RS256', 'ES256'] })
    }
  })
})

describe('before any key: header alg must be an Alg and in algorithms', () => {
  it("'none', case variants and unknown names are refused whatever the key", async () => {
    for (const alg of ['none', 'None', 'NONE', 'hs256', 'Hs256', 'HS256 ', 'RS1', 'ES256K', '', 'EDDSA', 'ed25519']) {
      const token = craft({ alg, typ: 'JWT' }, { sub: 'x' }, SECRET, 'HS256')
      await refuses(token, SECRET, { algorithms: ['HS256'] })
      await refuses(token, SECRET_STR)
      await refuses(token, P256.pubJwk)
    }
  })

  it('the alg policy is checked before the key is looked at', async () => {
    const none = craft({ alg: 'none' }, { sub: 'x' })
    await refuses(none, '')
    await refuses(none, 'short')
    await refuses(none, { kty: 'nope' } as KeyInput)
    await refuses(tok('HS256', SECRET), '', { algorithms: ['RS256'] })
    await refuses(tok('HS256', SECRET), new Uint8Array(0), { algorithms: ['ES256'] })
  })

  it('a header alg that is not a string is refused', async () => {
    for (const alg of [5, null, ['HS256'], { HS256: true }, true]) {
      const token = craft({ alg, typ: 'JWT' }, { sub: 'x' }, SECRET, 'HS256')
      // API.md allows either reading: a malformed header member, or an alg outside the set
      await rejectsJose(() => verify(token, SECRET, { algorithms: ['HS256'], now: NOW }), [
        'ERR_JWS_INVALID',
        'ERR_JOSE_ALG_NOT_ALLOWED',
      ])
    }
  })
})

describe('algorithms option validation (ERR_JOSE_INVALID_ARGUMENT)', () => {
  it('empty, none, unknown, wrong type', async () => {
    const token = tok('HS256', SECRET)
    for (const algorithms of [[], ['none'], ['HS256', 'none'], ['XS256'], ['hs256'], 'HS256', [5]]) {
      await rejects(() => verify(token, SECRET, { algorithms: algorithms as never, now: NOW }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})
