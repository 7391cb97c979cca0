/**
 * Helpers for the unit suite. Written from API.md alone: tokens are built and checked
 * here with node:crypto, independently of the library under test, so a bug in the
 * library's own encoder or signer cannot hide a bug in its verifier (and vice versa).
 */
import {
  constants,
  createHmac,
  generateKeyPairSync,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto'
import { expect } from 'vitest'
import { isJoseError, type JoseError } from '../../src/index.ts'
import type { JoseErrorCode } from '../../src/errors.ts'
import type { Alg, Jwk } from '../../src/types.ts'
import { ENTRIES } from '../../src/jwa/registry.ts'
import { b64u, fromB64u } from '../support/base64url.ts'

/** A fixed instant on a whole second: 2023-11-14T22:13:20Z. */
export const T = 1_700_000_000
export const NOW = new Date(T * 1000)

/** 32 random bytes: the shortest legal HS256 key (RFC 7518 §3.2). */
export const SECRET = new Uint8Array(randomBytes(32))
/** A string secret of 40 ASCII characters (40 UTF-8 bytes). */
export const SECRET_STR = 'correct horse battery staple, 40 chars!!'

export { b64u, fromB64u }

/** Encodes a segment: a string is raw text (e.g. raw JSON), bytes are bytes, anything else JSON. */
export function segment(x: unknown): string {
  if (typeof x === 'string') return b64u(x)
  if (x instanceof Uint8Array) return b64u(x)
  return b64u(JSON.stringify(x))
}

const HASH_BITS: Record<string, number> = {
  HS256: 256, HS384: 384, HS512: 512,
  RS256: 256, RS384: 384, RS512: 512,
  PS256: 256, PS384: 384, PS512: 512,
  ES256: 256, ES384: 384, ES512: 512,
}

/** Raw JWS signature over `input` with node:crypto (independent of the library). */
export function rawSign(alg: string, key: Uint8Array | string | KeyObject, input: string): Uint8Array {
  const data = Buffer.from(input, 'ascii')
  if (alg === 'EdDSA' || alg === 'Ed25519') return new Uint8Array(nodeSign(null, data, key as KeyObject))
  const bits = HASH_BITS[alg]
  if (!bits) throw new Error(`test helper: cannot sign ${alg}`)
  const hash = `sha${bits}`
  if (alg.startsWith('HS')) return new Uint8Array(createHmac(hash, key as Uint8Array | string).update(data).digest())
  if (alg.startsWith('RS')) return new Uint8Array(nodeSign(hash, data, key as KeyObject))
  if (alg.startsWith('PS')) {
    return new Uint8Array(nodeSign(hash, data, {
      key: key as KeyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: bits / 8,
    }))
  }
  return new Uint8Array(nodeSign(hash, data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }))
}

/** Checks a compact JWS signature with node:crypto. */
export function rawVerify(token: string, key: Uint8Array | string | KeyObject): boolean {
  const [h, p, s] = token.split('.')
  const header = JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as { alg: string }
  const alg = header.alg
  const data = Buffer.from(`${h}.${p}`, 'ascii')
  const sig = Buffer.from(s!, 'base64url')
  if (alg.startsWith('HS')) return Buffer.from(rawSign(alg, key, `${h}.${p}`)).equals(sig)
  if (alg === 'EdDSA' || alg === 'Ed25519') return nodeVerify(null, data, key as KeyObject, sig)
  const hash = `sha${HASH_BITS[alg]}`
  if (alg.startsWith('RS')) return nodeVerify(hash, data, key as KeyObject, sig)
  if (alg.startsWith('PS')) {
    return nodeVerify(hash, data, {
      key: key as KeyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: HASH_BITS[alg]! / 8,
    }, sig)
  }
  return nodeVerify(hash, data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }, sig)
}

/**
 * A compact JWS built by hand. `header`/`payload`: objects (JSON), strings (raw text)
 * or bytes. The signing alg is the header's `alg` unless `alg` is given; without a key
 * the signature is 32 zero bytes.
 */
export function craft(
  header: unknown,
  payload: unknown,
  key?: Uint8Array | string | KeyObject,
  alg?: string,
): string {
  return craftSegments(segment(header), segment(payload), key, alg ?? (header as { alg?: string }).alg)
}

/** Like craft, from already encoded segments (to test non-canonical encodings). */
export function craftSegments(h: string, p: string, key?: Uint8Array | string | KeyObject, alg?: string): string {
  const sig = key === undefined || alg === undefined ? new Uint8Array(32) : rawSign(alg, key, `${h}.${p}`)
  return `${h}.${p}.${b64u(sig)}`
}

/** An HS256 JWT signed with SECRET. */
export function hs(payload: unknown, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  return craft(header, payload, SECRET, 'HS256')
}

/** Replaces the signature with a different valid-looking one of the same length. */
export function badSig(token: string): string {
  const [h, p, s] = token.split('.')
  const sig = fromB64u(s!)
  sig[0] = sig[0]! ^ 0xff
  return `${h}.${p}.${b64u(sig)}`
}

export interface Decoded {
  header: Record<string, unknown>
  payload: Record<string, unknown>
  signature: Uint8Array
}

/** Independent decoder for tokens the library produced. */
export function parts(token: string): Decoded {
  const segs = token.split('.')
  expect(segs, 'a compact JWS has three segments').toHaveLength(3)
  for (const s of segs) expect(s, 'segments are unpadded base64url').toMatch(/^[A-Za-z0-9_-]*$/)
  return {
    header: JSON.parse(Buffer.from(segs[0]!, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(segs[1]!, 'base64url').toString('utf8')),
    signature: fromB64u(segs[2]!),
  }
}

function describeError(e: unknown): string {
  if (isJoseError(e)) return `${e.code}: ${e.message}`
  if (e instanceof Error) return `${e.name}: ${e.message}`
  return String(e)
}

function checkProps(err: JoseError, props?: Record<string, unknown>): void {
  if (!props) return
  for (const [k, v] of Object.entries(props)) {
    expect((err as unknown as Record<string, unknown>)[k], `error.${k} (${describeError(err)})`).toEqual(v)
  }
}

/**
 * Calls an async API and expects a rejection with a JoseError of `code`. Also asserts
 * the contract that async functions reject and never throw synchronously.
 */
export async function rejects(
  run: () => unknown,
  code: JoseErrorCode,
  props?: Record<string, unknown>,
): Promise<JoseError> {
  let result: unknown
  try {
    result = run()
  } catch (e) {
    throw new Error(`threw synchronously instead of rejecting (expected ${code}): ${describeError(e)}`)
  }
  expect(result, 'an async API returns a promise').toBeInstanceOf(Promise)
  let value: unknown
  try {
    value = await result
  } catch (e) {
    expect(isJoseError(e), `expected a JoseError ${code}, got ${describeError(e)}`).toBe(true)
    const err = e as JoseError
    expect(err.code, `expected ${code}, got ${describeError(err)}`).toBe(code)
    checkProps(err, props)
    return err
  }
  throw new Error(`expected rejection with ${code}, resolved with ${safeString(value)}`)
}

/** For an async API where the exact code is not fixed by API.md: any JoseError. */
export async function rejectsJose(run: () => unknown, codes?: readonly JoseErrorCode[]): Promise<JoseError> {
  let result: unknown
  try {
    result = run()
  } catch (e) {
    throw new Error(`threw synchronously instead of rejecting: ${describeError(e)}`)
  }
  try {
    await result
  } catch (e) {
    expect(isJoseError(e), `expected a JoseError, got ${describeError(e)}`).toBe(true)
    if (codes) expect(codes, `got ${describeError(e)}`).toContain((e as JoseError).code)
    return e as JoseError
  }
  throw new Error('expected a rejection, but it resolved')
}

/** For a synchronous API (decode, isExpired, generateSecret). */
export function throwsSync(run: () => unknown, code: JoseErrorCode, props?: Record<string, unknown>): JoseError {
  let value: unknown
  try {
    value = run()
  } catch (e) {
    expect(isJoseError(e), `expected a JoseError ${code}, got ${describeError(e)}`).toBe(true)
    const err = e as JoseError
    expect(err.code, `expected ${code}, got ${describeError(err)}`).toBe(code)
    checkProps(err, props)
    return err
  }
  throw new Error(`expected a throw with ${code}, returned ${safeString(value)}`)
}

function safeString(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 200) ?? String(v)
  } catch {
    return String(v)
  }
}

export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o)
    for (const v of Object.values(o as object)) deepFreeze(v)
  }
  return o
}

// ---------------------------------------------------------------- key fixtures

export interface Pair {
  privateKey: KeyObject
  publicKey: KeyObject
  /** PKCS#8 */
  privPem: string
  /** SPKI */
  pubPem: string
  privJwk: Jwk
  pubJwk: Jwk
}

const pairs = new Map<string, Pair>()

function toPair(kp: { privateKey: KeyObject; publicKey: KeyObject }): Pair {
  return {
    ...kp,
    privPem: kp.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    pubPem: kp.publicKey.export({ type: 'spki', format: 'pem' }) as string,
    privJwk: kp.privateKey.export({ format: 'jwk' }) as Jwk,
    pubJwk: kp.publicKey.export({ format: 'jwk' }) as Jwk,
  }
}

/** RSA pair, generated once per worker for each size (and label, for distinct keys). */
export function rsa(bits = 2048, label = ''): Pair {
  const id = `rsa${bits}${label}`
  let p = pairs.get(id)
  if (!p) pairs.set(id, (p = toPair(generateKeyPairSync('rsa', { modulusLength: bits }))))
  return p
}

export function ec(crv: 'P-256' | 'P-384' | 'P-521', label = ''): Pair {
  const id = `${crv}${label}`
  let p = pairs.get(id)
  if (!p) pairs.set(id, (p = toPair(generateKeyPairSync('ec', { namedCurve: crv }))))
  return p
}

export function ed25519(label = ''): Pair {
  const id = `ed25519${label}`
  let p = pairs.get(id)
  if (!p) pairs.set(id, (p = toPair(generateKeyPairSync('ed25519'))))
  return p
}

/** Fresh object copies, so tests never share (and so never mutate) fixture JWKs. */
export const jwk = (j: Jwk, extra: Record<string, unknown> = {}): Jwk => ({ ...structuredClone(j), ...extra })

/** WebCrypto import helper for CryptoKey fixtures. */
export async function cryptoKey(
  j: Jwk,
  algorithm: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams | HmacImportParams,
  usage: 'sign' | 'verify',
  extractable = false,
): Promise<CryptoKey> {
  const clean = { ...j }
  delete clean.alg
  delete clean.key_ops
  delete clean.use
  return crypto.subtle.importKey('jwk', clean as JsonWebKey, algorithm, extractable, [usage])
}

/** Every algorithm, from the registry (test/repo/registry.test.ts pins it to the `Alg` type). */
export const ALL_ALGS: readonly Alg[] = ENTRIES.map((e) => e.alg)

/** Every string value (recursively) of an error: message, stack, cause chain, enumerable props. */
export function errorTexts(e: unknown, depth = 0): string[] {
  if (depth > 5 || e === null || e === undefined) return []
  if (typeof e === 'string') return [e]
  if (typeof e !== 'object') return [String(e)]
  const out: string[] = []
  const err = e as { message?: unknown; stack?: unknown; cause?: unknown }
  if (typeof err.message === 'string') out.push(err.message)
  if (typeof err.stack === 'string') out.push(err.stack)
  try {
    out.push(String(e))
  } catch {
    // ignore
  }
  if ('cause' in err) out.push(...errorTexts(err.cause, depth + 1))
  for (const k of Object.keys(e)) {
    if (k === 'payload') continue // the verified payload is allowed by API.md (it is not the token)
    const v = (e as Record<string, unknown>)[k]
    try {
      out.push(typeof v === 'string' ? v : JSON.stringify(v) ?? '')
    } catch {
      out.push(String(v))
    }
  }
  return out
}
