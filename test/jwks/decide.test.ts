/**
 * The remote key set's pure step, `decide(state, now, trigger)` (src/jwks/state.ts), as a
 * table: every freshness, cooldown, staleIfError and cold-start rule of API.md "Key
 * sets", without fetch, servers or clocks. Times are milliseconds; the set is fresh
 * until E = 600 000 unless a row says otherwise.
 */
import { describe, expect, it } from 'vitest'
import { JoseError } from '../../src/index.ts'
import { decide, initialState, load, retryAt, type Decision, type RemoteState, type Trigger } from '../../src/jwks/state.ts'
import type { Jwk } from '../../src/types.ts'

const COOLDOWN = 30_000
const STALE = 3_600_000
const E = 600_000
const timing = { cooldown: COOLDOWN, staleIfError: STALE }
const KEYS: Jwk[] = [{ kty: 'EC', kid: 'a' }]
const ERR = new JoseError('ERR_JWKS_FETCH_FAILED', 'fetching the JWK Set from https://id.example/jwks failed: HTTP status 503')
const INFLIGHT = new Promise<void>(() => {})

type More = Omit<RemoteState, 'expiresAt' | 'started' | 'ended' | 'failures'> & Record<string, unknown>
/** Never loaded; `failures` failed attempts, the last from `started` to `ended`. */
const cold = (failures = 0, started = 0, ended = started, more: More = {}): RemoteState =>
  ({ ...initialState(), ...(failures ? { error: ERR, failures, started, ended } : {}), ...more })
/** Loaded at 0, fresh until `expiresAt`; `more` adds a failure, a request in flight, … */
const loaded = (more: More & { expiresAt?: number; started?: number; ended?: number; failures?: number } = {}): RemoteState =>
  ({ ...initialState(), keys: KEYS, expiresAt: E, started: 0, ended: 0, ...more })
/** Loaded, expired at E, and the refresh started at `at` failed. */
const outage = (at = E, more: More & { expiresAt?: number } = {}): RemoteState =>
  loaded({ error: ERR, failures: 1, started: at, ended: at + 5_000, ...more })

type Row = [label: string, state: RemoteState, now: number, trigger: Trigger, expected: Decision, t?: typeof timing]

const rows: Row[] = [
  // First use and the cold start: the wait after a failure counts from the END of the
  // attempt, starts at 1 s and doubles up to the cooldown.
  ['never loaded, never tried → fetch', cold(), 0, 'use', 'fetch'],
  ['never loaded, a request in flight → wait', cold(0, 0, 0, { inflight: INFLIGHT }), 0, 'use', 'wait'],
  ['cold, 1 failure, 999 ms after its end → fail', cold(1), 999, 'use', 'fail'],
  ['cold, 1 failure, 1 s after its end → fetch', cold(1), 1_000, 'use', 'fetch'],
  ['cold, 2 failures: 1 999 ms → fail', cold(2), 1_999, 'use', 'fail'],
  ['cold, 2 failures: 2 s → fetch', cold(2), 2_000, 'use', 'fetch'],
  ['cold, 3 failures: 3 999 ms → fail', cold(3), 3_999, 'use', 'fail'],
  ['cold, 3 failures: 4 s → fetch', cold(3), 4_000, 'use', 'fetch'],
  ['cold, 5 failures: 16 s → fetch', cold(5), 16_000, 'use', 'fetch'],
  ['cold, 6 failures: 32 s capped by the 30 s cooldown: 29 999 ms → fail', cold(6), 29_999, 'use', 'fail'],
  ['cold, 6 failures: 30 s → fetch', cold(6), 30_000, 'use', 'fetch'],
  ['cold, 40 failures: still the cooldown → fetch at 30 s', cold(40), 30_000, 'use', 'fetch'],
  ['cold, counted from the end: an attempt 0..5 s failed, 5 999 ms → fail', cold(1, 0, 5_000), 5_999, 'use', 'fail'],
  ['cold, counted from the end: an attempt 0..5 s failed, 6 s → fetch', cold(1, 0, 5_000), 6_000, 'use', 'fetch'],
  ['cold, a cooldown under 1 s caps the first wait too', cold(1), 500, 'use', 'fetch', { cooldown: 500, staleIfError: STALE }],
  ['cold, a request in flight → wait (even during the backoff)', cold(1, 0, 0, { inflight: INFLIGHT }), 10, 'use', 'wait'],

  // A loaded set: fresh for its lifetime, then refreshed on use.
  ['fresh → use', loaded(), 0, 'use', 'use'],
  ['fresh, last moment → use', loaded(), E - 1, 'use', 'use'],
  ['fresh, a request in flight (reload) → use, no waiting', loaded({ inflight: INFLIGHT }), 1, 'use', 'use'],
  ['fresh, after a failed unknown-kid refetch → use', loaded({ error: ERR, failures: 1, started: 30_000 }), 31_000, 'use', 'use'],
  ['expired at E → fetch', loaded(), E, 'use', 'fetch'],
  ['expired, within the cooldown of a successful fetch → fetch (the cooldown is for failures and kids)', loaded({ started: E - 1, ended: E - 1, expiresAt: E }), E, 'use', 'fetch'],
  ['expired, a request in flight → wait', loaded({ inflight: INFLIGHT }), E, 'use', 'wait'],
  ['zero lifetime (minTtl 0, max-age=0) → fetch on each use', loaded({ expiresAt: 1_000, started: 1_000, ended: 1_000 }), 1_000, 'use', 'fetch'],

  // An outage after the set loaded: one attempt per cooldown from the START of the last,
  // the stale set meanwhile, until expiry + staleIfError; no cold-start backoff.
  ['outage: refresh failed at E, 1 ms later → stale', outage(), E + 1, 'use', 'stale'],
  ['outage: 1 s after the failure → still stale (no backoff once loaded)', outage(), E + 6_000, 'use', 'stale'],
  ['outage: cooldown from the start of the attempt, 29 999 ms → stale', outage(), E + 29_999, 'use', 'stale'],
  ['outage: 30 s after the start (25 s after its end) → fetch', outage(), E + 30_000, 'use', 'fetch'],
  ['outage: a request in flight → wait', outage(E, { inflight: INFLIGHT }), E + 1, 'use', 'wait'],
  ['outage: last moment of staleIfError → stale', outage(E + STALE - 10_000), E + STALE - 1, 'use', 'stale'],
  ['outage: staleIfError over, within the cooldown → fail', outage(E + STALE - 10_000), E + STALE, 'use', 'fail'],
  ['outage: staleIfError over, cooldown over → fetch', outage(E + STALE - 10_000), E + STALE + 20_000, 'use', 'fetch'],
  ['outage: staleIfError 0 → fail at once', outage(), E + 1, 'use', 'fail', { cooldown: COOLDOWN, staleIfError: 0 }],

  // An unknown kid: one refetch per cooldown from the start of the last attempt; missing
  // while the last refresh failed, the set is not trusted to be complete.
  ['kid: within the cooldown of the last fetch → use (ERR_JWKS_NO_MATCHING_KEY)', loaded({ started: 10_000 }), 39_999, 'kid', 'use'],
  ['kid: cooldown over → fetch', loaded({ started: 10_000 }), 40_000, 'kid', 'fetch'],
  ['kid: right after the first fetch → use', loaded(), 0, 'kid', 'use'],
  ['kid: a request in flight → wait', loaded({ started: 10_000, inflight: INFLIGHT }), 11_000, 'kid', 'wait'],
  ['kid: the last refresh failed, within the cooldown → fail (ERR_JWKS_FETCH_FAILED)', loaded({ error: ERR, failures: 1, started: 30_000 }), 59_999, 'kid', 'fail'],
  ['kid: the last refresh failed, cooldown over → fetch', loaded({ error: ERR, failures: 1, started: 30_000 }), 60_000, 'kid', 'fetch'],
  ['kid: served stale through an outage, within the cooldown → fail', outage(), E + 1, 'kid', 'fail'],

  // reload(): ignores every cooldown, joins a request in flight.
  ['reload: fresh → fetch', loaded(), 1, 'reload', 'fetch'],
  ['reload: within the cooldown after a failure → fetch', outage(), E + 1, 'reload', 'fetch'],
  ['reload: cold, within the backoff → fetch', cold(3), 1, 'reload', 'fetch'],
  ['reload: a request in flight → wait', loaded({ inflight: INFLIGHT }), 1, 'reload', 'wait'],

  // settled: what a caller does once the attempt it made or joined ended; never a second fetch.
  ['settled: success → use', loaded(), 1, 'settled', 'use'],
  ['settled: success with a zero lifetime → use (once, no loop)', loaded({ expiresAt: 1 }), 1, 'settled', 'use'],
  ['settled: a failed refresh of a fresh set → use', loaded({ error: ERR, failures: 1 }), 1, 'settled', 'use'],
  ['settled: a failed refresh, expired, within staleIfError → stale', outage(), E + 5_000, 'settled', 'stale'],
  ['settled: a failed refresh past staleIfError → fail', outage(E + STALE), E + STALE + 5_000, 'settled', 'fail'],
  ['settled: cold failure → fail', cold(1), 5_000, 'settled', 'fail'],
  ['settled: cold failure, cooldown 0 → fail (no loop)', cold(1), 5_000, 'settled', 'fail', { cooldown: 0, staleIfError: STALE }],
  ['settled: another request already in flight → decided on the outcome', outage(E, { inflight: INFLIGHT }), E + 1, 'settled', 'stale'],
]

describe('decide(state, now, trigger)', () => {
  it.each(rows)('%s', (_label, state, now, trigger, expected, t = timing) => {
    const before = JSON.stringify(state)
    expect(decide(state, now, trigger, t)).toBe(expected)
    expect(JSON.stringify(state), 'decide never changes the state').toBe(before)
  })

  it('every decision and trigger is covered by the table', () => {
    expect(new Set(rows.map((r) => r[4]))).toEqual(new Set(['use', 'fetch', 'wait', 'stale', 'fail']))
    expect(new Set(rows.map((r) => r[3]))).toEqual(new Set(['use', 'kid', 'reload', 'settled']))
  })
})

describe('retryAt: when the next attempt may start after a failure', () => {
  it.each([
    ['cold, 1 failure ended at 5 s', cold(1, 0, 5_000), 6_000],
    ['cold, 2 failures', cold(2, 0, 5_000), 7_000],
    ['cold, 4 failures', cold(4, 0, 5_000), 13_000],
    ['cold, 10 failures: the cooldown', cold(10, 0, 5_000), 35_000],
    ['loaded: the cooldown from the start of the last attempt', outage(E), E + COOLDOWN],
  ] as const)('%s', (_label, state, at) => {
    expect(retryAt(state, timing)).toBe(at)
  })
})

describe('load', () => {
  it('keeps the objects of unchanged keys (their imports stay cached) and takes the new ones', () => {
    const s = initialState()
    const a: Jwk = { kty: 'EC', kid: 'a', x: '1' }
    load(s, [a], '"v1"', 60_000)
    expect(s).toMatchObject({ keys: [a], etag: '"v1"', expiresAt: 60_000 })
    const aAgain: Jwk = { kty: 'EC', kid: 'a', x: '1' }
    const b: Jwk = { kty: 'EC', kid: 'b', x: '2' }
    load(s, [aAgain, b], undefined, 120_000)
    expect(s.keys![0]).toBe(a)
    expect(s.keys![1]).toBe(b)
    expect(s.etag).toBeUndefined()
    // A 304 (no keys) renews the lifetime and keeps the set.
    load(s, undefined, '"v2"', 180_000)
    expect(s.keys).toEqual([a, b])
    expect(s).toMatchObject({ etag: '"v2"', expiresAt: 180_000 })
  })
})
