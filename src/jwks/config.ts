/**
 * The options of `createRemoteJwks`, read once at creation (API.md, Key sets): anything
 * unusable, an insecure or unparseable URL included, is ERR_JOSE_INVALID_ARGUMENT there
 * and then, never a fetch failure later.
 */
import { isPlainObject } from '../jose/json.ts'
import { invalid, readValues } from '../jose/options.ts'
import { checkNow, parseDuration } from '../jose/time.ts'
import type { Now } from '../types.ts'
import type { FetchSettings } from './fetch.ts'
import type { JwksCacheStore, JwksEvent, RemoteJwksOptions } from './types.ts'
import type { Timing } from './state.ts'
import { readX509Map } from './x509.ts'

/**
 * The remote key set's defaults (API.md, Key sets), which `discover` shares: ms and bytes,
 * written as literals (a computed top-level constant is kept by bundlers in every bundle).
 */
export const MIN_TTL_MS = 60_000
export const MAX_TTL_MS = 600_000
export const MAX_BYTES = 524_288

const NAMES = ['timeout', 'cooldown', 'minTtl', 'maxTtl', 'staleIfError', 'maxResponseBytes', 'maxKeys', 'allowHttp',
  'headers', 'fetch', 'cacheStore', 'onEvent', 'now', 'format'] as const

export interface Config extends Timing, FetchSettings {
  minTtl: number
  maxTtl: number
  store?: JwksCacheStore
  onEvent?: (e: JwksEvent) => void
  now?: Now
}

/**
 * Hosts that are literally this machine: http is allowed to them. Not `*.localhost`:
 * RFC 6761 §6.3 says they should resolve to loopback, but resolvers send them to DNS.
 */
const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)

/** A string or URL parsed, or undefined. */
export function parseUrl(url: unknown): URL | undefined {
  try {
    if (typeof url === 'string' || url instanceof URL) return new URL(url)
  } catch {
    // not a URL
  }
}

/** The rule for every URL a key set or discovery fetches (API.md, Key sets): https, or http to loopback or with allowHttp. */
export const isSecure = (u: URL, allowHttp: unknown): boolean =>
  u.protocol === 'https:' || (u.protocol === 'http:' && (allowHttp === true || isLoopback(u.hostname)))

/** Why it is refused, in the words of every message about it. */
export const INSECURE = 'must use https: (http: only for localhost, 127.0.0.0/8 and [::1], or with allowHttp)'

/** The one way an option is refused here: `options.<name> must <what>`. */
const must = (ok: unknown, name: string, what: string): unknown => ok || invalid(`options.${name} must ${what}`)

const isFn = (v: unknown): boolean => typeof v === 'function'

/** A Duration option (seconds) in ms. */
export const ms = (v: unknown, name: string): number => parseDuration(v, `options.${name}`) * 1000

/** The options a key set and `discover` share: `fetch`, `allowHttp`, `cacheStore`. */
export function checkShared(fetcher: unknown, allowHttp: unknown, store: unknown): void {
  must(fetcher === undefined || isFn(fetcher), 'fetch', 'be a function')
  must(allowHttp === undefined || typeof allowHttp === 'boolean', 'allowHttp', 'be a boolean')
  must(store === undefined || (typeof store === 'object' && store !== null && isFn((store as JwksCacheStore).get) && isFn((store as JwksCacheStore).set)), 'cacheStore', 'have get and set methods')
}

/** The global fetch, looked up at each call (a test or polyfill may replace it later). */
export const globalFetch: typeof fetch = (input, init) => fetch(input, init)

export function configure(url: string | URL, options: RemoteJwksOptions | undefined): Config {
  // Read once, in the order of NAMES; an absent or undefined option takes its default.
  const [timeout = 5, cooldown = 30, minTtl = 60, maxTtl = 600, staleIfError = 3600, maxResponseBytes = MAX_BYTES, maxKeys = 100,
    allowHttp, headers, fetcher, store, onEvent, now, format] = readValues(options, NAMES)
  const int = (v: unknown, name: string) => (must(Number.isSafeInteger(v) && (v as number) > 0, name, 'be a positive integer'), v as number)
  checkShared(fetcher, allowHttp, store)
  must(headers === undefined || (isPlainObject(headers) && Object.values(headers).every((v) => typeof v === 'string')), 'headers', 'be an object of strings')
  must(onEvent === undefined || isFn(onEvent), 'onEvent', 'be a function')
  const x509 = format === 'x509-map'
  must(x509 || format === undefined || format === 'jwks', 'format', "be 'jwks' or 'x509-map'")
  const min = ms(minTtl, 'minTtl')
  const max = ms(maxTtl, 'maxTtl')
  must(min <= max, 'minTtl', 'not exceed options.maxTtl')
  const u = parseUrl(url) ?? invalid('the JWK Set URL is not a valid URL')
  if (!isSecure(u, allowHttp)) invalid(`the JWK Set URL ${INSECURE}`)
  return {
    url: u.href,
    label: u.origin + u.pathname,
    fetch: fetcher as typeof fetch | undefined ?? globalFetch,
    headers: { ...headers as Record<string, string> },
    timeoutMs: ms(timeout, 'timeout'),
    maxResponseBytes: int(maxResponseBytes, 'maxResponseBytes'),
    maxKeys: int(maxKeys, 'maxKeys'),
    minTtl: min,
    maxTtl: max,
    cooldown: ms(cooldown, 'cooldown'),
    staleIfError: ms(staleIfError, 'staleIfError'),
    store: store as JwksCacheStore | undefined,
    onEvent: onEvent as Config['onEvent'],
    now: checkNow(now),
    ...(x509 && { what: 'the certificate map', read: readX509Map }),
  }
}
