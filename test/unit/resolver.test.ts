/**
 * API.md "Key resolvers": when they run, what they see, what they may return, and the
 * error for each outcome.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { JoseError, verify, verifyJws } from '../../src/index.ts'
import type { Alg, JwsHeader, KeyInput, KeyResolver, VerifyOptions } from '../../src/types.ts'
import {
  NOW, SECRET, T, b64u, badSig, craft, craftSegments, ec, jwk, rejects, rsa, segment, type Pair,
} from './helpers.ts'

let P256: Pair
let OTHER: Pair
let R: Pair

beforeAll(() => {
  P256 = ec('P-256')
  OTHER = ec('P-256', 'other')
  R = rsa()
})

const esTok = (payload: unknown = { sub: 'x' }, header: Record<string, unknown> = { alg: 'ES256', typ: 'JWT', kid: 'k1' }) =>
  craft(header, payload, P256.privateKey, 'ES256')

interface Call {
  header: Readonly<JwsHeader>
  payload: unknown
  frozen: boolean
}

/** A resolver recording its calls. */
function recorder(result: (call: Call) => unknown): KeyResolver & { calls: Call[] } {
  const calls: Call[] = []
  const fn = ((header: Readonly<JwsHeader>, token: { readonly payload: unknown }) => {
    const call = { header, payload: token.payload, frozen: Object.isFrozen(header) }
    calls.push(call)
    return result(call) as KeyInput
  }) as KeyResolver & { calls: Call[] }
  fn.calls = calls
  return fn
}

const opts: VerifyOptions = { now: NOW }

describe('what the resolver sees', () => {
  it('called once, with a frozen header equal to the token header and the unverified payload', async () => {
    const header = { alg: 'ES256', typ: 'JWT', kid: 'k1', cty: 'x' }
    const r = recorder(() => P256.pubJwk)
    const out = await verify(esTok({ sub: 'x', exp: T + 60 }, header), r, opts)
    expect(out.payload).toEqual({ sub: 'x', exp: T + 60 })
    expect(r.calls).toHaveLength(1)
    expect(r.calls[0]!.header).toEqual(header)
    expect(r.calls[0]!.frozen).toBe(true)
    expect(r.calls[0]!.payload).toEqual({ sub: 'x', exp: T + 60 })
  })

  it('the payload is offered even when the signature is bad (it is NOT verified)', async () => {
    const r = recorder(() => P256.pubJwk)
    await rejects(() => verify(badSig(esTok({ iss: 'forged' })), r, opts), 'ERR_JWS_SIGNATURE_INVALID')
    expect(r.calls).toHaveLength(1)
    expect(r.calls[0]!.payload).toEqual({ iss: 'forged' })
  })

  for (const raw of ['[1,2]', 'null', '5', '"str"', 'not json', '{"a":']) {
    it(`payload ${raw}: the resolver sees undefined; the payload step still fails with ERR_JWT_INVALID`, async () => {
      const r = recorder(() => P256.pubJwk)
      await rejects(() => verify(esTok(raw), r, opts), 'ERR_JWT_INVALID')
      expect(r.calls).toHaveLength(1)
      expect(r.calls[0]!.payload).toBeUndefined()
    })
  }

  it('verifyJws: the resolver sees the payload bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255])
    const r = recorder(() => P256.pubJwk)
    const out = await verifyJws(craft({ alg: 'ES256' }, bytes, P256.privateKey), r)
    expect(out.payload).toEqual(bytes)
    expect(r.calls).toHaveLength(1)
    expect(r.calls[0]!.payload).toBeInstanceOf(Uint8Array)
    expect(r.calls[0]!.payload).toEqual(bytes)
    expect(r.calls[0]!.frozen).toBe(true)
  })

  it('an async resolver works', async () => {
    const out = await verify(esTok(), async () => P256.pubJwk, opts)
    expect(out.payload).toEqual({ sub: 'x' })
  })
})

describe('the resolver is not called when the header fails first', () => {
  const hs = (h: unknown) => craft(h, { sub: 'x' }, SECRET, 'HS256')
  const cases: Array<[string, () => string, VerifyOptions, Parameters<typeof rejects>[1]]> = [
    ['two segments', () => esTok().split('.').slice(0, 2).join('.'), {}, 'ERR_JWS_INVALID'],
    ['bad base64url header', () => `*${esTok().slice(1)}`, {}, 'ERR_JWS_INVALID'],
    ['header not JSON', () => craftSegments(b64u('{"alg":"ES256"'), segment({}), P256.privateKey, 'ES256'), {}, 'ERR_JWS_INVALID'],
    ['header a JSON array', () => craftSegments(b64u('["ES256"]'), segment({}), P256.privateKey, 'ES256'), {}, 'ERR_JWS_INVALID'],
    ['malformed crit', () => hs({ alg: 'HS256', crit: [] }), { algorithms: ['HS256'] }, 'ERR_JWS_INVALID'],
    ['unknown crit', () => hs({ alg: 'HS256', crit: ['ext'], ext: 1 }), { algorithms: ['HS256'] }, 'ERR_JOSE_NOT_SUPPORTED'],
    ['alg none', () => craft({ alg: 'none' }, { sub: 'x' }), {}, 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['alg unknown', () => hs({ alg: 'HS999' }), {}, 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['alg not in algorithms', () => esTok(), { algorithms: ['RS256'] }, 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['token too long', () => esTok({ pad: 'x'.repeat(20000) }), {}, 'ERR_JWS_INVALID'],
  ]
  for (const [name, make, o, code] of cases) {
    it(name, async () => {
      const r = recorder(() => P256.pubJwk)
      await rejects(() => verify(make(), r, { ...opts, ...o }), code)
      expect(r.calls, 'resolver must not run').toHaveLength(0)
    })
  }
})

describe('what the resolver may return', () => {
  it('one key of any KeyInput form', async () => {
    await expect(verify(esTok(), () => P256.pubPem, opts)).resolves.toBeTruthy()
    await expect(verify(esTok(), () => P256.pubJwk, opts)).resolves.toBeTruthy()
    const ck = await crypto.subtle.importKey('jwk', P256.pubJwk as JsonWebKey, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
    const out = await verify(esTok(), () => ck, opts)
    expect(out.key).toBe(ck)
  })

  it('up to 3 candidates: the one that verifies wins', async () => {
    await expect(verify(esTok(), () => [OTHER.pubJwk, P256.pubJwk], opts)).resolves.toBeTruthy()
    await expect(verify(esTok(), () => [OTHER.pubJwk, jwk(OTHER.pubJwk, { kid: 'z' }), P256.pubJwk], opts)).resolves.toBeTruthy()
    await expect(verify(esTok(), async () => [P256.pubJwk, OTHER.pubJwk], opts)).resolves.toBeTruthy()
  })

  it('more than 3 candidates → ERR_JWKS_NO_MATCHING_KEY even if one would verify', async () => {
    const four = [OTHER.pubJwk, OTHER.pubJwk, OTHER.pubJwk, P256.pubJwk]
    await rejects(() => verify(esTok(), () => four, opts), 'ERR_JWKS_NO_MATCHING_KEY')
    await rejects(() => verify(esTok(), () => [P256.pubJwk, ...four], opts), 'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('a sparse array of 2^32 - 1 holes is refused by its length, not copied first', async () => {
    // Copying it (or iterating it) first would take minutes; the length is read before anything else.
    const started = performance.now()
    await rejects(() => verify(esTok(), () => new Array(2 ** 32 - 1), opts), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(performance.now() - started).toBeLessThan(1000)
  }, 5000)

  it('undefined, null, [] → ERR_JWKS_NO_MATCHING_KEY', async () => {
    for (const value of [undefined, null, []]) {
      await rejects(() => verify(esTok(), (() => value) as KeyResolver, opts), 'ERR_JWKS_NO_MATCHING_KEY')
      await rejects(() => verify(esTok(), (async () => value) as KeyResolver, opts), 'ERR_JWKS_NO_MATCHING_KEY')
    }
  })

  it("an empty string, an empty Uint8Array or a non-key → ERR_KEY_INVALID", async () => {
    const hsTok = craft({ alg: 'HS256' }, { sub: 'x' }, SECRET)
    for (const value of ['', new Uint8Array(0), 42, {}, true]) {
      await rejects(() => verify(hsTok, (() => value) as unknown as KeyResolver, { ...opts, algorithms: ['HS256'] }), 'ERR_KEY_INVALID')
    }
  })

  it('candidates outside the policy are skipped', async () => {
    const rsaPinned = jwk(R.pubJwk, { alg: 'RS256' })
    const out = await verify(esTok(), () => [rsaPinned, SECRET, P256.pubJwk], { ...opts, algorithms: ['ES256', 'RS256', 'HS256'] })
    expect(out.key.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' })
  })

  it('none fits the policy → ERR_JOSE_ALG_NOT_ALLOWED', async () => {
    await rejects(() => verify(esTok(), () => [jwk(R.pubJwk, { alg: 'RS256' }), R.pubPem], opts), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await rejects(() => verify(esTok(), () => SECRET, { ...opts, algorithms: ['ES256', 'HS256'] }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    // the header alg never fills a gap: a secret without algorithms
    const hsTok = craft({ alg: 'HS256' }, { sub: 'x' }, SECRET)
    await rejects(() => verify(hsTok, () => SECRET, opts), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })

  it('some fit, none verifies → ERR_JWS_SIGNATURE_INVALID', async () => {
    await rejects(() => verify(esTok(), () => OTHER.pubJwk, opts), 'ERR_JWS_SIGNATURE_INVALID')
    await rejects(() => verify(esTok(), () => [OTHER.pubJwk, jwk(R.pubJwk, { alg: 'RS256' })], opts), 'ERR_JWS_SIGNATURE_INVALID')
  })

  it('a JoseError thrown by the resolver passes through unchanged', async () => {
    const mine = new JoseError('ERR_JWT_CLAIM_INVALID', 'tenant unknown', { claim: 'iss', reason: 'mismatch' })
    let caught: unknown
    try {
      await verify(esTok(), () => {
        throw mine
      }, opts)
    } catch (e) {
      caught = e
    }
    expect(caught).toBe(mine)
    await expect(verify(esTok(), async () => Promise.reject(mine), opts)).rejects.toBe(mine)
  })

  it('anything else thrown → ERR_JWKS_NO_MATCHING_KEY with cause', async () => {
    const boom = new TypeError('boom')
    const e1 = await rejects(() => verify(esTok(), () => {
      throw boom
    }, opts), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(e1.cause).toBeDefined()
    const e2 = await rejects(() => verify(esTok(), async () => {
      throw 'a string'
    }, opts), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(e2.cause).toBeDefined()
  })

  it('runs once per verification even with several candidates', async () => {
    const r = recorder(() => [OTHER.pubJwk, P256.pubJwk])
    await verify(esTok(), r, opts)
    await verify(esTok(), r, opts)
    expect(r.calls).toHaveLength(2)
  })

  it('works with verifyJws candidates and policy too', async () => {
    const jws = craft({ alg: 'ES256' }, new Uint8Array([1, 2, 3]), P256.privateKey)
    await expect(verifyJws(jws, () => [OTHER.pubJwk, P256.pubJwk])).resolves.toBeTruthy()
    await rejects(() => verifyJws(jws, () => undefined), 'ERR_JWKS_NO_MATCHING_KEY')
    await rejects(() => verifyJws(jws, () => R.pubPem), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })
})

describe('resolver and algorithms', () => {
  it('an RSA JWK without alg from a resolver needs algorithms', async () => {
    const t = craft({ alg: 'RS256' }, { sub: 'x' }, R.privateKey)
    await rejects(() => verify(t, () => R.pubJwk, opts), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await expect(verify(t, () => R.pubJwk, { ...opts, algorithms: ['RS256'] as Alg[] })).resolves.toBeTruthy()
  })
})
