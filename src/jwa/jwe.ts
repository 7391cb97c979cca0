/**
 * The JWE rows of the registry (RFC 7518 §4–5): one frozen entry per key management
 * `alg` and per content encryption `enc`, with every fact the code needs: key type,
 * key sizes, hashes, WebCrypto names and usages. The JWS table (registry.ts) stays apart,
 * so a bundle that only signs and verifies carries none of this.
 */
import type { JweAlg, JweEnc } from '../types.ts'
import type { Hash, Kty } from './registry.ts'

/** How the CEK is obtained (RFC 7518 §4.1): each family is one code path in src/jwe/. */
export type JweFamily = 'dir' | 'AES-KW' | 'GCMKW' | 'RSA-OAEP' | 'ECDH-ES' | 'PBES2'

export interface JweAlgEntry {
  readonly alg: JweAlg
  readonly family: JweFamily
  /** The key types that fit (ECDH-ES: EC and OKP). */
  readonly kty: readonly Kty[]
  /** The AES key wrap size in bits (A*KW, A*GCMKW, ECDH-ES+A*KW, PBES2); 0 when there is no wrap. */
  readonly kwBits: number
  /** RSA-OAEP's hash (SHA-1 for RSA-OAEP, RFC 7518 §4.3), PBES2's PRF hash (§4.8). */
  readonly hash?: Hash | 'SHA-1'
  /** Shortest key in bits: RSA 2048 (as for JWS, RFC 7518 §4.3 asks ≥ 2048). */
  readonly minKeyBits: number
  /** [what a private key or secret does, what a public key does] (WebCrypto usages). */
  readonly usages: readonly [KeyUsage, KeyUsage]
}

export interface JweEncEntry {
  readonly enc: JweEnc
  /** AES-GCM (§5.3) or AES-CBC with HMAC (§5.2). */
  readonly family: 'GCM' | 'CBC'
  /** The CEK in bytes (CBC-HS: MAC key + encryption key). */
  readonly keyBytes: number
  readonly ivBytes: number
  readonly tagBytes: number
  /** The HMAC hash of CBC-HS. */
  readonly hash?: Hash
}

/** The curves of ECDH-ES (RFC 7518 §6.2.1.1, RFC 8037 §2): name, key type, coordinate bytes. */
export const CURVES: ReadonlyMap<string, readonly [Kty, number]> = /* @__PURE__ */ new Map([
  ['P-256', ['EC', 32]], ['P-384', ['EC', 48]], ['P-521', ['EC', 66]], ['X25519', ['OKP', 32]],
])

const ALG_TABLE: ReadonlyArray<readonly [JweAlg, JweFamily, number, string?]> = [
  ['dir', 'dir', 0],
  ['A128KW', 'AES-KW', 128], ['A192KW', 'AES-KW', 192], ['A256KW', 'AES-KW', 256],
  ['A128GCMKW', 'GCMKW', 128], ['A192GCMKW', 'GCMKW', 192], ['A256GCMKW', 'GCMKW', 256],
  ['RSA-OAEP', 'RSA-OAEP', 0, 'SHA-1'], ['RSA-OAEP-256', 'RSA-OAEP', 0, 'SHA-256'],
  ['RSA-OAEP-384', 'RSA-OAEP', 0, 'SHA-384'], ['RSA-OAEP-512', 'RSA-OAEP', 0, 'SHA-512'],
  ['ECDH-ES', 'ECDH-ES', 0], ['ECDH-ES+A128KW', 'ECDH-ES', 128], ['ECDH-ES+A192KW', 'ECDH-ES', 192], ['ECDH-ES+A256KW', 'ECDH-ES', 256],
  ['PBES2-HS256+A128KW', 'PBES2', 128, 'SHA-256'], ['PBES2-HS384+A192KW', 'PBES2', 192, 'SHA-384'], ['PBES2-HS512+A256KW', 'PBES2', 256, 'SHA-512'],
]

const USAGES: Readonly<Record<JweFamily, readonly [KeyUsage, KeyUsage]>> = {
  dir: ['decrypt', 'encrypt'], 'AES-KW': ['unwrapKey', 'wrapKey'], GCMKW: ['decrypt', 'encrypt'],
  'RSA-OAEP': ['decrypt', 'encrypt'], 'ECDH-ES': ['deriveBits', 'deriveBits'], PBES2: ['deriveBits', 'deriveBits'],
}

/** Every `alg`, in the order above (the docs and tests list them so). */
export const JWE_ALGS: readonly JweAlgEntry[] = /* @__PURE__ */ ALG_TABLE.map(([alg, family, kwBits, hash]) => Object.freeze({
  alg, family, kwBits, hash: hash as Hash | undefined, usages: USAGES[family],
  kty: family === 'RSA-OAEP' ? ['RSA'] : family === 'ECDH-ES' ? ['EC', 'OKP'] : ['oct'],
  minKeyBits: family === 'RSA-OAEP' ? 2048 : kwBits,
} as JweAlgEntry))

/** Every `enc` (RFC 7518 §5.1). */
export const JWE_ENCS: readonly JweEncEntry[] = /* @__PURE__ */ ([128, 192, 256] as const).flatMap((bits) => [
  Object.freeze({ enc: `A${bits}GCM`, family: 'GCM', keyBytes: bits / 8, ivBytes: 12, tagBytes: 16 } as JweEncEntry),
  // §5.2.3–5.2.5: the CEK is MAC key ‖ ENC key, the tag half the HMAC output.
  Object.freeze({ enc: `A${bits}CBC-HS${bits * 2}`, family: 'CBC', keyBytes: bits / 4, ivBytes: 16, tagBytes: bits / 8, hash: `SHA-${bits * 2}` } as JweEncEntry),
])

const ALG_MAP: ReadonlyMap<string, JweAlgEntry> = /* @__PURE__ */ new Map(/* @__PURE__ */ JWE_ALGS.map((e) => [e.alg, e]))
const ENC_MAP: ReadonlyMap<string, JweEncEntry> = /* @__PURE__ */ new Map(/* @__PURE__ */ JWE_ENCS.map((e) => [e.enc, e]))

/** The entry for a JWE `alg`, or undefined (RSA1_5 and anything unknown). */
export const lookupAlg = (alg: unknown): JweAlgEntry | undefined => (typeof alg === 'string' ? ALG_MAP.get(alg) : undefined)
/** The entry for an `enc`, or undefined. */
export const lookupEnc = (enc: unknown): JweEncEntry | undefined => (typeof enc === 'string' ? ENC_MAP.get(enc) : undefined)
