/**
 * Test-only helpers for the jose oracle and the regression suites: key material made
 * with node:crypto (independent of isojwt), hand-built compact tokens signed with
 * node:crypto, optional X.509 certificates made with the openssl CLI, and small
 * assertion helpers for JoseError codes.
 */
import {
  constants,
  createHmac,
  generateKeyPairSync,
  randomBytes,
  sign as nodeSign,
  type KeyObject,
} from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { isJoseError } from '../../src/index.ts'
import type { Alg, Jwk } from '../../src/types.ts'
import { b64u, fromB64u, fromB64u as unb64u } from '../support/base64url.ts'

/** A fixed clock: 2023-11-14T22:13:20Z. */
export const T = 1_700_000_000
export const NOW = new Date(T * 1000)

export const HS_ALGS = ['HS256', 'HS384', 'HS512'] as const
export const RS_ALGS = ['RS256', 'RS384', 'RS512'] as const
export const PS_ALGS = ['PS256', 'PS384', 'PS512'] as const
export const ES_ALGS = ['ES256', 'ES384', 'ES512'] as const
export const ED_ALGS = ['EdDSA', 'Ed25519'] as const
export const ALL_ALGS: readonly Alg[] = [...HS_ALGS, ...RS_ALGS, ...PS_ALGS, ...ES_ALGS, ...ED_ALGS]

export type Family = 'HS' | 'RS' | 'PS' | 'ES' | 'Ed'
export type KeyKind = 'oct' | 'rsa' | 'p256' | 'p384' | 'p521' | 'ed25519'

export interface AlgInfo {
  family: Family
  /** SHA-2 size in bits (Ed25519: 512, unused). */
  bits: 256 | 384 | 512
  kind: KeyKind
}

export function algInfo(alg: Alg): AlgInfo {
  if (alg === 'EdDSA' || alg === 'Ed25519') return { family: 'Ed', bits: 512, kind: 'ed25519' }
  const family = alg.slice(0, 2) as Family
  const bits = Number(alg.slice(2)) as 256 | 384 | 512
  const kind: KeyKind =
    family === 'HS' ? 'oct' : family === 'ES' ? ({ 256: 'p256', 384: 'p384', 512: 'p521' } as const)[bits] : 'rsa'
  return { family, bits, kind }
}

// ---------------------------------------------------------------------------------
// base64url and hand-built tokens

export { b64u, unb64u }
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** A header or payload given as an object (JSON.stringify'd) or as exact JSON text. */
export type Part = object | string
const partText = (p: Part): string => (typeof p === 'string' ? p : JSON.stringify(p))

export function signingInput(header: Part, payload: Part): string {
  return `${b64u(partText(header))}.${b64u(partText(payload))}`
}

/** What node:crypto signs with for a given JWS algorithm. */
export type NodeSignKey = KeyObject | Uint8Array | string

/** Signs `input` per RFC 7518 with node:crypto: the test-only oracle signer. */
export function nodeSignInput(alg: Alg, key: NodeSignKey, input: string | Uint8Array): Uint8Array {
  const data = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input)
  const { family, bits } = algInfo(alg)
  const hash = `sha${bits}`
  switch (family) {
    case 'HS':
      return new Uint8Array(createHmac(hash, key as Uint8Array | string).update(data).digest())
    case 'RS':
      return new Uint8Array(nodeSign(hash, data, key as KeyObject))
    case 'PS':
      return new Uint8Array(
        nodeSign(hash, data, {
          key: key as KeyObject,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: bits / 8,
        }),
      )
    case 'ES':
      return new Uint8Array(nodeSign(hash, data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }))
    case 'Ed':
      return new Uint8Array(nodeSign(null, data, key as KeyObject))
  }
}

/**
 * A compact JWS built by hand: the header and payload exactly as given, signed with
 * node:crypto using `signAlg` (which may differ from the header's `alg`), or with the
 * signature given as bytes.
 */
export function forge(
  header: Part,
  payload: Part,
  signer: { alg: Alg; key: NodeSignKey } | Uint8Array,
): string {
  const input = signingInput(header, payload)
  const sig = signer instanceof Uint8Array ? signer : nodeSignInput(signer.alg, signer.key, input)
  return `${input}.${b64u(sig)}`
}

/** Replace one segment (0 header, 1 payload, 2 signature) of a compact token. */
export function withSegment(token: string, index: 0 | 1 | 2, value: string): string {
  const parts = token.split('.')
  parts[index] = value
  return parts.join('.')
}

/** Flip the lowest bit of the first signature byte (stays canonical base64url). */
export function flipSignature(token: string): string {
  const sig = unb64u(token.split('.')[2]!)
  sig[0] = sig[0]! ^ 1
  return withSegment(token, 2, b64u(sig))
}

// ---------------------------------------------------------------------------------
// key material (node:crypto, independent of the library under test)

export interface AsymKeys {
  kind: Exclude<KeyKind, 'oct'>
  publicKey: KeyObject
  privateKey: KeyObject
  spki: string
  pkcs8: string
  publicJwk: Jwk
  privateJwk: Jwk
}

export function asymKeys(kind: Exclude<KeyKind, 'oct'>, modulusLength = 2048): AsymKeys {
  const pair =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength })
      : kind === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', {
            namedCurve: ({ p256: 'P-256', p384: 'P-384', p521: 'P-521' } as const)[kind],
          })
  const { publicKey, privateKey } = pair
  return {
    kind,
    publicKey,
    privateKey,
    spki: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicJwk: publicKey.export({ format: 'jwk' }) as Jwk,
    privateJwk: privateKey.export({ format: 'jwk' }) as Jwk,
  }
}

export type KeySet = Record<Exclude<KeyKind, 'oct'>, AsymKeys>

/** One key per asymmetric kind (one RSA 2048 key serves RS* and PS*). */
export function allAsymKeys(): KeySet {
  return {
    rsa: asymKeys('rsa'),
    p256: asymKeys('p256'),
    p384: asymKeys('p384'),
    p521: asymKeys('p521'),
    ed25519: asymKeys('ed25519'),
  }
}

/** Random secret of exactly the RFC 7518 §3.2 minimum for the HS alg. */
export function secretFor(alg: Alg, extra = 0): Uint8Array {
  return new Uint8Array(randomBytes(algInfo(alg).bits / 8 + extra))
}

/** A printable string secret of `length` ASCII characters (UTF-8 bytes = length). */
export function stringSecret(length: number): string {
  return randomBytes(length).toString('base64url').slice(0, length).padEnd(length, 'x')
}

/** WebCrypto import parameters for a JWS alg. */
export function webCryptoParams(alg: Alg): AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams | HmacImportParams {
  const { family, bits } = algInfo(alg)
  const hash = `SHA-${bits}`
  switch (family) {
    case 'HS':
      return { name: 'HMAC', hash }
    case 'RS':
      return { name: 'RSASSA-PKCS1-v1_5', hash }
    case 'PS':
      return { name: 'RSA-PSS', hash }
    case 'ES':
      return { name: 'ECDSA', namedCurve: ({ 256: 'P-256', 384: 'P-384', 512: 'P-521' } as const)[bits] }
    case 'Ed':
      return { name: 'Ed25519' }
  }
}

const pemBody = (pem: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'))

/** A CryptoKey made directly with WebCrypto (not through isojwt). */
export async function cryptoKeyFor(
  alg: Alg,
  material: AsymKeys | Uint8Array,
  use: 'sign' | 'verify',
  extractable = false,
): Promise<CryptoKey> {
  const params = webCryptoParams(alg)
  if (material instanceof Uint8Array) {
    return crypto.subtle.importKey('raw', new Uint8Array(material), params, extractable, [use])
  }
  return use === 'verify'
    ? crypto.subtle.importKey('spki', pemBody(material.spki), params, extractable, ['verify'])
    : crypto.subtle.importKey('pkcs8', pemBody(material.pkcs8), params, extractable, ['sign'])
}

// ---------------------------------------------------------------------------------
// X.509 certificates via the openssl CLI (optional)

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' })
    return true
  } catch {
    return false
  }
}

/** Self-signed certificates for the given keys; undefined when openssl is missing. */
export function selfSignedCerts(keys: Partial<KeySet>): Partial<Record<keyof KeySet, string>> | undefined {
  if (!opensslAvailable()) return undefined
  const dir = mkdtempSync(join(tmpdir(), 'isojwt-cert-'))
  const out: Partial<Record<keyof KeySet, string>> = {}
  try {
    for (const [kind, k] of Object.entries(keys) as [keyof KeySet, AsymKeys][]) {
      const keyFile = join(dir, `${kind}.key.pem`)
      const certFile = join(dir, `${kind}.cert.pem`)
      writeFileSync(keyFile, k.pkcs8)
      const digest = kind === 'ed25519' ? [] : ['-sha256']
      execFileSync(
        'openssl',
        ['req', '-x509', '-new', '-key', keyFile, '-subj', `/CN=isojwt-${kind}`, '-days', '2', ...digest, '-out', certFile],
        { stdio: 'pipe' },
      )
      out[kind] = readFileSync(certFile, 'utf8')
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return out
}

// ---------------------------------------------------------------------------------
// outcomes

/** 'OK' or the error code (isojwt JoseError), or `NON_JOSE:<name>` for anything else. */
export async function isoOutcome(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run()
    return 'OK'
  } catch (e) {
    return isJoseError(e) ? e.code : `NON_JOSE:${(e as Error)?.name ?? typeof e}`
  }
}

/** 'OK' or jose's error code (JOSEError) or the error's class name (TypeError, DOMException …). */
export async function joseOutcome(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run()
    return 'OK'
  } catch (e) {
    const err = e as { code?: unknown; name?: string }
    return typeof err?.code === 'string' ? err.code : `${err?.name ?? typeof e}`
  }
}

/** Captures the rejection of `run` (which must reject). */
export async function caught(run: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    await run()
  } catch (e) {
    return e
  }
  throw new Error('expected a rejection, but it resolved')
}

/** Asserts `run` rejects with an isojwt JoseError of `code`; returns it for more checks. */
export async function expectCode(
  run: () => Promise<unknown> | unknown,
  code: string,
): Promise<{ code: string; message: string; claim?: string; reason?: string; cause?: unknown; [k: string]: unknown }> {
  const e = await caught(run)
  expect(isJoseError(e), `expected a JoseError ${code}, got ${String(e)}`).toBe(true)
  expect((e as { code: string }).code, String((e as Error).message)).toBe(code)
  return e as never
}
