/** Reading `encrypt`'s and `decrypt`'s options (API.md, JWE): every value checked once, ERR_JOSE_INVALID_ARGUMENT on any misfit. */
import { tryDecode } from '../encoding/base64url.ts'
import { checkCrit, checkCritOption, STRING_MEMBERS } from '../jose/header.ts'
import { isPlainObject, type JsonObject } from '../jose/json.ts'
import { invalid, optString, readOptions, stringList, validating, type Options } from '../jose/options.ts'
import { lookupAlg, lookupEnc, type JweAlgEntry, type JweEncEntry } from '../jwa/jwe.ts'
import type { JweAlg, JweEnc } from '../types.ts'

/** PBES2 iteration counts below this are refused everywhere (RFC 7518 §4.8.1.2 asks for at least 1 000). */
export const MIN_P2C = 1000
export const DEFAULT_P2C = 10_000

function int(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) invalid(`${name} must be an integer ≥ ${min}`)
  return value as number
}

/** Members that key management writes, or that options set: never taken from `options.header`. */
const RESERVED = ['alg', 'enc', 'zip', 'epk', 'iv', 'tag', 'p2s', 'p2c', '__proto__']

function extraHeader(value: unknown): JsonObject | undefined {
  if (value === undefined) return undefined
  if (!isPlainObject(value)) invalid('options.header must be a plain object')
  const h = value as JsonObject
  for (const name of RESERVED) if (Object.hasOwn(h, name)) invalid(`options.header may not set "${name}"`)
  for (const name of STRING_MEMBERS) if (Object.hasOwn(h, name) && typeof h[name] !== 'string') invalid(`options.header "${name}" must be a string`)
  for (const name of ['apu', 'apv']) if (Object.hasOwn(h, name) && !(typeof h[name] === 'string' && tryDecode(h[name] as string))) invalid(`options.header "${name}" must be base64url`)
  if (Object.hasOwn(h, 'crit')) checkCrit(h, 'ERR_JOSE_INVALID_ARGUMENT', 'options.header: ')
  return { ...h }
}

export interface EncryptPlan {
  alg: JweAlgEntry
  enc: JweEncEntry
  /** The caller's members, in header order after alg and enc. */
  header: JsonObject
  zip: boolean
  p2c: number
}

export function encryptPlan(options: unknown): EncryptPlan {
  return validating(() => {
    const o = readOptions(options, ['alg', 'enc', 'kid', 'cty', 'typ', 'header', 'zip', 'p2c'] as const)
    const alg = lookupAlg(o.alg) ?? invalid(`options.alg must be a supported JWE algorithm${o.alg === 'RSA1_5' ? ' (RSA1_5 is not supported)' : ''}`)
    const enc = lookupEnc(o.enc) ?? invalid('options.enc must be a supported JWE content encryption')
    if (o.zip !== undefined && o.zip !== 'DEF') invalid('options.zip must be "DEF" or absent')
    const header: JsonObject = {}
    if (o.zip) header.zip = 'DEF'
    for (const name of ['kid', 'typ', 'cty'] as const) {
      const v = optString(o[name], `options.${name}`)
      if (v !== undefined) header[name] = v
    }
    return { alg, enc, header: { ...header, ...extraHeader(o.header) }, zip: o.zip === 'DEF', p2c: int(o.p2c, 'options.p2c', DEFAULT_P2C, MIN_P2C) }
  })
}

export interface DecryptPlan {
  algorithms: readonly JweAlg[] | undefined
  encryptions: readonly JweEnc[] | undefined
  understood: Record<string, true> | undefined
  maxLength: number
  maxP2c: number
  maxInflated: number
  /** False for decryptJwt without `publicKeyEncryption: true`: RSA-OAEP* and ECDH-ES* are refused (API.md, JWE). */
  publicKey: boolean
}

/** A list of known names, or undefined. */
function names<T extends string>(value: unknown, name: string, known: (s: string) => T | undefined): readonly T[] | undefined {
  if (value === undefined) return undefined
  return stringList(value, name, 1, () => true, 'a non-empty array of names').map((s) => known(s) ?? invalid(`${name} names an unsupported algorithm${s === 'RSA1_5' ? ' (RSA1_5 is not supported)' : ''}`))
}

export const DECRYPT_OPTIONS = ['algorithms', 'encryptions', 'crit', 'maxTokenLength', 'maxPbes2Count', 'maxDecompressedLength'] as const

/** Anyone with the public key can make an RSA-OAEP* or ECDH-ES* token: it says nothing about the sender. */
export const isPublicKeyAlg = (alg: JweAlgEntry): boolean => alg.family === 'RSA-OAEP' || alg.family === 'ECDH-ES'

export const decryptPlan = (options: unknown): DecryptPlan => validating(() => planDecrypt(readOptions(options, DECRYPT_OPTIONS), true))

/**
 * The plan from read options. `publicKey` is true for `decrypt`; decryptJwt passes its
 * `publicKeyEncryption` option (API.md, JWE). Call inside `validating`.
 */
export function planDecrypt(o: Options<(typeof DECRYPT_OPTIONS)[number]>, pk: unknown): DecryptPlan {
  if (typeof pk !== 'boolean') invalid('options.publicKeyEncryption must be a boolean')
  const publicKey = pk as boolean
  const algorithms = names(o.algorithms, 'options.algorithms', (s) => lookupAlg(s)?.alg)
  // Listing one without saying so is the caller's mistake, found before any token is read.
  if (!publicKey && algorithms?.some((a) => isPublicKeyAlg(lookupAlg(a)!))) invalid('options.algorithms lists RSA-OAEP* or ECDH-ES*, which need publicKeyEncryption: true (anyone with the public key can make such a token)')
  return {
    publicKey,
    algorithms,
    encryptions: names(o.encryptions, 'options.encryptions', (s) => lookupEnc(s)?.enc),
    understood: checkCritOption(o.crit),
    maxLength: int(o.maxTokenLength, 'options.maxTokenLength', 1_048_576, 1),
    maxP2c: int(o.maxPbes2Count, 'options.maxPbes2Count', DEFAULT_P2C, MIN_P2C),
    maxInflated: int(o.maxDecompressedLength, 'options.maxDecompressedLength', 262_144, 1),
  }
}
