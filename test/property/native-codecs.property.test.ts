/**
 * The node backend passes Buffer's base64url codecs down into src/encoding/base64url.ts
 * (`native`), so that encoding never imports a backend (test/repo/layers.test.ts). Loading
 * the backend installs them; they must give exactly what the JavaScript codecs give, on
 * every input the strict checks let through.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import '../../src/backend/node.ts'
import { decodeCanonical, encode, encodeText, isCanonical, native, type Codecs } from '../../src/encoding/base64url.ts'

/** Runs `f` with the JavaScript codecs (the native ones set aside for the call). */
function javascript<T>(f: () => T): T {
  const saved: Codecs = { ...native }
  for (const k of Object.keys(native) as (keyof Codecs)[]) delete native[k]
  try {
    return f()
  } finally {
    Object.assign(native, saved)
  }
}

describe('native codecs (node backend)', () => {
  it('loading the node backend installs all three', () => {
    expect(Object.keys(native).sort()).toEqual(['decode', 'encode', 'encodeText'])
  })

  it('encode and decode agree with the JavaScript codecs, byte for byte', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      const text = encode(b)
      expect(javascript(() => encode(b))).toBe(text)
      expect(isCanonical(text)).toBe(true)
      expect(new Uint8Array(decodeCanonical(text))).toEqual(javascript(() => decodeCanonical(text)))
      expect(new Uint8Array(decodeCanonical(text))).toEqual(b)
    }), { numRuns: 300 })
  })

  it('encodeText agrees with UTF-8 then encode, for well-formed text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
      expect(encodeText(s)).toBe(javascript(() => encodeText(s)))
    }), { numRuns: 300 })
  })

  it('encodeText on both sides of its scratch space (1,024 UTF-16 units, 3 bytes each at most), each call alone', () => {
    // The node codec writes the UTF-8 of short text into one Buffer it reuses: what one
    // call leaves there must never show in the next, shorter, one.
    const texts = ['', 'a', 'é', '€', '😀', 'a'.repeat(1023), 'a'.repeat(1024), 'a'.repeat(1025), '€'.repeat(1024), '€'.repeat(1025),
      '😀'.repeat(512), '😀'.repeat(513), `${'€'.repeat(1023)}😀`, `a${'😀'.repeat(512)}`, 'x'.repeat(5000)]
    for (const s of [...texts, ...[...texts].reverse()]) {
      expect(encodeText(s)).toBe(Buffer.from(s, 'utf8').toString('base64url'))
      expect(encodeText(s)).toBe(javascript(() => encodeText(s)))
    }
    fc.assert(fc.property(fc.array(fc.string({ unit: 'grapheme', minLength: 300, maxLength: 1100 }), { minLength: 2, maxLength: 4 }), (list) => {
      for (const s of list) expect(encodeText(s)).toBe(javascript(() => encodeText(s)))
    }), { numRuns: 100 })
  })
})
