/** Public compact JWS functions (API.md, JWS): arbitrary byte payloads. */
import { fail, toJoseError } from '../errors.ts'
import { ownBytes } from '../encoding/base64url.ts'
import { isBytes } from '../encoding/bytes.ts'
import { isWellFormed, utf8 } from '../encoding/utf8.ts'
import { checkCritOption } from '../jose/header.ts'
import { optString, readOptions, validating } from '../jose/options.ts'
import { checkAlgorithms } from '../jwa/policy.ts'
import type { KeyInput, KeyResolver, SignJwsOptions, VerifyJwsOptions, VerifyJwsResult } from '../types.ts'
import { checkMaxLength, DEFAULT_MAX_JWS, parseExplained } from './compact.ts'
import { checkExtraHeader, signCompact } from './sign.ts'
import { verifyParts } from './verify.ts'

/**
 * Signs arbitrary bytes (or a string, as UTF-8) as a compact JWS (RFC 7515). No `typ`
 * is set and no claims are added.
 *
 * @param payload - the bytes to sign, or a string (its UTF-8 bytes)
 * @param key - private key or secret, as for `sign`
 * @param options - `alg` (unless the key pins exactly one), `kid`, extra `header` members
 * @returns the compact JWS
 *
 * @example
 * ```ts
 * import { signJws, generateKeyPair } from 'isojwt'
 * const { privateKey } = await generateKeyPair('ES256')
 * const jws = await signJws('hello', privateKey, { kid: 'k1' })
 * ```
 */
export async function signJws(payload: Uint8Array | string, key: KeyInput, options: SignJwsOptions): Promise<string> {
  try {
    const o = validating(() => readOptions(options ?? {}, ['alg', 'kid', 'header'] as const))
    const text = typeof payload === 'string'
    if (text ? !isWellFormed(payload) : !isBytes(payload)) {
      fail('ERR_JOSE_INVALID_ARGUMENT', text ? 'the payload string is not well-formed Unicode' : 'the payload must be a Uint8Array or a string')
    }
    const bytes = text ? utf8(payload) : payload
    const { kid, extra } = validating(() => ({ kid: optString(o.kid, 'options.kid'), extra: checkExtraHeader(o.header, true) }))
    return await signCompact({ key, alg: o.alg, kid, extra, payload: bytes })
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'signing failed')
  }
}

/**
 * Verifies a compact JWS and returns its payload bytes. The default length cap is 1 MiB.
 * The same algorithm policy as `verify`; no claims are read.
 *
 * @param jws - the compact JWS
 * @param key - public key or secret, or a key resolver
 * @param options - `algorithms`, `crit`, `maxTokenLength`
 *
 * @example
 * ```ts
 * import { verifyJws, type Jwk } from 'isojwt'
 * declare const jws: string, publicJwk: Jwk
 * const { payload, header } = await verifyJws(jws, publicJwk, { algorithms: ['ES256'] })
 * new TextDecoder().decode(payload)
 * ```
 */
export async function verifyJws(jws: string, key: KeyInput | KeyResolver, options?: VerifyJwsOptions): Promise<VerifyJwsResult> {
  try {
    const { algorithms, understood, maxLength } = validating(() => {
      const o = readOptions(options, ['algorithms', 'crit', 'maxTokenLength'] as const)
      return { algorithms: checkAlgorithms(o.algorithms), understood: checkCritOption(o.crit), maxLength: checkMaxLength(o.maxTokenLength, DEFAULT_MAX_JWS) }
    })
    const parts = parseExplained(jws, maxLength)
    const v = await verifyParts(parts, key, {
      algorithms, understood, b64FalseCode: 'ERR_JOSE_NOT_SUPPORTED', resolverPayload: (p) => new Uint8Array(p.payload),
    })
    return { header: v.header, payload: ownBytes(parts.payload), key: v.key }
  } catch (e) {
    throw toJoseError(e, 'ERR_JWS_INVALID', 'verification failed')
  }
}
