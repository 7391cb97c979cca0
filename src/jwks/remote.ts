/**
 * `createRemoteJwks` (API.md, Key sets): an identity provider's JWK Set, kept fresh by
 * its HTTP caching headers, refetched for an unknown `kid` at most once per cooldown,
 * and served stale through an outage for `staleIfError`. The state is a record
 * (state.ts) and `decide` says what each caller does; this file only obeys: it fetches
 * (fetch.ts), shares the request in flight, reports events and makes the errors.
 */
import { JoseError, toJoseError } from '../errors.ts'
import { validating } from '../jose/options.ts'
import { KEY_SET } from '../jws/verify.ts'
import type { Jwk, JwksDocument, JwsHeader, KeyResolver, Now } from '../types.ts'
import { configure } from './config.ts'
import { fetchJwks } from './fetch.ts'
import { documentOf, selectKeys } from './select.ts'
import { decide, initialState, load, retryAt, type Decision, type RemoteState } from './state.ts'
import { fromStore, toStore } from './store.ts'

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
  /** Least time between the starts of two requests after an unknown `kid` or a failure. Default 30 s. Before any set has loaded, the wait after a failure is 1 s from its end, doubling up to this. */
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

/**
 * workerd cannot share a promise between request contexts, so there each caller makes
 * its own request (API.md names this as the one runtime check in src/).
 */
let workerd: boolean | undefined
const isWorkerd = (): boolean => (workerd ??= typeof (globalThis as { WebSocketPair?: unknown }).WebSocketPair !== 'undefined'
  || (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent === 'Cloudflare-Workers')

const noop = (): void => {}

/**
 * A key resolver over a remote JWK Set (an identity provider's `jwks_uri`), cached by
 * its HTTP caching headers, refetched for an unknown `kid` at most once per cooldown and
 * served stale through outages. `https:` only, except `localhost`, 127.0.0.0/8 and `[::1]`
 * (not `*.localhost`) or `allowHttp`; the URL is checked now (`ERR_JOSE_INVALID_ARGUMENT`
 * when unparseable or insecure). Keys without `alg` (most RSA IdP keys) need `algorithms`.
 * A failure is `ERR_JWKS_FETCH_FAILED` saying what failed (status, timeout, network error
 * code) and where, also for a token whose `kid` is missing while the refresh fails.
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
  const c = validating(() => configure(url, options))
  const href = c.url
  const s: RemoteState = initialState()

  const now = (): number => {
    const d = typeof c.now === 'function' ? c.now() : c.now
    return d instanceof Date ? d.getTime() : Date.now()
  }
  const emit = (type: JwksEventType, error?: JoseError): void => {
    try {
      // An async listener that rejects must not become an unhandled rejection.
      Promise.resolve(c.onEvent?.(error ? { type, url: href, error } : { type, url: href })).catch(noop)
    } catch {
      // an event listener's failure never changes a verification
    }
  }

  /** One attempt, on the network or, for a set that is not fresh, from a newer cacheStore entry. */
  async function attempt(): Promise<void> {
    const start = (s.started = now())
    try {
      // Refetches for an unknown kid (the set is fresh) always go to the network (API.md, Shared stores).
      if (!(c.store && start >= s.expiresAt && await fromStore(c, s, start))) {
        const got = await fetchJwks(c, s.keys && s.etag)
        const f = got.freshFor
        load(s, got.keys, got.etag, now() + (f === undefined ? c.maxTtl : Math.min(c.maxTtl, Math.max(c.minTtl, f * 1000))))
        emit(got.keys ? 'fetched' : 'not_modified')
        if (c.store) toStore(c, s)
      }
      s.error = undefined
      s.failures = 0
      s.staleEnded = false
    } catch (e) {
      s.failures++
      emit('fetch_failed', (s.error = toJoseError(e, 'ERR_JWKS_FETCH_FAILED', 'fetching the JWK Set failed')))
      throw s.error
    } finally {
      s.ended = now()
    }
  }

  /** Starts an attempt, shared by concurrent callers as the request in flight (not on workerd). */
  function refresh(): Promise<void> {
    const p = attempt()
    if (!isWorkerd()) {
      s.inflight = p
      const clear = () => {
        if (s.inflight === p) s.inflight = undefined
      }
      p.then(clear, clear)
    }
    return p
  }

  /** Obeys a `fetch` or `wait` decision; true when there was one (the caller then decides again). */
  async function act(d: Decision): Promise<boolean> {
    const p = d === 'fetch' ? refresh() : d === 'wait' ? s.inflight : undefined
    await p?.catch(noop)
    return !!p
  }

  /** The last error again, with `why`; `skipped`: no request was made, and the message says when the next may be. */
  const again = (why: string, skipped: boolean): JoseError => new JoseError('ERR_JWKS_FETCH_FAILED',
    why + s.error!.message + (skipped ? `; not retried for another ${Math.ceil((retryAt(s, c) - now()) / 1000)} s (cooldown)` : ''),
    { cause: s.error!.cause })

  /** The keys a verification may use now: fresh, refreshed, or stale through an outage. */
  async function current(): Promise<Jwk[]> {
    let d = decide(s, now(), 'use', c)
    const acted = await act(d)
    if (acted) d = decide(s, now(), 'settled', c)
    if (d === 'stale') emit('serving_stale', s.error)
    if (d === 'use' || d === 'stale') return s.keys!
    const error = acted ? s.error! : again('', true)
    if (s.keys && !s.staleEnded) {
      s.staleEnded = true
      emit('stale_expired', error)
    }
    throw error
  }

  async function resolve(header: Readonly<JwsHeader>): Promise<Jwk[]> {
    let keys = await current()
    const kid = header.kid
    const known = () => keys.some((k) => k.kid === kid)
    if (kid !== undefined && !known()) {
      const d = decide(s, now(), 'kid', c)
      if (await act(d)) keys = s.keys!
      // Missing while the refresh fails: the set may be incomplete (API.md, Key sets).
      if (s.error && !known()) throw again('the token\'s "kid" is not in the JWK Set, whose refresh failed: ', d === 'fail')
    }
    return selectKeys(keys, header, false)
  }

  const resolver = async (header: Readonly<JwsHeader>): Promise<Jwk[]> => {
    try {
      return await resolve(header)
    } catch (e) {
      throw toJoseError(e, 'ERR_JWKS_NO_MATCHING_KEY', 'no key in the set fits the token')
    }
  }

  Object.defineProperties(resolver, {
    [KEY_SET]: { value: true },
    // reload() ignores the cooldown but joins a request in flight.
    reload: { value: async (): Promise<void> => decide(s, now(), 'reload', c) === 'wait' ? s.inflight : refresh() },
    jwks: { get: () => (s.keys ? documentOf(s.keys) : undefined), enumerable: true },
  })
  return resolver as unknown as RemoteJwks
}
