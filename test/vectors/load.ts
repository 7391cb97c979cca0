/**
 * Test-side helpers for the standard vectors: where the files are, their shapes, byte
 * codecs and an independent `node:crypto` oracle. The only library import is `isJoseError`
 * (to classify failures): expectations never go through isojwt's own codecs or crypto, so
 * a bug there cannot hide a bug in the expectations.
 *
 * The vectors are committed in `test/vectors/data/`; README.md beside this file gives each
 * file's source (RFC section or upstream commit), license and known quirks.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto'
import { isJoseError, type JoseError } from '../../src/index.ts'
import type { Alg, Jwk } from '../../src/types.ts'
import { b64u, fromB64u } from '../support/base64url.ts'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const vectorsDir = path.join(repoRoot, 'test/vectors/data')

/** Parse a JSON file under test/vectors/data/. */
export function readVectors<T>(relative: string): T {
  return JSON.parse(readFileSync(path.join(vectorsDir, relative), 'utf8')) as T
}

// ---------------------------------------------------------------------------------------
// Shapes of the files (README.md, "Schema of the transcribed files" / "copied files")

/** One entry of an `rfc*.json` file (schema "jose-rfc-examples/1"); fields vary per entry. */
export interface RfcExample {
  id: string
  title: string
  alg?: string
  jwk?: Jwk | null
  jwk_public?: Jwk | null
  protected_header?: string
  protected_header_b64u?: string
  payload?: string
  payload_b64u?: string | null
  signing_input?: string
  signature_b64u?: string
  compact?: string | null
  compact_detached?: string
  json?: Record<string, unknown>
  json_serialization?: 'general' | 'flattened'
  keys?: { kid: string; alg: string; jwk: Jwk; jwk_public: Jwk }[]
  claims?: Record<string, unknown>
  deterministic_signature?: boolean | null
  expected?: 'valid' | 'unsecured'
  b64?: boolean
  thumbprint_b64u?: string
  canonical_json?: string
  hash?: string
}

export interface RfcFile {
  source: string
  examples: RfcExample[]
}

export function rfcFile(name: string): RfcFile {
  return readVectors<RfcFile>(name)
}

export function rfcExample(file: RfcFile, id: string): RfcExample {
  const found = file.examples.find((e) => e.id === id)
  if (!found) throw new Error(`no example ${id} in ${file.source}`)
  return found
}

/** A `jose-cookbook/jws/*.json` file (RFC 7520 §4). */
export interface CookbookJws {
  title: string
  reproducible?: boolean
  input: { payload: string; key: Jwk; alg: string }
  signing: { protected: Record<string, unknown>; protected_b64u: string; 'sig-input': string; sig: string }
  output: { compact?: string; json?: unknown; json_flat?: unknown }
}

/** Wycheproof test case and group, the members every schema shares. */
export type WycheproofResult = 'valid' | 'invalid' | 'acceptable'
export interface WycheproofTest {
  tcId: number
  comment: string
  flags: string[]
  result: WycheproofResult
  [k: string]: unknown
}
export interface WycheproofGroup {
  type: string
  tests: WycheproofTest[]
  [k: string]: unknown
}
export interface WycheproofFile {
  algorithm?: string
  schema: string
  numberOfTests: number
  testGroups: WycheproofGroup[]
}

export function wycheproofFile(name: string): WycheproofFile {
  return readVectors<WycheproofFile>(`wycheproof/${name}`)
}

// ---------------------------------------------------------------------------------------
// Byte helpers (Buffer-based: the vector data is canonical, leniency does not matter here)

export const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'))
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))
export { b64u, fromB64u }
export const textOf = (b: Uint8Array): string => Buffer.from(b).toString('utf8')

/** The three segments of a compact JWS (the caller checked there are three). */
export function segments(compact: string): [string, string, string] {
  const parts = compact.split('.')
  if (parts.length !== 3) throw new Error(`expected 3 segments, got ${parts.length}`)
  return parts as [string, string, string]
}

/**
 * The same token with its signature changed in the first character. The first base64url
 * character carries only the top 6 bits of byte 0, so the result stays canonical
 * base64url and only the signature value differs.
 */
export function tamperSignature(compact: string): string {
  const [h, p, s] = segments(compact)
  const first = s[0] === 'A' ? 'B' : 'A'
  return `${h}.${p}.${first}${s.slice(1)}`
}

/** Only the public members of a JWK (RFC 7518 §6), keeping kid/use/alg/key_ops. */
export function publicJwk(jwk: Jwk): Jwk {
  const out: Jwk = { kty: jwk.kty }
  for (const k of ['kid', 'use', 'alg', 'key_ops', 'crv', 'x', 'y', 'n', 'e'] as const) {
    if (jwk[k] !== undefined) (out as Record<string, unknown>)[k] = jwk[k]
  }
  return out
}

// ---------------------------------------------------------------------------------------
// Outcomes of a library call

export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; jose: true; code: JoseError['code']; error: JoseError }
  | { ok: false; jose: false; error: unknown }

/** Run a library call and classify what happened; never throws. */
export async function outcome<T>(run: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() }
  } catch (error) {
    if (isJoseError(error)) return { ok: false, jose: true, code: error.code, error }
    return { ok: false, jose: false, error }
  }
}

/** The JoseError code a call rejected with, or a descriptive string when it did not. */
export async function codeOf(run: () => Promise<unknown> | unknown): Promise<string> {
  const o = await outcome(run)
  if (o.ok) return 'resolved (no error)'
  if (o.jose) return o.code
  return `non-JoseError: ${String((o.error as Error)?.name)}: ${String((o.error as Error)?.message)}`
}

// ---------------------------------------------------------------------------------------
// Independent oracle: node:crypto, fed the vector's JWK directly

const HASH: Record<string, string> = {
  HS256: 'sha256', HS384: 'sha384', HS512: 'sha512',
  RS256: 'sha256', RS384: 'sha384', RS512: 'sha512',
  PS256: 'sha256', PS384: 'sha384', PS512: 'sha512',
  ES256: 'sha256', ES384: 'sha384', ES512: 'sha512',
}
const SALT: Record<string, number> = { PS256: 32, PS384: 48, PS512: 64 }

function nodeKey(jwk: Jwk, kind: 'private' | 'public'): KeyObject {
  const input = { key: jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' as const }
  return kind === 'private' ? createPrivateKey(input) : createPublicKey(input)
}

/** Deterministic signatures only (HS*, RS*, EdDSA/Ed25519): the bytes a correct signer must produce. */
export function oracleSign(alg: Alg, jwk: Jwk, data: Uint8Array): Uint8Array {
  if (alg.startsWith('HS')) {
    return new Uint8Array(createHmac(HASH[alg]!, fromB64u(jwk.k as string)).update(data).digest())
  }
  if (alg.startsWith('RS')) return new Uint8Array(nodeSign(HASH[alg]!, data, nodeKey(jwk, 'private')))
  if (alg === 'EdDSA' || alg === 'Ed25519') return new Uint8Array(nodeSign(null, data, nodeKey(jwk, 'private')))
  throw new Error(`oracleSign: ${alg} is not deterministic`)
}

/** Verify with node:crypto, strictly in the JWS formats (P1363 ECDSA, PSS salt = hash length). */
export function oracleVerify(alg: Alg, jwk: Jwk, data: Uint8Array, sig: Uint8Array): boolean {
  if (alg.startsWith('HS')) {
    return Buffer.from(oracleSign(alg, jwk, data)).equals(Buffer.from(sig))
  }
  const key = nodeKey(publicJwk(jwk), 'public')
  if (alg.startsWith('RS')) return nodeVerify(HASH[alg]!, data, key, sig)
  if (alg.startsWith('PS')) {
    return nodeVerify(HASH[alg]!, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT[alg]! }, sig)
  }
  if (alg.startsWith('ES')) return nodeVerify(HASH[alg]!, data, { key, dsaEncoding: 'ieee-p1363' }, sig)
  return nodeVerify(null, data, key, sig)
}
