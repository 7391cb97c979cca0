/**
 * JWS Compact Serialization (RFC 7515 §3.1, §7.1): length cap → three segments →
 * strict base64url → fatal UTF-8 → a JSON object header. Parsed headers are cached
 * (bounded, frozen) by their segment.
 */
import { fail } from '../errors.ts'
import { decode, decodeCanonical, isCanonical } from '../encoding/base64url.ts'
import { remember } from '../jose/bounded.ts'
import { checkHeaderShape } from '../jose/header.ts'
import { deepFreeze, parseObject, type JsonObject } from '../jose/json.ts'

export interface CompactParts {
  /** The parsed, frozen header. */
  readonly header: Readonly<JsonObject>
  readonly payloadSegment: string
  /** The payload's bytes, decoded on first use. */
  readonly payload: Uint8Array
  /** The signature's bytes, decoded on first use (an HMAC tag on node is compared as text). */
  readonly signature: Uint8Array
  /** The signature's base64url segment, canonical (checked by parseCompact). */
  readonly signatureSegment: string
  /**
   * BASE64URL(header) '.' BASE64URL(payload), RFC 7515 §5.1 step 5, as a string: both
   * segments passed the strict decoder, so it is ASCII and the backend takes its bytes.
   */
  readonly signingInput: string
}

export const DEFAULT_MAX_TOKEN = 16_384
export const DEFAULT_MAX_JWS = 1_048_576

const HEADER_CACHE_MAX = 256
const headerCache = /* @__PURE__ */ new Map<string, Readonly<JsonObject>>()

/** A `maxTokenLength` option: a positive safe integer. */
export function checkMaxLength(value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    fail('ERR_JOSE_INVALID_ARGUMENT', 'options.maxTokenLength must be a positive integer')
  }
  return value
}

function parseHeader(segment: string): Readonly<JsonObject> {
  const hit = headerCache.get(segment)
  if (hit) return hit
  const header = parseObject(decode(segment, 'ERR_JWS_INVALID', 'header segment'), 'ERR_JWS_INVALID', 'the JWS header')
  checkHeaderShape(header)
  return remember(headerCache, segment, deepFreeze(header), HEADER_CACHE_MAX)
}

/**
 * Both segments after the header are checked canonical up front and decoded on first
 * use: with WebCrypto, the payload is decoded while the signature is being checked off
 * the thread, and node's HMAC compares the signature as text without decoding it.
 */
class Parts implements CompactParts {
  #payload: Uint8Array | undefined
  #signature: Uint8Array | undefined
  constructor(
    readonly header: Readonly<JsonObject>,
    readonly payloadSegment: string,
    readonly signatureSegment: string,
    readonly signingInput: string,
  ) {}

  get payload(): Uint8Array {
    return (this.#payload ??= decodeCanonical(this.payloadSegment))
  }

  get signature(): Uint8Array {
    return (this.#signature ??= decodeCanonical(this.signatureSegment))
  }
}

/**
 * A common paste mistake, named when a token is refused (never echoing it): these
 * characters are outside base64url, so such a token fails a structural check anyway.
 */
function mistake(t: string): string | undefined {
  const s = t.trim()
  const what = !s ? 0
    : /^(bearer|dpop) /i.test(s) ? 'starts with a "Bearer "/"DPoP " scheme to strip'
    : /^["'`]|["'`]$/.test(s) ? 'has quotes around it'
    : /[\r\n]/.test(t) ? 'has a line break'
    : s !== t ? 'has whitespace around it'
    : /\s/.test(s) && 'has whitespace in it'
  return what === 0 ? 'the token is empty' : what ? `the token ${what}: pass the bare token` : undefined
}

/**
 * `parseCompact` for the verifying functions: a refused token that shows a paste mistake
 * gets a message naming it (API users meet these; `decode` keeps the plain message, and
 * its bundle stays small).
 */
export function parseExplained(token: unknown, maxLength: number): CompactParts {
  try {
    return parseCompact(token, maxLength)
  } catch (e) {
    const m = typeof token === 'string' && token.length <= maxLength ? mistake(token) : undefined
    throw m ? fail('ERR_JWS_INVALID', m) : e
  }
}

/** Splits and decodes a compact JWS; checks structure and header shape only. */
export function parseCompact(token: unknown, maxLength: number): CompactParts {
  if (typeof token !== 'string') fail('ERR_JWS_INVALID', 'the token must be a string')
  // RFC 8725 §3.11 spirit: bound the work before doing any.
  if (token.length > maxLength) fail('ERR_JWS_INVALID', `the token is longer than ${maxLength} characters`)
  const a = token.indexOf('.')
  const b = a < 0 ? -1 : token.indexOf('.', a + 1)
  if (b < 0 || token.indexOf('.', b + 1) >= 0) fail('ERR_JWS_INVALID', 'a compact JWS has exactly three segments')
  const headerSegment = token.slice(0, a)
  const payloadSegment = token.slice(a + 1, b)
  const signatureSegment = token.slice(b + 1)
  if (headerSegment.length === 0) fail('ERR_JWS_INVALID', 'the header segment is empty')
  if (!isCanonical(payloadSegment)) fail('ERR_JWS_INVALID', 'payload segment is not canonical base64url')
  if (!isCanonical(signatureSegment)) fail('ERR_JWS_INVALID', 'signature segment is not canonical base64url')
  const header = parseHeader(headerSegment)
  return new Parts(header, payloadSegment, signatureSegment, token.slice(0, b))
}
