/**
 * What every provider shares: its errors (the core's own JoseError, imported from the
 * package root so there is one class), option checks, durations and the clock as API.md
 * defines them, and the readers of the places scopes live in.
 */
import { isJoseError, JoseError, type ClaimFailureReason, type JwtPayload, type Now } from 'isojwt'

/**
 * A factory's body: whatever the caller's options do (a getter or a proxy that throws),
 * the caller gets a JoseError (API.md, Errors: nothing else is thrown).
 */
export function guard<T>(name: string, make: () => T): T {
  try {
    return make()
  } catch (e) {
    throw isJoseError(e) ? e : new JoseError('ERR_JOSE_INVALID_ARGUMENT', `${name}: the options could not be read`, { cause: e })
  }
}

export function invalid(message: string): never {
  throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', message)
}

/** ERR_JWT_CLAIM_INVALID for a provider's own claim rule; the verified payload rides along. */
export function claimFailed(claim: string, reason: ClaimFailureReason, message: string, payload: unknown): never {
  throw new JoseError('ERR_JWT_CLAIM_INVALID', message, { claim, reason, payload })
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k)

/**
 * An options object read once: every own enumerable name must be one of `names` (a misspelt
 * option never drops a check silently); values are read by property access.
 */
export function readOptions<N extends string>(options: unknown, names: readonly N[], what: string): Partial<Record<N, unknown>> {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null || Array.isArray(options)) invalid(`${what} must be an object`)
  const known = new Set<string>(names)
  for (const k of Object.keys(options)) if (!known.has(k)) invalid(`${what}: unknown option ${JSON.stringify(k.slice(0, 64))}`)
  const out: Partial<Record<N, unknown>> = Object.create(null)
  for (const n of names) {
    const v = (options as Record<string, unknown>)[n]
    if (v !== undefined) out[n] = v
  }
  return out
}

/** Names a provider fixes: passing one is a caller trying to loosen or replace its rules. */
export function refuseFixed(options: unknown, names: readonly string[], provider: string): void {
  if (typeof options !== 'object' || options === null) return
  for (const n of names) {
    if (hasOwn(options, n) && (options as Record<string, unknown>)[n] !== undefined) {
      invalid(`options.${n} is fixed by the ${provider} provider: caller options can only add checks`)
    }
  }
}

export function requiredString(value: unknown, name: string, test: (s: string) => boolean = () => true, expected = 'a non-empty string'): string {
  if (typeof value !== 'string' || value === '' || value.length > 2048 || !test(value)) invalid(`${name} must be ${expected}`)
  return value
}

/** One string or a non-empty list of them, each passing `test`, deduplicated. */
export function stringsOf(value: unknown, name: string, test: (s: string) => boolean = () => true, expected = 'a non-empty string or a non-empty array of them'): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) && value.length > 0 && value.length <= 100 ? [...value] : invalid(`${name} must be ${expected}`)
  for (const v of list) requiredString(v, name, test, expected)
  return [...new Set(list as string[])]
}

/** A lowercase GUID, as Entra writes tenant and application ids. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A DNS host name (with an optional port): what a provider's domain option holds. */
const HOST = /^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/

export function hostOf(value: unknown, name: string): string {
  return requiredString(value, name, (s) => HOST.test(s), 'a host name such as "example.com", without scheme or path')
}

/**
 * An https origin, or a base URL with a path (`path: true`), without query, fragment or
 * credentials, returned without its trailing `/`. http only on loopback (as for key sets:
 * `localhost`, 127.0.0.0/8, [::1]), for a provider run locally.
 */
export function baseUrlOf(value: unknown, name: string, path = false): string {
  const s = requiredString(value, name)
  let u: URL
  try {
    u = new URL(s)
  } catch {
    return invalid(`${name} must be an absolute https URL`)
  }
  const loopback = u.hostname === 'localhost' || u.hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(u.hostname)
  if (!(u.protocol === 'https:' || (u.protocol === 'http:' && loopback))) invalid(`${name} must be an https URL (http only on loopback)`)
  if (u.search || u.hash || s.includes('?') || s.includes('#') || u.username || u.password) invalid(`${name} must have no query, fragment or credentials`)
  if (!path && u.pathname !== '/') invalid(`${name} must be an origin such as "https://example.com", without a path`)
  return `${u.origin}${u.pathname}`.replace(/\/$/, '')
}

/** An http(s) origin exactly as a browser writes it (`Origin`, Clerk's `azp`): scheme, host, port. */
export function isOrigin(s: string): boolean {
  try {
    const u = new URL(s)
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s
  } catch {
    return false
  }
}

/** API.md, Duration: seconds, or `<decimal><optional space><unit>` (units as the core reads them). */
const UNITS = new Map<string, number>([
  ...['s', 'sec', 'secs', 'second', 'seconds'].map((u) => [u, 1] as const),
  ...['m', 'min', 'mins', 'minute', 'minutes'].map((u) => [u, 60] as const),
  ...['h', 'hr', 'hrs', 'hour', 'hours'].map((u) => [u, 3600] as const),
  ...['d', 'day', 'days'].map((u) => [u, 86_400] as const),
  ...['w', 'week', 'weeks'].map((u) => [u, 604_800] as const),
  ...['y', 'yr', 'yrs', 'year', 'years'].map((u) => [u, 31_557_600] as const),
])

/** A tolerance in seconds (the core checks the same value again where it applies it). */
export function seconds(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value
  const m = typeof value === 'string' && value.length <= 32 ? /^(\d+)(?:\.(\d+))? ?([a-z]+)$/i.exec(value) : null
  const unit = m ? UNITS.get(m[3]!.toLowerCase()) : undefined
  if (unit === undefined) return invalid(`${name} must be a Duration: seconds, or a string such as "30s" or "5 min"`)
  // Whole and fractional parts apart, as the core computes them ("1.1h" is 3960 s exactly).
  const frac = m![2] ?? ''
  return Number(m![1]) * unit + (Number(frac) * unit) / 10 ** frac.length
}

/** `now` as the core takes it: a Date or a function returning one, read at each use. */
export function checkNow(value: unknown, name: string): Now | undefined {
  if (value === undefined || typeof value === 'function' || (value instanceof Date && !Number.isNaN(value.getTime()))) return value as Now | undefined
  return invalid(`${name} must be a Date or a function returning one`)
}

/** The time in whole seconds (the core's t = ⌊now/1000⌋), reading the clock once. */
export function epochSeconds(now: Now | undefined): number {
  let d: unknown = now ?? new Date()
  if (typeof now === 'function') {
    try {
      d = now()
    } catch (e) {
      throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'options.now threw', { cause: e })
    }
  }
  const ms = d instanceof Date ? d.getTime() : NaN
  if (!Number.isFinite(ms)) invalid('options.now did not return a valid Date')
  return Math.floor(ms / 1000)
}

/** Where scopes live: a space-separated `scope`/`scp` string (RFC 6749 §3.3) or an array of strings. */
export function words(payload: JwtPayload, claim: string): string[] {
  const v = hasOwn(payload, claim) ? payload[claim] : undefined
  if (typeof v === 'string') return v.split(' ').filter((s) => s !== '')
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string' && s !== '')
  return []
}

/** The scopes of the listed claims, deduplicated, in order. */
export const scopesIn = (claims: readonly string[]) => (payload: JwtPayload): string[] => [...new Set(claims.flatMap((c) => words(payload, c)))]

/** `requiredScopes`: scope tokens (no spaces, RFC 6749 §3.3 NQCHAR). */
export function requiredScopes(value: unknown, name: string): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.length > 100) invalid(`${name} must be an array of scope tokens`)
  for (const s of value) requiredString(s, name, (x) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(x), 'an array of scope tokens (no spaces)')
  return [...value as string[]]
}
