/**
 * Telling key inputs apart, once, by type and PEM label (API.md, String keys), and
 * tagging them with the algorithms they pin (API.md, Which algorithms a key pins).
 * Descriptions are cached per input: a WeakMap for objects, a bounded map for strings.
 */
import { fail, quote, toJoseError, keyInvalid } from '../errors.ts'
import { isBytes, same, sameItems } from '../encoding/bytes.ts'
import { isWellFormed, utf8 } from '../encoding/utf8.ts'
import { remember } from '../jose/bounded.ts'
import { isPlainObject } from '../jose/json.ts'
import { entriesFor, entriesForCryptoKey, type AlgEntry, type Kty } from '../jwa/registry.ts'
import type { Alg } from '../types.ts'
import { pemKey } from './der.ts'
import { inspectJwk } from './jwk.ts'
import { parsePem, trimKeyText } from './pem.ts'
import { refuseKeyBytes, refuseKeyText } from './text.ts'
import { checkExponent } from './weak.ts'

export type Visibility = 'public' | 'private' | 'secret'

export interface KeyDesc {
  readonly form: 'cryptokey' | 'jwk' | 'spki' | 'pkcs8' | 'secret'
  readonly kty: Kty
  readonly crv?: string | undefined
  readonly visibility: Visibility
  /** Algorithms the key itself pins; empty when it pins nothing. */
  readonly pinned: readonly Alg[]
  /** Algorithms the key may be used with: `pinned`, or when it pins nothing, all those of its key type (API.md, Which algorithms a key pins). */
  readonly allowed: readonly Alg[]
  /** RSA modulus or secret size in bits, checked against each algorithm's minimum (src/jwa/registry.ts). */
  readonly bits?: number | undefined
  /** Usages the key permits (JWK key_ops, CryptoKey usages); undefined = any. */
  readonly ops?: ReadonlySet<string> | undefined
  /** The material WebCrypto imports: a CryptoKey, JWK members, DER or secret bytes. */
  readonly material: CryptoKey | Record<string, string> | Uint8Array
  /** For JWKs: the names of the key members, alg, use and key_ops, and their values as read (`policyOf`, src/keys/jwk.ts). */
  readonly policy?: readonly [readonly string[], readonly unknown[]] | undefined
  /** Imports of this key, by alg|usages|extractable: the promise, then the key. */
  readonly imports: Map<string, CryptoKey | Promise<CryptoKey>>
}

const objectCache = /* @__PURE__ */ new WeakMap<object, KeyDesc>()
const stringCache = /* @__PURE__ */ new Map<string, KeyDesc>()

/** What a reader found out about a key input: the description before the size check and the algorithm lists. */
type Facts = Omit<KeyDesc, 'pinned' | 'allowed' | 'imports'> & { pinned?: readonly Alg[] | undefined }

/** The least an algorithm of `entry`'s key type needs, in words. */
export const minimum = (e: AlgEntry): string =>
  e.kty === 'oct' ? `${e.minKeyBits / 8} bytes` : `${e.minKeyBits} bits`

/**
 * A description, after the size check: the key must be long enough for the least
 * demanding of its algorithms (each algorithm's own minimum is checked on import).
 * Without `pinned`, EC and OKP keys pin by curve, RSA keys and secrets pin nothing.
 */
function make(f: Facts): KeyDesc {
  const entries = entriesFor(f.kty, f.crv)
  const least = entries[0]! // the registry lists a key type's least demanding algorithm first
  // (undefined < n is false: curve keys, whose size their curve fixes, pass)
  if (f.bits! < least.minKeyBits) keyInvalid(f.bits === 0 ? 'the HMAC key is empty' : `${f.kty === 'oct' ? 'HMAC' : f.kty} keys must be at least ${minimum(least)}`)
  const compatible = entries.map((e) => e.alg)
  const pinned = f.pinned ?? (f.crv ? compatible : [])
  return { ...f, pinned, allowed: pinned.length ? pinned : compatible, imports: new Map() }
}

function fromString(s: string): KeyDesc {
  const text = trimKeyText(s)
  if (text.startsWith('-----BEGIN ')) return make(pemKey(parsePem(text)))
  refuseKeyText(text)
  if (!isWellFormed(s)) keyInvalid('a secret string must be well-formed Unicode')
  return secret(utf8(s))
}

function fromCryptoKey(key: CryptoKey): KeyDesc {
  const alg = key.algorithm as KeyAlgorithm & { modulusLength?: number; length?: number; publicExponent?: Uint8Array }
  const pinned = entriesForCryptoKey(alg)
  const first = pinned[0]
  if (!first) fail('ERR_JOSE_NOT_SUPPORTED', `unsupported CryptoKey algorithm ${quote(alg.name)}`)
  if (first.kty === 'RSA') checkExponent(alg.publicExponent!)
  // (RSA keys have a modulusLength, HMAC keys a length, curve keys neither)
  return make({
    form: 'cryptokey', kty: first.kty, crv: first.crv, visibility: key.type, material: key, pinned: pinned.map((e) => e.alg), ops: new Set(key.usages),
    bits: alg.modulusLength ?? alg.length,
  })
}

/** A secret: its own copy of the bytes (a caller's array may change later). */
function secret(bytes: Uint8Array): KeyDesc {
  return make({ form: 'secret', kty: 'oct', visibility: 'secret', material: bytes.slice(), bits: bytes.length * 8 })
}

/** A Uint8Array (Buffer included) as is, an ArrayBuffer through a view. */
const bytesOf = (x: object): Uint8Array | undefined => (isBytes(x) ? x : x instanceof ArrayBuffer ? new Uint8Array(x) : undefined)

/**
 * Objects are cached by identity, so a JWK or secret array changed in place (a key
 * rotated by mutation) must not keep verifying with the old key: compare what was read.
 */
function unchanged(desc: KeyDesc, input: object): boolean {
  if (desc.form === 'secret') return sameItems(bytesOf(input)!, desc.material as Uint8Array)
  const p = desc.policy // (a CryptoKey has none: it cannot change)
  for (let i = 0; p && i < p[0].length; i++) if (!same((input as Record<string, unknown>)[p[0][i]!], p[1][i])) return false
  return true
}

/**
 * Whether two descriptions are of one key under one policy (API.md, Prepared: "equal in
 * content"): the same CryptoKey, or the same form and material (DER or secret bytes; JWK
 * key members, alg, use and key_ops). What else a description holds follows from these.
 */
export function sameKey(a: KeyDesc, b: KeyDesc): boolean {
  if (a === b) return true
  if (a.form !== b.form || a.form === 'cryptokey') return false
  if (a.form !== 'jwk') return sameItems(a.material as Uint8Array, b.material as Uint8Array)
  const [names, values] = a.policy!
  return sameItems(names, b.policy![0]) && values.every((v, i) => same(v, b.policy![1][i]))
}

const isCryptoKey = (x: unknown): x is CryptoKey => typeof CryptoKey === 'function' && x instanceof CryptoKey

/** Classifies any key input, or throws ERR_KEY_INVALID / ERR_JOSE_NOT_SUPPORTED. */
export function describeKey(input: unknown): KeyDesc {
  try {
    return describe(input)
  } catch (e) {
    // Spoofed objects (throwing getters, Proxies) end here as a key error.
    throw toJoseError(e, 'ERR_KEY_INVALID', 'the key could not be read')
  }
}

const unsupported: () => never = () => keyInvalid('pass a CryptoKey, JWK, Uint8Array or string (export a KeyObject as JWK)')

function describe(input: unknown): KeyDesc {
  if (typeof input === 'string') {
    return stringCache.get(input) ?? remember(stringCache, input, fromString(input), 64)
  }
  // Anything else that is not an object (null, a number, a function) is none of the forms
  // below and ends at unsupported(); WeakMap.get answers undefined for it.
  const hit = objectCache.get(input as object)
  if (hit && unchanged(hit, input as object)) return hit
  let desc: KeyDesc
  const bytes = bytesOf(input as object)
  if (isCryptoKey(input)) desc = fromCryptoKey(input)
  // Bytes: the same key-text rules as strings, then a secret.
  else if (bytes) desc = (refuseKeyBytes(bytes), secret(bytes))
  else if (isPlainObject(input)) desc = make(inspectJwk(input))
  else unsupported()
  objectCache.set(input as object, desc)
  return desc
}
