/**
 * Durations (API.md, Duration) and the clock. A Duration is seconds: a finite number ≥ 0,
 * or `<decimal><optional space><unit>`. Only `notBefore` may point to the past.
 */
import { fail, toJoseError } from '../errors.ts'
import type { Now } from '../types.ts'

const UNIT_SECONDS: ReadonlyMap<string, number> = /* @__PURE__ */ (() => {
  const m = new Map<string, number>()
  const add = (secs: number, names: string[]) => names.forEach((n) => m.set(n, secs))
  add(1, ['s', 'sec', 'secs', 'second', 'seconds'])
  add(60, ['m', 'min', 'mins', 'minute', 'minutes'])
  add(3600, ['h', 'hr', 'hrs', 'hour', 'hours'])
  add(86_400, ['d', 'day', 'days'])
  add(604_800, ['w', 'week', 'weeks'])
  add(31_557_600, ['y', 'yr', 'yrs', 'year', 'years']) // 365.25 days
  return m
})()

// Anchored, no nested quantifiers: linear time. Input is at most 32 characters anyway.
const GRAMMAR = /^(-)?(\d+)(?:\.(\d+))? ?([a-z]+)( ago)?$/i

/** Parses a Duration into seconds; negative only when `past` is allowed (notBefore). */
export function parseDuration(value: unknown, name: string, past = false): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || (value < 0 && !past)) fail('ERR_JOSE_INVALID_ARGUMENT', `${name} must be a finite number of seconds${past ? '' : ' ≥ 0'}`)
    return value
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 32) {
    fail('ERR_JOSE_INVALID_ARGUMENT', `${name} must be a number of seconds or a string such as "15m"`)
  }
  const m = GRAMMAR.exec(value)
  const unit = m ? UNIT_SECONDS.get(m[4]!.toLowerCase()) : undefined
  if (!m || unit === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', `${name} is not a duration such as "30s", "15m", "2 hours"`)
  const negative = m[1] !== undefined || m[5] !== undefined
  if (negative && (!past || (m[1] !== undefined && m[5] !== undefined))) {
    fail('ERR_JOSE_INVALID_ARGUMENT', `${name} cannot be in the past`)
  }
  // Whole and fractional parts apart, so "1.1h" is exactly 3960 s, not 3960.0000000000005.
  const frac = m[3]
  const secs = Number(m[2]) * unit + (frac ? (Number(frac) * unit) / 10 ** frac.length : 0)
  if (!Number.isFinite(secs)) fail('ERR_JOSE_INVALID_ARGUMENT', `${name} is too large`)
  return negative ? -secs : secs
}

/** Validates a `now` option (a Date or a function returning one). */
export function checkNow(value: unknown): Now | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'function' || isValidDate(value)) return value as Now
  fail('ERR_JOSE_INVALID_ARGUMENT', 'options.now must be a valid Date or a function returning one')
}

function isValidDate(d: unknown): d is Date {
  return d instanceof Date && Number.isFinite(d.getTime())
}

/** The current time in whole seconds (t = ⌊now/1000⌋), reading `now` once. */
export function epochSeconds(now: Now | undefined): number {
  if (now === undefined) return Math.floor(Date.now() / 1000) // the clock itself: no Date to make
  let d: unknown = now
  if (typeof now === 'function') {
    try {
      d = now()
    } catch (e) {
      throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'options.now threw')
    }
  }
  if (!isValidDate(d)) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.now returned something other than a valid Date')
  return Math.floor(d.getTime() / 1000)
}
