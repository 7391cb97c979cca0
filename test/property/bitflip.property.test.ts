/**
 * Integrity (RFC 7515 §5.2): any single change to a signed token (one character of any
 * segment swapped for another base64url character, or one bit of any decoded segment
 * flipped) is refused by verify with a JoseError.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import * as lib from '../../src/index.ts'
import { sign, verify } from '../../src/index.ts'
import type { Alg } from '../../src/index.ts'
import { alphabetChar, b64u, expectJose, outcome, segments, unb64u } from './helpers.ts'
import { fixture, makeKeyring, type KeyFixture } from './keyring.ts'

const ALGS: Alg[] = ['HS256', 'ES256', 'RS256', 'EdDSA', 'PS256', 'ES512', 'HS512']
const NOW = new Date(1_760_000_000_000)

let ring: Map<Alg, KeyFixture>
beforeAll(async () => {
  ring = await makeKeyring(ALGS)
}, 60_000)

const payloadArb = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', '__proto__'].includes(k)),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 4, noNullPrototype: true },
)

type Flip = { kind: 'char'; seg: number; pos: number; ch: string } | { kind: 'bit'; seg: number; byte: number; bit: number }
const flipArb: fc.Arbitrary<Flip> = fc.oneof(
  fc.record({ kind: fc.constant('char' as const), seg: fc.integer({ min: 0, max: 2 }), pos: fc.nat(), ch: alphabetChar }),
  fc.record({ kind: fc.constant('bit' as const), seg: fc.integer({ min: 0, max: 2 }), byte: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
)

function applyFlip(token: string, f: Flip): string {
  const parts = segments(token)
  const s = parts[f.seg]!
  if (f.kind === 'char') {
    const i = f.pos % s.length
    parts[f.seg] = s.slice(0, i) + f.ch + s.slice(i + 1)
  } else {
    const bytes = unb64u(s)
    bytes[f.byte % bytes.length]! ^= 1 << f.bit
    parts[f.seg] = b64u(bytes)
  }
  return parts.join('.')
}

describe('signature length changes are rejected (HMAC: length first; ECDSA/EdDSA: fixed r‖s size)', () => {
  for (const alg of ['HS256', 'HS512', 'ES256', 'ES512', 'EdDSA', 'RS256'] as Alg[]) {
    it(`${alg}: truncated, extended or emptied signatures`, async () => {
      const { signKey, verifyKey } = fixture(ring, alg)
      const token = await sign({ n: 1 }, signKey, { alg, now: NOW })
      const [h, p, s] = segments(token)
      const sig = unb64u(s)
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.integer({ min: 0, max: sig.length - 1 }).map((n) => sig.slice(0, n)), // prefix (a prefix compare would pass)
            fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra) => new Uint8Array([...sig, ...extra])),
            fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra) => new Uint8Array([...extra, ...sig])),
            fc.integer({ min: 1, max: sig.length }).map((n) => sig.slice(n)),
          ),
          async (bad) => {
            const r = await outcome(() => verify(`${h}.${p}.${b64u(bad)}`, verifyKey, { algorithms: [alg], now: NOW }))
            expect(r.ok, `accepted a ${bad.length}-byte signature (expected ${sig.length})`).toBe(false)
            if (!r.ok) expectJose(r.error, lib, ['ERR_JWS_SIGNATURE_INVALID', 'ERR_JWS_INVALID'])
          },
        ),
        { numRuns: alg === 'RS256' ? 20 : 50 },
      )
    })
  }
})

describe('a single flip anywhere is rejected', () => {
  for (const alg of ALGS) {
    const slow = alg.startsWith('RS') || alg.startsWith('PS')
    it(`${alg}`, async () => {
      const { signKey, verifyKey } = fixture(ring, alg)
      await fc.assert(
        fc.asyncProperty(payloadArb, fc.array(flipArb, { minLength: 1, maxLength: 8 }), async (payload, flips) => {
          const token = await sign(payload, signKey, { alg, now: NOW })
          // sanity: the untouched token verifies, so a rejection below is due to the flip
          await verify(token, verifyKey, { algorithms: [alg], now: NOW })
          for (const f of flips) {
            const bad = applyFlip(token, f)
            if (bad === token) continue // same token: not a flip
            const r = await outcome(() => verify(bad, verifyKey, { algorithms: [alg], now: NOW }))
            expect(r.ok, `verify accepted a flipped token (${JSON.stringify(f)})`).toBe(false)
            if (!r.ok) {
              expect(r.sync, 'verify threw synchronously').toBe(false)
              // header flips can surface as any structural/policy code; a changed payload
              // or signature is a bad signature or (non-canonical char) a malformed JWS
              expectJose(r.error, lib, f.seg === 0 ? undefined : ['ERR_JWS_SIGNATURE_INVALID', 'ERR_JWS_INVALID'])
            }
          }
        }),
        { numRuns: slow ? 25 : 60 },
      )
    })
  }
})
