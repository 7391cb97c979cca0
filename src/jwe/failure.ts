/**
 * The one answer to every cryptographic failure of `decrypt` (API.md, JWE; RFC 7516
 * §11.4–11.5): one code, one message, whatever failed (tag, padding, unwrap, key, epk),
 * so that no caller, log or timing of our own tells them apart.
 */
import { fail, notSupported, scrub } from '../errors.ts'

export const decryptionFailed = (cause?: unknown): never =>
  fail('ERR_JWE_DECRYPTION_FAILED', 'the JWE could not be decrypted', cause === undefined ? undefined : { cause: scrub(cause, 'decryption failed') })

/** WebCrypto's subtle as a typed shorthand. */
export const subtle = (): SubtleCrypto => crypto.subtle

/**
 * ERR_JOSE_NOT_SUPPORTED for what the runtime lacks. Called directly for an import whose
 * input was already checked (an AES key of the exact size): any refusal there is the
 * runtime's gap, and Chromium refuses 192-bit AES keys with an OperationError.
 */
export const missing = (e: unknown, what: string): never => fail('ERR_JOSE_NOT_SUPPORTED', `this runtime does not support ${what}`, { cause: scrub(e, 'not supported') })

/** A runtime without the algorithm (X25519 where missing) says NotSupportedError: ERR_JOSE_NOT_SUPPORTED, not a decryption failure. */
export function unsupported(e: unknown, what: string): void {
  if (notSupported(e)) missing(e, what)
}
