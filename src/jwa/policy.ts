/**
 * The caller's side of the algorithm policy (RFC 8725 §3.1): `options.algorithms`. The
 * key's side, and where the two meet, is src/keys/policy.ts.
 */
import { quote } from '../errors.ts'
import { invalid, stringList } from '../jose/options.ts'
import type { Alg } from '../types.ts'
import { lookup, type AlgEntry } from './registry.ts'

/** The registry entry of `alg`, named by the caller's `option`; else ERR_JOSE_INVALID_ARGUMENT ("none" included). */
export const algEntry = (alg: unknown, option: string): AlgEntry =>
  lookup(alg) ?? invalid(`${option}: unsupported algorithm ${quote(alg)}`)

/** Validates `options.algorithms`: a non-empty array of known algorithms. */
export function checkAlgorithms(value: unknown): readonly Alg[] | undefined {
  if (value === undefined) return undefined
  // Each name once, in the caller's order (a Set keeps the first).
  return [...new Set(stringList(value, 'options.algorithms', 1, () => true, 'a non-empty array of algorithm names').map((a) => algEntry(a, 'options.algorithms').alg))]
}
