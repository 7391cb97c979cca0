/**
 * The WebCrypto backend: signs and verifies with an already validated CryptoKey.
 * Everything that decides validity (key checks, policy, signature lengths) lives above
 * the backends, in the shared layers; `src/backend/index.ts` names the backend a build
 * uses (the node build swaps it for `node.ts`, see tsup.config.ts).
 */
import type { AlgEntry } from '../jwa/registry.ts'

export const BACKEND = 'webcrypto'

export async function backendSign(entry: AlgEntry, key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(entry.signParams as unknown as Algorithm, key, data as BufferSource))
}

export function backendVerify(entry: AlgEntry, key: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  return crypto.subtle.verify(entry.signParams as unknown as Algorithm, key, signature as BufferSource, data as BufferSource)
}
