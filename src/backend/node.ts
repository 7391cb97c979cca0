/**
 * The node:crypto backend, for speed on Node: every call into `crypto.subtle` there pays
 * a fixed dispatch cost, while node:crypto signs and verifies synchronously. Key text is
 * never parsed by node:crypto: its KeyObjects are made from the material src/keys/ has
 * parsed and checked (JWK members, DER, secret bytes), and a CryptoKey is never turned
 * into a KeyObject (Node 24 deprecates it: DEP0203, DEP0204), so a caller's own
 * CryptoKey goes through `crypto.subtle` (the WebCrypto backend). Verdicts do not depend
 * on the backend:
 * - RSA-PSS uses saltLength = hash length on sign and verify (RFC 7518 §3.5);
 * - HMAC tags are compared in constant time, length first (as canonical base64url text
 *   or as bytes);
 * - ECDSA signatures are IEEE P1363 (r‖s), their length checked above.
 */
import { Buffer } from 'node:buffer'
import { constants, createHmac, createPrivateKey, createPublicKey, createSecretKey, generateKeyPair, type KeyObject, sign as nodeSign, timingSafeEqual, verify as nodeVerify } from 'node:crypto'
import { native, type Codecs } from '../encoding/base64url.ts'
import type { AlgEntry } from '../jwa/registry.ts'
import * as web from './webcrypto.ts'
import type { BackendNow, KeyForm, KeyMaterial, SignatureInput, SigningData } from './webcrypto.ts'

export const BACKEND = 'node'

/**
 * Where encodeText puts the UTF-8 of the text it encodes, which no one else sees: the
 * next call writes over it (a Buffer from the pool per call, and its wrapper, cost a
 * measurable share of signing HS256: bench/README.md, item 12). Text that may not fit
 * (3 bytes a UTF-16 unit at most) gets a Buffer of its own.
 */
const TEXT_UNITS = 1024
const TEXT = /* @__PURE__ */ Buffer.allocUnsafeSlow(3 * TEXT_UNITS)

// Native codecs, passed down to the encoding layer (which never imports a backend): its
// strict checks run first, so Buffer only ever decodes canonical text (it would skip bad
// characters). A pooled Buffer costs less than a fresh Uint8Array (RS256 signatures are
// 342 characters); ownBytes copies one before a caller sees it.
Object.assign(native, {
  encode: (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url'),
  encodeText: (s: string) => (s.length > TEXT_UNITS ? Buffer.from(s, 'utf8').toString('base64url') : TEXT.toString('base64url', 0, TEXT.write(s))),
  decode: (s: string) => Buffer.from(s, 'base64url'),
} satisfies Codecs)

/** A signing-input string is ASCII by construction: latin1 gives its bytes without a TextEncoder. */
const bytesOf = (data: SigningData): Uint8Array => (typeof data === 'string' ? Buffer.from(data, 'latin1') : data)

const HASH: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' }

type Family = 'HMAC' | 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA' | 'Ed25519'
type KeyArg = KeyObject | { key: KeyObject; padding?: number; saltLength?: number }

/** What node:crypto needs for one imported CryptoKey: its KeyObject and the key argument for `entry`. */
interface Prepared {
  entry: AlgEntry
  key: KeyObject
  arg: KeyArg
  hash: string | null
}

/** The KeyObject of every CryptoKey this backend imported; any other CryptoKey is the caller's own. */
const prepared = new WeakMap<CryptoKey, Prepared>()

function keyArg(entry: AlgEntry, key: KeyObject): KeyArg {
  const family = entry.signParams.name as Family
  if (family === 'RSA-PSS') return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: entry.hashBytes }
  return key // ECDSA too: signatures are converted here (ecdsaRaw, ecdsaDer)
}

/**
 * ECDSA signatures travel as r ‖ s (RFC 7518 §3.4), node:crypto's are DER. Its own
 * conversion (`dsaEncoding: 'ieee-p1363'`) halves sign and costs a third of verify on
 * Node 24 (bench/README.md, issue 20), so the backend converts. `ecdsaRaw` reads what
 * node:crypto just made (well-formed, minimal INTEGERs; P-521's SEQUENCE has a long
 * length); `ecdsaDer` writes any r ‖ s of the checked length as minimal INTEGERs, so a
 * signature maps to exactly one DER and node:crypto judges it.
 */
function ecdsaRaw(der: Buffer, n: number): Buffer {
  const out = Buffer.alloc(2 * n)
  let i = der[1]! & 0x80 ? 3 : 2
  for (let k = 1; k <= 2; k++) {
    const len = der[i + 1]!
    const skip = Math.max(0, len - n) // the sign byte of a high r or s
    der.copy(out, k * n - (len - skip), i + 2 + skip, i + 2 + len)
    i += 2 + len
  }
  return out
}

function ecdsaDer(raw: Uint8Array): Buffer {
  const n = raw.length / 2
  // Each half without its leading zero bytes (one kept for zero), and a sign byte when its top bit is set.
  const from = (at: number): number => {
    let i = at
    while (i < at + n - 1 && raw[i] === 0) i++
    return i
  }
  const r = from(0)
  const s = from(n)
  const rLen = n - r + (raw[r]! >> 7)
  const sLen = 2 * n - s + (raw[s]! >> 7)
  const body = 4 + rLen + sLen
  const head = body < 128 ? 2 : 3
  const der = Buffer.alloc(head + body) // zero-filled: the sign bytes are already there
  der[0] = 0x30
  if (head === 3) der[1] = 0x81
  der[head - 1] = body
  der[head] = 2
  der[head + 1] = rLen
  der.set(raw.subarray(r, n), head + 2 + rLen - (n - r))
  der[head + 2 + rLen] = 2
  der[head + 3 + rLen] = sLen
  der.set(raw.subarray(s), head + 4 + rLen + sLen - (2 * n - s))
  return der
}

const prepare = (entry: AlgEntry, key: KeyObject): Prepared =>
  ({ entry, key, arg: keyArg(entry, key), hash: entry.signParams.name === 'Ed25519' ? null : HASH[entry.hash]! })

/** The prepared KeyObject of a CryptoKey this backend imported, or undefined for a caller's own. */
function preparedFor(entry: AlgEntry, cryptoKey: CryptoKey): Prepared | undefined {
  const p = prepared.get(cryptoKey)
  if (p === undefined || p.entry === entry) return p
  const q = prepare(entry, p.key)
  prepared.set(cryptoKey, q)
  return q
}

/** A KeyObject from checked material: a secret, or a public or private key from JWK members or DER. */
function keyObjectOf(form: KeyForm, m: KeyMaterial): KeyObject {
  if (form === 'raw') return createSecretKey(m as Uint8Array)
  if (form === 'jwk') {
    const jwk = m as Record<string, string>
    if (jwk.kty === 'oct') return createSecretKey(jwk.k!, 'base64url')
    return (jwk.d === undefined ? createPublicKey : createPrivateKey)({ key: jwk, format: 'jwk' })
  }
  const der = { key: Buffer.from((m as Uint8Array).buffer, (m as Uint8Array).byteOffset, (m as Uint8Array).byteLength), format: 'der' as const }
  return form === 'spki' ? createPublicKey({ ...der, type: 'spki' }) : createPrivateKey({ ...der, type: 'pkcs8' })
}

type ToCryptoKey = (algorithm: unknown, extractable: boolean, usages: KeyUsage[]) => CryptoKey

/**
 * The CryptoKey that API results carry for `key`, remembered with its KeyObject: made from
 * the KeyObject (`KeyObject#toCryptoKey`, Node 22.10 and later, Deno, Bun) or, where that
 * is missing, imported by WebCrypto from the same material.
 */
function cryptoKeyFor(key: KeyObject, entry: AlgEntry, extractable: boolean, usages: KeyUsage[], material: () => [KeyForm, KeyMaterial]): CryptoKey | Promise<CryptoKey> {
  const toCryptoKey = (key as KeyObject & { toCryptoKey?: ToCryptoKey }).toCryptoKey
  const remember = (cryptoKey: CryptoKey): CryptoKey => {
    prepared.set(cryptoKey, prepare(entry, key))
    return cryptoKey
  }
  if (toCryptoKey) return remember(toCryptoKey.call(key, entry.importParams, extractable, usages))
  return web.backendImport(...material(), entry, extractable, usages).then(remember)
}

/** A key for `entry`: a KeyObject made here from checked material, and its CryptoKey. */
export async function backendImport(form: KeyForm, material: KeyMaterial, entry: AlgEntry, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey> {
  return cryptoKeyFor(keyObjectOf(form, material), entry, extractable, usages, () => [form, material])
}

/** node:crypto's generator and options for the key type of `entry` (RSA keys are plain rsaEncryption keys, as WebCrypto's). */
function generatorOf(entry: AlgEntry, params: Readonly<Record<string, unknown>>): [string, object] {
  if (entry.kty === 'RSA') return ['rsa', { modulusLength: params.modulusLength, publicExponent: 0x10001 }]
  return entry.kty === 'EC' ? ['ec', { namedCurve: entry.crv }] : ['ed25519', {}]
}

/**
 * A key pair made by node:crypto (off the main thread), so that the keys it gives sign
 * and verify with node:crypto too. The public key is extractable, as WebCrypto's is.
 */
export async function backendGenerate(entry: AlgEntry, params: Readonly<Record<string, unknown>>, extractable: boolean): Promise<CryptoKeyPair> {
  const [type, options] = generatorOf(entry, params)
  const generate = generateKeyPair as unknown as (type: string, options: object, done: (e: Error | null, publicKey: KeyObject, privateKey: KeyObject) => void) => void
  const pair = await new Promise<{ publicKey: KeyObject; privateKey: KeyObject }>((resolve, reject) =>
    generate(type, options, (e, publicKey, privateKey) => (e ? reject(e) : resolve({ publicKey, privateKey }))))
  const der = (key: KeyObject, form: 'spki' | 'pkcs8') => (): [KeyForm, KeyMaterial] => [form, key.export({ format: 'der', type: form })]
  return {
    publicKey: await cryptoKeyFor(pair.publicKey, entry, true, ['verify'], der(pair.publicKey, 'spki')),
    privateKey: await cryptoKeyFor(pair.privateKey, entry, extractable, ['sign'], der(pair.privateKey, 'pkcs8')),
  }
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
 * The synchronous path (ARCHITECTURE.md, The backend seam): node:crypto signs and verifies
 * in the calling thread, so for a key made here the core takes the answer without a
 * promise; any other key (a caller's own CryptoKey, or a key's import still in flight)
 * gets undefined and goes through `crypto.subtle`.
 */
export const backendNow: BackendNow = {
  /** The signature as base64url: node encodes a digest to text faster than it makes a Buffer of it. */
  sign(entry, key, data) {
    const p = preparedFor(entry, key)
    if (p === undefined) return undefined
    const family = entry.signParams.name
    if (family === 'HMAC') return hmac(p, data).digest('base64url')
    const sig = nodeSign(p.hash, bytesOf(data), p.arg)
    return (family === 'ECDSA' ? ecdsaRaw(sig, entry.sigBytes / 2) : sig).toString('base64url')
  },
  /**
   * An HMAC tag is compared as base64url text with the token's own (canonical) segment
   * when there is one (its bytes are then never decoded), else as bytes; both in constant
   * time, length first.
   */
  verify(entry, key, sig, data) {
    const p = preparedFor(entry, key)
    if (p === undefined) return undefined
    const family = entry.signParams.name
    if (family !== 'HMAC') return nodeVerify(p.hash, bytesOf(data), p.arg, family === 'ECDSA' ? ecdsaDer(sig.signature) : sig.signature)
    const text = sig.signatureSegment
    if (text !== undefined) return sameText(hmac(p, data).digest('base64url'), text)
    const tag = hmac(p, data).digest()
    return tag.length === sig.signature.length && timingSafeEqual(tag, sig.signature)
  },
}

export async function backendSign(entry: AlgEntry, key: CryptoKey, data: SigningData): Promise<Uint8Array> {
  const s = backendNow.sign(entry, key, data)
  return s === undefined ? web.backendSign(entry, key, data) : Buffer.from(s, 'base64url')
}

export async function backendVerify(entry: AlgEntry, key: CryptoKey, sig: SignatureInput, data: SigningData): Promise<boolean> {
  return backendNow.verify(entry, key, sig, data) ?? web.backendVerify(entry, key, sig, data)
}
