/** Durations as typed on the command line. */

/**
 * A bare number is seconds (the library's Duration wants a number for that); anything
 * else is passed on as a Duration string ("15m", "2 hours") for the library to check.
 *
 * @example
 * ```ts
 * durationArg('60') // 60
 * durationArg('15m') // '15m'
 * ```
 */
export function durationArg(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined
  return /^\d+(\.\d+)?$/.test(value) ? Number(value) : value
}
