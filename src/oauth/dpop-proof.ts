/** Making a DPoP proof (RFC 9449 §4.2) with a client's key pair. */
import { fail, toJoseError } from '../errors.ts'
import { encode } from '../encoding/base64url.ts'
import { optString, readOptions, validating } from '../jose/options.ts'
import { epochSeconds, checkNow } from '../jose/time.ts'
import { signJws } from '../jws/api.ts'
import { exportJwk } from '../keys/api.ts'
import type { Alg } from '../types.ts'
import { checkMethod, checkTarget, sha256Text } from './dpop-options.ts'
import type { CreateDpopProofOptions } from './dpop-types.ts'
import { checkHashInput } from './hash-claims.ts'

const NAMES = ['htm', 'htu', 'accessToken', 'nonce', 'alg', 'now'] as const

export function keyOf(pair: unknown, name: 'privateKey' | 'publicKey'): CryptoKey {
  const key = typeof pair === 'object' && pair !== null ? (pair as Record<string, unknown>)[name] : undefined
  const type = name === 'privateKey' ? 'private' : 'public'
  if (typeof CryptoKey !== 'function' || !(key instanceof CryptoKey) || key.type !== type) fail('ERR_KEY_INVALID', `keyPair.${name} must be a ${type} CryptoKey`)
  return key
}

/**
 * Signs a DPoP proof for one request (RFC 9449 §4.2): header `typ` `dpop+jwt`, `alg`,
 * and the public `jwk` (exported from the public key, so a non-extractable private key
 * works); claims `jti` (128 random bits), `htm`, `htu` without query and fragment, `iat`,
 * and `ath` when `accessToken` is given, `nonce` when given. Ed25519 keys sign `EdDSA`
 * unless `alg` says `Ed25519`.
 *
 * @example
 * ```ts
 * import { createDpopProof, generateKeyPair } from 'isojwt'
 * const keyPair = await generateKeyPair('ES256') // private key non-extractable
 * const dpop = await createDpopProof(keyPair, { htm: 'POST', htu: 'https://as.example/token' })
 * // fetch(url, { method: 'POST', headers: { DPoP: dpop }, body })
 * ```
 */
export async function createDpopProof(keyPair: CryptoKeyPair, options: CreateDpopProofOptions): Promise<string> {
  try {
    const o = validating(() => {
      if (options === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', 'options are required')
      const r = readOptions(options, NAMES)
      return {
        htm: checkMethod(r.htm), htu: checkTarget(r.htu).sent, accessToken: checkHashInput(r.accessToken, 'options.accessToken'),
        nonce: optString(r.nonce, 'options.nonce'), alg: r.alg as Alg | undefined, iat: epochSeconds(checkNow(r.now)),
      }
    })
    const privateKey = keyOf(keyPair, 'privateKey')
    const jwk = await exportJwk(keyOf(keyPair, 'publicKey'))
    const alg = o.alg !== undefined ? o.alg : privateKey.algorithm.name === 'Ed25519' ? 'EdDSA' : undefined
    const payload = {
      jti: encode(crypto.getRandomValues(new Uint8Array(16))), htm: o.htm, htu: o.htu, iat: o.iat,
      ...(o.accessToken === undefined ? {} : { ath: await sha256Text(o.accessToken) }),
      ...(o.nonce === undefined ? {} : { nonce: o.nonce }),
    }
    return await signJws(JSON.stringify(payload), privateKey, { ...(alg === undefined ? {} : { alg }), header: { typ: 'dpop+jwt', jwk } })
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'creating the DPoP proof failed')
  }
}
