/**
 * `encryptJwt` and `decryptJwt` (API.md, JWE): a JWT whose payload is the plaintext of a
 * compact JWE (RFC 7519 §3, §7.2). Claims are built by sign's code and checked by
 * verify's, only after decryption succeeded.
 */
import { toJoseError } from '../errors.ts'
import { parseObject } from '../jose/json.ts'
import { readOptions, validating } from '../jose/options.ts'
import { encrypt, decryptPlanned } from '../jwe/api.ts'
import { DECRYPT_OPTIONS, planDecrypt } from '../jwe/options.ts'
import type { DecryptJwtOptions, DecryptJwtResult, EncryptJwtOptions, JwtPayload, KeyInput, KeyResolver } from '../types.ts'
import { CLAIM_OPTIONS, checkClaims, compileClaims } from './claims.ts'
import { jwtBody, plan, SIGN_OPTIONS } from './sign.ts'

/**
 * Encrypts a JWT: the claims are set as `sign` sets them (`iat` unless the payload has one,
 * `expiresIn`, `issuer`, `audience`, …), the header gets `typ: 'JWT'`. The payload is
 * never modified. For a JWT that also proves who made it, sign then encrypt:
 * `encrypt(await sign(…), key, { alg, enc, cty: 'JWT' })`.
 *
 * @param payload - a plain object of claims (registered claims with their RFC 7519 types)
 * @param key - the recipient's public key (RSA-OAEP*, ECDH-ES*) or a shared secret
 * @param options - `alg`, `enc`, `kid`, and sign's claim options: `expiresIn`, `issuer`, `audience`, …
 * @returns the compact JWE
 *
 * @example
 * ```ts
 * import { encryptJwt } from 'isojwt'
 * const secret = crypto.getRandomValues(new Uint8Array(32))
 * const token = await encryptJwt({ sub: 'user-1' }, secret, { alg: 'dir', enc: 'A256GCM', audience: 'api', expiresIn: '1h' })
 * ```
 */
export async function encryptJwt(payload: JwtPayload, key: KeyInput, options: EncryptJwtOptions): Promise<string> {
  try {
    const o = readOptions(options, ['enc', ...SIGN_OPTIONS.filter((n) => n !== 'typ' && n !== 'header')])
    const body = jwtBody(validating(() => plan({ ...o, alg: undefined, kid: undefined })), payload)
    return await encrypt(body, key, { alg: o.alg, enc: o.enc, kid: o.kid, typ: 'JWT' } as EncryptJwtOptions)
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'encryption failed')
  }
}

const DECRYPT_JWT_OPTIONS = /* @__PURE__ */ (() => [...DECRYPT_OPTIONS, ...CLAIM_OPTIONS, 'publicKeyEncryption'] as const)()

/**
 * Decrypts a JWT made by `encryptJwt` (or jose's `EncryptJWT`), then checks its claims as
 * `verify` does. RSA-OAEP* and ECDH-ES* tokens are refused unless `publicKeyEncryption:
 * true`: anyone holding the public key can make one, so they say nothing about the
 * sender (sign, then encrypt, when that matters).
 *
 * @typeParam P - the payload's type
 * @param token - the compact JWE
 * @param key - private key or secret, or a key resolver such as `createLocalJwks(…)`
 * @param options - `algorithms`, `encryptions`, `publicKeyEncryption`, and verify's claim options: `issuer`, `audience`, `clockTolerance`, …
 * @returns the protected header and the payload
 *
 * @example
 * ```ts
 * import { decryptJwt } from 'isojwt'
 * declare const token: string, secret: Uint8Array
 * const { payload } = await decryptJwt(token, secret, { algorithms: ['dir'], encryptions: ['A256GCM'], audience: 'api' })
 * ```
 */
export async function decryptJwt<P = JwtPayload>(token: string, key: KeyInput | KeyResolver, options?: DecryptJwtOptions): Promise<DecryptJwtResult<P>> {
  try {
    const o = readOptions(options, DECRYPT_JWT_OPTIONS)
    const [jwe, claims] = validating(() => [planDecrypt(o, o.publicKeyEncryption ?? false), compileClaims(o)] as const)
    const { header, plaintext } = await decryptPlanned(jwe, token, key)
    const payload = parseObject(plaintext, 'ERR_JWT_INVALID', 'the JWT payload')
    await checkClaims(claims, header, payload)
    return { header, payload: payload as P }
  } catch (e) {
    throw toJoseError(e, 'ERR_JWE_INVALID', 'decryption failed')
  }
}
