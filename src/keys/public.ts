/** A key carried in a token's own header (`jwk`, RFC 7515 §4.1.3): DPoP proofs and `embeddedJwk`. */
import { keyInvalid } from '../errors.ts'
import { isPlainObject } from '../jose/json.ts'
import type { Jwk } from '../types.ts'

/** Members of private or secret keys (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']
const KTYS = /* @__PURE__ */ new Set(['RSA', 'EC', 'OKP'])

/**
 * A header `jwk` as a public RSA, EC or OKP key, bounded like every key from a token
 * (API.md, Keys: RSA modulus ≤ 8192 bits, exponent < 2^32); else ERR_KEY_INVALID.
 */
export function headerJwk(jwk: unknown): Jwk {
  if (!isPlainObject(jwk) || !KTYS.has(jwk.kty as string) || PRIVATE.some((m) => Object.hasOwn(jwk, m))) {
    keyInvalid('the header "jwk" must be a public RSA, EC or OKP key')
  }
  const long = (m: string, max: number) => typeof jwk[m] === 'string' && (jwk[m] as string).length > max
  if (jwk.kty === 'RSA' && (long('n', 1366) || long('e', 6))) keyInvalid('the header "jwk" is too large (RSA modulus ≤ 8192 bits, exponent < 2^32)')
  return jwk as Jwk
}
