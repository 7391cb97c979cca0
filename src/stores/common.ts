/**
 * What every adapter shares: the two errors they throw (through the core's own JoseError,
 * imported from the package root so that there is one class), option checks, and the
 * SHA-256 that shortens keys for stores that limit their size.
 */
import { JoseError, isJoseError } from 'isojwt'

/** ERR_STORE_UNAVAILABLE with the store's own error as `cause` (API.md, Shared stores). */
export function unavailable(message: string, cause?: unknown): never {
  throw new JoseError('ERR_STORE_UNAVAILABLE', message, cause === undefined ? undefined : { cause })
}

export function invalid(message: string): never {
  throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', message)
}

/** True when `o[name]` is a function (the client's shape, read without calling anything). */
export function has(o: unknown, name: string): boolean {
  return (typeof o === 'object' || typeof o === 'function') && o !== null && typeof (o as Record<string, unknown>)[name] === 'function'
}

/** The options object (or none): anything else is a caller's mistake. */
export function optionsOf(options: unknown): Record<string, unknown> {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null) invalid('options must be an object')
  return options as Record<string, unknown>
}

/** `options.prefix`, a short non-empty string, or the purpose's default. */
export function prefixOf(options: unknown, fallback: string): string {
  const p = optionsOf(options).prefix
  if (p === undefined) return fallback
  if (typeof p !== 'string' || p === '' || p.length > 128) invalid('options.prefix must be a string of 1 to 128 characters')
  return p
}

/** `until` in epoch milliseconds, rounded up (a key never expires before it). */
export function untilMs(until: unknown): number {
  const t = until instanceof Date ? until.getTime() : NaN
  if (!Number.isFinite(t) || t <= 0) invalid('until must be a valid Date')
  return Math.ceil(t)
}

/** A cache entry's `expiresAt` (epoch ms), or undefined for anything that is not an entry. */
export function expiresAtOf(entry: unknown): number | undefined {
  const t = typeof entry === 'object' && entry !== null ? (entry as { expiresAt?: unknown }).expiresAt : undefined
  return typeof t === 'number' && Number.isFinite(t) && t > 0 ? Math.ceil(t) : undefined
}

/** SHA-256 of `text`: the bytes, and base64url (43 characters, a fixed-size key). */
export async function digest(text: string): Promise<{ bytes: Uint8Array; b64: string }> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  const b64 = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  return { bytes, b64 }
}

/** Runs a store call; any failure becomes ERR_STORE_UNAVAILABLE with it as `cause`. */
export async function guarded<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (e) {
    if (isJoseError(e)) throw e
    return unavailable(`${what} failed`, e)
  }
}
