/**
 * The one answer to every cryptographic failure of `decrypt` (API.md, JWE; RFC 7516
 * §11.4–11.5): one code, one message, whatever failed (tag, padding, unwrap, key, epk),
 * so that no caller, log or timing of our own tells them apart.
 */
import { fail, scrub } from '../errors.ts'

export const decryptionFailed = (cause?: unknown): never =>
  fail('ERR_JWE_DECRYPTION_FAILED', 'the JWE could not be decrypted', cause === undefined ? undefined : { cause: scrub(cause, 'decryption failed') })

/** WebCrypto's subtle as a typed shorthand. */
export const subtle = (): SubtleCrypto => crypto.subtle

/** A runtime without the algorithm (AES-192 in Chromium) says NotSupportedError: ERR_JOSE_NOT_SUPPORTED, not a decryption failure. */
export function unsupported(e: unknown, what: string): void {
  if (e instanceof Error && e.name === 'NotSupportedError') fail('ERR_JOSE_NOT_SUPPORTED', `this runtime does not support ${what}`, { cause: scrub(e, 'not supported') })
}
