/**
 * A remote set's `cacheStore` (API.md, Shared stores): an optimisation shared between
 * processes or isolates, and a trust boundary. Entries are plain JSON, checked like a
 * fresh response when read back, for the same URL only, and never trusted longer than
 * `maxTtl`. A store that fails, throws or hangs is skipped: the set uses the network.
 */
import { isPlainObject } from '../jose/json.ts'
import type { Jwk } from '../types.ts'
import type { Config } from './config.ts'
import { within } from './fetch.ts'
import { readJwks } from './select.ts'
import { load, type RemoteState } from './state.ts'

/** What a cacheStore holds. */
interface StoreEntry { url: string; keys: Jwk[]; etag?: string; expiresAt: number }

const reject = (): never => {
  throw 0
}

/** Adopts an entry newer than the held set; true when it is still fresh at `t`. */
export async function fromStore(c: Config, s: RemoteState, t: number): Promise<boolean> {
  try {
    // A store that never answers (a disconnected Redis client queueing commands) counts
    // as empty after the fetch timeout: it must not hold every verification.
    let raw = await within(c.store!.get(c.url), c.timeoutMs, () => undefined)
    if (typeof raw === 'string') raw = JSON.parse(raw)
    if (!isPlainObject(raw) || raw.url !== c.url || typeof raw.expiresAt !== 'number' || raw.expiresAt <= s.expiresAt) return false
    const keys = readJwks({ keys: raw.keys }, c.maxKeys, reject)
    // An entry is trusted no longer than a fresh response could be.
    load(s, keys, typeof raw.etag === 'string' ? raw.etag : undefined, Math.min(raw.expiresAt, t + c.maxTtl))
    return t < s.expiresAt
  } catch {
    return false
  }
}

/**
 * Not awaited: a store that hangs or fails must not delay or fail a verification whose
 * set is already in memory.
 */
export function toStore(c: Config, s: RemoteState): void {
  // Through JSON: plain data, and no `etag` member when there is none.
  const entry: StoreEntry = JSON.parse(JSON.stringify({ url: c.url, keys: s.keys, etag: s.etag, expiresAt: s.expiresAt }))
  try {
    Promise.resolve(c.store!.set(c.url, entry)).catch(() => {})
  } catch {
    // a synchronous throw from the store: ignored likewise
  }
}
