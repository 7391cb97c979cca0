/**
 * API.md, Duration: a number of seconds (finite, ≥ 0) or `<decimal><optional space><unit>`
 * with case-insensitive units; 1 y = 365.25 d; `-x` / `x ago` / negative numbers only for
 * `notBefore`; anything else (bare digits, '', > 32 chars, NaN, Infinity) is
 * ERR_JOSE_INVALID_ARGUMENT; parsing is linear-time.
 *
 * Rounding (decided from the library: jwt/sign.ts writes ⌊t + d⌋ with t = ⌊now/1000⌋):
 * exp = ⌊iat + d⌋ and nbf = ⌊iat + d⌋ (d < 0 for the past), with d computed EXACTLY
 * here from the decimal text (BigInt rational arithmetic), so float artefacts such as
 * 4.35 × 60 = 260.99999999999997 cannot hide behind a float oracle.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as lib from '../../src/index.ts'
import { decode, isExpired, sign, verify } from '../../src/index.ts'
import { b64uJson, expectJose, outcome } from './helpers.ts'

const SECRET = new Uint8Array(32).fill(7)
const T = 1_760_000_000
const NOW = new Date(T * 1000 + 250) // sub-second part: t = ⌊now/1000⌋ = T

const UNITS: Record<string, bigint> = {}
for (const [secs, names] of [
  [1n, ['s', 'sec', 'secs', 'second', 'seconds']],
  [60n, ['m', 'min', 'mins', 'minute', 'minutes']],
  [3600n, ['h', 'hr', 'hrs', 'hour', 'hours']],
  [86_400n, ['d', 'day', 'days']],
  [604_800n, ['w', 'week', 'weeks']],
  [31_557_600n, ['y', 'yr', 'yrs', 'year', 'years']], // 365.25 × 86 400
] as const) {
  for (const n of names) UNITS[n] = secs
}
const UNIT_NAMES = Object.keys(UNITS)

/** A duration as exact rational num/den seconds. */
interface Exact {
  num: bigint
  den: bigint
}

function exactOf(intPart: string, frac: string, unit: string, negative = false): Exact {
  const num = BigInt(intPart + frac) * UNITS[unit.toLowerCase()]!
  return { num: negative ? -num : num, den: 10n ** BigInt(frac.length) }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n ? q - 1n : q
}

/** ⌊T + d⌋ exactly. */
function claimAt(d: Exact): number {
  return Number(BigInt(T) + floorDiv(d.num, d.den))
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max })

interface ValidDuration {
  text: string
  intPart: string
  frac: string
  unit: string
}

const validDuration: fc.Arbitrary<ValidDuration> = fc
  .record({
    intPart: digits(1, 6),
    frac: fc.option(digits(1, 3), { nil: '' }),
    space: fc.boolean(),
    unit: fc.constantFrom(...UNIT_NAMES).chain((u) => fc.mixedCase(fc.constant(u))),
  })
  .map(({ intPart, frac, space, unit }) => ({ text: `${intPart}${frac ? `.${frac}` : ''}${space ? ' ' : ''}${unit}`, intPart, frac, unit }))

async function claimsFor(options: lib.SignOptions): Promise<Record<string, number>> {
  const token = await sign({}, SECRET, { alg: 'HS256', now: NOW, ...options })
  return decode(token).payload as Record<string, number>
}

/**
 * The claim a Duration option sets is ⌊T + d⌋, exactly; past the NumericDate bound
 * (10^11 s, the year 5138) sign refuses the option instead (API.md, JWT).
 */
async function expectClaim(options: lib.SignOptions, claim: 'exp' | 'nbf', expected: number, what: string): Promise<void> {
  if (expected >= 1e11) return expectInvalidArgument(() => sign({}, SECRET, { alg: 'HS256', now: NOW, ...options }), `${what} past 10^11`)
  expect((await claimsFor(options))[claim], what).toBe(expected)
}

async function expectInvalidArgument(f: () => Promise<unknown>, what: string): Promise<void> {
  const r = await outcome(f)
  expect(r.ok, `accepted ${what}`).toBe(false)
  if (!r.ok) {
    expect(r.sync, 'threw synchronously').toBe(false)
    expectJose(r.error, lib, 'ERR_JOSE_INVALID_ARGUMENT')
  }
}

describe('valid duration strings', () => {
  it('expiresIn: exp = ⌊iat + d⌋ for every unit spelling, any case, with or without the space', async () => {
    await fc.assert(
      fc.asyncProperty(validDuration, async (d) => {
        await expectClaim({ expiresIn: d.text }, 'exp', claimAt(exactOf(d.intPart, d.frac, d.unit)), d.text)
      }),
      { numRuns: 400 },
    )
  })

  it('notBefore: the same value forward, and "-x" / "x ago" backwards', async () => {
    await fc.assert(
      fc.asyncProperty(validDuration, fc.constantFrom('plain', 'minus', 'ago', 'AGO'), async (d, form) => {
        const text = form === 'minus' ? `-${d.text}` : form === 'ago' ? `${d.text} ago` : form === 'AGO' ? `${d.text} AGO` : d.text
        fc.pre(text.length <= 32)
        await expectClaim({ notBefore: text }, 'nbf', claimAt(exactOf(d.intPart, d.frac, d.unit, form !== 'plain')), text)
      }),
      { numRuns: 300 },
    )
  })

  it('iat is the signing time', async () => {
    expect((await claimsFor({ expiresIn: '1h' })).iat).toBe(T)
  })

  it('every unit spelling once, upper and lower case (1.5 <unit>)', async () => {
    for (const u of UNIT_NAMES) {
      for (const spelled of [u, u.toUpperCase(), `${u[0]!.toUpperCase()}${u.slice(1)}`]) {
        for (const sep of ['', ' ']) {
          const c = await claimsFor({ expiresIn: `1.5${sep}${spelled}` })
          expect(c.exp, spelled).toBe(claimAt(exactOf('1', '5', u)))
        }
      }
    }
    // 1 y = 365.25 d exactly
    expect((await claimsFor({ expiresIn: '1y' })).exp - T).toBe(365.25 * 86_400)
    expect((await claimsFor({ expiresIn: '4 years' })).exp - T).toBe(1461 * 86_400)
  })

  it('exactly 32 characters is accepted, 33 is not', async () => {
    await fc.assert(
      fc.asyncProperty(validDuration, async (d) => {
        const pad32 = '0'.repeat(32 - d.text.length)
        await expectClaim({ expiresIn: pad32 + d.text }, 'exp', claimAt(exactOf(pad32 + d.intPart, d.frac, d.unit)), '32 chars')
        await expectInvalidArgument(() => sign({}, SECRET, { alg: 'HS256', now: NOW, expiresIn: `0${pad32}${d.text}` }), '33 chars')
      }),
      { numRuns: 60 },
    )
  })

  it('numbers: seconds, fractions allowed; exp = ⌊iat + n⌋; notBefore may be negative', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 999 }), fc.boolean(), async (whole, ms, neg) => {
        const n = whole + ms / 1000
        const c = await claimsFor({ expiresIn: n, notBefore: neg ? -n : n })
        expect(c.exp).toBe(T + whole)
        expect(c.nbf).toBe(neg ? T - whole - (ms > 0 ? 1 : 0) : T + whole)
      }),
      { numRuns: 150 },
    )
  })
})

const letters = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 1, maxLength: 9 })
/** Invalid everywhere, except `pastOk` values, which are valid (past) for notBefore only. */
const tagged = (pastOk: boolean) => (value: string | number) => ({ value, pastOk })
const invalidDuration: fc.Arbitrary<{ value: string | number; pastOk: boolean }> = fc.oneof(
  // bare decimal, no unit ('60')
  fc.tuple(digits(1, 12), fc.option(digits(1, 3), { nil: '' })).map(([i, f]) => (f ? `${i}.${f}` : i)).map(tagged(false)),
  fc.constant('').map(tagged(false)),
  // too long: valid grammar padded past 32 characters
  fc.tuple(validDuration, fc.integer({ min: 33, max: 200 })).map(([d, n]) => '0'.repeat(Math.max(0, n - d.text.length)) + d.text).map(tagged(false)),
  // unknown units
  fc.tuple(digits(1, 4), fc.boolean(), letters.filter((u) => !Object.hasOwn(UNITS, u.toLowerCase()))).map(([i, sp, u]) => `${i}${sp ? ' ' : ''}${u}`).map(tagged(false)),
  // past offsets: only notBefore takes them
  validDuration.map((d) => `-${d.text}`).map(tagged(true)),
  validDuration.map((d) => `${d.text} ago`).map(tagged(true)),
  // whitespace and sign variants outside the grammar
  validDuration
    .chain((d) =>
      fc.constantFrom(
        ` ${d.text}`,
        `${d.text} `,
        `${d.intPart}${d.frac ? `.${d.frac}` : ''}  ${d.unit}`,
        `${d.intPart}\t${d.unit}`,
        `${d.intPart}\n${d.unit}`,
        `${d.intPart}\u00a0${d.unit}`,
        `+${d.text}`,
        `${d.text}${d.text}`,
        `${d.intPart}_0${d.unit}`,
        `${d.text}  ago`,
        `- ${d.text}`,
      ),
    )
    .map(tagged(false)),
  fc.constantFrom('0x10s', '٥m', '５m', '1.2.3s', '5..5s', '- 5m', 'm', 's5', 'NaN s', 'Infinity s', '1 e3s', '5 m ago ago', '5mago', '5 min.', 'five minutes', '5m ago5').map(tagged(false)),
  // numbers that are not finite
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY).map(tagged(false)),
  // negative numbers: the past, notBefore only
  fc.integer({ min: -1e9, max: -1 }).map(tagged(true)),
  fc.double({ max: -Number.MIN_VALUE, min: -1e12, noNaN: true }).map(tagged(true)),
)

describe('invalid durations → ERR_JOSE_INVALID_ARGUMENT', () => {
  it('expiresIn', async () => {
    await fc.assert(
      fc.asyncProperty(invalidDuration, async ({ value }) => {
        await expectInvalidArgument(() => sign({}, SECRET, { alg: 'HS256', now: NOW, expiresIn: value }), JSON.stringify(String(value)))
      }),
      { numRuns: 400 },
    )
  })

  it('notBefore: the same set minus the past forms (which it accepts, as a past nbf)', async () => {
    await fc.assert(
      fc.asyncProperty(invalidDuration, async ({ value, pastOk }) => {
        if (pastOk) {
          const c = await claimsFor({ notBefore: value })
          expect(c.nbf).toBeLessThanOrEqual(T)
          return
        }
        await expectInvalidArgument(() => sign({}, SECRET, { alg: 'HS256', now: NOW, notBefore: value }), JSON.stringify(String(value)))
      }),
      { numRuns: 300 },
    )
  })

  it('verify clockTolerance / maxAge and isExpired clockTolerance', async () => {
    const token = await sign({}, SECRET, { alg: 'HS256', now: NOW })
    await fc.assert(
      fc.asyncProperty(invalidDuration, async ({ value: d }) => {
        await expectInvalidArgument(() => verify(token, SECRET, { algorithms: ['HS256'], now: NOW, clockTolerance: d }), `clockTolerance ${String(d)}`)
        await expectInvalidArgument(() => verify(token, SECRET, { algorithms: ['HS256'], now: NOW, maxAge: d }), `maxAge ${String(d)}`)
        let err: unknown
        try {
          isExpired(token, { now: NOW, clockTolerance: d })
        } catch (e) {
          err = e
        }
        expectJose(err, lib, 'ERR_JOSE_INVALID_ARGUMENT')
      }),
      { numRuns: 200 },
    )
  })
})

describe('durations in verification use the same exact arithmetic', () => {
  // hand-built HS256 token (verify must not depend on our own sign for these)
  async function tokenWith(claims: Record<string, number>): Promise<string> {
    const input = `${b64uJson({ alg: 'HS256', typ: 'JWT' })}.${b64uJson(claims)}`
    const k = await crypto.subtle.importKey('raw', SECRET, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const sig = new Uint8Array(await crypto.subtle.sign('HMAC', k, new TextEncoder().encode(input)))
    return `${input}.${Buffer.from(sig).toString('base64url')}`
  }

  it('clockTolerance: expired iff exp ≤ t − tol', async () => {
    await fc.assert(
      fc.asyncProperty(validDuration, fc.integer({ min: -2, max: 2 }), async (d, delta) => {
        const tol = exactOf(d.intPart, d.frac, d.unit)
        const exp = T - Number(floorDiv(tol.num, tol.den)) + delta
        const token = await tokenWith({ exp })
        const expired = BigInt(T - exp) * tol.den >= tol.num // t − exp ≥ tol
        const r = await outcome(() => verify(token, SECRET, { algorithms: ['HS256'], now: NOW, clockTolerance: d.text }))
        if (expired) {
          expect(r.ok, `${d.text}, exp = t − ${T - exp}`).toBe(false)
          if (!r.ok) expectJose(r.error, lib, 'ERR_JWT_EXPIRED')
        } else {
          expect(r.ok, `${d.text}, exp = t − ${T - exp}`).toBe(true)
        }
        expect(isExpired(token, { now: NOW, clockTolerance: d.text })).toBe(expired)
      }),
      { numRuns: 200 },
    )
  })

  it('maxAge: too old iff t − iat > maxAge', async () => {
    await fc.assert(
      fc.asyncProperty(validDuration, fc.integer({ min: -2, max: 2 }), async (d, delta) => {
        const max = exactOf(d.intPart, d.frac, d.unit)
        const iat = T - Number(floorDiv(max.num, max.den)) + delta
        fc.pre(iat <= T)
        const token = await tokenWith({ iat })
        const tooOld = BigInt(T - iat) * max.den > max.num
        const r = await outcome(() => verify(token, SECRET, { algorithms: ['HS256'], now: NOW, maxAge: d.text }))
        if (tooOld) {
          expect(r.ok, `${d.text}, iat = t − ${T - iat}`).toBe(false)
          if (!r.ok) {
            expectJose(r.error, lib, 'ERR_JWT_CLAIM_INVALID')
            expect((r.error as lib.JoseError).claim).toBe('iat')
          }
        } else {
          expect(r.ok, `${d.text}, iat = t − ${T - iat}`).toBe(true)
        }
      }),
      { numRuns: 200 },
    )
  })
})

describe('decimal durations are exact, not float products', () => {
  // 2.05 × 60 = 122.99999999999999 in binary floating point; the decimal means 123 s.
  const CASES: [string, number][] = [['2.05m', 123], ['4.1m', 246], ['8.45m', 507], ['1.13h', 4068], ['2.01h', 7236], ['4.35 min', 261]]

  it('maxAge: a token exactly maxAge old is accepted (t − iat > maxAge is false)', async () => {
    for (const [text, secs] of CASES) {
      const input = `${b64uJson({ alg: 'HS256', typ: 'JWT' })}.${b64uJson({ iat: T - secs })}`
      const k = await crypto.subtle.importKey('raw', SECRET, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      const sig = Buffer.from(await crypto.subtle.sign('HMAC', k, new TextEncoder().encode(input))).toString('base64url')
      const r = await outcome(() => verify(`${input}.${sig}`, SECRET, { algorithms: ['HS256'], now: NOW, maxAge: text }))
      expect(r.ok, `maxAge ${text} refused a token ${secs} s old`).toBe(true)
    }
  })

  it('expiresIn / notBefore: exp − iat and iat − nbf are the exact whole seconds', async () => {
    for (const [text, secs] of CASES) {
      const c = await claimsFor({ expiresIn: text, notBefore: `${text} ago` })
      expect(c.exp - c.iat, text).toBe(secs)
      expect(c.iat - c.nbf, text).toBe(secs)
    }
  })
})

describe('duration parsing is linear-time', () => {
  const adversarial = (n: number): string[] => [
    '1'.repeat(n - 1) + '!',
    '1'.repeat(n - 1) + 's',
    `1.${'1'.repeat(n - 4)} x`,
    '1 '.repeat(n / 2),
    '1.'.repeat(n / 2),
    'a'.repeat(n),
    `1${' '.repeat(n - 2)}s`,
    `-${'9'.repeat(n - 5)} ago`,
    `1${'s'.repeat(n - 1)}`,
    ` ago`.repeat(n / 4),
  ]

  it('32-char and 10 000-char adversarial strings are refused quickly (sign, verify, isExpired)', async () => {
    const token = await sign({}, SECRET, { alg: 'HS256', now: NOW })
    for (const n of [32, 10_000]) {
      for (const s of adversarial(n)) {
        expect(s.length).toBe(n)
        for (const call of [
          () => sign({}, SECRET, { alg: 'HS256', now: NOW, expiresIn: s }),
          () => sign({}, SECRET, { alg: 'HS256', now: NOW, notBefore: s }),
          () => verify(token, SECRET, { algorithms: ['HS256'], now: NOW, clockTolerance: s }),
          async () => isExpired(token, { clockTolerance: s }),
        ]) {
          await outcome(call) // warm-up
          // best of two measured calls: a GC pause is not a slow parser
          let ms = Number.POSITIVE_INFINITY
          let r: Awaited<ReturnType<typeof outcome>> | undefined
          for (let i = 0; i < 2 && ms >= 50; i++) {
            const t0 = performance.now()
            r = await outcome(call)
            ms = Math.min(ms, performance.now() - t0)
          }
          expect(ms, `${n}-char ${JSON.stringify(s.slice(0, 12))}…`).toBeLessThan(50)
          r = r!
          if (n > 32) {
            expect(r.ok).toBe(false)
            if (!r.ok) expectJose(r.error, lib, 'ERR_JOSE_INVALID_ARGUMENT')
          } else if (!r.ok) {
            expectJose(r.error, lib, 'ERR_JOSE_INVALID_ARGUMENT')
          }
        }
      }
    }
  })
})
