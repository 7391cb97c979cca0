/**
 * The one internal entry point the primitive Wycheproof files need. A compact JWS always
 * signs `b64u(header).b64u(payload)`, so a Wycheproof `msg` cannot travel through
 * verifyJws; the library's own signature step (the code verifyJws calls after its policy
 * and key checks: length checks, P1363 handling, PSS salt length, constant-time MAC
 * compare) is called directly instead. Kept in one place so a rename in src/jws/ is a
 * one-line change here.
 */
import type { Alg } from '../../src/types.ts'
import * as signature from '../../src/jws/signature.ts'

/** Resolves true iff `sig` is a valid `alg` signature of `data`; false for any invalid one. */
export const verifySignature: (alg: Alg, key: CryptoKey, sig: Uint8Array, data: Uint8Array) => Promise<boolean> =
  signature.verifySignature
