/**
 * The two signature primitives, above the backend: lengths are checked before the
 * backend sees a signature; a throwing verify means "invalid" (STYLE: WebCrypto facts).
 */
import { backendSign, backendSignText, backendVerify, type SignatureInput, type SigningData } from '../backend/index.ts'
import { encode } from '../encoding/base64url.ts'
import { fail, scrub } from '../errors.ts'
import { lookup, type AlgEntry } from '../jwa/registry.ts'
import type { Alg } from '../types.ts'

/** Expected signature length for this key, in bytes. */
function expectedLength(entry: AlgEntry, key: CryptoKey): number {
  if (entry.sigBytes > 0) return entry.sigBytes
  return Math.ceil((key.algorithm as RsaHashedKeyAlgorithm).modulusLength / 8)
}

function signFailed(entry: AlgEntry, e: unknown): never {
  const unsupported = e instanceof Error && e.name === 'NotSupportedError'
  fail(unsupported ? 'ERR_JOSE_NOT_SUPPORTED' : 'ERR_KEY_INVALID', `signing with ${entry.alg} failed`, { cause: scrub(e, 'sign failed') })
}

/** The signature bytes; synchronous when the backend is (node), so signing takes no extra hop. */
export function signWith(entry: AlgEntry, key: CryptoKey, data: SigningData): Uint8Array | Promise<Uint8Array> {
  try {
    const r = backendSign(entry, key, data)
    return 'then' in r ? r.then(undefined, (e: unknown) => signFailed(entry, e)) : r
  } catch (e) {
    signFailed(entry, e)
  }
}

/** The signature as base64url text: from the backend in one step when it can (node), else encoded here. */
export function signText(entry: AlgEntry, key: CryptoKey, data: SigningData): string | Promise<string> {
  if (backendSignText) {
    try {
      const r = backendSignText(entry, key, data)
      return typeof r === 'string' ? r : r.then(undefined, (e: unknown) => signFailed(entry, e))
    } catch (e) {
      signFailed(entry, e)
    }
  }
  const signature = signWith(entry, key, data)
  return 'then' in signature ? signature.then(encode) : encode(signature)
}

/** A backend that throws while verifying says "invalid", unless it cannot do the alg at all. */
function verifyFailed(entry: AlgEntry, e: unknown): false {
  if (e instanceof Error && e.name === 'NotSupportedError') fail('ERR_JOSE_NOT_SUPPORTED', `this runtime cannot verify ${entry.alg}`, { cause: scrub(e, 'verify not supported') })
  return false
}

/**
 * True only for a valid signature; false for a wrong length or anything the backend
 * refuses. The length of a token's signature is read off its canonical text, so a
 * backend that compares text (node's HMAC) never decodes it. Synchronous when the
 * backend is (node), so the hot path takes no extra hop.
 */
export function verifyWith(entry: AlgEntry, key: CryptoKey, sig: SignatureInput, data: SigningData): boolean | Promise<boolean> {
  const text = sig.signatureSegment
  if ((text === undefined ? sig.signature.length : (text.length * 3) >> 2) !== expectedLength(entry, key)) return false
  try {
    const r = backendVerify(entry, key, sig, data)
    return typeof r === 'boolean' ? r : r.catch((e: unknown) => verifyFailed(entry, e))
  } catch (e) {
    return verifyFailed(entry, e)
  }
}

/** `verifyWith` by algorithm name (used by the Wycheproof primitive tests). */
export async function verifySignature(alg: Alg, key: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  const entry = lookup(alg)
  if (!entry) fail('ERR_JOSE_INVALID_ARGUMENT', 'unsupported algorithm')
  return verifyWith(entry, key, { signature }, data)
}
