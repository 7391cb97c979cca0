/**
 * Redis adapters (API.md, Shared stores): the caller's client, taken by its shape, never a
 * dependency. node-redis and ioredis get raw commands (no option objects whose spelling
 * differs between client versions and is silently ignored when wrong); @upstash/redis, which
 * speaks HTTP and has no raw call, its documented lowercase `{ nx, pxat }`.
 */
import type { JwksCacheStore, ReplayStore } from 'isojwt'
import { expiresAtOf, guarded, has, invalid, prefixOf, unavailable, untilMs } from './common.ts'

/**
 * A Redis client the adapters accept: node-redis 4+ (`sendCommand`), ioredis (`call`) or
 * @upstash/redis (`set` and `get`). Anything else is refused at creation.
 *
 * @example
 * ```ts
 * import type { RedisLike } from 'isojwt/stores'
 * import { createClient } from 'redis'
 * const client: RedisLike = createClient({ url: 'redis://127.0.0.1:6379' })
 * ```
 */
export type RedisLike =
  | { sendCommand(args: string[]): Promise<unknown> }
  | { call(command: string, ...args: string[]): Promise<unknown> }
  | { set(key: string, value: string, options: { nx: true; pxat: number } | { pxat: number }): Promise<unknown>; get(key: string): Promise<unknown> }

/** The three commands the adapters send, whatever the client. */
interface Commands {
  /** SET key 1 PXAT at NX: 'OK' when set, null when the key was there. */
  setNx(key: string, at: number): Promise<unknown>
  get(key: string): Promise<unknown>
  set(key: string, value: string, at: number): Promise<unknown>
}

const raw = (send: (args: string[]) => Promise<unknown>): Commands => ({
  // PXAT (Redis ≥ 6.2): an absolute expiry, so a slow round trip cannot stretch it.
  setNx: (key, at) => send(['SET', key, '1', 'PXAT', String(at), 'NX']),
  get: (key) => send(['GET', key]),
  set: (key, value, at) => send(['SET', key, value, 'PXAT', String(at)]),
})

function commands(client: unknown): Commands {
  // ioredis has a `sendCommand` too (taking a Command object): `call` is checked first.
  if (has(client, 'call')) {
    const c = client as { call(...args: string[]): Promise<unknown> }
    return raw((args) => c.call(...args))
  }
  if (has(client, 'sendCommand')) {
    const c = client as { sendCommand(args: string[]): Promise<unknown> }
    return raw((args) => c.sendCommand(args))
  }
  if (has(client, 'set') && has(client, 'get')) {
    const c = client as { set(k: string, v: string, o: object): Promise<unknown>; get(k: string): Promise<unknown> }
    return {
      setNx: (key, at) => c.set(key, '1', { nx: true, pxat: at }),
      get: (key) => c.get(key),
      set: (key, value, at) => c.set(key, value, { pxat: at }),
    }
  }
  return invalid('the Redis client must be node-redis (sendCommand), ioredis (call) or @upstash/redis (set, get)')
}

/**
 * A replay store on Redis: `SET prefix+jti 1 PXAT until NX`, atomic across every process
 * sharing the server (Redis ≥ 6.2). The reply must be exactly 'OK' (recorded: true) or
 * null (already there: false); an error or any other reply is ERR_STORE_UNAVAILABLE, so
 * the verification fails closed. Give the client a short command timeout and no offline
 * queue (docs/stores.md) so that an outage fails fast instead of holding requests.
 *
 * @example
 * ```ts
 * import { verifyClientAssertion, type Jwk } from 'isojwt'
 * import { redisReplayStore } from 'isojwt/stores'
 * import { createClient } from 'redis'
 * declare const assertion: string, clientPublicJwk: Jwk
 * const client = await createClient({ url: 'redis://127.0.0.1:6379', disableOfflineQueue: true }).connect()
 * const replayStore = redisReplayStore(client)
 * await verifyClientAssertion(assertion, clientPublicJwk, { clientId: 'my-app', audience: 'https://as.example', replayStore })
 * ```
 */
export function redisReplayStore(client: RedisLike, options?: { prefix?: string }): ReplayStore {
  const cmd = commands(client)
  const prefix = prefixOf(options, 'isojwt:jti:')
  return {
    async add(jti, until) {
      if (typeof jti !== 'string') invalid('jti must be a string')
      const at = untilMs(until)
      const reply = await guarded('the Redis replay store', () => cmd.setNx(prefix + jti, at))
      if (reply === 'OK') return true
      if (reply === null) return false
      return unavailable('the Redis replay store answered neither OK nor null (a client or proxy that rewrites SET NX?)')
    },
  }
}

/**
 * A remote key set's `cacheStore` on Redis: the entry as JSON under `prefix+url`, expiring
 * when the entry does (PXAT). A trust boundary: whoever can write these keys can make
 * this service accept their tokens (docs/stores.md).
 *
 * @example
 * ```ts
 * import { createRemoteJwks } from 'isojwt'
 * import { redisCacheStore } from 'isojwt/stores'
 * import { Redis } from 'ioredis'
 * const client = new Redis('redis://127.0.0.1:6379', { enableOfflineQueue: false, maxRetriesPerRequest: 0 })
 * const jwks = createRemoteJwks('https://id.example/.well-known/jwks.json', { cacheStore: redisCacheStore(client) })
 * ```
 */
export function redisCacheStore(client: RedisLike, options?: { prefix?: string }): JwksCacheStore {
  const cmd = commands(client)
  const prefix = prefixOf(options, 'isojwt:jwks:')
  return {
    async get(url) {
      const value = await guarded('the Redis cache store', () => cmd.get(prefix + url))
      return value ?? undefined
    },
    async set(url, entry) {
      const at = expiresAtOf(entry)
      if (at !== undefined) await guarded('the Redis cache store', () => cmd.set(prefix + url, JSON.stringify(entry), at))
    },
  }
}
