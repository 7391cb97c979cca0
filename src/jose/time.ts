/**
 * Durations (API.md, Duration) and the clock, low in the layers: jwt and jwks both read
 * them. A Duration is seconds: a finite number ≥ 0, or `<decimal><optional space><unit>`.
 * Only `notBefore` may point to the past.
 */
import { toJoseError } from '../errors.ts'
import type { Now } from '../types.ts'
import { invalid } from './options.ts'

/** Seconds per unit, in the order of the unit groups of GRAMMAR (a year is 365.25 days). */
const UNIT = [1, 60, 3600, 86_400, 604_800, 31_557_600]

// Anchored, no nested quantifiers: linear time. Input is at most 32 characters anyway.
const GRAMMAR = /^(-)?(\d+)(?:\.(\d+))? ?(?:(s|secs?|seconds?)|(m|mins?|minutes?)|(h|hrs?|hours?)|(d|days?)|(w|weeks?)|(y|yrs?|years?))( ago)?$/i

const bad = (name: string, what: string): never => invalid(`${name} ${what}`)

/** Parses a Duration into seconds; negative only when `past` is allowed (notBefore). */
export function parseDuration(value: unknown, name: string, past = false): number {
  const m = typeof value === 'string' && value.length <= 32 ? GRAMMAR.exec(value) : null
  if (!m && !Number.isFinite(value)) bad(name, 'is not a duration ("30s", "15m", "2 hours")')
  // "-5m", "5m ago" and a negative number point to the past; "-5m ago" is a double negative, refused.
  if (m ? (m[1] || m[10]) && (!past || (m[1] && m[10])) : (value as number) < 0 && !past) bad(name, 'cannot be in the past')
  if (!m) return value as number
  const unit = UNIT[m.findIndex((g, i) => i > 3 && g) - 4]! // the unit group that matched
  // Whole and fractional parts apart, so "1.1h" is exactly 3960 s, not 3960.0000000000005.
  // At most 32 characters: always finite.
  const frac = m[3] ?? ''
  const secs = Number(m[2]) * unit + (Number(frac) * unit) / 10 ** frac.length
  return m[1] || m[10] ? -secs : secs
}

const isDate = (d: unknown): d is Date => d instanceof Date && Number.isFinite(d.getTime())

/** Validates a `now` option (a Date or a function returning one). */
export function checkNow(value: unknown): Now | undefined {
  if (value === undefined || typeof value === 'function' || isDate(value)) return value as Now | undefined
  bad('options.now', 'must be a Date or a function returning one')
}

/** The current time in whole seconds (t = ⌊now/1000⌋), reading `now` once. */
export function epochSeconds(now: Now | undefined): number {
  if (now === undefined) return Math.floor(Date.now() / 1000) // the clock itself: no Date to make
  if (typeof now === 'function') {
    try {
      now = now()
    } catch (e) {
      throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'options.now threw')
    }
  }
  if (!isDate(now)) bad('options.now', 'did not return a valid Date')
  return Math.floor((now as Date).getTime() / 1000)
}
