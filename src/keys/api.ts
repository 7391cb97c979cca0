/** Public key functions (API.md, Keys). */
import { backendGenerate } from '../backend/index.ts'
import { fail, toJoseError, keyInvalid } from '../errors.ts'
import { encode } from '../encoding/base64url.ts'
import { utf8 } from '../encoding/utf8.ts'
import { isPlainObject } from '../jose/json.ts'
import { readOptions, validating } from '../jose/options.ts'
import { signingAlg } from './policy.ts'
import { algEntry } from '../jwa/policy.ts'
import { lookup } from '../jwa/registry.ts'
import type { Alg, Jwk } from '../types.ts'
import { describeKey } from './describe.ts'
import { importFor, usagesOf } from './import.ts'

function extractableOption(value: unknown): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') fail('ERR_JOSE_INVALID_ARGUMENT', 'options.extractable must be a boolean')
  return value
}

/**
 * Imports a JWK, PEM (SPKI, PKCS#8, PKCS#1, SEC1, X.509 certificate) or secret for one algorithm.
 * Keys are checked exactly as `sign` and `verify` check them. Only needed to hold a
 * CryptoKey yourself: `sign` and `verify` take the same inputs and cache their imports.
 *
 * @param input - a JWK, a PEM string, or a secret (string or bytes)
 * @param alg - the algorithm the key will be used with
 * @param options - `extractable` (default false)
 *
 * @example
 * ```ts
 * import { importKey } from 'isojwt'
 * const key = await importKey(process.env.PUBLIC_KEY_PEM!, 'RS256')
 * ```
 */
export async function importKey(input: Jwk | string | Uint8Array, alg: Alg, options?: { extractable?: boolean }): Promise<CryptoKey> {
  try {
    const extractable = validating(() => extractableOption(readOptions(options, ['extractable'] as const).extractable))
    if (typeof input !== 'string' && !isPlainObject(input) && !(input instanceof Uint8Array)) {
      keyInvalid('importKey takes a JWK, a PEM or secret string, or a Uint8Array')
    }
    algEntry(alg, 'alg')
    const desc = describeKey(input)
    const entry = signingAlg(desc, alg)
    const usages = usagesOf(desc, entry)
    if (usages.length === 0) keyInvalid('the key permits neither "sign" nor "verify"')
    return await importFor(desc, entry, usages, extractable)
  } catch (e) {
    throw toJoseError(e, 'ERR_KEY_INVALID', 'key import failed')
  }
}

/** WebCrypto bookkeeping members that are not part of the key. */
const DROP = /* @__PURE__ */ new Set(['ext', 'key_ops'])

/**
 * Exports an extractable CryptoKey as a JWK (without `ext` and `key_ops`). Public keys
 * from `generateKeyPair` are extractable; private keys only with `extractable: true`.
 *
 * @param key - an extractable CryptoKey
 *
 * @example
 * ```ts
 * import { exportJwk, generateKeyPair } from 'isojwt'
 * const { publicKey } = await generateKeyPair('ES256')
 * const jwk = await exportJwk(publicKey) // { kty: 'EC', crv: 'P-256', x, y }
 * ```
 */
export async function exportJwk(key: CryptoKey): Promise<Jwk> {
  try {
    if (typeof CryptoKey !== 'function' || !(key instanceof CryptoKey)) keyInvalid('exportJwk takes a CryptoKey')
    if (!key.extractable) keyInvalid('the key is not extractable')
    describeKey(key)
    const raw = (await crypto.subtle.exportKey('jwk', key)) as Record<string, unknown>
    const out: Record<string, unknown> = {}
    // Some runtimes (workerd) return every JsonWebKey member, most of them undefined.
    for (const k of Object.keys(raw)) if (!DROP.has(k) && raw[k] !== undefined) out[k] = raw[k]
    // WebCrypto implementations disagree on `alg` for Ed25519 ("EdDSA" vs "Ed25519");
    // without it the key pins both, the same everywhere.
    if (out.kty === 'OKP') delete out.alg
    return out as Jwk
  } catch (e) {
    throw toJoseError(e, 'ERR_KEY_INVALID', 'key export failed')
  }
}

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: ReadonlyMap<string, readonly string[]> = /* @__PURE__ */ new Map([
  ['EC', ['crv', 'kty', 'x', 'y']],
  ['OKP', ['crv', 'kty', 'x']],
  ['RSA', ['e', 'kty', 'n']],
  ['oct', ['k', 'kty']],
])
const DIGESTS = /* @__PURE__ */ new Set(['SHA-256', 'SHA-384', 'SHA-512'])

/**
 * The RFC 7638 JWK thumbprint, base64url (SHA-256 unless another digest is named): a
 * stable `kid` derived from the key itself.
 *
 * @param jwk - a public or private JWK (only its public members count)
 * @param digest - `'SHA-256'` (default), `'SHA-384'` or `'SHA-512'`
 *
 * @example
 * ```ts
 * import { thumbprint, type Jwk } from 'isojwt'
 * declare const publicJwk: Jwk
 * const kid = await thumbprint(publicJwk)
 * ```
 */
export async function thumbprint(jwk: Jwk, digest: 'SHA-256' | 'SHA-384' | 'SHA-512' = 'SHA-256'): Promise<string> {
  try {
    if (!DIGESTS.has(digest)) fail('ERR_JOSE_INVALID_ARGUMENT', 'digest must be SHA-256, SHA-384 or SHA-512')
    if (!isPlainObject(jwk)) keyInvalid('thumbprint takes a JWK object')
    if (typeof jwk.kty !== 'string') keyInvalid('JWK "kty" must be a string')
    const names = THUMBPRINT_MEMBERS.get(jwk.kty)
    if (!names) fail('ERR_JOSE_NOT_SUPPORTED', 'thumbprints are defined for EC, OKP, RSA and oct keys')
    // RFC 7638 §3.3: members in order, no whitespace, JSON string escaping.
    const parts: string[] = []
    for (const name of names) {
      const v = Object.hasOwn(jwk, name) ? jwk[name] : undefined
      if (typeof v !== 'string' || v.length === 0) keyInvalid(`JWK member "${name}" is required for a thumbprint`)
      parts.push(`${JSON.stringify(name)}:${JSON.stringify(v)}`)
    }
    const hash = await crypto.subtle.digest(digest, utf8(`{${parts.join(',')}}`) as BufferSource)
    return encode(new Uint8Array(hash))
  } catch (e) {
    throw toJoseError(e, 'ERR_KEY_INVALID', 'thumbprint failed')
  }
}

/**
 * The RFC 9278 JWK thumbprint URI: `urn:ietf:params:oauth:jwk-thumbprint:<hash>:<thumbprint>`,
 * the hash named as in the IANA hash names registry (`sha-256` unless another digest is named).
 *
 * @param jwk - a public or private JWK (only its public members count)
 * @param digest - `'SHA-256'` (default), `'SHA-384'` or `'SHA-512'`
 *
 * @example
 * ```ts
 * import { thumbprintUri, type Jwk } from 'isojwt'
 * declare const publicJwk: Jwk
 * const uri = await thumbprintUri(publicJwk) // urn:ietf:params:oauth:jwk-thumbprint:sha-256:…
 * ```
 */
export async function thumbprintUri(jwk: Jwk, digest: 'SHA-256' | 'SHA-384' | 'SHA-512' = 'SHA-256'): Promise<string> {
  const t = await thumbprint(jwk, digest)
  return `urn:ietf:params:oauth:jwk-thumbprint:${String(digest).toLowerCase()}:${t}`
}

const MODULUS_LENGTHS = /* @__PURE__ */ new Set([2048, 3072, 4096])

/**
 * Generates a key pair for an asymmetric algorithm. Private keys are non-extractable
 * unless `extractable: true`.
 *
 * @param alg - RS*, PS*, ES* or EdDSA/Ed25519 (an HS* algorithm: use `generateSecret`)
 * @param options - `extractable` (private key, default false), `modulusLength` for RSA (default 2048)
 *
 * @example
 * ```ts
 * import { generateKeyPair } from 'isojwt'
 * const { privateKey, publicKey } = await generateKeyPair('PS256', { modulusLength: 3072 })
 * ```
 */
export async function generateKeyPair(alg: Alg, options?: { extractable?: boolean; modulusLength?: 2048 | 3072 | 4096 }): Promise<CryptoKeyPair> {
  try {
    const o = readOptions(options, ['extractable', 'modulusLength'] as const)
    const extractable = extractableOption(o.extractable)
    const entry = algEntry(alg, 'alg')
    if (entry.kty === 'oct') fail('ERR_JOSE_INVALID_ARGUMENT', `${entry.alg} uses a secret: call generateSecret`)
    if (o.modulusLength !== undefined && (entry.kty !== 'RSA' || !MODULUS_LENGTHS.has(o.modulusLength as number))) {
      fail('ERR_JOSE_INVALID_ARGUMENT', 'options.modulusLength must be 2048, 3072 or 4096, for RSA algorithms only')
    }
    const params = entry.kty === 'RSA'
      ? { ...entry.importParams, modulusLength: (o.modulusLength as number | undefined) ?? 2048, publicExponent: new Uint8Array([1, 0, 1]) }
      : entry.importParams
    try {
      return await backendGenerate(entry, params, extractable)
    } catch (e) {
      fail('ERR_JOSE_NOT_SUPPORTED', `this runtime cannot generate ${entry.alg} keys`, { cause: toJoseError(e, 'ERR_JOSE_NOT_SUPPORTED', 'key generation failed').cause })
    }
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'key generation failed')
  }
}

/**
 * Random bytes for an HMAC key, as long as the hash output (RFC 7518 §3.2): 32, 48 or
 * 64 bytes.
 *
 * @param alg - `'HS256'`, `'HS384'` or `'HS512'`
 *
 * @example
 * ```ts
 * import { generateSecret, sign } from 'isojwt'
 * const secret = generateSecret('HS256') // 32 random bytes
 * const token = await sign({ sub: 'u1' }, secret, { alg: 'HS256' })
 * ```
 */
export function generateSecret(alg: 'HS256' | 'HS384' | 'HS512'): Uint8Array {
  const entry = lookup(alg)
  if (!entry || entry.kty !== 'oct') throw toJoseError(undefined, 'ERR_JOSE_INVALID_ARGUMENT', 'generateSecret takes HS256, HS384 or HS512')
  return crypto.getRandomValues(new Uint8Array(entry.hashBytes))
}
