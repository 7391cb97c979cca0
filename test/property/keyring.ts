/**
 * One key (pair) per algorithm, generated once per file through the public API. RSA
 * keys are the slow part (~0.1–1 s each), so suites ask only for the algs they use.
 */
import { generateKeyPair, generateSecret } from '../../src/index.ts'
import type { Alg, KeyInput } from '../../src/index.ts'
import { ENTRIES, lookup } from '../../src/jwa/registry.ts'

/** Every algorithm, from the registry (test/repo/registry.test.ts pins it to the `Alg` type). */
export const ALL_ALGS: readonly Alg[] = ENTRIES.map((e) => e.alg)

export interface KeyFixture {
  alg: Alg
  signKey: KeyInput
  verifyKey: KeyInput
}

export async function makeKeyring(algs: readonly Alg[]): Promise<Map<Alg, KeyFixture>> {
  const out = new Map<Alg, KeyFixture>()
  await Promise.all(
    algs.map(async (alg) => {
      if (lookup(alg)!.kty === 'oct') {
        const secret = generateSecret(alg as 'HS256')
        out.set(alg, { alg, signKey: secret, verifyKey: secret })
      } else {
        const pair = await generateKeyPair(alg)
        out.set(alg, { alg, signKey: pair.privateKey, verifyKey: pair.publicKey })
      }
    }),
  )
  return out
}

export function fixture(ring: Map<Alg, KeyFixture>, alg: Alg): KeyFixture {
  const f = ring.get(alg)
  if (!f) throw new Error(`no key for ${alg}`)
  return f
}
