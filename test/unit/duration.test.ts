/**
 * API.md "Duration": the grammar, seen through every option that takes one
 * (sign: expiresIn, notBefore; verify: clockTolerance, maxAge; isExpired: clockTolerance).
 */
import { describe, expect, it } from 'vitest'
import { isExpired, sign, verify } from '../../src/index.ts'
import type { Duration } from '../../src/types.ts'
import { NOW, SECRET, T, hs, parts, rejects, throwsSync } from './helpers.ts'

const UNITS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [1, ['s', 'sec', 'secs', 'second', 'seconds']],
  [60, ['m', 'min', 'mins', 'minute', 'minutes']],
  [3600, ['h', 'hr', 'hrs', 'hour', 'hours']],
  [86400, ['d', 'day', 'days']],
  [604800, ['w', 'week', 'weeks']],
  [31557600, ['y', 'yr', 'yrs', 'year', 'years']], // 365.25 d
]

/** Alternating case: 'minutes' → 'MiNuTeS'. */
const mixed = (u: string): string => [...u].map((c, i) => (i % 2 ? c : c.toUpperCase())).join('')

async function expOffset(expiresIn: Duration): Promise<number> {
  const token = await sign({}, SECRET, { alg: 'HS256', now: NOW, expiresIn })
  return (parts(token).payload.exp as number) - T
}

async function nbfOffset(notBefore: Duration): Promise<number> {
  const token = await sign({}, SECRET, { alg: 'HS256', now: NOW, notBefore })
  return (parts(token).payload.nbf as number) - T
}

const INVALID_EVERYWHERE: ReadonlyArray<readonly [string, unknown]> = [
  ['bare digit string', '60'],
  ['empty string', ''],
  ['blank string', '  '],
  ['33 characters', `1.${'0'.repeat(30)}s`],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['exponent notation', '1e3s'],
  ['unknown trailing words', '5 mins later'],
  ['two spaces', '5  m'],
  ['tab as separator', '5\tm'],
  ['no-break space as separator', '5\u00a0m'],
  ['leading space', ' 5m'],
  ['trailing space', '5m '],
  ['milliseconds are not a unit', '5ms'],
  ['months are not a unit', '5 months'],
  ['unit without number', 'm'],
  ['number after unit', 'm5'],
  ['two dots', '1.2.3s'],
  ['hex', '0x10s'],
  ['digit separators', '1_000s'],
  ['fullwidth digits', '\uff15m'],
  ['Arabic-Indic digits', '\u0665m'],
  ['Infinity with unit', 'Infinitys'],
  ['string Infinity', 'Infinity'],
  ['boolean', true],
  ['object', {}],
  ['array', [5]],
  ['bigint', 5n],
]

const PAST_FORMS: ReadonlyArray<readonly [string, unknown]> = [
  ['negative number', -1],
  ['leading minus', '-5m'],
  ['trailing ago', '5m ago'],
  ['trailing ago, long unit', '5 min ago'],
]

describe('duration grammar (through sign expiresIn)', () => {
  for (const [seconds, spellings] of UNITS) {
    it(`units worth ${seconds} s: ${spellings.join(' ')} (any case, optional single space)`, async () => {
      for (const u of spellings) {
        for (const text of [`3${u}`, `3 ${u}`, `3${u.toUpperCase()}`, `3 ${mixed(u)}`]) {
          expect(await expOffset(text), text).toBe(3 * seconds)
        }
      }
    })
  }

  it('fractions: 1.5h, 0.5 d, 2.5m, 1.5w, 0.25y, 1.5 years', async () => {
    expect(await expOffset('1.5h')).toBe(5400)
    expect(await expOffset('0.5 d')).toBe(43200)
    expect(await expOffset('2.5m')).toBe(150)
    expect(await expOffset('1.5w')).toBe(907200)
    expect(await expOffset('0.25y')).toBe(7889400)
    expect(await expOffset('1.5 years')).toBe(47336400)
  })

  it('decimal fractions are exact (no binary floating-point off-by-one: 2.05 × 60 is 123, not 122.99…)', async () => {
    expect(await expOffset('2.05m')).toBe(123)
    expect(await expOffset('1.13h')).toBe(4068)
    expect(await expOffset('0.35d')).toBe(30240)
    expect(await expOffset('2.3 days')).toBe(198720)
    expect(await nbfOffset('-2.05m')).toBe(-123)
    const opts = { algorithms: ['HS256' as const], now: NOW }
    await expect(verify(hs({ exp: T - 122 }), SECRET, { ...opts, clockTolerance: '2.05m' })).resolves.toBeTruthy()
    await rejects(() => verify(hs({ exp: T - 123 }), SECRET, { ...opts, clockTolerance: '2.05m' }), 'ERR_JWT_EXPIRED')
    await expect(verify(hs({ iat: T - 4068 }), SECRET, { ...opts, maxAge: '1.13h' })).resolves.toBeTruthy()
  })

  it('a year is 365.25 days', async () => {
    expect(await expOffset('1y')).toBe(365.25 * 86400)
    expect(await expOffset('4 years')).toBe(1461 * 86400)
  })

  it('a number is seconds; 0 is allowed; fractions are allowed', async () => {
    expect(await expOffset(90)).toBe(90)
    expect(await expOffset(0)).toBe(0)
    expect(await expOffset('0s')).toBe(0)
    // How a fractional second lands in `exp` is not fixed by API.md; it must be accepted
    // and within a second of the exact value.
    const frac = await expOffset(1.5)
    expect(Math.abs(frac - 1.5)).toBeLessThanOrEqual(0.5)
  })

  it('exactly 32 characters is accepted, 33 is not', async () => {
    const s32 = `1.${'0'.repeat(29)}s`
    expect(s32).toHaveLength(32)
    expect(await expOffset(s32)).toBe(1)
    const s33 = `1.${'0'.repeat(30)}s`
    expect(s33).toHaveLength(33)
    await rejects(() => sign({}, SECRET, { alg: 'HS256', now: NOW, expiresIn: s33 }), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  for (const [name, value] of [...INVALID_EVERYWHERE, ...PAST_FORMS]) {
    it(`expiresIn rejects ${name}`, async () => {
      await rejects(
        () => sign({}, SECRET, { alg: 'HS256', now: NOW, expiresIn: value as Duration }),
        'ERR_JOSE_INVALID_ARGUMENT',
      )
    })
  }

  it('parsing is linear-time: a 1 MB string is refused quickly', async () => {
    const huge = `${'1'.repeat(1 << 20)}s`
    const start = performance.now()
    await rejects(() => sign({}, SECRET, { alg: 'HS256', now: NOW, expiresIn: huge }), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejects(
      () => sign({}, SECRET, { alg: 'HS256', now: NOW, notBefore: `${' '.repeat(1 << 20)}-` }),
      'ERR_JOSE_INVALID_ARGUMENT',
    )
    expect(performance.now() - start).toBeLessThan(1000)
  })
})

describe('notBefore: the only place with past offsets', () => {
  it('positive offsets', async () => {
    expect(await nbfOffset('5m')).toBe(300)
    expect(await nbfOffset(300)).toBe(300)
    expect(await nbfOffset(0)).toBe(0)
    expect(await nbfOffset('2 HOURS')).toBe(7200)
  })

  it("leading '-', trailing ' ago' and negative numbers give a past offset", async () => {
    expect(await nbfOffset('-5m')).toBe(-300)
    expect(await nbfOffset('5 min ago')).toBe(-300)
    expect(await nbfOffset('5m ago')).toBe(-300)
    expect(await nbfOffset('-1.5h')).toBe(-5400)
    expect(await nbfOffset('2 days ago')).toBe(-172800)
    expect(await nbfOffset(-300)).toBe(-300)
    expect(await nbfOffset('-1y')).toBe(-31557600)
  })

  for (const [name, value] of INVALID_EVERYWHERE) {
    it(`notBefore rejects ${name}`, async () => {
      await rejects(
        () => sign({}, SECRET, { alg: 'HS256', now: NOW, notBefore: value as Duration }),
        'ERR_JOSE_INVALID_ARGUMENT',
      )
    })
  }

  it("notBefore rejects malformed past forms ('-60', 'ago', '5 mins later', ' ago' without space)", async () => {
    for (const value of ['-60', 'ago', ' ago', '5mago', '-', '5m ago ago']) {
      await rejects(() => sign({}, SECRET, { alg: 'HS256', now: NOW, notBefore: value }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('durations in verify: clockTolerance and maxAge', () => {
  const opts = { algorithms: ['HS256' as const], now: NOW }

  it('clockTolerance accepts strings: exp = t − 59 passes with 1 min, exp = t − 60 does not', async () => {
    await expect(verify(hs({ exp: T - 59 }), SECRET, { ...opts, clockTolerance: '1 min' })).resolves.toBeTruthy()
    await rejects(() => verify(hs({ exp: T - 60 }), SECRET, { ...opts, clockTolerance: '1 min' }), 'ERR_JWT_EXPIRED')
    await expect(verify(hs({ exp: T - 3599 }), SECRET, { ...opts, clockTolerance: '1H' })).resolves.toBeTruthy()
  })

  it('clockTolerance accepts fractions: exp = t passes with 0.5 s (t ≤ t − 0.5 is false)', async () => {
    await expect(verify(hs({ exp: T }), SECRET, { ...opts, clockTolerance: 0.5 })).resolves.toBeTruthy()
    await rejects(() => verify(hs({ exp: T - 1 }), SECRET, { ...opts, clockTolerance: 0.5 }), 'ERR_JWT_EXPIRED')
  })

  it('maxAge accepts strings: 2 hours', async () => {
    await expect(verify(hs({ iat: T - 7200 }), SECRET, { ...opts, maxAge: '2 hours' })).resolves.toBeTruthy()
    await rejects(() => verify(hs({ iat: T - 7201 }), SECRET, { ...opts, maxAge: '2 hours' }), 'ERR_JWT_CLAIM_INVALID')
    await expect(verify(hs({ iat: T - 86400 }), SECRET, { ...opts, maxAge: '1d' })).resolves.toBeTruthy()
  })

  for (const [name, value] of [...INVALID_EVERYWHERE, ...PAST_FORMS]) {
    it(`clockTolerance rejects ${name}`, async () => {
      await rejects(
        () => verify(hs({ exp: T + 100 }), SECRET, { ...opts, clockTolerance: value as Duration }),
        'ERR_JOSE_INVALID_ARGUMENT',
      )
    })
    it(`maxAge rejects ${name}`, async () => {
      await rejects(
        () => verify(hs({ iat: T }), SECRET, { ...opts, maxAge: value as Duration }),
        'ERR_JOSE_INVALID_ARGUMENT',
      )
    })
  }
})

describe('durations in isExpired', () => {
  it('clockTolerance as a string', () => {
    const token = hs({ exp: T - 30 })
    expect(isExpired(token, { now: NOW, clockTolerance: '30s' })).toBe(true)
    expect(isExpired(token, { now: NOW, clockTolerance: '31 sec' })).toBe(false)
    expect(isExpired(token, { now: NOW, clockTolerance: '1m' })).toBe(false)
  })

  it('an invalid clockTolerance is ERR_JOSE_INVALID_ARGUMENT', () => {
    for (const value of ['60', '-5m', '5m ago', -1, Number.NaN]) {
      throwsSync(() => isExpired(hs({ exp: T }), { now: NOW, clockTolerance: value }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})
