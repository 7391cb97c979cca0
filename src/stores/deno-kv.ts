/**
 * Deno KV as a replay store: an atomic operation that commits only when the key's
 * versionstamp is still what was read (null: absent), so one writer wins across every
 * process sharing the database (Deno Deploy, or a shared file or KV Connect server).
 */
import type { ReplayStore } from 'isojwt'
import { digest, guarded, has, invalid, prefixOf, unavailable, untilMs } from './common.ts'

/**
 * The part of `Deno.Kv` the adapter uses (`await Deno.openKv()`).
 *
 * @example
 * ```ts
 * import type { DenoKvLike } from 'isojwt/stores'
 * declare const kv: DenoKvLike
 * const entry = await kv.get(['isojwt:jti:', 'abc'])
 * ```
 */
export interface DenoKvLike {
  get(key: readonly unknown[]): Promise<{ value: unknown; versionstamp: string | null }>
  atomic(): DenoKvAtomicLike
}

/**
 * The part of `Deno.AtomicOperation` the adapter uses.
 *
 * @example
 * ```ts
 * import type { DenoKvLike } from 'isojwt/stores'
 * declare const kv: DenoKvLike
 * const r = await kv.atomic().check({ key: ['k'], versionstamp: null }).set(['k'], 1, { expireIn: 60_000 }).commit()
 * ```
 */
export interface DenoKvAtomicLike {
  check(...checks: { key: readonly unknown[]; versionstamp: string | null }[]): DenoKvAtomicLike
  set(key: readonly unknown[], value: unknown, options?: { expireIn?: number }): DenoKvAtomicLike
  commit(): Promise<{ ok: boolean }>
}

/**
 * A replay store on Deno KV. The key is `[prefix, SHA-256(jti)]` (Deno KV keys are at most
 * 2 KiB), the value `until`, with `expireIn` so that Deno deletes it after `until`. Deno
 * deletes expired keys late, never early: an expired key still there is read, seen to be
 * past its `until`, and replaced under the same versionstamp check.
 *
 * @example
 * ```ts
 * import { verifyDpopProof } from 'isojwt'
 * import { denoKvReplayStore, type DenoKvLike } from 'isojwt/stores'
 * declare const kv: DenoKvLike, proof: string   // const kv = await Deno.openKv()
 * await verifyDpopProof(proof, { htm: 'POST', htu: 'https://as.example/token', replayStore: denoKvReplayStore(kv) })
 * ```
 */
export function denoKvReplayStore(kv: DenoKvLike, options?: { prefix?: string }): ReplayStore {
  if (!has(kv, 'get') || !has(kv, 'atomic')) invalid('the Deno KV store must have get and atomic')
  const prefix = prefixOf(options, 'isojwt:jti:')
  return {
    async add(jti, until) {
      if (typeof jti !== 'string') invalid('jti must be a string')
      const at = untilMs(until)
      const key = [prefix, (await digest(jti)).b64]
      return guarded('the Deno KV replay store', async () => {
        const held = await kv.get(key)
        if (typeof held.value === 'number' && held.value > Date.now()) return false
        const r = await kv.atomic().check({ key, versionstamp: held.versionstamp })
          .set(key, at, { expireIn: Math.max(1, at - Date.now()) }).commit()
        if (r?.ok === true) return true
        // Another writer changed the key since it was read: it recorded this jti first.
        if (r?.ok === false) return false
        return unavailable('Deno KV answered a commit without a boolean ok')
      })
    },
  }
}
