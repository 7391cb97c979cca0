/**
 * `embeddedJwk`: the key is the header's own `jwk` (RFC 7515 §4.1.3). A signature then
 * proves possession of that key, not who holds it; the caller must name asymmetric
 * `algorithms` (its POLICY check, run by verifyParts).
 */
import { headerJwk } from '../keys/public.ts'
import type { KeyResolver } from '../types.ts'
import { fail, toJoseError } from '../errors.ts'
import { lookup } from '../jwa/registry.ts'
import { POLICY } from './verify.ts'

/**
 * A key resolver that uses the public key in the token's `jwk` header: RSA, EC or OKP
 * only (a secret or private key there is `ERR_KEY_INVALID`). It proves that the signer
 * holds that key, not who the signer is: compare the key (e.g. its `thumbprintUri`) with
 * one you trust. `options.algorithms` is required with it and must list asymmetric
 * algorithms only.
 *
 * @example
 * ```ts
 * import { verifyJws, embeddedJwk, thumbprintUri, type Jwk } from 'isojwt'
 * declare const jws: string
 * const { header } = await verifyJws(jws, embeddedJwk, { algorithms: ['ES256'] })
 * const who = await thumbprintUri(header.jwk as Jwk)
 * ```
 */
export const embeddedJwk: KeyResolver = /* @__PURE__ */ Object.defineProperty(
  (header: Parameters<KeyResolver>[0]) => {
    try {
      return headerJwk(Object.hasOwn(header, 'jwk') ? header.jwk : undefined)
    } catch (e) {
      throw toJoseError(e, 'ERR_KEY_INVALID', 'the header "jwk" could not be read')
    }
  },
  POLICY, {
    value: (algorithms: readonly string[] | undefined) => {
      if (!algorithms?.every((a) => lookup(a)!.kty !== 'oct')) fail('ERR_JOSE_INVALID_ARGUMENT', 'embeddedJwk needs options.algorithms, asymmetric ones only')
    },
  },
)
