/**
 * A minimal DER reader (X.690): definite lengths only, every length bounds-checked. A
 * structure is checked as a whole by the tags of its children (a regular expression over
 * their hex), so each key format is one line of data (src/keys/der.ts) instead of code.
 */
import { keyInvalid } from '../errors.ts'

export interface Tlv {
  readonly tag: number
  /** First byte of the element (its tag). */
  readonly at: number
  /** First content byte. */
  readonly start: number
  /** One past the last content byte. */
  readonly end: number
}

export const SEQUENCE = 0x30
export const OID = 0x06

/** Throws ERR_KEY_INVALID for malformed DER. */
export const bad = (what: string): never => keyInvalid(`malformed DER in ${what}`)

/** Reads one element at `at`, which must end at or before `limit`. */
export function read(der: Uint8Array, at: number, limit: number, what: string): Tlv {
  const tag = der[at]!
  let len = der[at + 1]!
  let start = at + 2
  // Multi-byte tags never occur in keys.
  if (start > limit || (tag & 0x1f) === 0x1f) bad(what)
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4 || start + n > limit) bad(what)
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i]!
    if (der[start] === 0 || len < 0x80) bad(what) // DER: minimal length encoding
    start += n
  }
  const end = start + len
  if (end > limit) bad(what)
  return { tag, at, start, end }
}

/**
 * The elements that fill `within` exactly; their tags, as hex, must match `shape`. No
 * key structure has more than 10 children, so reading stops after 12 (a 2 MB run of
 * zero bytes is a million empty elements).
 */
export function kids(der: Uint8Array, within: { start: number; end: number }, what: string, shape: RegExp): Tlv[] {
  const out: Tlv[] = []
  let tags = ''
  for (let at = within.start; at < within.end;) {
    if (out.length > 12) bad(what)
    const t = read(der, at, within.end, what)
    out.push(t)
    tags += (t.tag | 256).toString(16).slice(1)
    at = t.end
  }
  if (!shape.test(tags)) bad(what)
  return out
}

/** Hex of an element's content (OIDs are compared this way). */
export function hex(der: Uint8Array, t: Tlv): string {
  let s = ''
  for (let i = t.start; i < t.end; i++) s += (der[i]! | 256).toString(16).slice(1)
  return s
}

/** Bit length of the unsigned big-endian number in `b[start..end)` (a DER INTEGER's content, a JWK member). */
export function bitLength(b: Uint8Array, start = 0, end = b.length): number {
  while (start < end && b[start] === 0) start++
  return start === end ? 0 : (end - start - 1) * 8 + (32 - Math.clz32(b[start]!))
}
