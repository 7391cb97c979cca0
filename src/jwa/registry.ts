/**
 * The algorithm registry (RFC 7518 §3, RFC 8037 §3.1, RFC 9864): one frozen,
 * null-prototype entry per JWS `alg`. Everything that depends on an algorithm reads
 * it from here; nothing else switches on an `alg` string.
 */
import type { Alg } from '../types.ts'

export type Kty = 'oct' | 'RSA' | 'EC' | 'OKP'
export type Hash = 'SHA-256' | 'SHA-384' | 'SHA-512'

export interface AlgEntry {
  readonly alg: Alg
  readonly kty: Kty
  /** Curve for EC/OKP entries. */
  readonly crv?: string
  readonly hash: Hash
  /** Hash output in bytes: the HMAC minimum key length (RFC 7518 §3.2). */
  readonly hashBytes: number
  /** WebCrypto algorithm for importKey/generateKey. */
  readonly importParams: Readonly<Record<string, unknown>> & { readonly name: string }
  /** WebCrypto algorithm for sign/verify. */
  readonly signParams: Readonly<Record<string, unknown>> & { readonly name: string }
  /** Fixed signature length in bytes (ECDSA r‖s, Ed25519, HMAC); 0 = the RSA modulus length. */
  readonly sigBytes: number
}

const HASH_BYTES: Record<Hash, number> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }

/* @__NO_SIDE_EFFECTS__ */ function entry(alg: Alg, kty: Kty, hash: Hash, importParams: AlgEntry['importParams'], signParams: AlgEntry['signParams'], sigBytes: number, crv?: string): AlgEntry {
  const e: AlgEntry = Object.assign(Object.create(null) as object, {
    alg, kty, hash, hashBytes: HASH_BYTES[hash], importParams: Object.freeze(importParams),
    signParams: Object.freeze(signParams), sigBytes, ...(crv === undefined ? {} : { crv }),
  })
  return Object.freeze(e)
}

/* @__NO_SIDE_EFFECTS__ */ function hmac(bits: 256 | 384 | 512): AlgEntry {
  const hash = `SHA-${bits}` as Hash
  return entry(`HS${bits}`, 'oct', hash, { name: 'HMAC', hash }, { name: 'HMAC' }, bits / 8)
}
/* @__NO_SIDE_EFFECTS__ */ function rsa(bits: 256 | 384 | 512): AlgEntry {
  const hash = `SHA-${bits}` as Hash
  return entry(`RS${bits}`, 'RSA', hash, { name: 'RSASSA-PKCS1-v1_5', hash }, { name: 'RSASSA-PKCS1-v1_5' }, 0)
}
// RFC 7518 §3.5: the PSS salt is as long as the hash output.
/* @__NO_SIDE_EFFECTS__ */ function pss(bits: 256 | 384 | 512): AlgEntry {
  const hash = `SHA-${bits}` as Hash
  return entry(`PS${bits}`, 'RSA', hash, { name: 'RSA-PSS', hash }, { name: 'RSA-PSS', saltLength: bits / 8 }, 0)
}
// RFC 7518 §3.4: the JWS signature is r‖s, each the curve's coordinate size.
/* @__NO_SIDE_EFFECTS__ */ function ecdsa(alg: Alg, crv: string, hash: Hash, coord: number): AlgEntry {
  return entry(alg, 'EC', hash, { name: 'ECDSA', namedCurve: crv }, { name: 'ECDSA', hash }, 2 * coord, crv)
}
// RFC 8037 §3.1 (EdDSA) and RFC 9864 (Ed25519): Ed25519 signatures are 64 bytes.
/* @__NO_SIDE_EFFECTS__ */ function ed25519(alg: Alg): AlgEntry {
  return entry(alg, 'OKP', 'SHA-512', { name: 'Ed25519' }, { name: 'Ed25519' }, 64, 'Ed25519')
}

const ENTRIES: readonly AlgEntry[] = /* @__PURE__ */ Object.freeze([
  hmac(256), hmac(384), hmac(512),
  rsa(256), rsa(384), rsa(512),
  pss(256), pss(384), pss(512),
  ecdsa('ES256', 'P-256', 'SHA-256', 32), ecdsa('ES384', 'P-384', 'SHA-384', 48), ecdsa('ES512', 'P-521', 'SHA-512', 66),
  ed25519('EdDSA'), ed25519('Ed25519'),
])

const BY_ALG: ReadonlyMap<string, AlgEntry> = /* @__PURE__ */ new Map(/* @__PURE__ */ ENTRIES.map((e) => [e.alg, e]))

/** Every supported algorithm, in registry order. */
export const ALGS: readonly Alg[] = /* @__PURE__ */ Object.freeze(/* @__PURE__ */ ENTRIES.map((e) => e.alg))

/** The entry for a JWS `alg`, or undefined for anything else (`none`, case variants, …). */
export function lookup(alg: unknown): AlgEntry | undefined {
  return typeof alg === 'string' ? BY_ALG.get(alg) : undefined
}

/** Entries usable with a key of this type and curve. */
export function entriesFor(kty: Kty, crv?: string): AlgEntry[] {
  return ENTRIES.filter((e) => e.kty === kty && (e.crv === undefined || e.crv === crv))
}

/** Entries a CryptoKey's own algorithm pins (name plus hash or curve). */
export function entriesForCryptoKey(algorithm: KeyAlgorithm): AlgEntry[] {
  const a = algorithm as KeyAlgorithm & { hash?: { name?: string }; namedCurve?: string }
  return ENTRIES.filter((e) => {
    if (e.importParams.name !== a.name) return false
    if ('hash' in e.importParams) return a.hash?.name === e.importParams.hash
    if ('namedCurve' in e.importParams) return a.namedCurve === e.importParams.namedCurve
    return true
  })
}
