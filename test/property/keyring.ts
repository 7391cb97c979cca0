/**
 * One key (pair) per algorithm, generated once per file through the public API. RSA
 * keys are the slow part (~0.1–1 s each), so suites ask only for the algs they use.
 */
import { generateKeyPair, generateSecret } from '../../src/index.ts'
import type { Alg, KeyInput } from '../../src/index.ts'

export const ALL_ALGS: readonly Alg[] = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
]

export interface KeyFixture {
  alg: Alg
  signKey: KeyInput
  verifyKey: KeyInput
}

export async function makeKeyring(algs: readonly Alg[]): Promise<Map<Alg, KeyFixture>> {
  const out = new Map<Alg, KeyFixture>()
  await Promise.all(
    algs.map(async (alg) => {
      if (alg === 'HS256' || alg === 'HS384' || alg === 'HS512') {
        const secret = generateSecret(alg)
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
