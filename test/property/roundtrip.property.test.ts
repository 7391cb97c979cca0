/**
 * sign → verify round trip for every Alg with random JSON-object payloads (RFC 7519 §7.1,
 * §7.2), and the RFC 7519 §4.1 claim types enforced by `sign` (API.md: wrong types,
 * BigInt, cycles, non-finite numbers → ERR_JOSE_INVALID_ARGUMENT).
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import * as lib from '../../src/index.ts'
import { decode, sign, verify } from '../../src/index.ts'
import type { Alg } from '../../src/index.ts'
import { expectJose, outcome, segments } from './helpers.ts'
import { ALL_ALGS, fixture, makeKeyring, type KeyFixture } from './keyring.ts'

const REGISTERED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'])
// A fixed clock with a sub-second part, so iat = ⌊now / 1000⌋ is observable.
const T = 1_760_000_000
const NOW = new Date(T * 1000 + 789)

let ring: Map<Alg, KeyFixture>
beforeAll(async () => {
  ring = await makeKeyring(ALL_ALGS)
}, 60_000)

const claimName = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 10 })
  .filter((k) => !REGISTERED.has(k) && k !== '__proto__')
const privateClaims = fc.dictionary(claimName, fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }), {
  maxKeys: 6,
  noNullPrototype: true,
})
const numericDate = (min: number, max: number) =>
  fc.oneof(fc.integer({ min, max }), fc.double({ min, max, noNaN: true, noDefaultInfinity: true }))
// Registered claims with their RFC 7519 types, valid at NOW (exp > t, nbf ≤ t).
const registeredClaims = fc.record(
  {
    iss: fc.string({ unit: 'grapheme', maxLength: 20 }),
    sub: fc.string({ unit: 'grapheme', maxLength: 20 }),
    aud: fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 3 })),
    exp: numericDate(T + 1, T + 1e9),
    nbf: numericDate(T - 1e9, T),
    iat: numericDate(0, T + 1e9),
    jti: fc.string({ maxLength: 30 }),
  },
  { requiredKeys: [] },
)
const payloadArb = fc.tuple(registeredClaims, privateClaims).map(([r, p]) => ({ ...p, ...r }))

/** What verify must hand back: the JSON image of the payload plus the default iat. */
function expected(payload: Record<string, unknown>): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>
  if (!('iat' in json)) json.iat = Math.floor(NOW.getTime() / 1000)
  return json
}

describe('sign → verify round trip, every alg', () => {
  for (const alg of ALL_ALGS) {
    const rsa = alg.startsWith('RS') || alg.startsWith('PS')
    it(`${alg}: payload deep-equals after verify (and decode); header is {alg, typ}`, async () => {
      const { signKey, verifyKey } = fixture(ring, alg)
      await fc.assert(
        fc.asyncProperty(payloadArb, async (payload) => {
          const before = JSON.stringify(payload)
          const token = await sign(payload, signKey, { alg, now: NOW })
          expect(JSON.stringify(payload), 'sign modified its payload').toBe(before)
          expect(token.split('.')).toHaveLength(3)
          const res = await verify(token, verifyKey, { algorithms: [alg], now: NOW })
          expect(res.payload).toEqual(expected(payload))
          expect(res.header).toEqual({ alg, typ: 'JWT' })
          expect(res.key).toBeInstanceOf(CryptoKey)
          const d = decode(token)
          expect(d.payload).toEqual(expected(payload))
          expect(d.header).toEqual({ alg, typ: 'JWT' })
          expect(Buffer.from(d.signature).toString('base64url')).toBe(segments(token)[2])
        }),
        { numRuns: rsa ? 15 : 40 },
      )
    })
  }

  it('a key that pins the alg verifies without `algorithms` (CryptoKeys: pinned set only)', async () => {
    for (const alg of ['ES256', 'ES384', 'ES512', 'RS256', 'PS512', 'EdDSA'] as Alg[]) {
      const { signKey, verifyKey } = fixture(ring, alg)
      const token = await sign({ n: 1 }, signKey, { alg, now: NOW })
      const res = await verify(token, verifyKey, { now: NOW })
      expect(res.payload).toEqual({ n: 1, iat: T })
    }
  })

  it('issuedAt: false leaves iat out; an explicit iat is kept as is', async () => {
    const { signKey, verifyKey } = fixture(ring, 'HS256')
    await fc.assert(
      fc.asyncProperty(privateClaims, numericDate(0, T), async (p, iat) => {
        const a = await sign(p, signKey, { alg: 'HS256', now: NOW, issuedAt: false })
        expect((await verify(a, verifyKey, { algorithms: ['HS256'], now: NOW })).payload).toEqual(JSON.parse(JSON.stringify(p)))
        const b = await sign({ ...p, iat }, signKey, { alg: 'HS256', now: NOW })
        expect(decode(b).payload.iat).toBe(iat)
      }),
      { numRuns: 30 },
    )
  })
})

// RFC 7519 §4.1: iss/sub/jti StringOrURI, aud string or array of strings, exp/nbf/iat NumericDate.
const notString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), fc.string(), { maxKeys: 2, noNullPrototype: true }),
)
const badAud = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), fc.string(), { maxKeys: 2, noNullPrototype: true }),
  // an array with at least one non-string member
  fc.tuple(fc.array(fc.string(), { maxLength: 2 }), fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 1 }))).map(
    ([a, x]) => [...a, x],
  ),
)
const badDate = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.bigInt(),
  fc.integer().map((n) => ({ n })),
)
const wrongClaim = fc.oneof(
  fc.tuple(fc.constantFrom('iss', 'sub', 'jti'), notString),
  fc.tuple(fc.constant('aud'), badAud),
  fc.tuple(fc.constantFrom('exp', 'nbf', 'iat'), badDate),
)

describe('sign refuses payloads that break RFC 7519 types', () => {
  it('a registered claim of the wrong type → ERR_JOSE_INVALID_ARGUMENT (any alg)', async () => {
    await fc.assert(
      fc.asyncProperty(
        privateClaims,
        wrongClaim,
        fc.constantFrom<Alg>('HS256', 'ES256', 'EdDSA'),
        async (p, [name, value], alg) => {
          const { signKey } = fixture(ring, alg)
          const payload = { ...p, [name]: value }
          const r = await outcome(() => sign(payload, signKey, { alg, now: NOW }))
          expect(r.ok, `sign accepted ${name}: ${String(value)}`).toBe(false)
          if (!r.ok) {
            expect(r.sync, 'sign threw synchronously').toBe(false)
            expectJose(r.error, lib, 'ERR_JOSE_INVALID_ARGUMENT')
          }
        },
      ),
      { numRuns: 120 },
    )
  })

  it('BigInt, NaN, ±Infinity or a cycle anywhere in the payload → ERR_JOSE_INVALID_ARGUMENT', async () => {
    const poison = fc.constantFrom<() => unknown>(
      () => 1n,
      () => Number.NaN,
      () => Number.POSITIVE_INFINITY,
      () => Number.NEGATIVE_INFINITY,
      () => {
        const o: Record<string, unknown> = { a: 1 }
        o.self = o
        return o
      },
    )
    await fc.assert(
      fc.asyncProperty(privateClaims, claimName, poison, fc.nat({ max: 3 }), async (p, name, make, depth) => {
        let v = make()
        for (let i = 0; i < depth; i++) v = i % 2 ? { x: v } : [v]
        const payload = { ...p, [name]: v }
        const { signKey } = fixture(ring, 'HS256')
        const r = await outcome(() => sign(payload, signKey, { alg: 'HS256', now: NOW }))
        expect(r.ok, 'sign accepted a payload JSON cannot carry faithfully').toBe(false)
        if (!r.ok) expectJose(r.error, lib, 'ERR_JOSE_INVALID_ARGUMENT')
      }),
      { numRuns: 60 },
    )
  })
})
