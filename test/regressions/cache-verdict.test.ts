/**
 * hardening 4: a cache never changes a verdict (issue 12; API.md v3, Prepared). A hit skips
 * only the signature: the resolver runs once on every call, the key must be equal in
 * content to the one that verified, and the claims are checked again under the verifier's
 * `now` and `clockTolerance`. So a caching and an uncaching verifier built from the same
 * key and options agree on every token at every moment, and every result of a caching
 * verifier is deep-frozen.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { createVerifier, isJoseError, sign, type Alg, type KeyInput, type KeyResolver } from '../../src/index.ts'

const T = 1_700_000_000
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64url')
/** 64-byte secrets: long enough for HS256, HS384 and HS512. */
const SECRETS = [1, 2, 3].map((n) => new Uint8Array(64).fill(n))
const ALGS: readonly Alg[] = ['HS256', 'HS384']

/** What a call came to: the payload, or the error code. */
async function verdict(p: Promise<{ payload: unknown }>): Promise<unknown> {
  try {
    return { payload: (await p).payload }
  } catch (e) {
    if (!isJoseError(e)) throw e
    return { code: e.code }
  }
}

describe('hardening 4: a cache never changes a verdict', () => {
  describe('regressions', () => {
    it('a direct JWK changed in place after creation: the cached acceptance is gone, as uncached', async () => {
      const jwk: Record<string, unknown> = { kty: 'oct', k: b64(SECRETS[0]!) }
      const token = await sign({ sub: 'a', exp: T + 600 }, SECRETS[0]!, { alg: 'HS256', issuedAt: false })
      const opts = { algorithms: ['HS256', 'HS384'] as Alg[], now: new Date(T * 1000) }
      const cached = createVerifier(jwk as never, { ...opts, cache: 10 })
      const plain = createVerifier(jwk as never, opts)
      const both = async () => [await verdict(cached(token)), await verdict(plain(token))]
      expect(await both()).toEqual([{ payload: { sub: 'a', exp: T + 600 } }, { payload: { sub: 'a', exp: T + 600 } }])
      jwk.k = b64(SECRETS[1]!) // rotated by mutation
      expect(await both()).toEqual([{ code: 'ERR_JWS_SIGNATURE_INVALID' }, { code: 'ERR_JWS_SIGNATURE_INVALID' }])
      jwk.k = b64(SECRETS[0]!)
      expect(await both()).toEqual([{ payload: { sub: 'a', exp: T + 600 } }, { payload: { sub: 'a', exp: T + 600 } }])
      jwk.alg = 'HS384' // another policy, same key bytes
      expect(await both()).toEqual([{ code: 'ERR_JOSE_ALG_NOT_ALLOWED' }, { code: 'ERR_JOSE_ALG_NOT_ALLOWED' }])
      delete jwk.alg
      jwk.key_ops = ['sign']
      expect(await both()).toEqual([{ code: 'ERR_KEY_INVALID' }, { code: 'ERR_KEY_INVALID' }])
    })

    it('a resolver that picks keys from request context (a tenant): no cached acceptance for another tenant', async () => {
      const keys = new Map([['a', SECRETS[0]!], ['b', SECRETS[1]!]])
      let tenant = 'a'
      let calls = 0
      const resolver: KeyResolver = () => (calls++, keys.get(tenant))
      const token = await sign({ sub: 'for-a', exp: T + 600 }, SECRETS[0]!, { alg: 'HS256', issuedAt: false })
      const opts = { algorithms: ['HS256'] as Alg[], now: new Date(T * 1000) }
      const cached = createVerifier(resolver, { ...opts, cache: 10 })
      const plain = createVerifier(resolver, opts)
      const both = async () => [await verdict(cached(token)), await verdict(plain(token))]
      expect(await both()).toEqual([{ payload: { sub: 'for-a', exp: T + 600 } }, { payload: { sub: 'for-a', exp: T + 600 } }])
      tenant = 'b'
      expect(await both()).toEqual([{ code: 'ERR_JWS_SIGNATURE_INVALID' }, { code: 'ERR_JWS_SIGNATURE_INVALID' }])
      tenant = 'c' // no key for this tenant
      expect(await both()).toEqual([{ code: 'ERR_JWKS_NO_MATCHING_KEY' }, { code: 'ERR_JWKS_NO_MATCHING_KEY' }])
      tenant = 'a'
      expect(await both()).toEqual([{ payload: { sub: 'for-a', exp: T + 600 } }, { payload: { sub: 'for-a', exp: T + 600 } }])
      expect(calls).toBe(8) // once per call, hits included
    })
  })

  describe('every result of a caching verifier is deep-frozen', () => {
    const claims = (pad: number) => ({ sub: 'f', exp: T + 600, roles: ['user', { scope: ['read'] }], meta: { deep: { list: [1, 2] } }, pad: 'x'.repeat(pad) })
    const frozenAll = (v: unknown): boolean =>
      typeof v !== 'object' || v === null || (Object.isFrozen(v) && Object.values(v).every(frozenAll))

    it.each([['a short token', 10], ['a token over 4 096 characters (never cached)', 5000]])('%s, with a key and with a resolver, miss and hit', async (_name, pad) => {
      const token = await sign(claims(pad), SECRETS[0]!, { alg: 'HS256', issuedAt: false })
      expect(token.length > 4096).toBe(pad > 4096)
      const opts = { algorithms: ['HS256'] as Alg[], now: new Date(T * 1000), cache: 4 }
      for (const key of [SECRETS[0]!, () => SECRETS[0]!] as (KeyInput | KeyResolver)[]) {
        const v = createVerifier(key, opts)
        for (let i = 0; i < 3; i++) {
          const r = await v(token)
          expect(r.payload).toEqual(claims(pad))
          expect(Object.isFrozen(r)).toBe(true)
          expect(frozenAll(r.header)).toBe(true)
          expect(frozenAll(r.payload)).toBe(true)
        }
      }
    })
  })

  describe('property: a caching and an uncaching verifier agree at every step', () => {
    const CLAIMS = [
      { sub: 'a', iat: T, exp: T + 60 },
      { sub: 'b', iat: T, nbf: T + 20, exp: T + 100 },
      { sub: 'c', iat: T - 40 },
      { sub: 'd' },
      { sub: 'e', iat: T, exp: T + 60, pad: 'x'.repeat(4200) }, // over 4 096 characters: never cached
    ]
    /** Tokens signed by each secret with each algorithm, for each claim set. */
    const pool: string[] = []
    beforeAll(async () => {
      for (const s of SECRETS) for (const alg of ALGS) for (const c of CLAIMS) pool.push(await sign(c, s, { alg, issuedAt: false }))
    })
    /** Times around every boundary: nbf, exp, maxAge (50 s), cacheTtl (10 s, 30 s), with tolerance 0 or 5. */
    const TIMES = [-100, -1, 0, 1, 4, 5, 6, 9, 10, 11, 14, 15, 16, 19, 20, 21, 25, 29, 30, 31, 35, 39, 40, 41, 45, 50, 51, 55, 56,
      59, 60, 61, 64, 65, 66, 90, 99, 100, 101, 105, 106, 200, 3600].map((d) => T + d)

    type Step =
      | { kind: 'jwk'; member: 'k' | 'alg' | 'use' | 'key_ops'; value: unknown }
      | { kind: 'tenant'; tenant: number }
      | { kind: 'clock'; s: number }
      | { kind: 'verify'; i: number }
      | { kind: 'again' }
    const member = fc.oneof(
      fc.record({ kind: fc.constant('jwk' as const), member: fc.constant('k' as const), value: fc.constantFrom(...SECRETS.map(b64)) }),
      fc.record({ kind: fc.constant('jwk' as const), member: fc.constant('alg' as const), value: fc.constantFrom(undefined, 'HS256', 'HS384', 'HS512') }),
      fc.record({ kind: fc.constant('jwk' as const), member: fc.constant('use' as const), value: fc.constantFrom(undefined, 'sig', 'enc') }),
      fc.record({ kind: fc.constant('jwk' as const), member: fc.constant('key_ops' as const), value: fc.constantFrom(undefined, ['verify'], ['sign'], ['sign', 'verify']) }),
    )
    const step: fc.Arbitrary<Step> = fc.oneof(
      { arbitrary: member, weight: 2 },
      { arbitrary: fc.record({ kind: fc.constant('tenant' as const), tenant: fc.integer({ min: 0, max: 6 }) }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant('clock' as const), s: fc.constantFrom(...TIMES) }), weight: 2 },
      // Any token, or more often one signed by the secret the keys start with (the first in the pool).
      { arbitrary: fc.record({ kind: fc.constant('verify' as const), i: fc.nat({ max: SECRETS.length * ALGS.length * CLAIMS.length - 1 }) }), weight: 2 },
      { arbitrary: fc.record({ kind: fc.constant('verify' as const), i: fc.nat({ max: ALGS.length * CLAIMS.length - 1 }) }), weight: 2 },
      // The token verified last, again: what a cache entry is for (a cache can only go wrong on a repeat).
      { arbitrary: fc.constant({ kind: 'again' as const }), weight: 4 },
    )
    const setup = fc.record({
      tol: fc.constantFrom(0, 5),
      maxAge: fc.constantFrom(undefined, 50),
      cacheTtl: fc.constantFrom(10, 30),
      cache: fc.constantFrom(1, 2, 8),
    })

    it('random interleavings of key mutation, tenant changes, clock moves and verifications', async () => {
      const seen = new Map<string, number>() // what the verdicts were: the walk must reach every outcome
      await fc.assert(fc.asyncProperty(setup, fc.array(step, { minLength: 1, maxLength: 50 }), async (o, steps) => {
        const jwk: Record<string, unknown> = { kty: 'oct', k: b64(SECRETS[0]!) }
        const tenantKeys = SECRETS.map((s) => ({ kty: 'oct', k: b64(s) }))
        const ctx = { now: T, tenant: 0, last: 0 }
        // What the resolver answers depends on the request context, as a multi-tenant server's does.
        const resolver: KeyResolver = () => {
          switch (ctx.tenant) {
            case 0: return tenantKeys[0]
            case 1: return [tenantKeys[1]!, tenantKeys[0]!] // a wrong candidate first
            case 2: return undefined
            case 3: return { ...tenantKeys[1]! } // a fresh object, equal in content, on every call
            case 4: return jwk as never // the JWK that the steps mutate
            case 5: return SECRETS[2]
            default: throw new Error('unknown tenant')
          }
        }
        const opts = {
          algorithms: ALGS as Alg[], clockTolerance: o.tol, now: () => new Date(ctx.now * 1000), ...(o.maxAge === undefined ? {} : { maxAge: o.maxAge }),
        }
        const caching = { cache: o.cache, cacheTtl: o.cacheTtl }
        const pairs = [
          [createVerifier(jwk as never, { ...opts, ...caching }), createVerifier(jwk as never, opts)],
          [createVerifier(resolver, { ...opts, ...caching }), createVerifier(resolver, opts)],
        ] as const
        for (const s of steps) {
          if (s.kind === 'jwk') {
            if (s.value === undefined) delete jwk[s.member]
            else jwk[s.member] = Array.isArray(s.value) ? [...s.value] : s.value
          } else if (s.kind === 'tenant') ctx.tenant = s.tenant
          else if (s.kind === 'clock') ctx.now = s.s
          else {
            if (s.kind === 'verify') ctx.last = s.i
            for (const [cached, plain] of pairs) {
              const token = pool[ctx.last]!
              const want = (await verdict(plain(token))) as { code?: string }
              expect(await verdict(cached(token))).toEqual(want)
              seen.set(want.code ?? 'ok', (seen.get(want.code ?? 'ok') ?? 0) + 1)
            }
          }
        }
      }), { numRuns: 1000 })
      for (const code of ['ok', 'ERR_JWS_SIGNATURE_INVALID', 'ERR_JWT_EXPIRED', 'ERR_JWT_NOT_YET_VALID', 'ERR_JWT_CLAIM_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED',
        'ERR_KEY_INVALID', 'ERR_JWKS_NO_MATCHING_KEY']) expect(seen.get(code) ?? 0, code).toBeGreaterThan(0)
    })
  })
})
