/**
 * Strict base64url (RFC 4648 §5), as RFC 7515 §2 requires for JWS: the URL-safe
 * alphabet only, no padding, no whitespace, `len % 4 ≠ 1`, and zero trailing bits, so
 * every byte string has exactly one encoding. Native decoders (atob, Buffer) accept
 * non-canonical input, so decoding is done here. Linear time.
 */
import { codecs } from '../backend/index.ts'
import { fail, type JoseErrorCode } from '../errors.ts'
import { utf8 } from './utf8.ts'

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function table(alphabet: string): Int8Array {
  const t = new Int8Array(128).fill(-1)
  for (let i = 0; i < 64; i++) t[alphabet.charCodeAt(i)] = i
  return t
}
const URL_TABLE = /* @__PURE__ */ table(URL_ALPHABET)
const STD_TABLE = /* @__PURE__ */ table(STD_ALPHABET)

const ascii = /* @__PURE__ */ new TextDecoder()

function codes(alphabet: string): Uint8Array {
  const c = new Uint8Array(64)
  for (let i = 0; i < 64; i++) c[i] = alphabet.charCodeAt(i)
  return c
}
const URL_CODES = /* @__PURE__ */ codes(URL_ALPHABET)

/** Characters are written as ASCII bytes and turned into a string once, natively. */
function encodeWith(bytes: Uint8Array, a: Uint8Array): string {
  const n = bytes.length
  const out = new Uint8Array(Math.ceil((n * 4) / 3))
  let o = 0
  let i = 0
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out[o++] = a[v >> 18]!
    out[o++] = a[(v >> 12) & 63]!
    out[o++] = a[(v >> 6) & 63]!
    out[o++] = a[v & 63]!
  }
  if (n - i > 0) {
    const v = (bytes[i]! << 16) | (n - i === 2 ? bytes[i + 1]! << 8 : 0)
    out[o++] = a[v >> 18]!
    out[o++] = a[(v >> 12) & 63]!
    if (n - i === 2) out[o++] = a[(v >> 6) & 63]!
  }
  return ascii.decode(out)
}

/** Decode unpadded text over `t`; undefined when it is not the canonical encoding. */
function decodeWith(s: string, t: Int8Array): Uint8Array | undefined {
  const len = s.length
  const rem = len & 3
  if (rem === 1) return undefined
  const out = new Uint8Array(((len >> 2) * 3) + (rem === 0 ? 0 : rem - 1))
  let o = 0
  let acc = 0
  let bits = 0
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i)
    const v = c < 128 ? t[c]! : -1
    if (v < 0) return undefined
    acc = ((acc << 6) | v) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >> bits) & 0xff
    }
  }
  // RFC 4648 §3.5: the unused low bits of the last character must be zero.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return undefined
  return out
}

/** Bytes → base64url without padding. */
export function encode(bytes: Uint8Array): string {
  return codecs.base64urlEncode ? codecs.base64urlEncode(bytes) : encodeWith(bytes, URL_CODES)
}

/** BASE64URL(UTF-8(s)) for well-formed text, such as JSON.stringify output (RFC 7515 §7.1). */
export function encodeText(s: string): string {
  return codecs.base64urlEncodeText ? codecs.base64urlEncodeText(s) : encode(utf8(s))
}

const URL_TEXT = /^[\w-]*$/

/** Canonical base64url: the alphabet (one simple regex, fast), the length, and the unused bits of the last character (RFC 4648 §3.5). */
export function isCanonical(s: string): boolean {
  const rem = s.length & 3
  return rem !== 1 && URL_TEXT.test(s) && (rem === 0 || (URL_TABLE[s.charCodeAt(s.length - 1)]! & (rem === 2 ? 15 : 3)) === 0)
}

/**
 * Strict base64url → bytes, or undefined when not the canonical encoding. A native
 * decoder (node backend) only ever sees text `isCanonical` accepted; anything else goes
 * through the strict decoder, which refuses it.
 */
export function tryDecode(s: string): Uint8Array | undefined {
  const native = codecs.base64urlDecode
  return native && isCanonical(s) ? native(s) : decodeWith(s, URL_TABLE)
}

/** Bytes of text `isCanonical` has accepted already. */
export function decodeCanonical(s: string): Uint8Array {
  const native = codecs.base64urlDecode
  return native ? native(s) : decodeWith(s, URL_TABLE)!
}

/** Bytes handed to a caller are a plain Uint8Array of their own, whatever decoded them. */
export function ownBytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b)
}

/** Strict base64url → bytes; anything non-canonical throws a JoseError with `code`. */
export function decode(s: string, code: JoseErrorCode = 'ERR_JWS_INVALID', what = 'segment'): Uint8Array {
  const out = typeof s === 'string' ? tryDecode(s) : undefined
  if (out === undefined) fail(code, `${what} is not canonical base64url`)
  return out
}

/**
 * Standard base64 with `=` padding (PEM bodies, RFC 7468): padding must be complete and
 * canonical. Whitespace is removed by the caller.
 */
export function decodeStdPadded(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0) return undefined
  let end = s.length
  if (s.endsWith('==')) end -= 2
  else if (s.endsWith('=')) end -= 1
  return decodeWith(s.slice(0, end), STD_TABLE)
}
