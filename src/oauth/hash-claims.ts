/**
 * `at_hash` and `c_hash` (OIDC Core §3.1.3.6, §3.3.2.11): base64url of the left-most half
 * of the hash of the ASCII value, with the hash of the ID token's `alg` (SHA-512 for
 * EdDSA/Ed25519, whose registry entry names SHA-512: OIDC Core errata, RFC 8037).
 */
import { fail } from '../errors.ts'
import { encode } from '../encoding/base64url.ts'
import { utf8 } from '../encoding/utf8.ts'

// RFC 6749 Appendix A.12 / A.11: access tokens and codes are VSCHAR (%x20-7E).
const VSCHAR = /^[\x20-\x7e]+$/

/** Validates an accessToken/code option: a non-empty ASCII string. */
export function checkHashInput(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !VSCHAR.test(value)) fail('ERR_JOSE_INVALID_ARGUMENT', `${name} must be a non-empty string of printable ASCII`)
  return value
}

/** The `at_hash`/`c_hash` value of `value` for a token signed with an algorithm of this hash (its registry entry's). */
export async function halfHash(hash: string, value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(hash, utf8(value) as BufferSource))
  return encode(digest.slice(0, digest.length / 2))
}
