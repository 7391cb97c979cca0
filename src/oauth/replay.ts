/**
 * Replay stores for DPoP proofs (RFC 9449 §11.1): the caller's atomic `add(jti, until)`
 * (the `ReplayStore` of client assertions), or a bounded in-memory one for one instance.
 */
import { fail, isJoseError, scrub, type JoseErrorDetails } from '../errors.ts'
import { epochSeconds } from '../jose/time.ts'
import type { Now } from '../types.ts'
import type { ReplayStore } from './types.ts'

/**
 * An in-memory store for one process. It never drops an entry before its `until`: a
 * full store refuses (`ERR_STORE_UNAVAILABLE`, a 503 at a resource server) rather than
 * reopen a replay window. `add` runs to completion at once, so it is atomic.
 */
export function memoryReplayStore(max = 10_000, now?: Now): ReplayStore {
  const seen = new Map<string, number>()
  return {
    add(key, until) {
      const t = epochSeconds(now) * 1000
      const held = seen.get(key)
      if (held !== undefined && held > t) return false
      if (held === undefined && seen.size >= max) {
        for (const [k, u] of seen) if (u <= t) seen.delete(k)
        if (seen.size >= max) fail('ERR_STORE_UNAVAILABLE', 'the in-memory replay store is full')
      }
      seen.set(key, until.getTime())
      return true
    },
  }
}

/**
 * Records `key` once; false when it was there already. A store that throws or answers
 * anything but a boolean fails closed: `ERR_STORE_UNAVAILABLE`, never an accepted replay.
 */
export async function addOnce(store: ReplayStore, key: string, until: Date, details?: JoseErrorDetails): Promise<boolean> {
  let added: unknown
  try {
    added = await store.add(key, until)
  } catch (e) {
    if (isJoseError(e) && e.code === 'ERR_STORE_UNAVAILABLE') throw e
    fail('ERR_STORE_UNAVAILABLE', 'the replay store failed', { ...details, cause: scrub(e, 'replay store failure') })
  }
  if (typeof added !== 'boolean') fail('ERR_STORE_UNAVAILABLE', 'the replay store answered something other than true or false', details)
  return added
}
