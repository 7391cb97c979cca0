/**
 * The algorithm registry (RFC 7518 §3, RFC 8037 §3.1, RFC 9864): one frozen entry per JWS
 * `alg`, holding every fact the library knows about it. Key checks (minimum sizes, curve
 * sizes and OIDs, usages), the backends, the CLI, the docs check and the tests read them
 * from here; nothing else switches on an `alg` string.
 */
import type { Alg } from '../types.ts'

export type Kty = 'oct' | 'RSA' | 'EC' | 'OKP'
export type Hash = 'SHA-256' | 'SHA-384' | 'SHA-512'
/** The WebCrypto algorithm name, which names the signature scheme. */
export type Family = 'HMAC' | 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA' | 'Ed25519'

export interface AlgEntry {
  readonly alg: Alg
  readonly family: Family
  readonly kty: Kty
  /** Curve for EC/OKP entries. */
  readonly crv?: string
  readonly hash: Hash
  /** Hash output in bytes (the PSS salt length, RFC 7518 §3.5). */
  readonly hashBytes: number
  /**
   * Shortest key, in bits: an HMAC secret as long as the hash (RFC 7518 §3.2), an RSA
   * modulus of 2048 (§3.3); for curves, the size the curve fixes.
   */
  readonly minKeyBits: number
  /** EC coordinate or OKP key length in bytes (RFC 7518 §6.2.1.2, RFC 8037 §2). */
  readonly keyBytes?: number
  /**
   * The OID that names the key in DER, as hex of its content: rsaEncryption (RFC 8017
   * A.1), the named curve (RFC 5480 §2.1.1.1), or the key algorithm (RFC 8410 §3).
   */
  readonly oid?: string
  /** [what a private key (or secret) does, what a public key does]. JWE entries would say decrypt/encrypt. */
  readonly usages: readonly [KeyUsage, KeyUsage]
  /** WebCrypto algorithm for importKey/generateKey. */
  readonly importParams: Readonly<Record<string, unknown>> & { readonly name: string }
  /** WebCrypto algorithm for sign/verify. */
  readonly signParams: Readonly<Record<string, unknown>> & { readonly name: string }
  /** Fixed signature length in bytes (ECDSA r‖s, Ed25519, HMAC); 0 = the RSA modulus length. */
  readonly sigBytes: number
}

const RSA_OID = '2a864886f70d010101' // 1.2.840.113549.1.1.1

/* @__NO_SIDE_EFFECTS__ */
function entry(alg: Alg, family: Family, bits: number, minKeyBits: number, crv?: string, keyBytes?: number, oid?: string): AlgEntry {
  const hash = `SHA-${bits}`
  // The key type a family signs with (RFC 7518 §6.1, RFC 8037 §2): both RSA families take RSA keys.
  const kty: Kty = family === 'HMAC' ? 'oct' : family === 'ECDSA' ? 'EC' : family === 'Ed25519' ? 'OKP' : 'RSA'
  return Object.freeze({
    alg, family, kty, crv, hash, hashBytes: bits / 8, minKeyBits, keyBytes, oid: kty === 'RSA' ? RSA_OID : oid, usages: ['sign', 'verify'] as const,
    importParams: family === 'ECDSA' ? { name: family, namedCurve: crv } : kty === 'OKP' ? { name: family } : { name: family, hash },
    // RFC 7518 §3.5: the PSS salt is as long as the hash output.
    signParams: family === 'ECDSA' ? { name: family, hash } : family === 'RSA-PSS' ? { name: family, saltLength: bits / 8 } : { name: family },
    // §3.2: an HMAC is as long as the hash; §3.4: ECDSA's is r‖s; RFC 8032: Ed25519's is 64 bytes.
    sigBytes: kty === 'oct' ? bits / 8 : keyBytes! * 2 || 0,
  }) as unknown as AlgEntry
}

/**
 * Every entry, in registry order: HS*, RS*, PS*, ES*, EdDSA, Ed25519 (the CLI and docs
 * list algorithms in this order). Each is made from its alg, family, hash bits and
 * minimum key bits, then for curves the curve, its key bytes and OID.
 */
export const ENTRIES: readonly AlgEntry[] = /* @__PURE__ */ (() => [
  // HS, RS and PS with SHA-256, -384 and -512: an HMAC secret as long as its hash, an RSA modulus of 2048 bits
  ...(['HMAC', 'RSASSA-PKCS1-v1_5', 'RSA-PSS'] as const).flatMap((family, i) => [256, 384, 512].map((bits) => entry(`${'HRP'[i]}S${bits}` as Alg, family, bits, i ? 2048 : bits))),
  // ES: the curve's size in bits, its coordinates' bytes and its OID, 1.2.840.10045.3.1.7, 1.3.132.0.34, 1.3.132.0.35
  ...([[256, 256, '2a8648ce3d030107'], [384, 384, '2b81040022'], [512, 521, '2b81040023']] as const).map(([bits, size, oid]) => entry(`ES${bits}` as Alg, 'ECDSA', bits, size, `P-${size}`, Math.ceil(size / 8), oid)),
  ...(['EdDSA', 'Ed25519'] as const).map((alg) => entry(alg, 'Ed25519', 512, 256, 'Ed25519', 32, '2b6570')), // 1.3.101.112
])()

const BY_ALG: ReadonlyMap<string, AlgEntry> = /* @__PURE__ */ new Map(/* @__PURE__ */ ENTRIES.map((e) => [e.alg, e]))

/** The entry for a JWS `alg`, or undefined for anything else (`none`, case variants, …). */
export function lookup(alg: unknown): AlgEntry | undefined {
  // (Map.get compares by SameValueZero: it never converts or calls into what it is given)
  return BY_ALG.get(alg as string)
}

/** Entries usable with a key of this type and curve. */
export function entriesFor(kty: Kty, crv?: string): AlgEntry[] {
  return ENTRIES.filter((e) => e.kty === kty && e.crv === crv)
}

/** Entries a CryptoKey's own algorithm pins (name plus hash or curve). */
export function entriesForCryptoKey(a: KeyAlgorithm & { hash?: { name?: string }; namedCurve?: string }): AlgEntry[] {
  return ENTRIES.filter(({ importParams: p }) => p.name === a.name && p.hash === a.hash?.name && p.namedCurve === a.namedCurve)
}
