/**
 * isojwt/stores (API.md, Shared stores): replay and key-set stores on Redis, Workers KV,
 * Durable Objects and Deno KV. A top layer: it reaches the core only through the package
 * root, `isojwt`, so that the built entry shares the application's one copy of it.
 */
export { redisReplayStore, redisCacheStore, type RedisLike } from './redis.ts'
export { kvCacheStore, type KVNamespaceLike } from './kv.ts'
export { durableObjectReplayStore, ReplayStoreObject, type DurableObjectNamespaceLike, type DurableObjectStateLike } from './durable-object.ts'
export { denoKvReplayStore, type DenoKvLike, type DenoKvAtomicLike } from './deno-kv.ts'
