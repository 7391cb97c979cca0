/**
 * API.md "Key sets", remote, against a real node:http server on 127.0.0.1: rotation,
 * one shared request for concurrent callers, the unknown-kid cooldown, ETag / 304,
 * Cache-Control lifetimes on an injected clock, reload(), the `jwks` snapshot, and the
 * selection rules a remote set shares with a local one. Requests are counted by the
 * server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verify } from '../../src/index.ts'
import type { Jwk } from '../../src/types.ts'
import {
  doc, expectDeepFrozen, makeKey, rejectsWith, remoteSet, tokenFor, unknownKidToken, type TestKey,
} from './helpers.ts'
import { TestServer, delayed, serve, status, withEtag } from './servers.ts'

let srv: TestServer
let a: TestKey
let b: TestKey

beforeAll(async () => {
  srv = await TestServer.http()
  a = makeKey('ES256', { kid: 'a' })
  b = makeKey('ES256', { kid: 'b' })
})
afterAll(async () => {
  await srv.close()
})

describe('first use, rotation', () => {
  it('nothing is fetched at creation; the first verification fetches once', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set, log } = remoteSet(ep)
    expect(ep.count).toBe(0)
    expect(set.jwks).toBeUndefined()
    const out = await verify(tokenFor(a), set)
    expect(out.payload).toEqual({ sub: 'user' })
    await verify(tokenFor(a, { sub: 'again' }), set)
    expect(ep.count).toBe(1)
    expect(ep.hits[0]!.headers['if-none-match']).toBeUndefined()
    expect(String(ep.hits[0]!.headers.accept)).toContain('json')
    expect(log.types).toEqual(['fetched'])
    expect(log.events[0]!.url).toBe(ep.url)
  })

  it('tokens refused before key resolution never cause a request', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set } = remoteSet(ep)
    const [h, p] = tokenFor(a).split('.')
    const none = `${Buffer.from('{"alg":"none","kid":"a"}').toString('base64url')}.${p}.`
    await rejectsWith(() => verify('not.a.jwt!', set), 'ERR_JWS_INVALID')
    await rejectsWith(() => verify(`${h}.${p}`, set), 'ERR_JWS_INVALID')
    await rejectsWith(() => verify(none, set), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await rejectsWith(() => verify(tokenFor(a), set, { algorithms: ['RS256'] }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    expect(ep.count).toBe(0)
  })

  it('caller headers are sent', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set } = remoteSet(ep, { headers: { 'x-tenant': 't1', 'user-agent': 'isojwt-test' } })
    await verify(tokenFor(a), set)
    expect(ep.hits[0]!.headers['x-tenant']).toBe('t1')
    expect(ep.hits[0]!.headers['user-agent']).toBe('isojwt-test')
  })

  it('rotation: a new kid is fetched once the cooldown since the last fetch passed; a retired kid is refused', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set, clock, log } = remoteSet(ep)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(1)
    ep.handler = serve(doc(b)) // the IdP rotates: a retired, b published
    clock.advance(29.999)
    // Within the cooldown (30 s from the start of the last fetch): no request.
    await rejectsWith(() => verify(tokenFor(b), set), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(ep.count).toBe(1)
    clock.advance(0.001)
    const out = await verify(tokenFor(b), set)
    expect(out.header.kid).toBe('b')
    expect(ep.count).toBe(2)
    // a is gone from the set; a refetch for it waits for the next cooldown.
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(ep.count).toBe(2)
    expect(set.jwks!.keys.map((k) => k.kid)).toEqual(['b'])
    expect(log.types).toEqual(['fetched', 'fetched'])
  })

  it('rotation with overlap: a and b published together, then a withdrawn', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set, clock } = remoteSet(ep, { cooldown: 10 })
    await verify(tokenFor(a), set)
    ep.handler = serve(doc(a, b))
    clock.advance(10)
    await verify(tokenFor(b), set)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    ep.handler = serve(doc(b))
    clock.advance(600) // past maxTtl (no Cache-Control): the next use refetches
    await verify(tokenFor(b), set)
    expect(ep.count).toBe(3)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(ep.count).toBe(3)
  })
})

describe('one request for many callers', () => {
  it('50 concurrent verifications on first use → exactly 1 request', async () => {
    const ep = srv.endpoint(delayed(50, serve(doc(a))))
    const { set } = remoteSet(ep)
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => verify(tokenFor(a, { sub: `u${i}` }), set)))
    expect(results.map((r) => r.payload.sub)).toEqual(Array.from({ length: 50 }, (_, i) => `u${i}`))
    expect(ep.count).toBe(1)
    // Each imported key is cached: every result carries the same CryptoKey.
    expect(new Set(results.map((r) => r.key)).size).toBe(1)
  })

  it('50 concurrent verifications when the set expired → exactly 1 more request', async () => {
    const ep = srv.endpoint(delayed(30, serve(doc(a), { headers: { 'cache-control': 'max-age=120' } })))
    const { set, clock } = remoteSet(ep)
    await verify(tokenFor(a), set)
    clock.advance(120)
    await Promise.all(Array.from({ length: 50 }, () => verify(tokenFor(a), set)))
    expect(ep.count).toBe(2)
  })

  it('50 concurrent tokens with a new kid → exactly 1 request', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set, clock } = remoteSet(ep)
    await verify(tokenFor(a), set)
    ep.handler = delayed(30, serve(doc(a, b)))
    clock.advance(30)
    await Promise.all(Array.from({ length: 50 }, () => verify(tokenFor(b), set)))
    expect(ep.count).toBe(2)
  })
})

describe('unknown kid: at most one request per cooldown', () => {
  it('1,000 unknown-kid tokens at one instant → no request beyond the first fetch', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set } = remoteSet(ep)
    await verify(tokenFor(a), set)
    for (let i = 0; i < 1000; i++) await rejectsWith(() => verify(unknownKidToken(`ghost-${i}`), set), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(ep.count).toBe(1)
  })

  it('1,000 unknown-kid tokens over 100 s of clock (cooldown 30 s) → one request per cooldown: 1 + 3', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set, clock } = remoteSet(ep)
    await verify(tokenFor(a), set)
    for (let i = 0; i < 1000; i++) {
      clock.advance(0.1)
      await rejectsWith(() => verify(unknownKidToken(`ghost-${i}`), set), 'ERR_JWKS_NO_MATCHING_KEY')
    }
    // Refetches at +30 s, +60 s, +90 s (from the start of the previous attempt).
    expect(ep.count).toBe(4)
    // The known kid still verifies throughout, without a request.
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(4)
  })

  it('1,000 concurrent unknown-kid tokens after the cooldown → exactly 1 request', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set, clock } = remoteSet(ep, { cooldown: '1 min' })
    await verify(tokenFor(a), set)
    ep.handler = delayed(20, serve(doc(a)))
    clock.advance(60)
    const all = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => verify(unknownKidToken(`g${i}`), set)))
    expect(all.every((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY')).toBe(true)
    expect(ep.count).toBe(2)
  })
})

describe('ETag, If-None-Match and 304', () => {
  it('a refresh is conditional; 304 renews the set for the 304\'s lifetime', async () => {
    const state = { etag: '"v1"', body: doc(a), headers: { 'cache-control': 'max-age=120' } }
    const ep = srv.endpoint(withEtag(state))
    const { set, clock, log } = remoteSet(ep)
    const first = await verify(tokenFor(a), set)
    clock.advance(119.999)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(1)
    clock.advance(0.001)
    const second = await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    expect(ep.hits[1]!.headers['if-none-match']).toBe('"v1"')
    // The renewed set is the same set: the imported key is reused.
    expect(second.key).toBe(first.key)
    // Renewed for another 120 s from the 304.
    clock.advance(119.999)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    clock.advance(0.001)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(3)
    expect(ep.hits[2]!.headers['if-none-match']).toBe('"v1"')
    expect(log.types).toEqual(['fetched', 'not_modified', 'not_modified'])
    expect(set.jwks!.keys.map((k) => k.kid)).toEqual(['a'])
  })

  it('a 304 lifetime comes from the 304\'s own Cache-Control', async () => {
    let hits = 0
    const ep = srv.endpoint((req, res, hit) => {
      hits++
      if (req.headers['if-none-match'] === '"x"') res.writeHead(304, { etag: '"x"', 'cache-control': 'max-age=300' }).end()
      else withEtag({ etag: '"x"', body: doc(a), headers: { 'cache-control': 'max-age=60' } })(req, res, hit)
    })
    const { set, clock } = remoteSet(ep)
    await verify(tokenFor(a), set)
    clock.advance(60)
    await verify(tokenFor(a), set)
    clock.advance(299.999)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    clock.advance(0.001)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(3)
    expect(hits).toBe(3)
  })

  it('a new ETag after a change is the one sent next', async () => {
    const state = { etag: '"v1"', body: doc(a) as unknown, headers: { 'cache-control': 'max-age=60' } }
    const ep = srv.endpoint(withEtag(state))
    const { set, clock, log } = remoteSet(ep)
    await verify(tokenFor(a), set)
    state.etag = 'W/"v2"'
    state.body = doc(b)
    clock.advance(60)
    await verify(tokenFor(b), set)
    expect(ep.hits[1]!.headers['if-none-match']).toBe('"v1"')
    clock.advance(60)
    await verify(tokenFor(b), set)
    expect(ep.hits[2]!.headers['if-none-match']).toBe('W/"v2"')
    expect(log.types).toEqual(['fetched', 'fetched', 'not_modified'])
  })

  it('an ETag dropped by the server is dropped by the set: the next refresh is unconditional', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { etag: '"v1"', 'cache-control': 'max-age=60' } }))
    const { set, clock } = remoteSet(ep)
    await verify(tokenFor(a), set)
    ep.handler = serve(doc(a), { headers: { 'cache-control': 'max-age=60' } })
    clock.advance(60)
    await verify(tokenFor(a), set)
    expect(ep.hits[1]!.headers['if-none-match']).toBe('"v1"')
    clock.advance(60)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(3)
    expect(ep.hits[2]!.headers['if-none-match']).toBeUndefined()
  })

  it('without an ETag the refresh is unconditional', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { 'cache-control': 'max-age=60' } }))
    const { set, clock } = remoteSet(ep)
    await verify(tokenFor(a), set)
    clock.advance(60)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    expect(ep.hits[1]!.headers['if-none-match']).toBeUndefined()
  })

  it('304 to a non-conditional request (first use) → ERR_JWKS_FETCH_FAILED', async () => {
    const ep = srv.endpoint(status(304, { etag: '"v1"' }))
    const { set, log } = remoteSet(ep)
    const err = await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(1)
    expect(log.types).toEqual(['fetch_failed'])
    expect(log.events[0]!.error).toBe(err)
    expect(set.jwks).toBeUndefined()
  })

  it('304 to a non-conditional refresh (set had no ETag) is a failure: the old set is served stale', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { 'cache-control': 'max-age=60' } }))
    const { set, clock, log } = remoteSet(ep)
    await verify(tokenFor(a), set)
    ep.handler = status(304, { etag: '"late"' })
    clock.advance(60)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    expect(ep.hits[1]!.headers['if-none-match']).toBeUndefined()
    expect(log.types).toEqual(['fetched', 'fetch_failed', 'serving_stale'])
    expect(log.events[1]!.error?.code).toBe('ERR_JWKS_FETCH_FAILED')
  })
})

describe('Cache-Control lifetimes (injected clock)', () => {
  type Row = [label: string, headers: Record<string, string>, opts: { minTtl?: number | string; maxTtl?: number | string }, lifetime: number]
  const rows: Row[] = [
    ['max-age=300', { 'cache-control': 'max-age=300' }, {}, 300],
    ['max-age=300, Age 100', { 'cache-control': 'max-age=300', age: '100' }, {}, 200],
    ['public, max-age=300 with Age 100', { 'cache-control': 'public, max-age=300', age: '100' }, {}, 200],
    ['max-age=5 → minTtl', { 'cache-control': 'max-age=5' }, {}, 60],
    ['max-age=300, Age 290 → minTtl', { 'cache-control': 'max-age=300', age: '290' }, {}, 60],
    ['Age beyond max-age → minTtl', { 'cache-control': 'max-age=300', age: '4000' }, {}, 60],
    ['max-age=86400 → maxTtl', { 'cache-control': 'max-age=86400' }, {}, 600],
    ['max-age=86400, Age 3600 → maxTtl', { 'cache-control': 'max-age=86400', age: '3600' }, {}, 600],
    ['no-store → minTtl', { 'cache-control': 'no-store' }, {}, 60],
    ['no-cache → minTtl', { 'cache-control': 'no-cache' }, {}, 60],
    ['max-age=0 → minTtl', { 'cache-control': 'max-age=0' }, {}, 60],
    ['no-store with max-age → minTtl', { 'cache-control': 'no-store, max-age=300' }, {}, 60],
    ['max-age with no-cache → minTtl', { 'cache-control': 'max-age=300, no-cache' }, {}, 60],
    ['no Cache-Control → maxTtl', {}, {}, 600],
    ['Cache-Control without max-age → maxTtl', { 'cache-control': 'public' }, {}, 600],
    ['minTtl 10 min raises max-age=300', { 'cache-control': 'max-age=300' }, { minTtl: '10 min', maxTtl: '1h' }, 600],
    ['maxTtl 1 h caps max-age=7200', { 'cache-control': 'max-age=7200' }, { maxTtl: '1h' }, 3600],
    ['no-store with minTtl 5 s', { 'cache-control': 'no-store' }, { minTtl: 5 }, 5],
    ['no max-age with maxTtl 120 s', {}, { maxTtl: 120 }, 120],
    ['minTtl 0 lets max-age=30 stand', { 'cache-control': 'max-age=30' }, { minTtl: 0 }, 30],
  ]

  it.each(rows)('%s', async (_label, headers, opts, lifetime) => {
    const ep = srv.endpoint(serve(doc(a), { headers }))
    const { set, clock } = remoteSet(ep, opts)
    await verify(tokenFor(a), set)
    clock.advance(lifetime - 0.001)
    // Never a request per verification, however the response was marked.
    for (let i = 0; i < 20; i++) await verify(tokenFor(a), set)
    expect(ep.count, `still fresh just before ${lifetime} s`).toBe(1)
    clock.advance(0.001)
    await verify(tokenFor(a), set)
    expect(ep.count, `expired at ${lifetime} s`).toBe(2)
    // The refetched set gets the same lifetime again.
    clock.advance(lifetime - 0.001)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
  })

  it('the clock is read on every use, never captured at creation', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { 'cache-control': 'max-age=60' } }))
    let t = Date.UTC(2030, 0, 1)
    let reads = 0
    const { set } = remoteSet(ep, { now: () => (reads++, new Date(t)) })
    expect(reads).toBe(0)
    await verify(tokenFor(a), set)
    const afterFirst = reads
    await verify(tokenFor(a), set)
    expect(reads).toBeGreaterThan(afterFirst)
    t += 60_000
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
  })

  it('a fixed Date as the clock: the set never ages', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { 'cache-control': 'no-store' } }))
    const { set } = remoteSet(ep, { now: new Date(Date.UTC(2030, 0, 1)) })
    for (let i = 0; i < 5; i++) await verify(tokenFor(a), set)
    expect(ep.count).toBe(1)
  })
})

describe('reload()', () => {
  it('ignores the cooldown after a failure, and its failure is ERR_JWKS_FETCH_FAILED', async () => {
    const ep = srv.endpoint(status(500))
    const { set } = remoteSet(ep)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(1)
    await rejectsWith(() => set.reload(), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(2)
    ep.handler = serve(doc(a))
    await set.reload()
    expect(ep.count).toBe(3)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(3)
  })

  it('refetches a fresh set at once (picks up a rotation before the cooldown)', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set } = remoteSet(ep)
    await verify(tokenFor(a), set)
    ep.handler = serve(doc(b))
    await set.reload()
    expect(ep.count).toBe(2)
    await verify(tokenFor(b), set)
    expect(ep.count).toBe(2)
  })

  it('joins an in-flight request (verify + 2 reloads → 1 request; reload first → 1 request)', async () => {
    const ep = srv.endpoint(delayed(80, serve(doc(a))))
    const { set } = remoteSet(ep)
    const v = verify(tokenFor(a), set)
    await new Promise((r) => setTimeout(r, 10))
    await Promise.all([v, set.reload(), set.reload()])
    expect(ep.count).toBe(1)

    const ep2 = srv.endpoint(delayed(80, serve(doc(a))))
    const two = remoteSet(ep2).set
    const r = two.reload()
    await Promise.all([r, verify(tokenFor(a), two), verify(tokenFor(a), two)])
    expect(ep2.count).toBe(1)
  })

  it('a reload joined to a failing request rejects with it', async () => {
    const ep = srv.endpoint(delayed(50, status(503)))
    const { set } = remoteSet(ep)
    const v = rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    await new Promise((r) => setTimeout(r, 10))
    await rejectsWith(() => set.reload(), 'ERR_JWKS_FETCH_FAILED')
    await v
    expect(ep.count).toBe(1)
  })
})

describe('the jwks snapshot', () => {
  it('is undefined before the first fetch, then a deep-frozen copy of the served set', async () => {
    const withOps = { ...a.jwk, key_ops: ['verify'], x5c: ['AAAA'] } as Jwk
    const ep = srv.endpoint(serve({ keys: [withOps, b.jwk] }))
    const { set, clock } = remoteSet(ep)
    expect(set.jwks).toBeUndefined()
    await set.reload()
    const snap = set.jwks!
    expect(snap).toEqual({ keys: [withOps, b.jwk] })
    expectDeepFrozen(snap, 'jwks')
    expect(() => {
      ;(snap.keys as Jwk[]).push(a.jwk)
    }).toThrow(TypeError)
    expect(() => {
      ;(snap.keys[0]!.key_ops as string[])[0] = 'sign'
    }).toThrow(TypeError)
    // A later rotation does not change a snapshot already handed out.
    ep.handler = serve(doc(b))
    clock.advance(600)
    await verify(tokenFor(b), set)
    expect(snap.keys).toHaveLength(2)
    expect(set.jwks!.keys.map((k) => k.kid)).toEqual(['b'])
    expect(ep.count).toBe(2)
  })

  it('the keys the set hands to verification are the served JWKs (not CryptoKeys), and cannot be changed by a caller', async () => {
    const ep = srv.endpoint(serve(doc(a, b)))
    const { set } = remoteSet(ep)
    const got = (await set({ alg: 'ES256', kid: 'a' }, { payload: {} })) as Jwk[]
    expect(Array.isArray(got)).toBe(true)
    expect(got).toEqual([a.jwk])
    expect(got[0]).not.toBeInstanceOf(CryptoKey)
    expect(Object.isFrozen(got[0])).toBe(true)
  })
})

describe('selection rules in a remote set', () => {
  it('an RSA key without alg: without algorithms → ERR_JOSE_ALG_NOT_ALLOWED; algorithms [RS256] → valid', async () => {
    const rsa = makeKey('RS256', { kid: 'rsa' })
    expect(rsa.jwk.alg).toBeUndefined()
    const ep = srv.endpoint(serve(doc(rsa)))
    const { set } = remoteSet(ep)
    await rejectsWith(() => verify(tokenFor(rsa), set), 'ERR_JOSE_ALG_NOT_ALLOWED')
    const out = await verify(tokenFor(rsa), set, { algorithms: ['RS256'] })
    expect(out.payload).toEqual({ sub: 'user' })
    expect(ep.count).toBe(1)
  })

  it('broken keys beside a good one are skipped; only broken ones → ERR_JWKS_NO_MATCHING_KEY', async () => {
    const good = makeKey('ES256', { kid: 'k' })
    const brokenX = { ...good.jwk, x: Buffer.from('short').toString('base64url') }
    const offCurve = { ...good.jwk, y: good.jwk.x }
    const junk = [null, 1, 'x', [], {}, { kty: 7 }]
    const ep = srv.endpoint(serve({ keys: [...junk, brokenX, offCurve, good.jwk] }))
    const { set } = remoteSet(ep)
    await verify(tokenFor(good), set)
    const noKid = { keys: [{ ...brokenX, kid: undefined }, { ...good.jwk, kid: undefined }] }
    const ep2 = srv.endpoint(serve(noKid))
    await verify(tokenFor(good, {}, { kid: undefined }), remoteSet(ep2).set)
    const ep3 = srv.endpoint(serve({ keys: [brokenX, offCurve] }))
    await rejectsWith(() => verify(tokenFor(good), remoteSet(ep3).set), 'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('oct keys in a remote set are never used', async () => {
    const hs = makeKey('HS256', { kid: 'hs', alg: 'HS256' })
    const ep = srv.endpoint(serve(doc(hs)))
    const { set } = remoteSet(ep)
    await rejectsWith(() => verify(tokenFor(hs), set, { algorithms: ['HS256'] }), 'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('exact alg (EdDSA ≠ Ed25519) and use/key_ops filters apply', async () => {
    const ed = makeKey('EdDSA', { kid: 'ed', alg: 'EdDSA' })
    const enc = makeKey('ES256', { kid: 'enc', extra: { use: 'enc' } })
    const signOnly = makeKey('ES256', { kid: 'so', extra: { key_ops: ['sign'] } })
    const ep = srv.endpoint(serve(doc(ed, enc, signOnly)))
    const { set } = remoteSet(ep)
    await verify(tokenFor(ed), set)
    await rejectsWith(() => verify(tokenFor(ed, {}, { alg: 'Ed25519' }), set), 'ERR_JWKS_NO_MATCHING_KEY')
    await rejectsWith(() => verify(tokenFor(enc), set), 'ERR_JWKS_NO_MATCHING_KEY')
    await rejectsWith(() => verify(tokenFor(signOnly), set), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(ep.count).toBe(1)
  })

  it('more than 3 fitting keys need a kid', async () => {
    const four = [0, 1, 2, 3].map(() => makeKey('ES256', { kid: undefined }))
    const ep = srv.endpoint(serve(doc(...four)))
    const { set } = remoteSet(ep)
    await rejectsWith(() => verify(tokenFor(four[0]!), set), 'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('a 200 refetch with an unchanged key keeps its CryptoKey; a changed key under the same kid gets a new one', async () => {
    const ep = srv.endpoint(serve(doc(a, b)))
    const { set } = remoteSet(ep)
    const first = await verify(tokenFor(a), set)
    await set.reload()
    const second = await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    expect(second.key).toBe(first.key)
    const a2 = makeKey('ES256', { kid: 'a' })
    ep.handler = serve(doc(a2, b))
    await set.reload()
    const third = await verify(tokenFor(a2), set)
    expect(third.key).not.toBe(first.key)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWS_SIGNATURE_INVALID')
  })

  it('each imported key is cached: a second verify returns the same CryptoKey', async () => {
    const ep = srv.endpoint(serve(doc(a, b)))
    const { set } = remoteSet(ep)
    const x = await verify(tokenFor(a), set)
    const y = await verify(tokenFor(a, { sub: 'y' }), set)
    expect(y.key).toBe(x.key)
    const z = await verify(tokenFor(b), set)
    expect(z.key).not.toBe(x.key)
  })
})
