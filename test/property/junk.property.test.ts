/**
 * API.md, Errors: "Nothing the library does on bad input throws or rejects with anything
 * else" than a JoseError. decode / isExpired / verify / verifyJws on arbitrary strings,
 * token-alphabet soup and three-segment junk (including segments that are valid
 * base64url of arbitrary bytes or arbitrary JSON) never leak a TypeError & co.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import * as lib from '../../src/index.ts'
import { decode, isExpired, verify, verifyJws } from '../../src/index.ts'
import type { Alg, KeyInput } from '../../src/index.ts'
import { b64u, b64uJson, b64uText, describeError, outcome } from './helpers.ts'
import { fixture, makeKeyring, type KeyFixture } from './keyring.ts'

let ring: Map<Alg, KeyFixture>
beforeAll(async () => {
  ring = await makeKeyring(['HS256', 'ES256', 'EdDSA'])
}, 60_000)

function onlyJose(e: unknown): void {
  expect(lib.isJoseError(e), describeError(e)).toBe(true)
  expect(e instanceof lib.JoseError, describeError(e)).toBe(true)
}

/** Every entry point on one string: sync ones throw JoseErrors, async ones reject with them. */
async function hammer(s: string, keys: { key: KeyInput; alg: Alg }[], mustFailVerify = true): Promise<void> {
  for (const f of [() => decode(s), () => isExpired(s), () => isExpired(s, { now: new Date(0), clockTolerance: 5 })]) {
    try {
      f()
    } catch (e) {
      onlyJose(e)
    }
  }
  for (const { key, alg } of keys) {
    for (const opts of [{ algorithms: [alg] }, undefined]) {
      const v = await outcome(() => verify(s, key, opts))
      if (mustFailVerify) expect(v.ok, 'verify accepted junk').toBe(false)
      if (!v.ok) {
        expect(v.sync, 'verify threw synchronously').toBe(false)
        onlyJose(v.error)
      }
      const j = await outcome(() => verifyJws(s, key, opts))
      if (mustFailVerify) expect(j.ok, 'verifyJws accepted junk').toBe(false)
      if (!j.ok) {
        expect(j.sync, 'verifyJws threw synchronously').toBe(false)
        onlyJose(j.error)
      }
    }
    // a resolver sees whatever header got through; it must not change the error class
    const r = await outcome(() => verify(s, () => key, { algorithms: [alg] }))
    if (!r.ok) onlyJose(r.error)
  }
}

function keysFor(...algs: Alg[]) {
  return algs.map((alg) => ({ alg, key: fixture(ring, alg).verifyKey }))
}

const tokenChars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-=+/ '.split(''))
const segmentOf = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.uint8Array({ maxLength: 40 }).map(b64u),
  fc.jsonValue({ maxDepth: 3 }).map(b64uJson),
  fc.string({ unit: 'binary', maxLength: 20 }).map(b64uText),
  // header-shaped objects with random alg/crit/b64/typ/kid members
  fc
    .record(
      {
        alg: fc.oneof(fc.constantFrom('HS256', 'ES256', 'EdDSA', 'none', 'hs256', 'RS256', '__proto__', ''), fc.jsonValue({ maxDepth: 1 })),
        typ: fc.jsonValue({ maxDepth: 1 }),
        kid: fc.jsonValue({ maxDepth: 1 }),
        crit: fc.oneof(fc.array(fc.constantFrom('b64', 'exp', 'x', 'constructor', 'toString'), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
        b64: fc.jsonValue({ maxDepth: 1 }),
        x: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    )
    .map(b64uJson),
)

describe('only JoseErrors escape on junk input', () => {
  it('arbitrary full-Unicode strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 80 }), (s) => hammer(s, keysFor('HS256', 'ES256'))),
      { numRuns: 150 },
    )
  })

  it('strings over [A-Za-z0-9_.-=+/ ]', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: tokenChars, maxLength: 120 }), (s) => hammer(s, keysFor('HS256', 'EdDSA'))),
      { numRuns: 150 },
    )
  })

  it('three-segment junk (random bytes, random JSON, header-shaped objects, raw text)', async () => {
    await fc.assert(
      fc.asyncProperty(segmentOf, segmentOf, segmentOf, (h, p, s) => hammer(`${h}.${p}.${s}`, keysFor('HS256', 'ES256', 'EdDSA'))),
      { numRuns: 300 },
    )
  })

  it('junk with 1–6 segments (empty ones included)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(segmentOf, { minLength: 1, maxLength: 6 }), fc.boolean(), async (segs, blank) => {
        if (blank) segs[segs.length - 1] = ''
        await hammer(segs.join('.'), keysFor('HS256'))
      }),
      { numRuns: 150 },
    )
  })

  it('non-string tokens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything({ withBigInt: true, withTypedArray: true, withMap: true, withSet: true, withDate: true }), async (v) => {
        await hammer(v as string, keysFor('HS256'))
      }),
      { numRuns: 100 },
    )
  })
})
