/**
 * Choosing keys from a JWK Set for a token (RFC 7517 §5, RFC 7515 §4.1.4): by `kid`,
 * then by what the header's algorithm can use. The set hands back the JWK objects it
 * holds, never a CryptoKey imported for the header's `alg`, so a JWK keeps its own
 * pinned algorithms (an RSA key without `alg` still needs `options.algorithms`).
 */
import { fail } from '../errors.ts'
import { deepFreeze, isPlainObject, type JsonObject } from '../jose/json.ts'
import { lookup } from '../jwa/registry.ts'
import type { Jwk, JwksDocument, JwsHeader } from '../types.ts'

/** At most this many keys are tried for one token; more need a `kid`. */
const MAX_CANDIDATES = 3

/**
 * A JWE's key by its `alg` (RFC 7518 §4): RSA for RSA-OAEP*, the `epk`'s curve for
 * ECDH-ES*, a secret for the rest. Written out rather than read from the JWE table, so
 * a bundle that only verifies carries none of it.
 */
function fitsJwe(jwk: JsonObject, alg: string, epk: unknown): boolean {
  if (alg.startsWith('RSA-OAEP')) return jwk.kty === 'RSA'
  if (alg.startsWith('ECDH-ES')) return (jwk.kty === 'EC' || jwk.kty === 'OKP') && isPlainObject(epk) && jwk.crv === epk.crv
  return jwk.kty === 'oct' && /^(dir|A\d+(GCM)?KW|PBES2-)/.test(alg)
}

/** `key_ops` absent, or listing one of `ops`. */
const opsFit = (jwk: JsonObject, ops: readonly string[]): boolean =>
  jwk.key_ops === undefined || (Array.isArray(jwk.key_ops) && jwk.key_ops.some((o) => ops.includes(o)))

function fits(jwk: JsonObject, header: JwsHeader, allowSymmetric: boolean): boolean {
  // A JWS alg, else RFC 7516 §9: a header with "enc" is a JWE's. Keys for decryption have
  // use "enc" (or none) and key_ops for decrypting; for verification "sig" and "verify" (API.md, Key sets).
  const entry = lookup(header.alg)
  const jwe = !entry && Object.hasOwn(header, 'enc')
  if (!entry && !jwe) return false
  if (header.kid !== undefined && jwk.kid !== header.kid) return false
  if (entry ? jwk.kty !== entry.kty || (entry.crv !== undefined && jwk.crv !== entry.crv) : typeof header.alg !== 'string' || !fitsJwe(jwk, header.alg, header.epk)) return false
  if (jwk.kty === 'oct' && !allowSymmetric) return false
  if (jwk.use !== undefined && jwk.use !== (jwe ? 'enc' : 'sig')) return false
  if (!opsFit(jwk, jwe ? ['decrypt', 'unwrapKey', 'deriveBits'] : ['verify'])) return false
  // Exact: "EdDSA" and "Ed25519" are different names (RFC 9864).
  return jwk.alg === undefined || jwk.alg === header.alg
}

export function selectKeys(keys: readonly Jwk[], header: JwsHeader, allowSymmetric: boolean): Jwk[] {
  if (!isPlainObject(header)) fail('ERR_JWKS_NO_MATCHING_KEY', 'the header must be a JOSE header object')
  const out = keys.filter((k) => fits(k as JsonObject, header, allowSymmetric))
  if (out.length === 0) fail('ERR_JWKS_NO_MATCHING_KEY', header.kid === undefined ? 'no key in the set fits the token' : 'no key in the set has the token\'s "kid"')
  if (out.length > MAX_CANDIDATES) fail('ERR_JWKS_NO_MATCHING_KEY', `more than ${MAX_CANDIDATES} keys fit a token without "kid"`)
  return out
}

/**
 * A JWK Set document as data we own: `keys` must be an array of at most `maxKeys`, else
 * `bad` throws (each caller with its own code); members that are not objects with a
 * string `kty` are dropped (broken keys never stop the good ones). Returns frozen
 * copies, so later changes by the caller do not reach the set.
 */
export function readJwks(doc: unknown, maxKeys: number, bad: (why: string) => never): Jwk[] {
  const keys = isPlainObject(doc) ? doc.keys : bad('a JWK Set must be a JSON object')
  if (!Array.isArray(keys)) bad('a JWK Set must have a "keys" array')
  if (keys.length > maxKeys) bad(`the JWK Set has more than ${maxKeys} keys`)
  return (keys as unknown[]).filter((k) => isPlainObject(k) && typeof k.kty === 'string').map(freezeCopy) as Jwk[]
}

/** A deep copy through JSON (keys are JSON data), frozen. */
export function freezeCopy<T>(value: T): T {
  return deepFreeze(JSON.parse(JSON.stringify(value)) as T)
}

export function documentOf(keys: readonly Jwk[]): JwksDocument {
  return freezeCopy({ keys } as JwksDocument)
}
