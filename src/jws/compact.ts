/**
 * JWS Compact Serialization (RFC 7515 §3.1, §7.1): length cap → three segments →
 * strict base64url → fatal UTF-8 → a JSON object header. `split` and `readHeader` are
 * every reader's checks (decode uses them alone); `parseExplained` adds, for verifying,
 * a bounded cache of frozen headers, bytes decoded on first use and messages that name
 * paste mistakes.
 */
import { fail } from '../errors.ts'
import { decodeCanonical, isCanonical } from '../encoding/base64url.ts'
import { backendNow } from './signature.ts'
import { remember } from '../jose/bounded.ts'
import { invalid } from '../jose/options.ts'
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
  /** The signature's base64url segment, canonical (checked by split). */
  readonly signatureSegment: string
  /**
   * BASE64URL(header) '.' BASE64URL(payload), RFC 7515 §5.1 step 5, as a string: both
   * segments passed the strict decoder, so it is ASCII and the backend takes its bytes.
   * Bytes for an unencoded payload (RFC 7797 §3, src/jws/content.ts).
   */
  readonly signingInput: string | Uint8Array
}

export const DEFAULT_MAX_TOKEN = 16_384
export const DEFAULT_MAX_JWS = 1_048_576

const bad: (message: string) => never = (message) => fail('ERR_JWS_INVALID', message)

/** A `maxTokenLength` option: a positive safe integer, else `fallback` when absent. */
export function checkMaxLength(value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  return Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : invalid('options.maxTokenLength must be a positive integer')
}

/**
 * The segments of a compact JWS, after the structural checks, cheapest first: a string,
 * at most `maxLength` long (RFC 8725 §3.11 spirit: bound the work before doing any),
 * three segments, payload and signature canonical.
 */
export function split(token: unknown, maxLength: number): string[] {
  if (typeof token !== 'string') bad('the token must be a string')
  if (token.length > maxLength) bad(`the token is longer than ${maxLength} characters`)
  // indexOf and slice: measured faster than split('.') on the verify path.
  const a = token.indexOf('.')
  const b = token.indexOf('.', a + 1) // also -1 when there is no dot at all
  if (b < 0 || token.includes('.', b + 1)) bad('the token needs exactly three segments')
  const s = [token.slice(0, a), token.slice(a + 1, b), token.slice(b + 1)]
  // The payload may be empty (RFC 7515 §7.1, detached content). The header is checked once
  // per distinct header, by readHeader: an empty one is not a JSON object (not valid JSON).
  if (!isCanonical(s[1]!)) bad('payload segment is not canonical base64url')
  if (!isCanonical(s[2]!)) bad('signature segment is not canonical base64url')
  return s
}

/** A header segment → its JSON object: canonical base64url, then shape-checked (RFC 7515 §4). */
export function readHeader(segment: string): JsonObject {
  if (!isCanonical(segment)) bad('header segment is not canonical base64url')
  const header = parseObject(decodeCanonical(segment), 'ERR_JWS_INVALID', 'the JWS header')
  checkHeaderShape(header)
  return header
}

const headerCache = /* @__PURE__ */ new Map<string, Readonly<JsonObject>>()

/**
 * In the node build only (ARCHITECTURE.md, The backend seam), the header segment seen last
 * and its header, compared before the cache is asked: a segment sliced from a token is a
 * fresh string, which a Map lookup hashes on every call; an equal one is only compared.
 */
let lastSegment = ''
let lastHeader: Readonly<JsonObject> | undefined
const lastOrCached = (h: string): Readonly<JsonObject> =>
  h === lastSegment ? lastHeader! : (lastHeader = headerCache.get(h) ?? remember(headerCache, h, deepFreeze(readHeader(h)), 256), lastSegment = h, lastHeader)

/**
 * Both segments after the header are checked canonical up front and decoded on first
 * use: with WebCrypto, the payload is decoded while the signature is being checked off
 * the thread, and node's HMAC compares the signature as text without decoding it.
 */
class Parts implements CompactParts {
  declare readonly header: Readonly<JsonObject>
  declare readonly payloadSegment: string
  declare readonly signatureSegment: string
  declare readonly signingInput: string
  #payload: Uint8Array | undefined
  #signature: Uint8Array | undefined

  constructor(token: string, [h, p, s]: string[]) {
    // Tokens of one issuer share their header: parsed once, frozen, kept in a bounded cache.
    this.header = backendNow ? lastOrCached(h!) : headerCache.get(h!) ?? remember(headerCache, h!, deepFreeze(readHeader(h!)), 256)
    this.payloadSegment = p!
    this.signatureSegment = s!
    this.signingInput = token.slice(0, h!.length + p!.length + 1)
  }

  get payload(): Uint8Array {
    return (this.#payload ??= decodeCanonical(this.payloadSegment))
  }

  get signature(): Uint8Array {
    return (this.#signature ??= decodeCanonical(this.signatureSegment))
  }
}

/**
 * Splits a compact JWS and parses its header (structure and header shape only), for the
 * verifying functions: a refused token that shows a common paste mistake fails with a
 * message naming it (never echoing the token): empty, else the first one found of a
 * `Bearer `/`DPoP ` scheme, a quote, whitespace (line breaks included). These characters
 * are outside base64url, so such a token fails a structural check anyway; only a string
 * the length cap lets through is looked at, and only on this failure path; `decode` keeps
 * the plain message, and its bundle stays small.
 */
export function parseExplained(token: unknown, maxLength: number): CompactParts {
  try {
    return new Parts(token as string, split(token, maxLength))
  } catch (e) {
    if (typeof token === 'string' && token.length <= maxLength) {
      if (!token.trim()) bad('the token is empty')
      const m = /^(bearer|dpop) |(["'`])|\s/i.exec(token)
      if (m) bad(`the token ${m[1] ? `starts with "${m[1]}"` : m[2] ? 'has quotes' : 'has whitespace'}: pass the bare token`)
    }
    throw e
  }
}
