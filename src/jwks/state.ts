/**
 * A remote key set's state as a value, and the one pure step that decides what a caller
 * does with it at time `now` (API.md, Key sets: freshness, cooldown, staleIfError, the
 * cold-start backoff). remote.ts obeys `decide` and only does what it says: fetch, wait,
 * serve, fail. Times are milliseconds of the set's clock.
 */
import type { JoseError } from '../errors.ts'
import type { Jwk } from '../types.ts'

export interface RemoteState {
  /** The last good set; undefined until one has loaded (the cold start). */
  keys?: Jwk[]
  /** When `keys` stop being fresh. */
  expiresAt: number
  etag?: string
  /** Start and end of the last attempt. */
  started: number
  ended: number
  /** What the last attempt failed with; undefined after a success. */
  error?: JoseError
  /** Failed attempts in a row: the cold-start backoff doubles with each. */
  failures: number
  /** The request in flight, shared by concurrent callers (never on workerd). */
  inflight?: Promise<void>
  /** `stale_expired` was reported for this outage (once per outage). */
  staleEnded?: boolean
}

export interface Timing {
  cooldown: number
  staleIfError: number
}

/**
 * Why a caller looks at the state: `use` (a verification needs the set), `kid` (the
 * token's kid is not in the set it got), `reload`, or `settled` (the attempt it made or
 * joined has just ended).
 */
export type Trigger = 'use' | 'kid' | 'reload' | 'settled'

/**
 * `use` the held keys; `fetch` now; `wait` for the request in flight; `stale`: serve the
 * expired keys (a refresh failed, staleIfError allows it); `fail` with the last error.
 */
export type Decision = 'use' | 'fetch' | 'wait' | 'stale' | 'fail'

export const initialState = (): RemoteState => ({ expiresAt: 0, started: -Infinity, ended: -Infinity, failures: 0 })

/**
 * The earliest start of the next attempt after a failure: `cooldown` after the start of
 * the last one. While no set has ever loaded, the wait counts from the end of the failed
 * attempt, starting at 1 s and doubling per failure up to `cooldown`, so an API that
 * started before its identity provider recovers within seconds of it.
 */
export function retryAt(s: RemoteState, t: Timing): number {
  return s.keys ? s.started + t.cooldown : s.ended + Math.min(t.cooldown, 1000 * 2 ** (s.failures - 1))
}

export function decide(s: RemoteState, now: number, trigger: Trigger, t: Timing): Decision {
  const fresh = s.keys !== undefined && now < s.expiresAt
  // After an attempt nothing is fetched again by the same caller: a set renewed with a
  // zero lifetime is still used once, and a failure never loops.
  if (trigger === 'settled') return fresh || !s.error ? 'use' : staleOrFail(s, now, t)
  if (trigger === 'use' && fresh) return 'use'
  if (s.inflight) return 'wait'
  if (trigger === 'reload') return 'fetch'
  // RFC 7517 §4.5: an unknown kid may mean rotated keys; looked for once per cooldown
  // (from the start of the last attempt). Missing while the last refresh failed, the
  // set cannot be trusted to be complete: the caller fails with that error.
  if (trigger === 'kid') return now >= s.started + t.cooldown ? 'fetch' : s.error ? 'fail' : 'use'
  return !s.error || now >= retryAt(s, t) ? 'fetch' : staleOrFail(s, now, t)
}

const staleOrFail = (s: RemoteState, now: number, t: Timing): Decision =>
  s.keys && now < s.expiresAt + t.staleIfError ? 'stale' : 'fail'

/**
 * A set loaded (fetched, renewed by a 304, read from a cacheStore). Keys that did not
 * change keep their object, and so their cached import and the createVerifier cache
 * entries they back.
 */
export function load(s: RemoteState, keys: Jwk[] | undefined, etag: string | undefined, expiresAt: number): void {
  if (keys) {
    const old = new Map(s.keys?.map((k) => [JSON.stringify(k), k]))
    s.keys = keys.map((k) => old.get(JSON.stringify(k)) ?? k)
  }
  s.etag = etag
  s.expiresAt = expiresAt
}
