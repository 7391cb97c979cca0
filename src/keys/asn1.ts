/**
 * A minimal DER reader (X.690): just enough to tell key types apart, take the
 * SubjectPublicKeyInfo out of an X.509 certificate (RFC 5280 §4.1) and read an RSA
 * modulus size. Definite lengths only; every length is bounds-checked.
 */
import { fail } from '../errors.ts'

export interface Tlv {
  readonly tag: number
  /** First content byte. */
  readonly start: number
  /** One past the last content byte. */
  readonly end: number
}

/** Throws ERR_KEY_INVALID for malformed DER. */
export const bad: (what: string) => never = (what) => fail('ERR_KEY_INVALID', `malformed DER in ${what}`)

/** Reads one element at `pos`, which must end at or before `limit`. */
export function read(der: Uint8Array, pos: number, limit: number, what: string): Tlv {
  if (pos + 2 > limit) bad(what)
  const tag = der[pos]!
  if ((tag & 0x1f) === 0x1f) bad(what) // multi-byte tags never occur in keys
  let len = der[pos + 1]!
  let start = pos + 2
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
  return { tag, start, end }
}

/** Reads an element and checks its tag. */
export function expect(der: Uint8Array, pos: number, limit: number, tag: number, what: string): Tlv {
  const t = read(der, pos, limit, what)
  if (t.tag !== tag) bad(what)
  return t
}

/** The children of a constructed element. */
export function children(der: Uint8Array, parent: Tlv, what: string): Tlv[] {
  const out: Tlv[] = []
  let pos = parent.start
  while (pos < parent.end) {
    const t = read(der, pos, parent.end, what)
    out.push(t)
    pos = t.end
  }
  return out
}

export const SEQUENCE = 0x30
export const INTEGER = 0x02
export const BIT_STRING = 0x03
export const OCTET_STRING = 0x04
export const OID = 0x06

/** Hex of an element's content (OIDs are compared this way). */
export function hex(der: Uint8Array, t: Tlv): string {
  let s = ''
  for (let i = t.start; i < t.end; i++) s += der[i]!.toString(16).padStart(2, '0')
  return s
}

/** Bit length of the unsigned big-endian number in `b[start..end)` (a DER INTEGER's content, a JWK member). */
export function bitLength(b: Uint8Array, start = 0, end = b.length): number {
  while (start < end && b[start] === 0) start++
  return start === end ? 0 : (end - start - 1) * 8 + (32 - Math.clz32(b[start]!))
}
