/**
 * The WebCrypto backend: imports key material the shared layer has parsed and checked,
 * and signs and verifies with the CryptoKeys. Everything that decides validity (key
 * checks, policy, signature lengths) lives above the backends, in the shared layers;
 * `src/backend/index.ts` names the backend a build uses (the node build swaps it for
 * `node.ts`, see tsup.config.ts). ARCHITECTURE.md, The backend seam, lists what a backend exports.
 */
import { utf8 } from '../encoding/utf8.ts'
import type { AlgEntry } from '../jwa/registry.ts'

export const BACKEND = 'webcrypto'

/**
 * What gets signed: bytes, or a string the shared layer built from base64url segments
 * (a JWS signing input, RFC 7515 §5.1), hence ASCII, whose bytes are its char codes.
 */
export type SigningData = Uint8Array | string

/** Key material, parsed and checked by src/keys/: JWK key members only, DER (SPKI, PKCS#8) or secret bytes. */
export type KeyForm = 'jwk' | 'spki' | 'pkcs8' | 'raw'
export type KeyMaterial = Readonly<Record<string, string>> | Uint8Array

/** A signature to check: its bytes (possibly decoded on first use), and its canonical base64url text when it came in a token. */
export interface SignatureInput {
  readonly signature: Uint8Array
  readonly signatureSegment?: string
}

/**
 * A backend's synchronous path, the one place the core takes an answer without a promise
 * (ARCHITECTURE.md, The backend seam): the signature as base64url text, or the verdict,
 * for a key this backend made; undefined for any other key (or a key's promise), which
 * then goes the awaited way. None here: WebCrypto answers only with promises.
 */
export interface BackendNow {
  sign(entry: AlgEntry, key: CryptoKey, data: SigningData): string | undefined
  verify(entry: AlgEntry, key: CryptoKey, sig: SignatureInput, data: SigningData): boolean | undefined
}
export const backendNow: BackendNow | undefined = undefined

/** A CryptoKey for `entry` (its import parameters) from checked material. */
export function backendImport(form: KeyForm, material: KeyMaterial, entry: AlgEntry, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey> {
  // One call for every form (typed as the binary overload: a JWK goes the same way).
  return crypto.subtle.importKey(form as 'raw', (form === 'jwk' ? { ...material, ext: true } : material) as BufferSource,
    entry.importParams as unknown as Algorithm, extractable, usages)
}

/** A key pair for `entry`; `params` are its WebCrypto generation parameters (RSA: modulus length, exponent). */
export function backendGenerate(entry: AlgEntry, params: Readonly<Record<string, unknown>>, extractable: boolean): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(params as unknown as Algorithm, extractable, ['sign', 'verify']) as Promise<CryptoKeyPair>
}

const bytesOf = (data: SigningData): BufferSource => (typeof data === 'string' ? utf8(data) : data) as BufferSource

export async function backendSign(entry: AlgEntry, key: CryptoKey, data: SigningData): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(entry.signParams as unknown as Algorithm, key, bytesOf(data)))
}

export function backendVerify(entry: AlgEntry, key: CryptoKey, sig: SignatureInput, data: SigningData): Promise<boolean> {
  return crypto.subtle.verify(entry.signParams as unknown as Algorithm, key, sig.signature as BufferSource, bytesOf(data))
}
