/**
 * Algorithm policy (API.md, Which algorithms a key pins; RFC 8725 §3.1): the algorithm
 * comes from the caller's list and the key, never from the header alone.
 */
import { keyInvalid } from '../errors.ts'
import { invalid } from '../jose/options.ts'
import { algEntry } from '../jwa/policy.ts'
import { lookup, type AlgEntry } from '../jwa/registry.ts'
import type { Alg } from '../types.ts'
import type { KeyDesc } from './describe.ts'

/**
 * Whether `alg` lies in the allowed set for verifying with this key: algorithms ∩ pinned(key) when the key
 * pins something, algorithms ∩ compatible(key) when it pins nothing, pinned(key) when
 * no algorithms were given.
 */
export function allows(desc: KeyDesc, algorithms: readonly Alg[] | undefined, alg: Alg): boolean {
  if (!algorithms) return desc.pinned.includes(alg)
  return algorithms.includes(alg) && desc.allowed.includes(alg)
}

/** The algorithm to sign with: `alg` must lie in pinned(key), or compatible(key) when nothing is pinned. */
export function signingAlg(desc: KeyDesc, alg: unknown): AlgEntry {
  if (alg === undefined) {
    const only = desc.pinned[1] ? undefined : lookup(desc.pinned[0])
    if (!only) invalid('options.alg is required for this key')
    return only
  }
  const entry = algEntry(alg, 'options.alg')
  if (!desc.allowed.includes(entry.alg)) keyInvalid(`the key does not allow ${entry.alg} (only ${desc.allowed.join(', ')})`)
  return entry
}
