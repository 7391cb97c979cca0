/**
 * Strict base64url (RFC 4648 §5), as RFC 7515 §2 requires for JWS: the URL-safe
 * alphabet only, no padding, no whitespace, `len % 4 ≠ 1`, and zero trailing bits, so
 * every byte string has exactly one encoding. Native decoders (atob, Buffer) accept
 * non-canonical input, so the check is done here, first. Linear time.
 */
import { fail, type JoseErrorCode } from '../errors.ts'
import { fromUtf8, utf8 } from './utf8.ts'

/** Six bits → the character code of the URL alphabet (RFC 4648 §5): A–Z, a–z, 0–9, '-', '_'. */
const letter = (i: number): number => i + (i < 26 ? 65 : i < 52 ? 71 : i < 62 ? -4 : i < 63 ? -17 : 32)

/** Character code → its six bits, for the URL alphabet (other codes never get here). */
const VALUE = /* @__PURE__ */ (() => {
  const t = new Uint8Array(128)
  for (let i = 0; i < 64; i++) t[letter(i)] = i
  return t
})()
/** Six bits → the character code. */
const CODE = /* @__PURE__ */ (() => Uint8Array.from({ length: 64 }, (_, i) => letter(i)))()

/**
 * Codecs a backend may install (the node backend: Buffer's, several times faster than
 * the JavaScript ones). The backend passes them down to this layer, which never imports
 * it; they only ever see text `isCanonical` accepted, or bytes to encode.
 */
export interface Codecs {
  encode?: (b: Uint8Array) => string
  /** BASE64URL(UTF-8(s)) for well-formed text (JSON.stringify output), in one step. */
  encodeText?: (s: string) => string
  /** Decodes canonical text (it may return a pooled view: see ownBytes). */
  decode?: (s: string) => Uint8Array
}
export const native: Codecs = {}

/** Bytes → base64url without padding. */
export function encode(b: Uint8Array): string {
  if (native.encode) return native.encode(b)
  const n = b.length
  const out = new Uint8Array(Math.ceil(n / 3) * 4)
  let o = 0
  // Past the end b[i] is undefined, which shifts as 0: the last group needs no case of its own.
  for (let i = 0; i < n; i += 3) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!
    out[o++] = CODE[v >> 18]!
    out[o++] = CODE[(v >> 12) & 63]!
    out[o++] = CODE[(v >> 6) & 63]!
    out[o++] = CODE[v & 63]!
  }
  // ASCII, which utf8.ts's decoder reads as it is
  return fromUtf8(out.subarray(0, Math.ceil((n * 4) / 3)))
}

/** BASE64URL(UTF-8(s)) for well-formed text, such as JSON.stringify output (RFC 7515 §7.1). */
export function encodeText(s: string): string {
  return native.encodeText ? native.encodeText(s) : encode(utf8(s))
}

/** Canonical base64url: the alphabet (one simple regex, fast), the length, and the unused bits of the last character (RFC 4648 §3.5). */
export function isCanonical(s: string): boolean {
  const rem = s.length & 3
  return rem !== 1 && /^[\w-]*$/.test(s) && (rem === 0 || (VALUE[s.charCodeAt(s.length - 1)]! & (rem === 2 ? 15 : 3)) === 0)
}

/** Bytes of text `isCanonical` has accepted already. */
export function decodeCanonical(s: string): Uint8Array {
  if (native.decode) return native.decode(s)
  const out = new Uint8Array((s.length * 3) >> 2)
  let o = 0
  let acc = 0
  let bits = 0
  for (let i = 0; i < s.length; i++) {
    acc = ((acc << 6) | VALUE[s.charCodeAt(i)]!) & 0xffffff
    bits += 6
    if (bits >= 8) out[o++] = acc >> (bits -= 8)
  }
  return out
}

/** Strict base64url → bytes, or undefined when not the canonical encoding. */
export function tryDecode(s: string): Uint8Array | undefined {
  return isCanonical(s) ? decodeCanonical(s) : undefined
}

/** Bytes handed to a caller are a plain Uint8Array of their own, whatever decoded them. */
export function ownBytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b)
}

/** Strict base64url → bytes; anything non-canonical throws a JoseError with `code`. */
export function decode(s: string, code: JoseErrorCode = 'ERR_JWS_INVALID', what = 'segment'): Uint8Array {
  return (typeof s === 'string' && tryDecode(s)) || fail(code, `${what} is not canonical base64url`)
}

/**
 * Standard base64 with complete `=` padding (PEM bodies, RFC 7468), canonical like the
 * above: read as base64url once the alphabet and the padding are checked. Whitespace is
 * removed by the caller.
 */
export function decodeStdPadded(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0 || !/^[\w+/]*={0,2}$/.test(s) || s.includes('_')) return undefined
  return decodeStd(s)
}

/** Base64 in either alphabet, padded or not, read as base64url: `+` and `/` become `-` and `_`, the padding goes; canonical or undefined. */
export const decodeStd = (s: string): Uint8Array | undefined => tryDecode(s.replace(/=+$/, '').replace(/[+/]/g, (c) => (c === '+' ? '-' : '_')))
