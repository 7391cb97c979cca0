/**
 * The algorithm facts the CLI prints and checks, read from the library's registry
 * (src/jwa/registry.ts) so that help texts, `--alg` checks and keygen's choices cannot
 * drift from what the library does. The registry is bundled into dist/cli.js (it is
 * not part of the public API); it holds data only, no checks.
 */
import { JoseError, type Alg } from '../index.ts'
import { ENTRIES, lookup } from '../jwa/registry.ts'
import { escapeText } from './format.ts'

/** Every algorithm, in registry order. */
export const ALGS: readonly Alg[] = ENTRIES.map((e) => e.alg)

/** The HMAC algorithms (a secret, not a key pair). */
export const isHmac = (alg: string): boolean => lookup(alg)?.kty === 'oct'

/** The algorithms of Ed25519 keys, as words: "EdDSA and Ed25519". */
export const ED25519_ALGS = ENTRIES.filter((e) => e.crv === 'Ed25519').map((e) => e.alg).join(' and ')

/** The shortest RSA modulus any algorithm takes, in bits (RFC 7518 §3.3). */
export const RSA_MIN_BITS = Math.min(...ENTRIES.filter((e) => e.kty === 'RSA').map((e) => e.minKeyBits))

/** The names of the curves of a key type: "P-256/P-384/P-521". */
export const curves = (kty: string): string => [...new Set(ENTRIES.filter((e) => e.kty === kty).map((e) => e.crv))].join('/')

/**
 * One algorithm per asymmetric key type and curve (RS256, ES256, ES384, ES512, EdDSA):
 * importing a key under each in turn tells what the key is.
 */
export const PROBE: readonly Alg[] = ENTRIES
  .filter((e, i) => e.kty !== 'oct' && ENTRIES.findIndex((f) => f.kty === e.kty && f.crv === e.crv) === i).map((e) => e.alg)

/** The text of an unknown algorithm name, with the list of known ones. */
export const unknownAlg = (name: string): string => `unknown algorithm "${escapeText(name.slice(0, 32))}": one of ${ALGS.join(', ')}`

/**
 * `--alg` values, each a registry algorithm. An unknown one is refused as the library
 * refuses it (`ERR_JOSE_INVALID_ARGUMENT`, exit 1), with the list it may be.
 */
export function algArgs(values: readonly string[]): Alg[] {
  for (const v of values) if (!lookup(v)) throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', `--alg: ${unknownAlg(v)}`)
  return values as Alg[]
}
