/** Public compact JWS functions (API.md, JWS): arbitrary byte payloads. */
import { fail, toJoseError } from '../errors.ts'
import { ownBytes } from '../encoding/base64url.ts'
import { utf8 } from '../encoding/utf8.ts'
import { checkCritOption } from '../jose/header.ts'
import { optString, readOptions, validating } from '../jose/options.ts'
import { checkAlgorithms } from '../jwa/policy.ts'
import type { KeyInput, KeyResolver, SignJwsOptions, VerifyJwsOptions, VerifyJwsResult } from '../types.ts'
import { checkMaxLength, DEFAULT_MAX_JWS, parseExplained } from './compact.ts'
import { contentBytes, flag, record, signUnencoded } from './content.ts'
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
    const o = validating(() => readOptions(options ?? {}, ['alg', 'kid', 'header', 'b64', 'detached'] as const))
    const bytes = contentBytes(payload, 'the payload')
    const { kid, extra, b64, detached } = validating(() => {
      const b64 = flag(o.b64, 'b64') ?? true
      const detached = flag(o.detached, 'detached') ?? false
      // RFC 7797 §5.2: an unencoded payload may hold ".", so the compact form carries it detached.
      if (!b64 && !detached) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.b64 false needs options.detached true in compact form')
      const extra = checkExtraHeader(o.header, true, o)
      // RFC 7797 §6: b64 is always listed in crit.
      return { kid: optString(o.kid, 'options.kid'), b64, detached, extra: b64 ? extra : { ...extra, b64: false, crit: [...((extra?.crit as string[]) ?? []), 'b64'] } }
    })
    const req = { key, alg: o.alg, kid, extra }
    if (!b64) return await signUnencoded(req, bytes)
    const jws = await signCompact(req, key, bytes)
    return detached ? jws.replace(/\.[^.]*\./, '..') : jws
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
    const { algorithms, understood, maxLength, content } = validating(() => {
      const o = readOptions(options, ['algorithms', 'crit', 'maxTokenLength', 'payload'] as const)
      return {
        algorithms: checkAlgorithms(o.algorithms), understood: checkCritOption(o.crit), maxLength: checkMaxLength(o.maxTokenLength, DEFAULT_MAX_JWS),
        content: o.payload === undefined ? undefined : contentBytes(o.payload, 'options.payload'),
      }
    })
    let parts = parseExplained(jws, maxLength)
    // Detached content (RFC 7515 App. F) or an unencoded payload (RFC 7797 §3): the signing input is rebuilt.
    if (content || parts.header.b64 === false) {
      if (content && parts.payloadSegment) fail('ERR_JWS_INVALID', 'options.payload is given but the JWS is not detached')
      parts = record(parts.header, jws.slice(0, jws.indexOf('.')), content ?? (parts.header.b64 === false ? utf8(parts.payloadSegment) : parts.payload), parts.signatureSegment)
    }
    const v = await verifyParts(parts, key, {
      algorithms, understood, b64FalseCode: understood?.b64 ? undefined : 'ERR_JOSE_NOT_SUPPORTED', resolverPayload: (p) => new Uint8Array(p.payload),
    })
    return { header: v.header, payload: ownBytes(parts.payload), key: v.key }
  } catch (e) {
    throw toJoseError(e, 'ERR_JWS_INVALID', 'verification failed')
  }
}
