/**
 * The WebCrypto backend: signs and verifies with an already validated CryptoKey.
 * Everything that decides validity (key checks, policy, signature lengths) lives above
 * the backends, in the shared layers; `src/backend/index.ts` names the backend a build
 * uses (the node build swaps it for `node.ts`, see tsup.config.ts).
 */
import type { AlgEntry } from '../jwa/registry.ts'

export const BACKEND = 'webcrypto'

/**
 * Byte codecs a backend may supply (API.md) for work the shared layer has already
 * checked: none here, the shared JavaScript ones serve. (Decoding stays in the shared
 * strict decoder: a native one measured no faster on token-sized segments.)
 */
export interface BackendCodecs {
  base64urlEncode?: (b: Uint8Array) => string
  /** A string known to be ASCII → its bytes. */
  ascii?: (s: string) => Uint8Array
}
export const codecs: BackendCodecs = {}

export async function backendSign(entry: AlgEntry, key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(entry.signParams as unknown as Algorithm, key, data as BufferSource))
}

export function backendVerify(entry: AlgEntry, key: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  return crypto.subtle.verify(entry.signParams as unknown as Algorithm, key, signature as BufferSource, data as BufferSource)
}
