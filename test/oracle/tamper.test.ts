/**
 * Same verdict as jose on tampered tokens: a flipped signature bit, a changed payload,
 * a changed header `alg`. Where jose's code has an isojwt counterpart, the codes must
 * correspond (CODE_MAP); otherwise only "both reject" is compared and isojwt's code is
 * checked against API.md.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as jose from 'jose'
import { verify } from '../../src/index.ts'
import type { Alg, KeyInput } from '../../src/types.ts'
import {
  ALL_ALGS,
  NOW,
  T,
  algInfo,
  b64u,
  flipSignature,
  isoOutcome,
  joseOutcome,
  unb64u,
  withSegment,
} from './helpers.ts'
import { formKeys, makeMaterial, type Material } from './forms.ts'

/** jose code → isojwt code, where the two mean the same thing. */
const CODE_MAP: Record<string, string> = {
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'ERR_JWS_SIGNATURE_INVALID',
  ERR_JOSE_ALG_NOT_ALLOWED: 'ERR_JOSE_ALG_NOT_ALLOWED',
  ERR_JWS_INVALID: 'ERR_JWS_INVALID',
  ERR_JWT_INVALID: 'ERR_JWT_INVALID',
  ERR_JWT_EXPIRED: 'ERR_JWT_EXPIRED',
}

/** A neighbouring alg each token's header is rewritten to. */
const OTHER: Record<Alg, Alg> = {
  HS256: 'HS384',
  HS384: 'HS512',
  HS512: 'HS256',
  RS256: 'PS256',
  RS384: 'RS512',
  RS512: 'RS256',
  PS256: 'RS256',
  PS384: 'PS512',
  PS512: 'PS384',
  ES256: 'ES384',
  ES384: 'ES512',
  ES512: 'ES256',
  EdDSA: 'Ed25519',
  Ed25519: 'EdDSA',
}

let m: Material
const tokens = new Map<Alg, string>()

beforeAll(async () => {
  m = makeMaterial({ certs: false })
  // one 64-byte secret for all HS algs, so rewriting HS256 → HS384 keeps a valid key
  // length and the only thing left to fail is the signature
  for (const alg of ['HS256', 'HS384'] as const) m.secrets[alg] = m.secrets.HS512!
  for (const alg of ALL_ALGS) {
    const k = await formKeys(m, alg, 'jwk', 'sign')
    tokens.set(
      alg,
      await new jose.SignJWT({ sub: 'alice', role: 'user' })
        .setProtectedHeader({ alg, typ: 'JWT' })
        .setIssuedAt(T)
        .setExpirationTime(T + 600)
        .sign(k.jose),
    )
  }
})

/** The "unpinned" verification key for each alg family, isojwt and jose forms. */
function looseKey(alg: Alg): { iso: KeyInput; jose: unknown } {
  const info = algInfo(alg)
  if (info.family === 'HS') return { iso: m.secrets[alg]!, jose: m.secrets[alg]! }
  const k = m.keys[info.kind as keyof Material['keys']]
  // isojwt: the SPKI PEM; jose: a node KeyObject (jose derives the alg from the header)
  return { iso: k.spki, jose: k.publicKey }
}

async function both(token: string, alg: Alg, mode: 'pinned' | 'loose', algorithms: Alg[] | undefined) {
  let iso: KeyInput
  let joseKey: unknown
  if (mode === 'pinned') {
    const k = await formKeys(m, alg, 'jwk', 'verify')
    iso = k.iso
    joseKey = k.jose
  } else {
    ;({ iso, jose: joseKey } = looseKey(alg))
  }
  const opts = algorithms ? { algorithms } : {}
  return {
    iso: await isoOutcome(() => verify(token, iso, { now: NOW, ...opts })),
    jose: await joseOutcome(() => jose.jwtVerify(token, joseKey as Uint8Array, { currentDate: NOW, ...opts })),
  }
}

function changeAlg(token: string, to: string): string {
  const header = JSON.parse(Buffer.from(unb64u(token.split('.')[0]!)).toString('utf8'))
  return withSegment(token, 0, b64u(JSON.stringify({ ...header, alg: to })))
}

describe.each(ALL_ALGS)('%s tampered tokens', (alg) => {
  it('control: the untouched token verifies in both', async () => {
    const r = await both(tokens.get(alg)!, alg, 'pinned', undefined)
    expect(r).toEqual({ iso: 'OK', jose: 'OK' })
    const l = await both(tokens.get(alg)!, alg, 'loose', [alg])
    expect(l).toEqual({ iso: 'OK', jose: 'OK' })
  })

  it('flipped signature bit: both reject, signature codes correspond', async () => {
    const bad = flipSignature(tokens.get(alg)!)
    for (const [mode, algs] of [['pinned', undefined], ['loose', [alg]]] as const) {
      const r = await both(bad, alg, mode, algs as Alg[] | undefined)
      expect(r.jose).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
      expect(r.iso).toBe(CODE_MAP[r.jose])
    }
  })

  it('changed payload: both reject, signature codes correspond', async () => {
    const bad = withSegment(tokens.get(alg)!, 1, b64u(JSON.stringify({ sub: 'alice', role: 'admin', iat: T, exp: T + 600 })))
    for (const [mode, algs] of [['pinned', undefined], ['loose', [alg]]] as const) {
      const r = await both(bad, alg, mode, algs as Alg[] | undefined)
      expect(r.jose).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
      expect(r.iso).toBe(CODE_MAP[r.jose])
    }
  })

  it(`header alg changed to ${OTHER[alg]}, algorithms [${alg}]: both ERR_JOSE_ALG_NOT_ALLOWED`, async () => {
    const bad = changeAlg(tokens.get(alg)!, OTHER[alg])
    for (const mode of ['pinned', 'loose'] as const) {
      const r = await both(bad, alg, mode, [alg])
      expect(r.jose).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(r.iso).toBe(CODE_MAP[r.jose])
    }
  })

  it(`header alg changed to ${OTHER[alg]}, both algs allowed: both reject`, async () => {
    const bad = changeAlg(tokens.get(alg)!, OTHER[alg])
    const allowed = [alg, OTHER[alg]]
    // A JWK with `alg` pins {alg}: the rewritten header is outside the allowed set.
    const pinned = await both(bad, alg, 'pinned', allowed)
    expect(pinned.jose).not.toBe('OK')
    expect(pinned.iso).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    // A key that pins nothing (secret, RSA PEM) or pins both (Ed25519 PEM) lets the
    // header alg through: the signature (over the original header) must then fail.
    // EC PEMs pin their curve's alg only.
    const loose = await both(bad, alg, 'loose', allowed)
    expect(loose.jose).not.toBe('OK')
    const expected = algInfo(alg).family === 'ES' ? 'ERR_JOSE_ALG_NOT_ALLOWED' : 'ERR_JWS_SIGNATURE_INVALID'
    expect(loose.iso).toBe(expected)
    if (CODE_MAP[loose.jose] !== undefined && algInfo(alg).family !== 'ES') expect(loose.iso).toBe(CODE_MAP[loose.jose])
  })

  it('header alg changed to "none" with the signature dropped: both reject', async () => {
    const bad = withSegment(changeAlg(tokens.get(alg)!, 'none'), 2, '')
    const r = await both(bad, alg, 'loose', undefined)
    expect(r.jose).not.toBe('OK')
    expect(r.iso).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
  })
})
