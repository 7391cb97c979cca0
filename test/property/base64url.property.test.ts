/**
 * RFC 4648 §5 / RFC 7515 §2: base64url in JWS is unpadded, URL-safe, and each byte
 * string has exactly one accepted spelling (§3.5: unused bits are zero). The internal
 * codec is checked against Node's encoder as an independent oracle.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decode, encode } from '../../src/encoding/base64url.ts'
import { JoseError, isJoseError } from '../../src/errors.ts'
import {
  B64URL_ALPHABET,
  alphabetChar,
  b64u,
  foreignChar,
  isCanonicalB64u,
  mutate,
  mutationArb,
  outcome,
  WHITESPACE,
  expectJose,
} from './helpers.ts'

const lib = { isJoseError, JoseError }
const RUNS = { numRuns: 300 }

function rejects(s: unknown): void {
  let thrown: unknown = undefined
  let threw = false
  try {
    decode(s as string)
  } catch (e) {
    threw = true
    thrown = e
  }
  expect(threw, `decode accepted ${JSON.stringify(s)}`).toBe(true)
  expectJose(thrown, lib)
}

describe('base64url codec: round trip', () => {
  it('decode(encode(b)) = b, and encode agrees with an independent encoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const s = encode(bytes)
        expect(s).toBe(b64u(bytes))
        const back = decode(s)
        expect(back).toBeInstanceOf(Uint8Array)
        expect(Array.from(back)).toEqual(Array.from(bytes))
      }),
      RUNS,
    )
  })

  it('accepts exactly the canonical strings over the alphabet (and returns the one byte string that encodes to them)', () => {
    // len % 4 ≠ 1 and zero trailing bits ⇔ canonical, which Buffer tells us independently
    fc.assert(
      fc.property(fc.string({ unit: alphabetChar, maxLength: 64 }), (s) => {
        const canonical = isCanonicalB64u(s)
        let out: Uint8Array | undefined
        let err: unknown
        try {
          out = decode(s)
        } catch (e) {
          err = e
        }
        if (canonical) {
          expect(err, `rejected canonical ${s}`).toBeUndefined()
          expect(encode(out!)).toBe(s)
          expect(Array.from(out!)).toEqual(Array.from(Buffer.from(s, 'base64url')))
        } else {
          expect(out, `accepted non-canonical ${s}`).toBeUndefined()
          expectJose(err, lib)
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('on arbitrary strings, decode either throws a JoseError or returns bytes whose encoding is the input', () => {
    const mixed = fc.string({
      unit: fc.oneof(
        { weight: 8, arbitrary: alphabetChar },
        { weight: 1, arbitrary: fc.constantFrom('=', '+', '/', ' ', '\n') },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
      ),
      maxLength: 40,
    })
    fc.assert(
      fc.property(mixed, (s) => {
        let out: Uint8Array | undefined
        try {
          out = decode(s)
        } catch (e) {
          expectJose(e, lib)
          expect(isCanonicalB64u(s), `rejected canonical ${s}`).toBe(false)
          return
        }
        expect(encode(out)).toBe(s)
      }),
      { numRuns: 1000 },
    )
  })
})

describe('base64url codec: every non-canonical form is refused', () => {
  it('padding "=" (complete std-style padding, or anywhere)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.integer({ min: 1, max: 3 }), (bytes, where, n) => {
        const s = encode(bytes)
        const padded = s + '='.repeat((4 - (s.length % 4)) % 4 || n)
        rejects(padded)
        const i = where % (s.length + 1)
        rejects(s.slice(0, i) + '='.repeat(n) + s.slice(i))
      }),
      RUNS,
    )
  })

  it('"+" and "/" (the standard alphabet), at any position and as the std spelling of the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.constantFrom('+', '/'), (bytes, where, ch) => {
        const s = encode(bytes)
        const i = where % s.length
        rejects(s.slice(0, i) + ch + s.slice(i + 1))
        const std = Buffer.from(bytes).toString('base64').replace(/=+$/, '')
        if (std !== s) rejects(std)
      }),
      RUNS,
    )
  })

  it('whitespace or newlines anywhere (start, middle, end)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.constantFrom(...WHITESPACE), (bytes, where, ws) => {
        const s = encode(bytes)
        const i = where % (s.length + 1)
        rejects(s.slice(0, i) + ws + s.slice(i))
      }),
      RUNS,
    )
  })

  it('any character outside the alphabet, inserted or substituted', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), foreignChar, fc.boolean(), (bytes, where, ch, replace) => {
        const s = encode(bytes)
        if (replace && s.length > 0) {
          const i = where % s.length
          rejects(s.slice(0, i) + ch + s.slice(i + 1))
        } else {
          const i = where % (s.length + 1)
          rejects(s.slice(0, i) + ch + s.slice(i))
        }
      }),
      { numRuns: 600 },
    )
  })

  it('every character code outside the alphabet, alone and inside a valid quad', () => {
    for (let c = 0; c < 0x180; c++) {
      const ch = String.fromCharCode(c)
      if (B64URL_ALPHABET.includes(ch)) continue
      rejects(ch + 'AAA')
      rejects('AA' + ch + 'A')
      rejects('AAA' + ch)
    }
  })

  it('length ≡ 1 (mod 4), whatever the characters', () => {
    fc.assert(
      fc.property(fc.nat({ max: 30 }), fc.string({ unit: alphabetChar, minLength: 121, maxLength: 121 }), (k, pool) => {
        rejects(pool.slice(0, 4 * k + 1))
      }),
      RUNS,
    )
  })

  it('non-zero unused trailing bits (len % 4 = 2: low 4 bits; len % 4 = 3: low 2 bits)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 15 }), (bytes, bits) => {
        const s = encode(bytes)
        const r = s.length % 4
        fc.pre(r === 2 || r === 3)
        const mask = r === 2 ? 0xf : 0x3
        const low = bits & mask || 1
        const last = B64URL_ALPHABET.indexOf(s[s.length - 1]!)
        expect(last & mask).toBe(0)
        const bad = s.slice(0, -1) + B64URL_ALPHABET[(last & ~mask) | low]!
        rejects(bad)
      }),
      RUNS,
    )
  })

  it('the shared mutation set (also used on tokens) only produces refused strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), mutationArb, (bytes, m) => {
        const bad = mutate(encode(bytes), m)
        fc.pre(bad !== undefined)
        expect(isCanonicalB64u(bad!)).toBe(false)
        rejects(bad)
      }),
      { numRuns: 600 },
    )
  })

  it('non-strings are refused with a JoseError', async () => {
    for (const v of [undefined, null, 0, 1n, {}, [], new Uint8Array(4), Symbol('x'), { toString: () => 'AAAA' }]) {
      const r = await outcome(() => decode(v as string))
      expect(r.ok).toBe(false)
      if (!r.ok) expectJose(r.error, lib)
    }
  })
})

describe('base64url codec: linear time', () => {
  it('encodes and decodes 2 MiB within the 100 ms per-call budget of the hostile table', () => {
    const bytes = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 131) & 0xff)
    const text = encode(bytes) // warm-up
    decode(text)
    let t = performance.now()
    expect(encode(bytes)).toBe(text)
    const encMs = performance.now() - t
    t = performance.now()
    expect(decode(text).length).toBe(bytes.length)
    const decMs = performance.now() - t
    expect(encMs, `encode took ${encMs.toFixed(0)} ms`).toBeLessThan(100)
    expect(decMs, `decode took ${decMs.toFixed(0)} ms`).toBeLessThan(100)
  })

  it('decodes 4 MiB valid, and rejects 4 MiB with a defect at the end, quickly', () => {
    const big = 'A'.repeat(4 * 1024 * 1024)
    decode(big) // warm-up
    let t = performance.now()
    expect(decode(big).length).toBe(3 * 1024 * 1024)
    expect(performance.now() - t).toBeLessThan(1000)
    t = performance.now()
    rejects(big + '=')
    rejects(big.slice(0, -1) + '+')
    rejects(big + 'B')
    expect(performance.now() - t).toBeLessThan(3000)
  })
})
