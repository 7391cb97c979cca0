/**
 * The two signature primitives, above the backend: lengths are checked before the
 * backend sees a signature; a throwing verify means "invalid" (STYLE: WebCrypto facts).
 * Each has an awaited form and, where the backend has a synchronous path (node), a
 * synchronous one, `signNow`/`verifyNow`: the core's only way to that path
 * (ARCHITECTURE.md, The backend seam). Without one (WebCrypto) they are undefined, and
 * bundles drop them.
 */
import { backendNow, backendSign, backendVerify, type SignatureInput, type SigningData } from '../backend/index.ts'
import { encode } from '../encoding/base64url.ts'
import { notSupported, platformFail } from '../errors.ts'
import type { AlgEntry } from '../jwa/registry.ts'

function signFailed(entry: AlgEntry, e: unknown): never {
  platformFail(e, 'ERR_KEY_INVALID', `signing with ${entry.alg} failed`)
}

/** A backend that throws while verifying says "invalid", unless it cannot do the alg at all. */
function verifyFailed(entry: AlgEntry, e: unknown): false {
  if (notSupported(e)) platformFail(e, 'ERR_JOSE_NOT_SUPPORTED', `this runtime cannot verify ${entry.alg}`)
  return false
}

/**
 * Whether the signature has the length of `entry` and `key`. The length of a token's
 * signature is read off its canonical text, so a backend that compares text (node's
 * HMAC) never decodes it.
 */
function lengthFits(entry: AlgEntry, key: CryptoKey, sig: SignatureInput): boolean {
  const text = sig.signatureSegment
  return (text === undefined ? sig.signature.length : (text.length * 3) >> 2) === (entry.sigBytes || Math.ceil((key.algorithm as RsaHashedKeyAlgorithm).modulusLength / 8))
}

/** The signature as base64url text. */
export async function signText(entry: AlgEntry, key: CryptoKey, data: SigningData): Promise<string> {
  try {
    return encode(await backendSign(entry, key, data))
  } catch (e) {
    signFailed(entry, e)
  }
}

/** True only for a valid signature; false for a wrong length or anything the backend refuses. */
export async function verifyWith(entry: AlgEntry, key: CryptoKey, sig: SignatureInput, data: SigningData): Promise<boolean> {
  if (!lengthFits(entry, key, sig)) return false
  try {
    return await backendVerify(entry, key, sig, data)
  } catch (e) {
    return verifyFailed(entry, e)
  }
}

/** The backend's synchronous path, when it has one: what the `…Now` functions of src/jws/ are defined by. */
export { backendNow }

/** What `importFor` gives: a key in hand, or the promise of an import still in flight (never synchronous). */
type KeyOrImport = CryptoKey | Promise<CryptoKey>

/** `signText` without a promise, for a key in hand that the backend made; else undefined, and the caller awaits `signText`. */
export const signNow = backendNow && ((entry: AlgEntry, key: KeyOrImport, data: SigningData): string | undefined => {
  if ('then' in key) return undefined
  try {
    return backendNow!.sign(entry, key, data)
  } catch (e) {
    signFailed(entry, e)
  }
})

/** `verifyWith` without a promise, likewise; undefined when the caller must await `verifyWith`. */
export const verifyNow = backendNow && ((entry: AlgEntry, key: KeyOrImport, sig: SignatureInput, data: SigningData): boolean | undefined => {
  if ('then' in key) return undefined
  if (!lengthFits(entry, key, sig)) return false
  try {
    return backendNow!.verify(entry, key, sig, data)
  } catch (e) {
    return verifyFailed(entry, e)
  }
})
