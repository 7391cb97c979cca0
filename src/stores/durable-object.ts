/**
 * Cloudflare Durable Objects as a replay store. One object processes its requests one at a
 * time, and while it awaits its own storage no other request is delivered to it (the
 * input gate), so a read then a write of one key in `ReplayStoreObject` is atomic. The jtis
 * are spread over `shards` objects by a hash of the jti: one global object would serialise
 * every verification of the service through one thread in one location.
 */
import type { ReplayStore } from 'isojwt'
import { digest, guarded, has, invalid, optionsOf, unavailable, untilMs } from './common.ts'

/**
 * A Durable Object namespace binding (the part the adapter uses).
 *
 * @example
 * ```ts
 * import type { DurableObjectNamespaceLike } from 'isojwt/stores'
 * declare const env: { REPLAY: DurableObjectNamespaceLike }
 * const stub = env.REPLAY.get(env.REPLAY.idFromName('isojwt-replay-0'))
 * ```
 */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown
  get(id: never): { fetch(url: string, init: { method: string; body: string }): Promise<{ status: number; text(): Promise<string> }> }
}

/**
 * The part of a Durable Object's `state` that `ReplayStoreObject` uses.
 *
 * @example
 * ```ts
 * import type { DurableObjectStateLike } from 'isojwt/stores'
 * declare const state: DurableObjectStateLike
 * await state.storage.put('k', Date.now() + 60_000)
 * ```
 */
export interface DurableObjectStateLike {
  storage: {
    get(key: string): Promise<unknown>
    put(key: string, value: number): Promise<void>
    delete(keys: string[]): Promise<number>
    list(options?: { limit?: number }): Promise<Map<string, unknown>>
    getAlarm(): Promise<number | null>
    setAlarm(at: number): Promise<void>
  }
}

const MAX_SHARDS = 1024
const LIST_LIMIT = 10_000
const ADDED = 'added'
const SEEN = 'seen'

/**
 * A replay store on Durable Objects: the jti's SHA-256 picks one of `shards` objects
 * (default 16, named `isojwt-replay-<n>`), which records it atomically until `until`.
 * Bind `ReplayStoreObject` as the namespace's class.
 *
 * @example
 * ```ts
 * import { verifyDpopProof } from 'isojwt'
 * import { durableObjectReplayStore, type DurableObjectNamespaceLike } from 'isojwt/stores'
 * export { ReplayStoreObject } from 'isojwt/stores'   // wrangler: durable_objects binding REPLAY, class_name ReplayStoreObject
 * export default {
 *   async fetch(request: Request, env: { REPLAY: DurableObjectNamespaceLike }): Promise<Response> {
 *     const replayStore = durableObjectReplayStore(env.REPLAY)
 *     await verifyDpopProof(request.headers.get('dpop') ?? '', { htm: request.method, htu: request.url, replayStore })
 *     return new Response('ok')
 *   },
 * }
 * ```
 */
export function durableObjectReplayStore(namespace: DurableObjectNamespaceLike, options?: { shards?: number }): ReplayStore {
  if (!has(namespace, 'idFromName') || !has(namespace, 'get')) invalid('the Durable Object namespace must have idFromName and get')
  const shards = optionsOf(options).shards ?? 16
  if (!Number.isInteger(shards) || (shards as number) < 1 || (shards as number) > MAX_SHARDS) invalid(`options.shards must be an integer from 1 to ${MAX_SHARDS}`)
  return {
    async add(jti, until) {
      if (typeof jti !== 'string') invalid('jti must be a string')
      const at = untilMs(until)
      const { bytes, b64 } = await digest(jti)
      const shard = new DataView(bytes.buffer).getUint32(0) % (shards as number)
      const body = JSON.stringify({ key: b64, until: at })
      const answer = await guarded('the Durable Object replay store', async () => {
        const stub = namespace.get(namespace.idFromName(`isojwt-replay-${shard}`) as never)
        const r = await stub.fetch('https://isojwt-replay-store/add', { method: 'POST', body })
        return r.status === 200 ? r.text() : `status ${r.status}`
      })
      if (answer === ADDED) return true
      if (answer === SEEN) return false
      return unavailable('the Durable Object replay store answered neither added nor seen')
    },
  }
}

/** Reads `{ key, until }` as `durableObjectReplayStore` sends it; undefined for anything else. */
async function readAdd(request: Request): Promise<{ key: string; until: number } | undefined> {
  try {
    const b = await request.json() as { key?: unknown; until?: unknown }
    if (typeof b.key === 'string' && b.key.length <= 64 && Number.isSafeInteger(b.until)) return { key: b.key, until: b.until as number }
  } catch {
    // not JSON: a 400 below
  }
  return undefined
}

/**
 * The Durable Object class behind `durableObjectReplayStore`: export it from your Worker
 * and bind it. Entries are removed lazily (an expired one counts as absent) and by an
 * alarm at the earliest `until` it knows of.
 *
 * @example
 * ```ts
 * // wrangler.toml:
 * // [[durable_objects.bindings]]  name = "REPLAY", class_name = "ReplayStoreObject"
 * // [[migrations]]  tag = "v1", new_sqlite_classes = ["ReplayStoreObject"]
 * export { ReplayStoreObject } from 'isojwt/stores'
 * ```
 */
export class ReplayStoreObject {
  readonly #state: DurableObjectStateLike

  constructor(state: DurableObjectStateLike, _env?: unknown) {
    this.#state = state
  }

  /** POST `{ key, until }`: 'added' when the key was absent or expired, else 'seen'. */
  async fetch(request: Request): Promise<Response> {
    const add = request.method === 'POST' ? await readAdd(request) : undefined
    if (!add) return new Response('bad request', { status: 400 })
    const storage = this.#state.storage
    // Only storage calls between the read and the write: the input gate keeps other
    // requests out, so no second request can read the key before this one wrote it.
    const held = await storage.get(add.key)
    if (typeof held === 'number' && held > Date.now()) return new Response(SEEN)
    await storage.put(add.key, add.until)
    const alarm = await storage.getAlarm()
    if (alarm === null || alarm > add.until) await storage.setAlarm(add.until)
    return new Response(ADDED)
  }

  /** Deletes the expired entries (a batch at a time) and sets the next alarm. */
  async alarm(): Promise<void> {
    const storage = this.#state.storage
    const now = Date.now()
    const expired: string[] = []
    let next = Infinity
    const listed = await storage.list({ limit: LIST_LIMIT })
    for (const [key, until] of listed) {
      if (typeof until !== 'number' || until <= now) expired.push(key)
      else next = Math.min(next, until)
    }
    for (let i = 0; i < expired.length; i += 128) await storage.delete(expired.slice(i, i + 128))
    // A full page may hide more entries: look again soon.
    if (listed.size >= LIST_LIMIT) next = Math.min(next, now + 1000)
    if (next !== Infinity) await storage.setAlarm(next)
  }
}
