/**
 * `createRemoteJwks` (API.md, Key sets): an identity provider's JWK Set, kept fresh by
 * its HTTP caching headers, refetched for an unknown `kid` at most once per cooldown,
 * and served stale through an outage for `staleIfError`.
 */
import { fail, toJoseError, type JoseError } from '../errors.ts'
import { isPlainObject } from '../jose/json.ts'
import { readOptions } from '../jose/options.ts'
import { KEY_SET } from '../jws/verify.ts'
import { checkNow, parseDuration } from '../jwt/time.ts'
import type { Jwk, JwksDocument, JwsHeader, KeyResolver, Now } from '../types.ts'
import { fetchJwks, type FetchSettings } from './fetch.ts'
import { documentOf, readJwks, selectKeys } from './select.ts'

/**
 * Storage shared between processes or isolates for a remote key set (Workers KV, the
 * Cache API, Redis). Entries are plain JSON; read back, they are checked like a fresh
 * response and must carry the same URL. A `get` that hangs counts as empty after the
 * timeout; `set` is not awaited.
 *
 * @example
 * ```ts
 * import { createRemoteJwks, type JwksCacheStore } from 'isojwt'
 * const memory = new Map<string, unknown>()
 * const cacheStore: JwksCacheStore = {
 *   get: (url) => memory.get(url),
 *   set: (url, entry) => { memory.set(url, entry) },
 * }
 * const jwks = createRemoteJwks('https://id.example/.well-known/jwks.json', { cacheStore })
 * ```
 */
export interface JwksCacheStore {
  get(url: string): unknown | Promise<unknown>
  set(url: string, entry: unknown): void | Promise<void>
}

/**
 * What happened to a remote key set: `fetched` (a 200), `not_modified` (a 304 renewed
 * it), `fetch_failed`, `serving_stale` (a refresh failed, the last good set is used),
 * `stale_expired` (past `staleIfError`: verifications now fail).
 *
 * @example
 * ```ts
 * import type { JwksEventType } from 'isojwt'
 * const alarming: ReadonlySet<JwksEventType> = new Set(['fetch_failed', 'serving_stale', 'stale_expired'])
 * ```
 */
export type JwksEventType = 'fetched' | 'not_modified' | 'fetch_failed' | 'serving_stale' | 'stale_expired'
/**
 * The argument of `RemoteJwksOptions.onEvent`: the event, the set's URL and, for
 * failures, the JoseError.
 *
 * @example
 * ```ts
 * import { createRemoteJwks, type JwksEvent } from 'isojwt'
 * const log = (e: JwksEvent) => console.log('jwks', e.type, e.url, e.error?.code ?? '')
 * const jwks = createRemoteJwks('https://id.example/.well-known/jwks.json', { onEvent: log })
 * ```
 */
export interface JwksEvent { type: JwksEventType; url: string; error?: JoseError }

/**
 * Options of `createRemoteJwks`. Durations are seconds or strings such as `'30s'`.
 *
 * @example
 * ```ts
 * import { createRemoteJwks, type RemoteJwksOptions } from 'isojwt'
 * const options: RemoteJwksOptions = { timeout: '3s', maxTtl: '1h', staleIfError: '6h' }
 * const jwks = createRemoteJwks('https://id.example/.well-known/jwks.json', options)
 * ```
 */
export interface RemoteJwksOptions {
  /** Deadline of one request. Default 5 s. */
  timeout?: number | string
  /** Least time between the starts of two requests after an unknown `kid` or a failure. Default 30 s. */
  cooldown?: number | string
  /** Shortest time a fetched set is fresh, whatever its `Cache-Control`. Default 60 s. */
  minTtl?: number | string
  /** Longest time a fetched set is fresh (also without `max-age`). Default 600 s. */
  maxTtl?: number | string
  /** How long past expiry the last good set keeps working while refreshes fail. Default 3 600 s. */
  staleIfError?: number | string
  /** Largest response body read. Default 524 288 (512 KiB). */
  maxResponseBytes?: number
  /** Most keys a set may hold. Default 100. */
  maxKeys?: number
  /** Allow `http:` URLs to other hosts than loopback. Default false. */
  allowHttp?: boolean
  /** Extra request headers. */
  headers?: Record<string, string>
  /** The fetch to use. Default: the global `fetch`. */
  fetch?: typeof fetch
  /** Storage shared between processes or isolates. */
  cacheStore?: JwksCacheStore
  /** Called on fetches, revalidations and failures; its errors are ignored. */
  onEvent?: (e: JwksEvent) => void
  /** The clock (tests, simulations); read on every use. */
  now?: Now
}

/**
 * What `createRemoteJwks` returns: a key resolver for `verify` and `createVerifier`, with
 * `reload()` (fetch now, ignoring the cooldown) and `jwks` (a frozen copy of the current
 * set, `undefined` before the first fetch).
 *
 * @example
 * ```ts
 * import { createRemoteJwks, type RemoteJwks } from 'isojwt'
 * const jwks: RemoteJwks = createRemoteJwks('https://id.example/.well-known/jwks.json')
 * await jwks.reload() // e.g. warm it up at startup
 * console.log(jwks.jwks?.keys.map((k) => k.kid))
 * ```
 */
export type RemoteJwks = KeyResolver & { reload(): Promise<void>; readonly jwks: JwksDocument | undefined }

const NAMES = ['timeout', 'cooldown', 'minTtl', 'maxTtl', 'staleIfError', 'maxResponseBytes', 'maxKeys', 'allowHttp',
  'headers', 'fetch', 'cacheStore', 'onEvent', 'now'] as const

/**
 * workerd cannot share a promise between request contexts, so there each caller makes
 * its own request (API.md names this as the one runtime check in src/).
 */
let workerd: boolean | undefined
function isWorkerd(): boolean {
  workerd ??= typeof (globalThis as { WebSocketPair?: unknown }).WebSocketPair !== 'undefined'
    || (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent === 'Cloudflare-Workers'
  return workerd
}

/**
 * Hosts that are literally this machine: http is allowed to them. Not `*.localhost`:
 * RFC 6761 §6.3 says they should resolve to loopback, but resolvers send them to DNS.
 */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

function checkUrl(url: unknown, allowHttp: boolean): string {
  let u: URL
  try {
    if (typeof url !== 'string' && !(url instanceof URL)) throw new TypeError('not a URL')
    u = new URL(String(url))
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'the JWK Set URL is not a valid URL')
  }
  const secure = u.protocol === 'https:' || (u.protocol === 'http:' && (allowHttp || isLoopback(u.hostname)))
  // A configuration error, found at creation, not a fetch failure (API.md, Key sets).
  if (!secure) fail('ERR_JOSE_INVALID_ARGUMENT', 'the JWK Set URL must use https: (http: only for localhost, 127.0.0.0/8 and [::1], or with allowHttp)')
  return u.href
}

function positiveInt(v: unknown, name: string, fallback: number): number {
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail('ERR_JOSE_INVALID_ARGUMENT', `options.${name} must be a positive integer`)
  return v
}

function isFn(v: unknown): v is (...a: unknown[]) => unknown {
  return typeof v === 'function'
}

function settings(o: ReturnType<typeof readOptions<(typeof NAMES)[number]>>) {
  const secs = (name: (typeof NAMES)[number], fallback: number) => (o[name] === undefined ? fallback : parseDuration(o[name], `options.${name}`)) * 1000
  const minTtl = secs('minTtl', 60)
  const maxTtl = secs('maxTtl', 600)
  if (minTtl > maxTtl) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.minTtl must not exceed options.maxTtl')
  if (o.headers !== undefined && (!isPlainObject(o.headers) || !Object.values(o.headers).every((v) => typeof v === 'string'))) {
    fail('ERR_JOSE_INVALID_ARGUMENT', 'options.headers must be an object of strings')
  }
  for (const name of ['fetch', 'onEvent'] as const) if (o[name] !== undefined && !isFn(o[name])) fail('ERR_JOSE_INVALID_ARGUMENT', `options.${name} must be a function`)
  const store = o.cacheStore as JwksCacheStore | undefined
  if (store !== undefined && (typeof store !== 'object' || store === null || !isFn(store.get) || !isFn(store.set))) {
    fail('ERR_JOSE_INVALID_ARGUMENT', 'options.cacheStore must have get and set methods')
  }
  if (o.allowHttp !== undefined && typeof o.allowHttp !== 'boolean') fail('ERR_JOSE_INVALID_ARGUMENT', 'options.allowHttp must be a boolean')
  const http: FetchSettings = {
    fetch: (o.fetch as typeof fetch | undefined) ?? ((input, init) => fetch(input, init)),
    headers: { ...(o.headers as Record<string, string> | undefined) },
    timeoutMs: secs('timeout', 5),
    maxResponseBytes: positiveInt(o.maxResponseBytes, 'maxResponseBytes', 512 * 1024),
    maxKeys: positiveInt(o.maxKeys, 'maxKeys', 100),
  }
  return {
    http, minTtl, maxTtl, store, cooldown: secs('cooldown', 30), staleIfError: secs('staleIfError', 3600),
    onEvent: o.onEvent as ((e: JwksEvent) => void) | undefined, now: checkNow(o.now), allowHttp: o.allowHttp === true,
  }
}

/**
 * Keys that did not change keep their object (and so their cached import, and the
 * verified-token cache entries of createVerifier that they back).
 */
function keepIdentity(old: readonly Jwk[] | undefined, fresh: Jwk[]): Jwk[] {
  if (!old) return fresh
  const byText = new Map(old.map((k) => [JSON.stringify(k), k]))
  return fresh.map((k) => byText.get(JSON.stringify(k)) ?? k)
}

/** What a cacheStore holds: plain JSON data, checked again when read back. */
interface StoreEntry { url: string; keys: Jwk[]; etag?: string; expiresAt: number }

/**
 * A key resolver over a remote JWK Set (an identity provider's `jwks_uri`), cached by
 * its HTTP caching headers, refetched for an unknown `kid` at most once per cooldown and
 * served stale through outages. `https:` only, except `localhost`, 127.0.0.0/8 and `[::1]`
 * (not `*.localhost`) or `allowHttp`; the URL is checked now (`ERR_JOSE_INVALID_ARGUMENT`
 * when unparseable or insecure). Keys without `alg` (most RSA IdP keys) need `algorithms`.
 *
 * @param url - the JWK Set URL (`jwks_uri` in the provider's discovery document)
 * @param options - freshness, limits, shared storage, events
 *
 * @example
 * ```ts
 * import { createRemoteJwks, verify } from 'isojwt'
 * declare const token: string
 * const jwks = createRemoteJwks('https://id.example/.well-known/jwks.json')
 * const { payload } = await verify(token, jwks, { issuer: 'https://id.example', audience: 'api', algorithms: ['RS256'] })
 * ```
 */
export function createRemoteJwks(url: string | URL, options?: RemoteJwksOptions): RemoteJwks {
  let cfg: ReturnType<typeof settings>
  let href: string
  try {
    cfg = settings(readOptions(options, NAMES))
    href = checkUrl(url, cfg.allowHttp)
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'invalid createRemoteJwks options')
  }
  const { http, store } = cfg

  let keys: Jwk[] | undefined
  let etag: string | undefined
  let expiresAt = 0
  let lastAttempt = -Infinity
  let lastError: JoseError | undefined
  let staleEnded = false
  let inflight: Promise<void> | undefined

  const nowMs = (): number => {
    const n = cfg.now
    const d = typeof n === 'function' ? n() : n
    return d instanceof Date ? d.getTime() : Date.now()
  }
  const emit = (type: JwksEventType, error?: JoseError): void => {
    try {
      const r = cfg.onEvent?.(error ? { type, url: href, error } : { type, url: href }) as { then?: unknown } | undefined
      if (r && typeof r.then === 'function') (r as PromiseLike<unknown>).then(undefined, () => {})
    } catch {
      // an event listener's failure never changes a verification
    }
  }
  const lifetime = (freshFor: number | undefined): number =>
    freshFor === undefined ? cfg.maxTtl : Math.min(cfg.maxTtl, Math.max(cfg.minTtl, freshFor * 1000))

  /** Adopts a newer entry another isolate stored; true when it is still fresh. */
  async function fromStore(t: number): Promise<boolean> {
    if (!store) return false
    let raw: unknown
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      // A store that never answers (a disconnected Redis client queueing commands) counts
      // as empty after the fetch timeout: it must not hold every verification.
      const slow = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), http.timeoutMs)
      })
      raw = await Promise.race([store.get(href), slow])
      if (typeof raw === 'string') raw = JSON.parse(raw)
    } catch {
      return false
    } finally {
      clearTimeout(timer)
    }
    if (!isPlainObject(raw) || raw.url !== href || typeof raw.expiresAt !== 'number' || raw.expiresAt <= expiresAt) return false
    const read = readJwks({ keys: raw.keys }, http.maxKeys)
    if (typeof read === 'string') return false
    keys = keepIdentity(keys, read)
    etag = typeof raw.etag === 'string' ? raw.etag : undefined
    // An entry is trusted no longer than a fresh response could be.
    expiresAt = Math.min(raw.expiresAt, t + cfg.maxTtl)
    return t < expiresAt
  }

  async function attempt(): Promise<void> {
    const start = nowMs()
    lastAttempt = start
    try {
      if (await fromStore(start)) return
      const got = await fetchJwks(href, http, keys ? etag : undefined)
      if (got.keys) keys = keepIdentity(keys, got.keys)
      etag = got.etag
      expiresAt = nowMs() + lifetime(got.freshFor)
      lastError = undefined
      staleEnded = false
      emit(got.keys ? 'fetched' : 'not_modified')
      if (store) {
        const entry: StoreEntry = { url: href, keys: keys!, expiresAt, ...(etag === undefined ? {} : { etag }) }
        // Not awaited: the shared cache is an optimisation, and a store that hangs or
        // fails must not delay or fail a verification whose set is already in memory.
        try {
          Promise.resolve(store.set(href, JSON.parse(JSON.stringify(entry)))).catch(() => {})
        } catch {
          // a synchronous throw from the store: ignored likewise
        }
      }
    } catch (e) {
      lastError = toJoseError(e, 'ERR_JWKS_FETCH_FAILED', 'fetching the JWK Set failed')
      emit('fetch_failed', lastError)
      throw lastError
    }
  }

  /** One request at a time, shared by concurrent callers (not across workerd requests). */
  function refresh(): Promise<void> {
    if (inflight) return inflight
    const p = attempt()
    if (isWorkerd()) return p
    inflight = p
    const clear = () => {
      if (inflight === p) inflight = undefined
    }
    p.then(clear, clear)
    return p
  }

  /** After a failed attempt, nothing is fetched again within the cooldown. */
  const coolingDown = (t: number): boolean => lastError !== undefined && t < lastAttempt + cfg.cooldown

  function staleOrThrow(t: number): Jwk[] {
    if (keys && t < expiresAt + cfg.staleIfError) {
      emit('serving_stale', lastError)
      return keys
    }
    if (keys && !staleEnded) {
      staleEnded = true
      emit('stale_expired', lastError)
    }
    throw lastError ?? new Error('unreachable')
  }

  async function current(): Promise<Jwk[]> {
    const t = nowMs()
    if (keys && t < expiresAt) return keys
    if (coolingDown(t) && !inflight) return staleOrThrow(t)
    try {
      await refresh()
    } catch {
      return staleOrThrow(nowMs())
    }
    return keys!
  }

  const resolver = async (header: Readonly<JwsHeader>): Promise<Jwk[]> => {
    try {
      return await resolve(header)
    } catch (e) {
      throw toJoseError(e, 'ERR_JWKS_NO_MATCHING_KEY', 'no key in the set fits the token')
    }
  }

  async function resolve(header: Readonly<JwsHeader>): Promise<Jwk[]> {
    const kid = header.kid
    let set = await current()
    // RFC 7517 §4.5 rotation: an unknown kid may mean new keys; look again, at most once per cooldown.
    if (kid !== undefined && !set.some((k) => k.kid === kid)) {
      if (inflight) await inflight.catch(() => {})
      else if (nowMs() >= lastAttempt + cfg.cooldown) await refresh().catch(() => {})
      set = keys ?? set
    }
    return selectKeys(set, header, false)
  }

  Object.defineProperties(resolver, {
    [KEY_SET]: { value: true },
    reload: {
      value: async (): Promise<void> => {
        await refresh()
      },
    },
    jwks: { get: () => (keys ? documentOf(keys) : undefined), enumerable: true },
  })
  return resolver as unknown as RemoteJwks
}
