/**
 * API.md "Key sets" and "Errors": every way an identity provider's JWKS endpoint can
 * fail, served for real by node:http on 127.0.0.1. Each failure is a JoseError
 * ERR_JWKS_FETCH_FAILED, costs exactly one request (the server counts), and is not
 * retried within the cooldown. Then the stale window and an IdP that is down from the
 * start.
 */
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verify } from '../../src/index.ts'
import type { RemoteJwksOptions } from '../../src/index.ts'
import type { Jwk } from '../../src/types.ts'
import { doc, makeKey, rejectsWith, remoteSet, tokenFor, type TestKey } from './helpers.ts'
import {
  TestServer, delayed, hang, redirect, reset, resetMidBody, send, serve, settled, status, stream, trickle, type Handler,
} from './servers.ts'

let srv: TestServer
let a: TestKey

beforeAll(async () => {
  srv = await TestServer.http()
  a = makeKey('ES256', { kid: 'a' })
})
afterAll(async () => {
  await srv.close()
})

const KIB = 1024
const DEFAULT_MAX = 512 * KIB

/** `n` distinct-kid copies of key a's public JWK. */
const manyKeys = (n: number): Jwk[] => Array.from({ length: n }, (_, i) => ({ ...a.jwk, kid: `k${i}` }))

/** A valid JWKS document padded with spaces to exactly `size` bytes. */
function padded(size: number): string {
  const text = JSON.stringify(doc(a))
  if (text.length > size) throw new Error('pad target too small')
  return text.slice(0, -1) + ' '.repeat(size - text.length) + '}'
}

interface Fault {
  name: string
  handler: () => Handler
  opts?: RemoteJwksOptions
  /** The server sees the client give up before the response completed. */
  abandoned?: boolean
}

const faults: Fault[] = [
  { name: 'HTTP 500', handler: () => status(500) },
  { name: 'HTTP 404', handler: () => status(404) },
  { name: 'HTTP 503 with a valid JWKS body', handler: () => serve(doc(a), { status: 503 }) },
  { name: 'HTTP 204', handler: () => status(204) },
  { name: 'HTTP 201 with a valid JWKS body', handler: () => serve(doc(a), { status: 201 }) },
  { name: 'HTTP 304 to a non-conditional request', handler: () => status(304, { etag: '"x"' }) },
  { name: 'slow: no response before the timeout', handler: () => hang, opts: { timeout: 0.3 }, abandoned: true },
  { name: 'slow: the body stalls past the timeout', handler: () => trickle('{"keys":['), opts: { timeout: 0.3 }, abandoned: true },
  { name: 'reset: socket destroyed before any response', handler: () => reset },
  { name: 'reset: socket destroyed mid-body', handler: () => resetMidBody('{"keys":[{"kty":"EC",') },
  { name: 'garbage: HTML', handler: () => serve('<html><body>maintenance</body></html>', { headers: { 'content-type': 'text/html' } }) },
  { name: 'garbage: truncated JSON', handler: () => serve('{"keys":[') },
  { name: 'garbage: invalid UTF-8', handler: () => serve(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])) },
  { name: 'garbage: empty body', handler: () => serve('') },
  { name: 'not a JWKS: JSON array', handler: () => serve([doc(a)]) },
  { name: 'not a JWKS: JSON null', handler: () => serve('null') },
  { name: 'not a JWKS: a string', handler: () => serve('"keys"') },
  { name: 'keys not an array: missing', handler: () => serve({ jwks: doc(a).keys }) },
  { name: 'keys not an array: object', handler: () => serve({ keys: { 0: a.jwk } }) },
  { name: 'keys not an array: string', handler: () => serve({ keys: JSON.stringify([a.jwk]) }) },
  { name: 'keys not an array: null', handler: () => serve({ keys: null }) },
  { name: 'more than maxKeys (default 100): 101 keys', handler: () => serve({ keys: manyKeys(101) }) },
  { name: 'more than maxKeys (option 2): 3 keys', handler: () => serve({ keys: manyKeys(3) }), opts: { maxKeys: 2 } },
  { name: 'oversized: Content-Length past the default 512 KiB', handler: () => stream({ declared: 8 * 1024 * KIB, limit: 8 * 1024 * KIB }), abandoned: true },
  { name: 'oversized: chunked body past the default 512 KiB', handler: () => stream({ limit: 32 * 1024 * KIB, prefix: '{"keys":[' }), abandoned: true },
  { name: 'oversized: Content-Length past maxResponseBytes 4096', handler: () => stream({ declared: 8 * 1024 * KIB, limit: 8 * 1024 * KIB }), opts: { maxResponseBytes: 4096 }, abandoned: true },
  { name: 'oversized: chunked body past maxResponseBytes 4096', handler: () => stream({ limit: 8 * 1024 * KIB, chunk: 1024 }), opts: { maxResponseBytes: 4096 }, abandoned: true },
  { name: 'redirect: 301', handler: () => redirect(301, '/elsewhere') },
  { name: 'redirect: 302', handler: () => redirect(302, '/elsewhere') },
  { name: 'redirect: 303', handler: () => redirect(303, '/elsewhere') },
  { name: 'redirect: 307', handler: () => redirect(307, '/elsewhere') },
  { name: 'redirect: 308', handler: () => redirect(308, '/elsewhere') },
]

describe('every failure on first use is ERR_JWKS_FETCH_FAILED after exactly one request', () => {
  it.each(faults)('$name', async ({ handler, opts, abandoned }) => {
    const ep = srv.endpoint(handler())
    const { set, log } = remoteSet(ep, opts)
    const started = performance.now()
    const err = await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    const elapsed = performance.now() - started
    expect(ep.count).toBe(1)
    expect(log.types).toEqual(['fetch_failed'])
    expect(log.events[0]!.error).toBe(err)
    expect(log.events[0]!.url).toBe(ep.url)
    expect(set.jwks).toBeUndefined()
    if (opts?.timeout !== undefined) {
      expect(elapsed).toBeGreaterThanOrEqual(250)
      expect(elapsed).toBeLessThan(3000)
    }
    await settled(ep)
    if (abandoned) {
      // The server saw the connection closed before its response was complete.
      expect(ep.hits[0]!.abandoned).toBe(true)
      if (opts?.timeout === undefined) expect(ep.hits[0]!.bytesWritten).toBeLessThan(8 * 1024 * KIB)
    }
    // Within the cooldown, the same failure comes back without a request.
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(1)
  })

  it('the timeout holds even when a custom fetch ignores the AbortSignal', async () => {
    const ep = srv.endpoint(hang)
    // A plausible wrapper that forwards headers and redirect mode but drops `signal`.
    const dropsSignal: typeof fetch = (input, init) => fetch(input, { headers: init?.headers, redirect: init?.redirect })
    const { set } = remoteSet(ep, { fetch: dropsSignal, timeout: 0.3 })
    const outcome = await Promise.race([
      verify(tokenFor(a), set).then(() => 'resolved', (e: { code?: string }) => e.code),
      new Promise((r) => setTimeout(() => r('still pending 2 s after a 0.3 s timeout'), 2000)),
    ])
    expect(outcome).toBe('ERR_JWKS_FETCH_FAILED')
  })

  it('a redirect is not followed: the target is never requested', async () => {
    const target = srv.endpoint(serve(doc(a)))
    const ep = srv.endpoint(redirect(302, target.url))
    const { set } = remoteSet(ep)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(1)
    expect(target.count).toBe(0)
  })

  it('a custom fetch that follows redirects (redirected: true) is refused too', async () => {
    const target = srv.endpoint(serve(doc(a)))
    const ep = srv.endpoint(redirect(302, target.url))
    let sawRedirected: boolean | undefined
    const following: typeof fetch = async (input, init) => {
      const res = await fetch(input, { ...init, redirect: 'follow' })
      sawRedirected = res.redirected
      return res
    }
    const { set } = remoteSet(ep, { fetch: following })
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(sawRedirected).toBe(true)
    expect(ep.count).toBe(1)
    expect(target.count).toBe(1)
  })

  it('the same custom fetch without a redirect works (it is the redirect that is refused)', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const following: typeof fetch = (input, init) => fetch(input, { ...init, redirect: 'follow' })
    await verify(tokenFor(a), remoteSet(ep, { fetch: following }).set)
  })
})

describe('size and count limits: the boundary is accepted', () => {
  it.each([
    ['Content-Length', false],
    ['chunked', true],
  ] as const)('a body of exactly maxResponseBytes (%s) is accepted; one byte more is refused', async (_n, chunked) => {
    const max = 4096
    const ok = srv.endpoint((_req, res, hit) => send(res, hit, padded(max), { chunked }))
    await verify(tokenFor(a), remoteSet(ok, { maxResponseBytes: max }).set)
    const over = srv.endpoint((_req, res, hit) => send(res, hit, padded(max + 1), { chunked }))
    await rejectsWith(() => verify(tokenFor(a), remoteSet(over, { maxResponseBytes: max }).set), 'ERR_JWKS_FETCH_FAILED')
  })

  it('the default cap: exactly 512 KiB is accepted, chunked and with Content-Length', async () => {
    for (const chunked of [false, true]) {
      const ep = srv.endpoint((_req, res, hit) => send(res, hit, padded(DEFAULT_MAX), { chunked }))
      await verify(tokenFor(a), remoteSet(ep).set)
    }
  })

  it('a gzip body is capped after decoding: 8 MiB inflated from a few KiB → ERR_JWKS_FETCH_FAILED', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"keys":['), Buffer.alloc(8 * 1024 * KIB, 0x20), Buffer.from(']}')]))
    expect(bomb.length).toBeLessThan(64 * KIB)
    const gz = (body: Buffer): Handler => (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length })
      res.end(body)
    }
    const ep = srv.endpoint(gz(bomb))
    await rejectsWith(() => verify(tokenFor(a), remoteSet(ep).set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(1)
    // The same encoding with a normal body works (the cap is what refused the bomb).
    const ok = srv.endpoint(gz(gzipSync(JSON.stringify(doc(a)))))
    await verify(tokenFor(a), remoteSet(ok).set)
  })

  it('exactly maxKeys keys are accepted (100 by default, 2 by option)', async () => {
    const ep = srv.endpoint(serve({ keys: manyKeys(100) }))
    await verify(tokenFor(a, {}, { kid: 'k99' }), remoteSet(ep).set)
    const ep2 = srv.endpoint(serve({ keys: manyKeys(2) }))
    await verify(tokenFor(a, {}, { kid: 'k1' }), remoteSet(ep2, { maxKeys: 2 }).set)
  })

  it('a failing refresh past the cap keeps the last good set (stale), never the oversized one', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { 'cache-control': 'max-age=60' } }))
    const { set, clock, log } = remoteSet(ep, { maxResponseBytes: 4096 })
    await verify(tokenFor(a), set)
    ep.handler = stream({ limit: 8 * 1024 * KIB, chunk: 1024 })
    clock.advance(60)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    expect(log.types).toEqual(['fetched', 'fetch_failed', 'serving_stale'])
    await settled(ep)
    expect(ep.hits[1]!.abandoned).toBe(true)
  })
})

describe('the stale window (staleIfError) and its end', () => {
  it('serves the last good set through failures until expiry + staleIfError; then ERR_JWKS_FETCH_FAILED; then recovers', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { 'cache-control': 'max-age=60' } }))
    const { set, clock, log } = remoteSet(ep, { staleIfError: 120 })
    const at = (s: number) => clock.advance(s - (clock.ms - clock.start) / 1000)
    const ok = () => verify(tokenFor(a), set)
    const counts: number[] = []

    await ok() // t=0: fetched, fresh until 60
    counts.push(ep.count)
    ep.handler = status(500)
    at(60)
    await ok() // expired: attempt fails, stale served
    counts.push(ep.count)
    at(70)
    await ok() // cooldown (from 60): no request, stale served
    counts.push(ep.count)
    at(90)
    await ok() // cooldown over: attempt fails, stale served
    counts.push(ep.count)
    at(179.999)
    await ok() // last moment of the stale window (60 + 120): attempt fails, stale served
    counts.push(ep.count)
    at(180)
    const ended = await rejectsWith(ok, 'ERR_JWKS_FETCH_FAILED') // window over (cooldown: no request)
    counts.push(ep.count)
    at(181)
    await rejectsWith(ok, 'ERR_JWKS_FETCH_FAILED')
    counts.push(ep.count)
    ep.handler = serve(doc(a), { headers: { 'cache-control': 'max-age=60' } })
    at(209.998)
    await rejectsWith(ok, 'ERR_JWKS_FETCH_FAILED') // still in the cooldown of the attempt at 179.999
    counts.push(ep.count)
    at(209.999)
    await ok() // recovered
    counts.push(ep.count)

    expect(counts).toEqual([1, 2, 2, 3, 4, 4, 4, 4, 5])
    expect(log.types).toEqual([
      'fetched',
      'fetch_failed', 'serving_stale',
      'serving_stale',
      'fetch_failed', 'serving_stale',
      'fetch_failed', 'serving_stale',
      'stale_expired',
      'fetched',
    ])
    for (const e of log.events) {
      expect(e.url).toBe(ep.url)
      if (e.type === 'fetched') expect(e.error).toBeUndefined()
      else expect(e.error?.code).toBe('ERR_JWKS_FETCH_FAILED')
    }
    expect(log.events.find((e) => e.type === 'stale_expired')!.error).toBe(ended)
  })

  it('staleIfError 0: the first failed refresh after expiry is an error', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { 'cache-control': 'max-age=60' } }))
    const { set, clock, log } = remoteSet(ep, { staleIfError: 0 })
    await verify(tokenFor(a), set)
    ep.handler = reset
    clock.advance(60)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(2)
    expect(log.types).toEqual(['fetched', 'fetch_failed', 'stale_expired'])
  })

  it('the default window is 3600 s past expiry', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { 'cache-control': 'max-age=60' } }))
    const { set, clock } = remoteSet(ep)
    await verify(tokenFor(a), set)
    ep.handler = status(502)
    clock.advance(60 + 3599.999)
    await verify(tokenFor(a), set)
    clock.advance(0.001)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(2)
  })

  // API.md v3: the unknown kid itself is ERR_JWKS_FETCH_FAILED (was ERR_JWKS_NO_MATCHING_KEY):
  // with its refresh failing, the set cannot be trusted to be complete.
  it('a failed unknown-kid refresh keeps the fresh set: known kids still verify', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set, clock, log } = remoteSet(ep)
    await verify(tokenFor(a), set)
    ep.handler = status(500)
    clock.advance(30)
    await rejectsWith(() => verify(tokenFor(a, {}, { kid: 'new' }), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(2)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    expect(log.types).toEqual(['fetched', 'fetch_failed'])
  })
})

describe('the identity provider is down from the start', () => {
  it.each([
    ['HTTP 503', () => status(503)],
    ['connection reset', () => reset],
  ] as const)('%s: 1,000 verifications at one instant → 1 request', async (_n, handler) => {
    const ep = srv.endpoint(handler())
    const { set, log } = remoteSet(ep)
    for (let i = 0; i < 1000; i++) await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(1)
    expect(log.types).toEqual(['fetch_failed'])
  })

  // API.md v3, the cold start: while no set has loaded, the wait after a failure starts at
  // 1 s and doubles up to the cooldown (was: one request per cooldown, 4).
  it('1,000 verifications over 100 s of clock (cooldown 30 s) → waits of 1, 2, 4, 8, 16 s, then one per cooldown: 8', async () => {
    const ep = srv.endpoint(status(500))
    const { set, clock, log } = remoteSet(ep)
    const at: number[] = []
    for (let i = 0; i < 1000; i++) {
      const before = ep.count
      await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
      if (ep.count > before) at.push((clock.ms - clock.start) / 1000)
      clock.advance(0.1)
    }
    expect(at).toEqual([0, 1, 3, 7, 15, 31, 61, 91])
    expect(ep.count).toBe(8)
    expect(log.types).toEqual(Array(8).fill('fetch_failed'))
  })

  // API.md v3: the wait that kids and expiry cannot bypass is the cold-start wait (1 s after
  // the first failure, then 2 s), no longer the whole cooldown.
  it('1,000 concurrent verifications → 1 request; unknown kids and expiry do not bypass the cold-start wait', async () => {
    const ep = srv.endpoint(delayed(30, status(500)))
    const { set, clock } = remoteSet(ep, { cooldown: '10s' })
    const all = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => verify(tokenFor(a, {}, { kid: `k${i % 7}` }), set)))
    expect(all.every((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'ERR_JWKS_FETCH_FAILED')).toBe(true)
    expect(ep.count).toBe(1)
    clock.advance(0.999)
    await rejectsWith(() => verify(tokenFor(a, {}, { kid: 'other' }), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(1)
    clock.advance(0.001)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(2)
    clock.advance(1.999)
    await rejectsWith(() => verify(tokenFor(a, {}, { kid: 'other' }), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(2)
    clock.advance(0.001)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(3)
  })

  // API.md v3, the cold start (was: the next attempt after the whole 30 s cooldown).
  it('when it comes back, the next attempt after the 1 s cold-start wait succeeds', async () => {
    const ep = srv.endpoint(status(500))
    const { set, clock, log } = remoteSet(ep)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    ep.handler = serve(doc(a))
    clock.advance(0.999)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    clock.advance(0.001)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    expect(log.types).toEqual(['fetch_failed', 'fetched'])
  })
})
