/** Test keys for every JWE `alg`: made once per file, as JWKs (public and private) or secrets. */
import type { Jwk, JweAlg, JweEnc } from '../../src/index.ts'
import { JWE_ALGS, JWE_ENCS, type JweAlgEntry, type JweEncEntry } from '../../src/jwa/jwe.ts'

export const ALGS: readonly JweAlgEntry[] = JWE_ALGS
export const ENCS: readonly JweEncEntry[] = JWE_ENCS
export const CURVES = ['P-256', 'P-384', 'P-521', 'X25519'] as const

export interface Pair { pub: Jwk | Uint8Array | string; priv: Jwk | Uint8Array | string }

async function jwkPair(params: RsaHashedKeyGenParams | EcKeyGenParams | Algorithm): Promise<Pair> {
  const p = await crypto.subtle.generateKey(params, true, params.name === 'RSA-OAEP' ? ['encrypt', 'decrypt'] : ['deriveBits']) as CryptoKeyPair
  const strip = ({ key_ops: _o, ext: _e, alg: _a, ...k }: JsonWebKey): Jwk => k as Jwk
  return { pub: strip(await crypto.subtle.exportKey('jwk', p.publicKey)), priv: strip(await crypto.subtle.exportKey('jwk', p.privateKey)) }
}

export const rsaPair = (bits = 2048): Promise<Pair> => jwkPair({ name: 'RSA-OAEP', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' })
export const curvePair = (crv: string): Promise<Pair> => jwkPair(crv === 'X25519' ? { name: 'X25519' } : { name: 'ECDH', namedCurve: crv } as EcKeyGenParams)

/** A key pair (or secret) for `alg` with `enc`: RSA and curve pairs from `pairs`. */
export function keyFor(alg: JweAlgEntry, enc: JweEncEntry, pairs: { rsa: Pair; curve: Pair }): Pair {
  if (alg.family === 'RSA-OAEP') return pairs.rsa
  if (alg.family === 'ECDH-ES') return pairs.curve
  if (alg.family === 'PBES2') return { pub: 'a password', priv: 'a password' }
  const s = crypto.getRandomValues(new Uint8Array(alg.kwBits ? alg.kwBits / 8 : enc.keyBytes))
  return { pub: s, priv: s }
}

export const opts = (alg: JweAlgEntry | JweAlg, enc: JweEncEntry | JweEnc): { algorithms: JweAlg[]; encryptions: JweEnc[] } => ({
  algorithms: [typeof alg === 'string' ? alg : alg.alg], encryptions: [typeof enc === 'string' ? enc : enc.enc],
})
