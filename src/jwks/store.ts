/**
 * A remote set's `cacheStore` (API.md, Shared stores): an optimisation shared between
 * processes or isolates, and a trust boundary. Entries are plain JSON, checked like a
 * fresh response when read back, for the same URL only, and never trusted longer than
 * `maxTtl`. A store that fails, throws or hangs is skipped: the set uses the network.
 */
import { isPlainObject, type JsonObject } from '../jose/json.ts'
import type { Config } from './config.ts'
import { noop, within } from './fetch.ts'
import { readJwks } from './select.ts'
import { load, type RemoteState } from './state.ts'
import type { JwksCacheStore } from './types.ts'

/** For readers that must not be trusted with a reason: any refusal just skips the entry. */
export const reject = (): never => {
  throw 0
}

/**
 * What `adopt` makes of the entry a `cacheStore` holds under `url` (plain data with that
 * `url` and a numeric `expiresAt`), or undefined. A store that fails, throws, holds junk or
 * never answers (a disconnected Redis client queueing commands: it counts as empty after
 * `timeoutMs`, so it cannot hold every verification) is skipped, and so is an entry `adopt`
 * refuses by throwing. Key sets and `discover` read through here.
 */
export async function readEntry<T>(store: JwksCacheStore, url: string, timeoutMs: number, adopt: (entry: JsonObject & { expiresAt: number }) => T): Promise<T | undefined> {
  try {
    let raw = await within<unknown>(store.get(url), timeoutMs, noop)
    if (typeof raw === 'string') raw = JSON.parse(raw)
    return isPlainObject(raw) && raw.url === url && typeof raw.expiresAt === 'number' ? adopt(raw as JsonObject & { expiresAt: number }) : undefined
  } catch {
    return undefined
  }
}

/**
 * Writes `entry` (through JSON: plain data, no undefined members) under its `url`. Not
 * awaited: a store that hangs or fails must not delay or fail a verification whose answer
 * is already in memory.
 */
export function writeEntry(store: JwksCacheStore, entry: { url: string; expiresAt: number; [member: string]: unknown }): void {
  try {
    Promise.resolve(store.set(entry.url, JSON.parse(JSON.stringify(entry)))).catch(noop)
  } catch {
    // a synchronous throw from the store: ignored likewise
  }
}

/** Adopts an entry newer than the held set; true when it is still fresh at `t` (false or undefined: fetch). */
export async function fromStore(r: Config & RemoteState, t: number): Promise<boolean | undefined> {
  return readEntry(r.store!, r.url, r.timeoutMs, (raw) => {
    if (raw.expiresAt <= r.expiresAt) return false
    // An entry is trusted no longer than a fresh response could be.
    load(r, readJwks({ keys: raw.keys }, r.maxKeys, reject), typeof raw.etag === 'string' ? raw.etag : undefined, Math.min(raw.expiresAt, t + r.maxTtl))
    return t < r.expiresAt
  })
}

/** A key set's entry: its URL, keys, ETag and when it stops being fresh. */
export function toStore(r: Config & RemoteState): void {
  writeEntry(r.store!, { url: r.url, keys: r.keys, etag: r.etag, expiresAt: r.expiresAt })
}
