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
import type { Jwk, JwsHeader } from '../types.ts'
import { configure, type Config } from './config.ts'
import { fetchJwks, lifetime, noop } from './fetch.ts'
import { documentOf, selectKeys } from './select.ts'
import { decide, initialState, load, retryAt, type Decision, type RemoteState, type Trigger } from './state.ts'
import { fromStore, toStore } from './store.ts'
import type { JwksEventType, RemoteJwks, RemoteJwksOptions } from './types.ts'

export type { JwksCacheStore, JwksEvent, JwksEventType, RemoteJwks, RemoteJwksOptions } from './types.ts'

/**
 * workerd cannot share a promise between request contexts, so there each caller makes
 * its own request (API.md names this as the one runtime check in src/).
 */
let workerd: boolean | undefined
export const isWorkerd = (): boolean => (workerd ??= typeof (globalThis as { WebSocketPair?: unknown }).WebSocketPair !== 'undefined'
  || (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent === 'Cloudflare-Workers')

/** One remote set: its configuration, read once, and its state (state.ts), in one record. */
type Remote = Config & RemoteState

function clock(r: Remote): number {
  const d = typeof r.now === 'function' ? r.now() : r.now
  return d instanceof Date ? d.getTime() : Date.now()
}

/** What `decide` says for the set now. */
const decideNow = (r: Remote, trigger: Trigger): Decision => decide(r, clock(r), trigger, r)

function emit(r: Remote, type: JwksEventType, error?: JoseError): void {
  try {
    // An async listener that rejects must not become an unhandled rejection.
    Promise.resolve(r.onEvent?.({ type, url: r.url, ...(error && { error }) })).catch(noop)
  } catch {
    // an event listener's failure never changes a verification
  }
}

/** One attempt, on the network or, for a set that is not fresh, from a newer cacheStore entry. */
async function attempt(r: Remote): Promise<void> {
  const start = (r.started = clock(r))
  try {
    // Refetches for an unknown kid (the set is fresh) always go to the network (API.md, Shared stores).
    if (!(r.store && start >= r.expiresAt && await fromStore(r, start))) {
      const got = await fetchJwks(r, r.keys && r.etag)
      load(r, got.keys, got.etag, clock(r) + lifetime(got.freshFor, r.minTtl, r.maxTtl))
      emit(r, got.keys ? 'fetched' : 'not_modified')
      if (r.store) toStore(r)
    }
    r.error = undefined
    r.failures = 0
    r.staleEnded = false
  } catch (e) {
    r.failures++
    emit(r, 'fetch_failed', (r.error = toJoseError(e, 'ERR_JWKS_FETCH_FAILED', 'fetching the JWK Set failed')))
    throw r.error
  } finally {
    r.ended = clock(r)
  }
}

/** Starts an attempt, shared by concurrent callers as the request in flight (not on workerd). */
function refresh(r: Remote): Promise<void> {
  const p = attempt(r)
  if (!isWorkerd()) {
    r.inflight = p
    const clear = () => {
      if (r.inflight === p) r.inflight = undefined
    }
    p.then(clear, clear)
  }
  return p
}

/** Obeys a `fetch` or `wait` decision; true when there was one (the caller then decides again). */
async function act(r: Remote, d: Decision): Promise<boolean> {
  const p = d === 'fetch' ? refresh(r) : d === 'wait' ? r.inflight : undefined
  await p?.catch(noop)
  return !!p
}

/** The last error again, with `why`; `skipped`: no request was made, and the message says when the next may be. */
function again(r: Remote, why: string, skipped: boolean): JoseError {
  return new JoseError('ERR_JWKS_FETCH_FAILED',
    why + r.error!.message + (skipped ? `; not retried for another ${Math.ceil((retryAt(r, r) - clock(r)) / 1000)} s (cooldown)` : ''),
    { cause: r.error!.cause })
}

/** The keys a verification may use now: fresh, refreshed, or stale through an outage. */
async function current(r: Remote): Promise<Jwk[]> {
  let d = decideNow(r, 'use')
  const acted = await act(r, d)
  if (acted) d = decideNow(r, 'settled')
  if (d === 'stale') emit(r, 'serving_stale', r.error)
  if (d === 'use' || d === 'stale') return r.keys!
  const error = acted ? r.error! : again(r, '', true)
  if (r.keys && !r.staleEnded) {
    r.staleEnded = true
    emit(r, 'stale_expired', error)
  }
  throw error
}

/** The candidate keys for a token's header, refetching once per cooldown for an unknown `kid`. */
async function resolve(r: Remote, header: Readonly<JwsHeader>): Promise<Jwk[]> {
  let keys = await current(r)
  const kid = header.kid
  const known = () => keys.some((k) => k.kid === kid)
  if (kid !== undefined && !known()) {
    const d = decideNow(r, 'kid')
    if (await act(r, d)) keys = r.keys!
    // Missing while the refresh fails: the set may be incomplete (API.md, Key sets).
    if (r.error && !known()) throw again(r, 'the token\'s "kid" is not in the JWK Set, whose refresh failed: ', d === 'fail')
  }
  return selectKeys(keys, header, false)
}

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
  const r: Remote = Object.assign(validating(() => configure(url, options)), initialState())
  const resolver = async (header: Readonly<JwsHeader>): Promise<Jwk[]> => {
    try {
      return await resolve(r, header)
    } catch (e) {
      throw toJoseError(e, 'ERR_JWKS_NO_MATCHING_KEY', 'no key in the set fits the token')
    }
  }
  Object.defineProperties(resolver, {
    [KEY_SET]: { value: true },
    // reload() ignores the cooldown but joins a request in flight.
    reload: { value: async (): Promise<void> => decideNow(r, 'reload') === 'wait' ? r.inflight : refresh(r) },
    jwks: { get: () => (r.keys ? documentOf(r.keys) : undefined), enumerable: true },
  })
  return resolver as unknown as RemoteJwks
}
