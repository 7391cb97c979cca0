/**
 * Strict base64url through the public API (RFC 7515 §2, §7.1): a token whose header,
 * payload or signature segment is spelled non-canonically (padding, '+' '/', whitespace,
 * foreign characters, len % 4 = 1, non-zero trailing bits) is refused by decode and
 * verify with ERR_JWS_INVALID, before any signature work.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import * as lib from '../../src/index.ts'
import { decode, isExpired, sign, verify, verifyJws } from '../../src/index.ts'
import type { Alg } from '../../src/index.ts'
import { expectJose, mutate, mutationArb, outcome, segments } from './helpers.ts'
import { fixture, makeKeyring, type KeyFixture } from './keyring.ts'

const ALGS: Alg[] = ['HS256', 'ES256', 'EdDSA', 'RS256']
const NOW = new Date(1_760_000_000_000)

let ring: Map<Alg, KeyFixture>
beforeAll(async () => {
  ring = await makeKeyring(ALGS)
}, 60_000)

// A random extra header member and payload claim vary both segment lengths mod 4, so
// every mutation (trailing bits included) reaches every segment.
const pad = fc.string({ maxLength: 7 })

async function refusedEverywhere(bad: string, alg: Alg): Promise<void> {
  const { verifyKey } = fixture(ring, alg)
  let d: unknown
  try {
    decode(bad)
  } catch (e) {
    d = e
  }
  expect(d, `decode accepted ${JSON.stringify(bad)}`).toBeDefined()
  expectJose(d, lib, 'ERR_JWS_INVALID')

  let x: unknown
  try {
    isExpired(bad, { now: NOW })
  } catch (e) {
    x = e
  }
  expectJose(x, lib, 'ERR_JWS_INVALID')

  const v = await outcome(() => verify(bad, verifyKey, { algorithms: [alg], now: NOW }))
  expect(v.ok, `verify accepted ${JSON.stringify(bad)}`).toBe(false)
  if (!v.ok) {
    expect(v.sync).toBe(false)
    expectJose(v.error, lib, 'ERR_JWS_INVALID')
  }
  const j = await outcome(() => verifyJws(bad, verifyKey, { algorithms: [alg] }))
  expect(j.ok, `verifyJws accepted ${JSON.stringify(bad)}`).toBe(false)
  if (!j.ok) expectJose(j.error, lib, 'ERR_JWS_INVALID')
}

describe('non-canonical segments are ERR_JWS_INVALID in decode, isExpired, verify, verifyJws', () => {
  for (const alg of ALGS) {
    it(`${alg}: every mutation of every segment`, async () => {
      const { signKey, verifyKey } = fixture(ring, alg)
      await fc.assert(
        fc.asyncProperty(pad, pad, fc.integer({ min: 0, max: 2 }), mutationArb, async (h, p, seg, m) => {
          const token = await sign({ p }, signKey, { alg, now: NOW, header: { h } })
          await verify(token, verifyKey, { algorithms: [alg], now: NOW }) // the original is fine
          const parts = segments(token)
          const mutated = mutate(parts[seg]!, m)
          fc.pre(mutated !== undefined)
          parts[seg] = mutated!
          await refusedEverywhere(parts.join('.'), alg)
        }),
        { numRuns: alg === 'RS256' ? 60 : 150 },
      )
    })
  }

  it('trailing bits in the signature segment: HS256 (len % 4 = 3) and ES256 / EdDSA / RS256 (len % 4 = 2)', async () => {
    for (const alg of ALGS) {
      const { signKey } = fixture(ring, alg)
      const token = await sign({ a: 1 }, signKey, { alg, now: NOW })
      const parts = segments(token)
      const r = parts[2].length % 4
      expect(r).toBe(alg === 'HS256' ? 3 : 2)
      for (let bits = 1; bits < (r === 2 ? 16 : 4); bits++) {
        parts[2] = mutate(segments(token)[2], { kind: 'trailing', bits })!
        await refusedEverywhere(parts.join('.'), alg)
      }
    }
  })
})
