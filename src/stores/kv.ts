/**
 * Cloudflare Workers KV as a key-set cache only. KV is eventually consistent (a write may
 * take 60 s or more to reach other locations, and two concurrent writes both "succeed"):
 * it can share a fetched key set between isolates, but it cannot refuse a second use of a
 * `jti`, so it is never offered as a replay store (docs/stores.md).
 */
import type { JwksCacheStore } from 'isojwt'
import { digest, expiresAtOf, guarded, has, invalid, prefixOf } from './common.ts'

/**
 * A Workers KV namespace binding (the part the adapter uses).
 *
 * @example
 * ```ts
 * import type { KVNamespaceLike } from 'isojwt/stores'
 * declare const env: { JWKS_CACHE: KVNamespaceLike }
 * const cached = await env.JWKS_CACHE.get('isojwt:jwks:…', 'text')
 * ```
 */
export interface KVNamespaceLike {
  get(key: string, type: 'text'): Promise<string | null>
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>
}

/** KV refuses an expirationTtl under 60 s. */
const MIN_TTL_S = 60

/**
 * A remote key set's `cacheStore` on Workers KV: the entry as JSON under `prefix` +
 * SHA-256(url) (KV keys are at most 512 bytes), expiring with the entry (at least 60 s,
 * KV's minimum; the key set clamps what it reads by `maxTtl` anyway). A trust boundary.
 *
 * @example
 * ```ts
 * import { createRemoteJwks } from 'isojwt'
 * import { kvCacheStore, type KVNamespaceLike } from 'isojwt/stores'
 * declare const env: { JWKS_CACHE: KVNamespaceLike }
 * const jwks = createRemoteJwks('https://id.example/.well-known/jwks.json', { cacheStore: kvCacheStore(env.JWKS_CACHE) })
 * ```
 */
export function kvCacheStore(namespace: KVNamespaceLike, options?: { prefix?: string }): JwksCacheStore {
  if (!has(namespace, 'get') || !has(namespace, 'put')) invalid('the KV namespace must have get and put')
  const prefix = prefixOf(options, 'isojwt:jwks:')
  const key = async (url: string): Promise<string> => prefix + (await digest(url)).b64
  return {
    async get(url) {
      const k = await key(url)
      return (await guarded('the KV cache store', () => namespace.get(k, 'text'))) ?? undefined
    },
    async set(url, entry) {
      const at = expiresAtOf(entry)
      if (at === undefined) return
      const k = await key(url)
      const expirationTtl = Math.max(MIN_TTL_S, Math.ceil((at - Date.now()) / 1000))
      await guarded('the KV cache store', () => namespace.put(k, JSON.stringify(entry), { expirationTtl }))
    },
  }
}
