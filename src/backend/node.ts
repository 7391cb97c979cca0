/**
 * The node:crypto backend, for speed on Node: every call into `crypto.subtle` there pays
 * a fixed dispatch cost, while node:crypto signs and verifies synchronously. Keys are
 * still imported (and checked) through WebCrypto by the shared layer; this backend takes
 * the KeyObject behind each CryptoKey (`KeyObject.from`), so key text is never parsed
 * by node:crypto. Verdicts do not depend on the backend:
 * - RSA-PSS uses saltLength = hash length on sign and verify (RFC 7518 §3.5);
 * - HMAC tags are compared in constant time, length first (as canonical base64url text
 *   or as bytes);
 * - ECDSA signatures are IEEE P1363 (r‖s), their length checked above.
 */
import { Buffer } from 'node:buffer'
import { constants, createHmac, KeyObject, sign as nodeSign, timingSafeEqual, verify as nodeVerify } from 'node:crypto'
import type { AlgEntry } from '../jwa/registry.ts'
import type { BackendCodecs, SignatureInput, SigningData } from './webcrypto.ts'

export const BACKEND = 'node'

/** Native encoders: base64url output is canonical; the text given is well-formed. */
export const codecs: BackendCodecs = {
  base64urlEncode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url'),
  base64urlEncodeText: (s) => Buffer.from(s, 'utf8').toString('base64url'),
  // Only text the shared layer found canonical gets here (Buffer would skip bad characters);
  // a pooled Buffer costs less than a fresh Uint8Array (RS256 signatures are 342 characters).
  base64urlDecode: (s) => Buffer.from(s, 'base64url'),
}

/** A signing-input string is ASCII by construction: latin1 gives its bytes without a TextEncoder. */
const bytesOf = (data: SigningData): Uint8Array => (typeof data === 'string' ? Buffer.from(data, 'latin1') : data)

const HASH: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' }

type Family = 'HMAC' | 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA' | 'Ed25519'
type KeyArg = KeyObject | { key: KeyObject; padding?: number; saltLength?: number; dsaEncoding?: 'ieee-p1363' }

/** What node:crypto needs for one CryptoKey, worked out once: its KeyObject and the key argument for `entry`. */
interface Prepared {
  entry: AlgEntry
  key: KeyObject
  arg: KeyArg
  hash: string | null
}

const prepared = new WeakMap<CryptoKey, Prepared>()

function keyArg(entry: AlgEntry, key: KeyObject): KeyArg {
  const family = entry.signParams.name as Family
  if (family === 'RSA-PSS') return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: entry.hashBytes }
  if (family === 'ECDSA') return { key, dsaEncoding: 'ieee-p1363' }
  return key
}

function prepare(entry: AlgEntry, cryptoKey: CryptoKey): Prepared {
  let p = prepared.get(cryptoKey)
  if (p?.entry !== entry) {
    const key = p?.key ?? KeyObject.from(cryptoKey)
    p = { entry, key, arg: keyArg(entry, key), hash: entry.signParams.name === 'Ed25519' ? null : HASH[entry.hash]! }
    prepared.set(cryptoKey, p)
  }
  return p
}

function hmac(p: Prepared, data: SigningData): ReturnType<typeof createHmac> {
  const h = createHmac(p.hash!, p.key)
  return typeof data === 'string' ? h.update(data, 'latin1') : h.update(data)
}

/**
 * Equal canonical base64url texts, compared in constant time: every character is looked
 * at whatever the earlier ones were (lengths first, as for bytes). Canonical text encodes
 * bytes one to one, so this is the byte comparison without decoding either side.
 */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Synchronous, like verify: node:crypto signs in the calling thread. The result is only
 * ever encoded (or compared) by the shared layer: node's Buffer serves as is.
 */
export function backendSign(entry: AlgEntry, key: CryptoKey, data: SigningData): Uint8Array {
  const p = prepare(entry, key)
  if (entry.signParams.name === 'HMAC') return hmac(p, data).digest()
  return nodeSign(p.hash, bytesOf(data), p.arg)
}

/** The signature as base64url: node encodes a digest to text faster than it makes a Buffer of it. */
export function backendSignText(entry: AlgEntry, key: CryptoKey, data: SigningData): string {
  const p = prepare(entry, key)
  if (entry.signParams.name === 'HMAC') return hmac(p, data).digest('base64url')
  return nodeSign(p.hash, bytesOf(data), p.arg).toString('base64url')
}

/**
 * Synchronous: node:crypto verifies in the calling thread, and an await would only add a
 * hop. An HMAC tag is compared as base64url text with the token's own (canonical) segment
 * when there is one (its bytes are then never decoded), else as bytes; both in constant
 * time, length first.
 */
export function backendVerify(entry: AlgEntry, key: CryptoKey, sig: SignatureInput, data: SigningData): boolean {
  const p = prepare(entry, key)
  if (entry.signParams.name === 'HMAC') {
    const text = sig.signatureSegment
    if (text !== undefined) return sameText(hmac(p, data).digest('base64url'), text)
    const tag = hmac(p, data).digest()
    return tag.length === sig.signature.length && timingSafeEqual(tag, sig.signature)
  }
  return nodeVerify(p.hash, bytesOf(data), p.arg, sig.signature)
}
