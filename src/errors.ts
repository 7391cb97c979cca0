/**
 * One error class for everything the library refuses. `code` is the stable contract
 * (API.md, Errors); messages are for humans and may change.
 */

/**
 * The stable `code` of a JoseError. Branch on it, never on the message (see
 * docs/errors.md for when each is raised).
 *
 * @example
 * ```ts
 * import { isJoseError, type JoseErrorCode } from 'isojwt'
 * const retryable = new Set<JoseErrorCode>(['ERR_JWKS_FETCH_FAILED'])
 * function shouldRetry(e: unknown): boolean {
 *   return isJoseError(e) && retryable.has(e.code)
 * }
 * ```
 */
export type JoseErrorCode =
  | 'ERR_JOSE_INVALID_ARGUMENT'
  | 'ERR_JWS_INVALID'
  | 'ERR_JWT_INVALID'
  | 'ERR_JWS_SIGNATURE_INVALID'
  | 'ERR_JOSE_ALG_NOT_ALLOWED'
  | 'ERR_JOSE_NOT_SUPPORTED'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_YET_VALID'
  | 'ERR_JWT_CLAIM_INVALID'
  | 'ERR_KEY_INVALID'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWKS_FETCH_FAILED'
  | 'ERR_JWE_INVALID'
  | 'ERR_JWE_DECRYPTION_FAILED'
  | 'ERR_DPOP_INVALID'
  | 'ERR_DPOP_NONCE_REQUIRED'
  | 'ERR_STORE_UNAVAILABLE'
  | 'ERR_CREDENTIALS_MISSING'
  | 'ERR_REQUEST_INVALID'

/**
 * Why a claim check failed (`JoseError.reason`, with `JoseError.claim` naming the claim).
 *
 * @example
 * ```ts
 * import { verify, isJoseError } from 'isojwt'
 * declare const token: string, publicPem: string
 * try {
 *   await verify(token, publicPem, { algorithms: ['RS256'], audience: 'api' })
 * } catch (e) {
 *   if (isJoseError(e) && e.code === 'ERR_JWT_CLAIM_INVALID' && e.reason === 'missing') console.log(`no ${e.claim} claim`)
 * }
 * ```
 */
export type ClaimFailureReason = 'missing' | 'invalid' | 'mismatch' | 'too_old' | 'in_future' | 'replayed' | 'schema'

const BRAND: unique symbol = /* @__PURE__ */ Symbol.for('isojwt.JoseError') as never

/**
 * The details a `JoseError` may carry beside its `code` and message (set only when they
 * apply): the failed `claim` and `reason`, `expiredAt`/`notBefore`, the verified `payload`
 * for failures after the signature verified, a schema's `issues`, and a scrubbed `cause`.
 *
 * @example
 * ```ts
 * import { JoseError, type JoseErrorDetails } from 'isojwt'
 * const details: JoseErrorDetails = { claim: 'aud', reason: 'mismatch' }
 * const e = new JoseError('ERR_JWT_CLAIM_INVALID', 'unexpected "aud" "https://other.example"', details)
 * console.log(e.claim, e.reason)
 * ```
 */
export interface JoseErrorDetails {
  cause?: unknown
  claim?: string
  reason?: ClaimFailureReason
  expiredAt?: Date
  notBefore?: Date
  payload?: unknown
  /** `options.schema`'s issues: `StandardSchemaIssue`s (restated here: this file imports nothing). */
  issues?: readonly { readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }[]
}

/**
 * The error every isojwt function throws or rejects with. `code` is stable; `claim` and
 * `reason` describe claim failures, `expiredAt` and `notBefore` time failures, `issues`
 * a schema's findings, and `payload` holds the verified payload on failures after the
 * signature verified.
 *
 * @example
 * ```ts
 * import { verify, isJoseError, type Jwk } from 'isojwt'
 * declare const token: string, publicJwk: Jwk
 * try {
 *   await verify(token, publicJwk, { issuer: 'https://id.example' })
 * } catch (e) {
 *   if (isJoseError(e) && e.code === 'ERR_JWT_EXPIRED') console.log('expired at', e.expiredAt)
 * }
 * ```
 */
export class JoseError extends Error {
  // Every field is `declare`d: ES2022 class fields would otherwise define the optional
  // details on every error as own properties set to undefined (`'claim' in e` always true).
  /** Stable machine-readable code. */
  declare readonly code: JoseErrorCode
  /** The claim (or `typ`) that failed, for claim errors. */
  declare readonly claim?: string
  /** Why the claim failed. */
  declare readonly reason?: ClaimFailureReason
  /** When the token expired (`ERR_JWT_EXPIRED`). */
  declare readonly expiredAt?: Date
  /** When the token becomes valid (`ERR_JWT_NOT_YET_VALID`). */
  declare readonly notBefore?: Date
  /** The verified payload, on failures after the signature verified. */
  declare readonly payload?: unknown
  /** The schema's issues (`reason: 'schema'`). */
  declare readonly issues?: JoseErrorDetails['issues']

  constructor(code: JoseErrorCode, message: string, details?: JoseErrorDetails) {
    // Error itself installs `cause` when the details have one (ES2022, InstallErrorCause).
    super(message, details)
    ;(this as { code: JoseErrorCode }).code = code
    for (const k in details) if (k !== 'cause' && details[k as keyof JoseErrorDetails] !== undefined) (this as Record<string, unknown>)[k] = details[k as keyof JoseErrorDetails]
  }

  override get name(): string {
    return 'JoseError'
  }

  /** Brand shared by every copy of the library (ESM and CJS), see `isJoseError`. */
  get [BRAND](): true {
    return true
  }
}

/**
 * True for a JoseError from any copy of isojwt (ESM, CJS, bundled twice), where
 * `instanceof JoseError` would miss errors from another copy.
 *
 * @example
 * ```ts
 * import { isJoseError } from 'isojwt'
 * declare const err: unknown
 * if (isJoseError(err)) console.log(err.code)
 * ```
 */
export function isJoseError(e: unknown): e is JoseError {
  try {
    // null and undefined throw here, as a hostile Proxy may: neither is a JoseError.
    return (e as Record<symbol, unknown>)[BRAND] === true
  } catch {
    return false
  }
}

/** Throw a JoseError. Internal helper so call sites stay one line. */
export function fail(code: JoseErrorCode, message: string, details?: JoseErrorDetails): never {
  throw new JoseError(code, message, details)
}

/** ERR_KEY_INVALID: the one way the key layer refuses a key. */
export function keyInvalid(message: string): never {
  fail('ERR_KEY_INVALID', message)
}

/**
 * A cause safe to attach: same error name, fixed text. Messages of platform errors
 * (JSON.parse, TextDecoder, WebCrypto) can echo input, so they never travel.
 */
export function scrub(e: unknown, text: string): Error {
  const out = new Error(text)
  try {
    if (e instanceof Error && typeof e.name === 'string') out.name = e.name.slice(0, 40)
  } catch {
    // a hostile error object: keep the plain Error
  }
  return out
}

/** Whether a platform error says the runtime lacks the algorithm (WebCrypto's NotSupportedError). */
export const notSupported = (e: unknown): boolean => e instanceof Error && e.name === 'NotSupportedError'

/** A platform's failure as ours: ERR_JOSE_NOT_SUPPORTED when the runtime lacks the algorithm, else `code`; the cause scrubbed to `message`. */
export function platformFail(e: unknown, code: JoseErrorCode, message: string): never {
  fail(notSupported(e) ? 'ERR_JOSE_NOT_SUPPORTED' : code, message, { cause: scrub(e, message) })
}

/** Anything caught at a public boundary becomes a JoseError; JoseErrors pass through. */
export function toJoseError(e: unknown, code: JoseErrorCode, text: string): JoseError {
  return isJoseError(e) ? e : new JoseError(code, text, { cause: scrub(e, text) })
}

/**
 * Untrusted text (a header or claim value) as it may appear in a message: at most 64
 * printable characters, everything else escaped.
 */
export function quote(value: unknown): string {
  if (typeof value !== 'string') return `(${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`
  // With the u flag a pair is one code point, so an emoji is escaped whole and a lone surrogate alone.
  const shown = value.slice(0, 64).replace(/[^ -~]|["\\]/gu, (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`)
  return `"${shown}${value.length > 64 ? '…' : ''}"`
}
