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

/* @__NO_SIDE_EFFECTS__ */
function entry(alg: string, kty: Kty, bits: number, importParams: Record<string, unknown>, signParams: Record<string, unknown>, sigBytes: number, crv?: string): AlgEntry {
  return Object.freeze({
    __proto__: null, alg, kty, hash: `SHA-${bits}`, hashBytes: bits / 8, importParams: Object.freeze(importParams),
    signParams: Object.freeze(signParams), sigBytes, ...(crv === undefined ? {} : { crv }),
  }) as unknown as AlgEntry
}

/* @__NO_SIDE_EFFECTS__ */
function build(): AlgEntry[] {
  const out: AlgEntry[] = []
  for (const [prefix, name] of [['HS', 'HMAC'], ['RS', 'RSASSA-PKCS1-v1_5'], ['PS', 'RSA-PSS']] as const) {
    for (const bits of [256, 384, 512]) {
      const hash = `SHA-${bits}`
      // RFC 7518 §3.2: HMAC signatures are as long as the hash; §3.5: the PSS salt is as long as the hash output.
      out.push(entry(prefix + bits, prefix === 'HS' ? 'oct' : 'RSA', bits, { name, hash },
        prefix === 'PS' ? { name, saltLength: bits / 8 } : { name }, prefix === 'HS' ? bits / 8 : 0))
    }
  }
  // RFC 7518 §3.4: the JWS signature is r‖s, each the curve's coordinate size.
  for (const [bits, crv, coord] of [[256, 'P-256', 32], [384, 'P-384', 48], [512, 'P-521', 66]] as const) {
    out.push(entry(`ES${bits}`, 'EC', bits, { name: 'ECDSA', namedCurve: crv }, { name: 'ECDSA', hash: `SHA-${bits}` }, 2 * coord, crv))
  }
  // RFC 8037 §3.1 (EdDSA) and RFC 9864 (Ed25519): Ed25519 signatures are 64 bytes.
  for (const alg of ['EdDSA', 'Ed25519']) out.push(entry(alg, 'OKP', 512, { name: 'Ed25519' }, { name: 'Ed25519' }, 64, 'Ed25519'))
  return out
}

/** Every entry, in registry order: HS*, RS*, PS*, ES*, EdDSA, Ed25519 (the CLI lists them from here). */
export const ENTRIES: readonly AlgEntry[] = /* @__PURE__ */ Object.freeze(/* @__PURE__ */ build())

const BY_ALG: ReadonlyMap<string, AlgEntry> = /* @__PURE__ */ new Map(/* @__PURE__ */ ENTRIES.map((e) => [e.alg, e]))

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
  return ENTRIES.filter(({ importParams: p }) => p.name === a.name
    && ('hash' in p ? a.hash?.name === p.hash : !('namedCurve' in p) || a.namedCurve === p.namedCurve))
}
