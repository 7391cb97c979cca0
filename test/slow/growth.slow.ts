/**
 * Linear time, measured as growth (STYLE.md, "DoS tests measure growth"): every parser and
 * check that reads attacker-sized input is timed at five sizes, each twice the last, and
 * the exponent of the fit must stay under 1.5 (linear ≈ 1, quadratic ≈ 2). The canaries
 * prove the fit tells them apart on this machine. Run by `npm run test:slow` (in CI), not
 * by `npm test`: it times things, so it wants a quiet moment and one worker.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decode, verify } from '../../src/index.ts'
import { decode as b64decode, encode as b64encode, isCanonical } from '../../src/encoding/base64url.ts'
import { refuseKeyBytes, refuseKeyText } from '../../src/keys/text.ts'
import { parsePem } from '../../src/keys/pem.ts'
import { escapeText } from '../../src/cli/format.ts'
import { Printer } from '../../src/cli/printer.ts'
import { describeGrowth, doubling, growth } from '../support/growth.ts'

const LINEAR_MAX = 1.5
const SECRET = new Uint8Array(32).fill(9)
const b64 = (s: string): string => Buffer.from(s).toString('base64url')
const hs256 = (header: string, payload: string): string => {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`
}
/** Runs `fn` and swallows the JoseError most hostile inputs end in: the time is what counts. */
const quietly = (fn: () => unknown) => () => {
  try {
    const r = fn()
    if (r instanceof Promise) r.catch(() => {})
  } catch {
    // refused, as expected
  }
}

/**
 * Up to three fits, the lowest exponent kept: a busy moment on a shared machine can bend
 * one fit upwards, but no amount of noise makes quadratic work fit near 1.
 */
function expectLinear<T>(name: string, make: (n: number) => T, fn: (input: T) => unknown, sizes: number[]): void {
  let g = growth(make, fn, sizes)
  for (let i = 0; i < 2 && g.exponent >= LINEAR_MAX; i++) {
    const again = growth(make, fn, sizes)
    if (again.exponent < g.exponent) g = again
  }
  expect(g.exponent, `${name}: ${describeGrowth(g)}`).toBeLessThan(LINEAR_MAX)
}

describe('the growth fit tells linear from quadratic (canaries)', () => {
  const text = (n: number) => 'x'.repeat(n)
  it('a quadratic loop fits an exponent near 2', () => {
    const g = growth(text, (s) => {
      let c = 0
      for (let i = 0; i < s.length; i++) for (let j = 0; j < i; j++) c ^= s.charCodeAt(j)
      return c
    }, doubling(500, 5))
    expect(g.exponent, describeGrowth(g)).toBeGreaterThan(1.7)
  })
  it('a linear loop fits an exponent near 1', () => {
    const g = growth(text, (s) => {
      let c = 0
      for (let i = 0; i < s.length; i++) c ^= s.charCodeAt(i)
      return c
    }, doubling(50_000, 5))
    expect(g.exponent, describeGrowth(g)).toBeLessThan(LINEAR_MAX)
  })
})

describe('linear time on attacker-sized input', () => {
  // 128 KiB … 2 MiB: below that, some regexes finish in a fraction of their linear time
  const sizes = doubling(128 * 1024, 5)

  it('base64url: strict check, decode and encode', () => {
    expectLinear('isCanonical', (n) => 'A'.repeat(n), isCanonical, sizes)
    expectLinear('decode', (n) => 'A'.repeat(n), (s) => b64decode(s), sizes)
    expectLinear('decode of a string with a defect at the end', (n) => `${'A'.repeat(n - 1)}=`, (s) => quietly(() => b64decode(s))(), sizes)
    expectLinear('encode', (n) => new Uint8Array(n).fill(7), b64encode, sizes)
  })

  it('decode and verify of big tokens (payload claims, deep nesting, long crit lists)', () => {
    const big = { maxTokenLength: 1 << 24 }
    const wide = (n: number) => hs256('{"alg":"HS256"}', JSON.stringify({ sub: 'x'.repeat(n) }))
    expectLinear('decode, a long claim', wide, (t) => decode(t, big), doubling(32 * 1024, 5))
    const deep = (n: number) => hs256('{"alg":"HS256"}', `{"a":${'['.repeat(n)}${']'.repeat(n)}}`)
    expectLinear('decode, deep nesting', deep, (t) => decode(t, big), doubling(2_000, 5))
    const crit = (n: number) => {
      const names = Array.from({ length: n }, (_, i) => `x${i}`)
      const header: Record<string, unknown> = { alg: 'HS256', crit: names }
      for (const k of names) header[k] = 1
      return hs256(JSON.stringify(header), '{}')
    }
    // Refused (nobody understands the names) after the crit checks: uniqueness must be linear.
    expectLinear('verify, a long crit list', crit, (t) => quietly(() => verify(t, SECRET, { ...big, algorithms: ['HS256'] }))(), doubling(2_000, 5))
  })

  it('key text classification and PEM parsing', () => {
    const forms: [string, (n: number) => string][] = [
      ['base64 letters', (n) => 'A'.repeat(n)],
      ['base64 with line breaks', (n) => 'AAA\n'.repeat(n / 4)],
      ['dashes', (n) => '-'.repeat(n)],
      ['almost armour', (n) => '-----BEGI'.repeat(n / 9)],
      ['an almost OpenSSH line', (n) => `ssh-${'a'.repeat(n)}`],
      ['a URL-like prefix', (n) => `http:/${'/'.repeat(n)}`],
    ]
    for (const [name, make] of forms) {
      expectLinear(`refuseKeyText, ${name}`, make, (s) => quietly(() => refuseKeyText(s))(), sizes)
      expectLinear(`refuseKeyBytes, ${name}`, (n) => new TextEncoder().encode(make(n)), (b) => quietly(() => refuseKeyBytes(b))(), sizes)
    }
    const pem = (n: number) => `-----BEGIN PUBLIC KEY-----\n${'AAAA\n'.repeat(n / 5)}-----END PUBLIC KEY-----`
    expectLinear('parsePem', pem, (s) => quietly(() => parsePem(s))(), sizes)
  })

  it('the CLI printer and escaping', () => {
    expectLinear('escapeText', (n) => '\u200b\u0007a'.repeat(n / 3), escapeText, sizes)
    const nested = (n: number) => {
      let v: unknown = 1
      for (let i = 0; i < n; i++) v = [v]
      return v
    }
    expectLinear('printer, deep nesting', nested, (v) => new Printer().json(v), doubling(8_000, 5))
    expectLinear('printer, a wide array', (n) => Array.from({ length: n }, (_, i) => i), (v) => new Printer().json(v), doubling(8_000, 5))
  })
})
