/**
 * The internal signature step, for the two places the public API cannot reach:
 * - Wycheproof primitive files: a compact JWS always signs `b64u(header).b64u(payload)`,
 *   so an arbitrary Wycheproof `msg` cannot travel through verifyJws;
 * - RFC examples whose header octets (CRLF, spaces) signJws cannot write: the RFC's exact
 *   signing input is signed with the library's own signing step instead.
 * This is the code verifyJws/signJws call after their policy and key checks (signature
 * length checks, P1363 r‖s, PSS salt length, WebCrypto errors mapped to "invalid").
 * Kept in one place so a rename in src/jws/ is a one-line change here.
 */
import { decode } from '../../src/encoding/base64url.ts'
import { fail } from '../../src/errors.ts'
import { lookup, type AlgEntry } from '../../src/jwa/registry.ts'
import { signText, verifyWith } from '../../src/jws/signature.ts'
import type { Alg } from '../../src/types.ts'

function entryOf(alg: Alg): AlgEntry {
  const entry = lookup(alg)
  if (!entry) fail('ERR_JOSE_INVALID_ARGUMENT', `unknown alg ${alg}`)
  return entry
}

/** Resolves true iff `sig` is a valid `alg` signature of `data`; false for any invalid one. */
export function verifySignature(alg: Alg, key: CryptoKey, sig: Uint8Array, data: Uint8Array): Promise<boolean> {
  return verifyWith(entryOf(alg), key, { signature: sig }, data)
}

/** The library's signature over exactly `data` (no header is built). */
export async function signSignature(alg: Alg, key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return decode(await signText(entryOf(alg), key, data))
}
