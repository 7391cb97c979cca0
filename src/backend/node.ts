/**
 * The node:crypto backend, for speed on Node: every call into `crypto.subtle` there pays
 * a fixed dispatch cost, while node:crypto signs and verifies synchronously. Keys are
 * still imported (and checked) through WebCrypto by the shared layer; this backend takes
 * the KeyObject behind each CryptoKey (`KeyObject.from`), so key text is never parsed
 * by node:crypto. Verdicts do not depend on the backend:
 * - RSA-PSS uses saltLength = hash length on sign and verify (RFC 7518 §3.5);
 * - HMAC tags are compared as bytes, length first, in constant time;
 * - ECDSA signatures are IEEE P1363 (r‖s), their length checked above.
 */
import { Buffer } from 'node:buffer'
import { constants, createHmac, KeyObject, sign as nodeSign, timingSafeEqual, verify as nodeVerify } from 'node:crypto'
import type { AlgEntry } from '../jwa/registry.ts'
import type { BackendCodecs, SigningData } from './webcrypto.ts'

export const BACKEND = 'node'

/** Native encoders: base64url output is canonical; the text given is well-formed. */
export const codecs: BackendCodecs = {
  base64urlEncode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url'),
  base64urlEncodeText: (s) => Buffer.from(s, 'utf8').toString('base64url'),
}

/** A signing-input string is ASCII by construction: latin1 gives its bytes without a TextEncoder. */
const bytesOf = (data: SigningData): Uint8Array => (typeof data === 'string' ? Buffer.from(data, 'latin1') : data)

const keyObjects = new WeakMap<CryptoKey, KeyObject>()

function keyObject(key: CryptoKey): KeyObject {
  let k = keyObjects.get(key)
  if (!k) {
    k = KeyObject.from(key)
    keyObjects.set(key, k)
  }
  return k
}

const HASH: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' }

type Family = 'HMAC' | 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA' | 'Ed25519'

function options(entry: AlgEntry, key: KeyObject) {
  const family = entry.signParams.name as Family
  if (family === 'RSA-PSS') return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: entry.hashBytes }
  if (family === 'ECDSA') return { key, dsaEncoding: 'ieee-p1363' as const }
  return { key }
}

function hmac(entry: AlgEntry, key: CryptoKey, data: SigningData): Uint8Array {
  const h = createHmac(HASH[entry.hash]!, keyObject(key))
  return (typeof data === 'string' ? h.update(data, 'latin1') : h.update(data)).digest()
}

export async function backendSign(entry: AlgEntry, key: CryptoKey, data: SigningData): Promise<Uint8Array> {
  if (entry.signParams.name === 'HMAC') return hmac(entry, key, data)
  const hash = entry.signParams.name === 'Ed25519' ? null : HASH[entry.hash]!
  return new Uint8Array(nodeSign(hash, bytesOf(data), options(entry, keyObject(key))))
}

/** Synchronous: node:crypto verifies in the calling thread, and an await would only add a hop. */
export function backendVerify(entry: AlgEntry, key: CryptoKey, signature: Uint8Array, data: SigningData): boolean {
  if (entry.signParams.name === 'HMAC') {
    const tag = hmac(entry, key, data)
    return tag.length === signature.length && timingSafeEqual(tag, signature)
  }
  const hash = entry.signParams.name === 'Ed25519' ? null : HASH[entry.hash]!
  return nodeVerify(hash, bytesOf(data), options(entry, keyObject(key)), signature)
}
