/** `createLocalJwks` (API.md, Key sets): a resolver over a JWK Set you hold. */
import { fail, toJoseError } from '../errors.ts'
import { readOptions } from '../jose/options.ts'
import type { JwksDocument, KeyResolver } from '../types.ts'
import { KEY_SET } from '../jws/verify.ts'
import { readJwks, selectKeys } from './select.ts'

/**
 * A key resolver over a local JWK Set, for verifying and for decrypting. Keys are chosen
 * by `kid`, `kty`/`crv`, `use` and `key_ops` (`sig`/`verify` for a JWS, `enc` and
 * `decrypt`/`unwrapKey`/`deriveBits` for a JWE; absent fits both) and `alg`; symmetric
 * (`oct`) keys are ignored unless `allowSymmetric` is set.
 * A malformed document is `ERR_JOSE_INVALID_ARGUMENT` now; broken keys in it are skipped.
 *
 * @param jwks - a JWK Set document `{ keys: [...] }`
 * @param options - `allowSymmetric` (default false)
 *
 * @example
 * ```ts
 * import { createLocalJwks, verify, type Jwk } from 'isojwt'
 * declare const token: string, publicJwk1: Jwk, publicJwk2: Jwk
 * const keys = createLocalJwks({ keys: [publicJwk1, publicJwk2] })
 * const { payload } = await verify(token, keys, { issuer: 'https://id.example', audience: 'api' })
 * ```
 */
export function createLocalJwks(jwks: JwksDocument, options?: { allowSymmetric?: boolean }): KeyResolver {
  let keys
  let allowSymmetric = false
  try {
    const o = readOptions(options, ['allowSymmetric'] as const)
    if (o.allowSymmetric !== undefined && typeof o.allowSymmetric !== 'boolean') fail('ERR_JOSE_INVALID_ARGUMENT', 'options.allowSymmetric must be a boolean')
    allowSymmetric = o.allowSymmetric === true
    keys = readJwks(jwks, Infinity, (why) => fail('ERR_JOSE_INVALID_ARGUMENT', why))
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'the JWK Set could not be read')
  }
  const set = keys
  const resolver: KeyResolver = (header) => {
    try {
      return selectKeys(set, header, allowSymmetric)
    } catch (e) {
      throw toJoseError(e, 'ERR_JWKS_NO_MATCHING_KEY', 'no key in the set fits the token')
    }
  }
  Object.defineProperty(resolver, KEY_SET, { value: true })
  return resolver
}
