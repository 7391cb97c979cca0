/** `decode` and `isExpired` (API.md, JWT): structure only, never trust. */
import { fail, toJoseError } from '../errors.ts'
import { decodeCanonical } from '../encoding/base64url.ts'
import { parseObject } from '../jose/json.ts'
import { readOptions, readValues, validating } from '../jose/options.ts'
import { checkMaxLength, DEFAULT_MAX_TOKEN, readHeader, split } from '../jws/compact.ts'
import type { DecodeResult, DecodedHeader, JwtPayload, Now, Duration } from '../types.ts'
import { checkNumericDate } from './claims.ts'
import { checkNow, epochSeconds, parseDuration } from '../jose/time.ts'

/**
 * Decodes a JWT without verifying anything. Never use the result for a security decision.
 * A malformed token throws what `verify` would (`ERR_JWS_INVALID`, `ERR_JWT_INVALID`).
 *
 * @param token - the compact JWT
 * @param options - `maxTokenLength` (default 16 384)
 *
 * @example
 * ```ts
 * import { decode } from 'isojwt'
 * declare const token: string
 * const { header, payload } = decode(token)
 * console.log(header.kid, payload.sub)
 * ```
 */
export function decode<P = JwtPayload>(token: string, options?: { maxTokenLength?: number }): DecodeResult<P> {
  // The checks verify makes before any key work, with the codes it gives; a header of its own.
  // Every step throws a JoseError itself (options are read inside a try, JSON.parse and
  // TextDecoder are caught by parseObject), so no catch-all is needed around them.
  const [h, p, s] = split(token, checkMaxLength(readValues(options, ['maxTokenLength'])[0], DEFAULT_MAX_TOKEN))
  const header = readHeader(h!)
  // API.md: b64 false is ERR_JWT_INVALID in decode as in verify (RFC 7797 §7: never in a JWT).
  if (header.b64 === false) fail('ERR_JWT_INVALID', '"b64": false is not allowed in a JWT')
  return {
    header: header as DecodedHeader,
    payload: parseObject(decodeCanonical(p!), 'ERR_JWT_INVALID', 'the JWT payload') as P,
    // A Uint8Array of the caller's own (the node backend's decoder may return a pooled Buffer view).
    signature: new Uint8Array(decodeCanonical(s!)),
  }
}

/**
 * Whether a token's `exp` has passed, for UIs (refresh before calling an API). Decodes
 * only: never a security decision. A token without `exp` is not expired.
 *
 * @param token - the compact JWT
 * @param options - `now`, and `clockTolerance` as in `verify` (expired once `exp` is that far past)
 *
 * @example
 * ```ts
 * import { isExpired } from 'isojwt'
 * declare const accessToken: string, refresh: () => Promise<void>
 * // refresh 30 s before the token expires
 * if (isExpired(accessToken, { now: new Date(Date.now() + 30_000) })) await refresh()
 * ```
 */
export function isExpired(token: string, options?: { now?: Now; clockTolerance?: Duration }): boolean {
  try {
    const { now, tol } = validating(() => {
      const o = readOptions(options, ['now', 'clockTolerance'] as const)
      return { now: checkNow(o.now), tol: o.clockTolerance === undefined ? 0 : parseDuration(o.clockTolerance, 'options.clockTolerance') }
    })
    const { payload } = decode<Record<string, unknown>>(token)
    if (!Object.hasOwn(payload, 'exp')) return false
    const exp = payload.exp
    checkNumericDate(exp, 'claim "exp"', 'ERR_JWT_INVALID', { claim: 'exp', reason: 'invalid' })
    return (exp as number) <= epochSeconds(now) - tol
  } catch (e) {
    throw toJoseError(e, 'ERR_JWS_INVALID', 'decoding failed')
  }
}
