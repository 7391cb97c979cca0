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

/** A schema issue as `JoseError.issues` holds it: `StandardSchemaIssue` (src/types.ts), restated so this file imports nothing. */
type Issue = { readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }

const BRAND: unique symbol = /* @__PURE__ */ Symbol.for('isojwt.JoseError') as never

/** The details an error carries as own properties when given (in this order). */
const DETAILS = ['claim', 'reason', 'expiredAt', 'notBefore', 'payload', 'issues'] as const

export interface JoseErrorDetails {
  cause?: unknown
  claim?: string
  reason?: ClaimFailureReason
  expiredAt?: Date
  notBefore?: Date
  payload?: unknown
  issues?: readonly Issue[]
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
  /** Stable machine-readable code. */
  readonly code: JoseErrorCode
  // The optional details are `declare`d: ES2022 class fields would otherwise define them
  // on every error as own properties set to undefined (`'claim' in e` always true).
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
  declare readonly issues?: readonly Issue[]

  constructor(code: JoseErrorCode, message: string, details?: JoseErrorDetails) {
    super(message, details && 'cause' in details ? { cause: details.cause } : undefined)
    this.code = code
    if (details) {
      for (const k of DETAILS) if (details[k] !== undefined) (this as Record<string, unknown>)[k] = details[k]
    }
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
  if (typeof e !== 'object' || e === null) return false
  try {
    return (e as Record<symbol, unknown>)[BRAND] === true
  } catch {
    return false
  }
}

/** Throw a JoseError. Internal helper so call sites stay one line. */
export function fail(code: JoseErrorCode, message: string, details?: JoseErrorDetails): never {
  throw new JoseError(code, message, details)
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

/** Anything caught at a public boundary becomes a JoseError; JoseErrors pass through. */
export function toJoseError(e: unknown, code: JoseErrorCode, text: string): JoseError {
  if (isJoseError(e)) return e
  return new JoseError(code, text, { cause: scrub(e, text) })
}

/**
 * Untrusted text (a header or claim value) as it may appear in a message: at most 64
 * printable characters, everything else escaped.
 */
export function quote(value: unknown): string {
  if (typeof value !== 'string') return `(${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`
  let out = ''
  for (const ch of value.slice(0, 64)) {
    const c = ch.codePointAt(0) ?? 0
    out += c >= 0x20 && c < 0x7f && ch !== '"' && ch !== '\\' ? ch : `\\u{${c.toString(16)}}`
  }
  return `"${out}${value.length > 64 ? '…' : ''}"`
}
