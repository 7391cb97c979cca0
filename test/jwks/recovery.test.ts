/**
 * API.md v3 "Key sets", the recovery rules (issue 15, "Key sets that recover"), against
 * real loopback servers that are down, then up:
 * - the cold start: while no set has loaded, the wait after a failure starts at 1 s
 *   (from the END of the failed attempt) and doubles up to the cooldown;
 * - during an outage, a `kid` missing from the last good set is ERR_JWKS_FETCH_FAILED,
 *   and a refetch skipped by the cooldown says so;
 * - ERR_JWKS_FETCH_FAILED keeps what failed (status, timeout, network error code, URL)
 *   in its message and `cause`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRemoteJwks, verify } from '../../src/index.ts'
import type { JoseError } from '../../src/index.ts'
import { doc, makeClock, makeKey, rejectsWith, remoteSet, tokenFor, type TestKey } from './helpers.ts'
import { TestServer, closedPort, hang, makeTls, redirect, serve, status, type TestTls } from './servers.ts'

let srv: TestServer
let tls: TestTls
let tlsSrv: TestServer
let a: TestKey
let b: TestKey

beforeAll(async () => {
  srv = await TestServer.http()
  tls = makeTls()
  tlsSrv = await TestServer.https(tls)
  a = makeKey('ES256', { kid: 'a' })
  b = makeKey('ES256', { kid: 'b' })
})
afterAll(async () => {
  await srv.close()
  await tlsSrv.close()
  tls.cleanup()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const FAILED = 'ERR_JWKS_FETCH_FAILED'
/** The URL as messages show it: origin and path. */
const shown = (url: string) => url.replace(/[?#].*$/, '')
const causeOf = (e: JoseError) => e.cause as Error & { code?: string; status?: number }

describe('cold start: an API that starts before its identity provider', () => {
  it('recovers on the first request about 1 s after the provider comes up (real clock, real port)', async () => {
    const port = await closedPort()
    // A fresh server's first endpoint is /e1/jwks.json: the URL the set will use once it is up.
    const set = createRemoteJwks(`http://127.0.0.1:${port}/e1/jwks.json`)
    // The set stamps its failure between these two readings; on a loaded machine the
    // rejection can reach us well after the stamp, so the 1 s wait is judged from before.
    const askedAt = performance.now()
    const down = await rejectsWith(() => verify(tokenFor(a), set), FAILED)
    expect(down.message).toContain('ECONNREFUSED')
    const failedAt = performance.now()
    const up = await TestServer.http('127.0.0.1', port)
    try {
      const ep = up.endpoint(serve(doc(a)))
      // Right after the failure: no request, and the message says the cooldown skipped it.
      const skipped = await rejectsWith(() => verify(tokenFor(a), set), FAILED)
      expect(skipped.message).toMatch(/ECONNREFUSED\); not retried for another 1 s \(cooldown\)$/)
      expect(ep.count).toBe(0)
      // Traffic keeps coming, every 50 ms, until a verification works.
      let recovered: number | undefined
      let sinceAsked = 0
      while (recovered === undefined && performance.now() - failedAt < 5000) {
        await sleep(50)
        try {
          await verify(tokenFor(a), set)
          recovered = performance.now() - failedAt
          sinceAsked = performance.now() - askedAt
        } catch {
          // still waiting
        }
      }
      expect(recovered, 'recovered within 5 s').toBeDefined()
      expect(sinceAsked).toBeGreaterThan(990)
      expect(recovered!).toBeLessThan(2000)
      expect(ep.count).toBe(1)
    } finally {
      await up.close()
    }
  })

  it('the waits double: 1, 2, 4, 8, 16 s, then the cooldown (injected clock)', async () => {
    const ep = srv.endpoint(status(503))
    const { set, clock } = remoteSet(ep, { cooldown: 20 })
    const starts: number[] = []
    for (let i = 0; i < 700; i++) {
      const before = ep.count
      await rejectsWith(() => verify(tokenFor(a), set), FAILED)
      if (ep.count > before) starts.push((clock.ms - clock.start) / 1000)
      clock.advance(0.1)
    }
    // Waits of 1, 2, 4, 8, 16 s, then 20 s (the cooldown) from then on.
    expect(starts).toEqual([0, 1, 3, 7, 15, 31, 51])
  })

  it('the wait counts from the end of the failed attempt, not its start', async () => {
    const clock = makeClock()
    // A provider that takes 5 s (of the injected clock) to answer 503.
    const ep = srv.endpoint((req, res, hit) => {
      clock.advance(5)
      return status(503)(req, res, hit)
    })
    const set = createRemoteJwks(ep.url, { now: clock.now })
    await rejectsWith(() => verify(tokenFor(a), set), FAILED) // 0 s .. 5 s
    clock.advance(0.999)
    const skipped = await rejectsWith(() => verify(tokenFor(a), set), FAILED)
    expect(skipped.message).toMatch(/HTTP status 503; not retried for another 1 s \(cooldown\)$/)
    expect(ep.count).toBe(1)
    clock.advance(0.001)
    await rejectsWith(() => verify(tokenFor(a), set), FAILED) // 6 s: 1 s after the end
    expect(ep.count).toBe(2)
  })

  it('a provider that comes back during the backoff is used at the next allowed attempt (injected clock)', async () => {
    const ep = srv.endpoint(status(503))
    const { set, clock, log } = remoteSet(ep)
    await rejectsWith(() => verify(tokenFor(a), set), FAILED) // 0: waits 1 s
    clock.advance(1)
    await rejectsWith(() => verify(tokenFor(a), set), FAILED) // 1: waits 2 s
    ep.handler = serve(doc(a))
    clock.advance(1.999)
    const skipped = await rejectsWith(() => verify(tokenFor(a), set), FAILED)
    expect(skipped.message).toMatch(/not retried for another 1 s \(cooldown\)$/)
    clock.advance(0.001)
    expect((await verify(tokenFor(a), set)).payload.sub).toBe('user')
    expect(ep.count).toBe(3)
    expect(log.types).toEqual(['fetch_failed', 'fetch_failed', 'fetched'])
  })

  it('once a set has loaded, a failure waits the whole cooldown (from the start of the attempt): no backoff', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { 'cache-control': 'max-age=60' } }))
    const { set, clock } = remoteSet(ep)
    await verify(tokenFor(a), set)
    ep.handler = status(503)
    clock.advance(60)
    await verify(tokenFor(a), set) // refresh fails, stale served
    clock.advance(29.999)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    clock.advance(0.001)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(3)
  })
})

describe('during an outage, an unknown kid is ERR_JWKS_FETCH_FAILED', () => {
  it('a kid missing from the stale set: ERR_JWKS_FETCH_FAILED naming the skipped refetch; found once the provider is back', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { 'cache-control': 'max-age=60' } }))
    const { set, clock, log } = remoteSet(ep)
    await verify(tokenFor(a), set)
    ep.handler = status(503)
    clock.advance(60)
    await verify(tokenFor(a), set) // the refresh at 60 s fails: the last good set is served
    expect(ep.count).toBe(2)
    clock.advance(5)
    const e = await rejectsWith(() => verify(tokenFor(b), set), FAILED)
    expect(e.message).toBe(`the token's "kid" is not in the JWK Set, whose refresh failed: fetching the JWK Set from ${ep.url} failed: `
      + 'HTTP status 503; not retried for another 25 s (cooldown)')
    expect(causeOf(e)).toMatchObject({ name: 'Error', message: 'HTTP status 503', status: 503 })
    expect(ep.count).toBe(2)
    // Known kids keep verifying from the stale set.
    await verify(tokenFor(a), set)
    // The provider is back and has published b: the next attempt after the cooldown finds it.
    ep.handler = serve(doc(a, b))
    clock.advance(25)
    expect((await verify(tokenFor(b), set)).header.kid).toBe('b')
    expect(ep.count).toBe(3)
    expect(log.types.at(-1)).toBe('fetched')
    // With refreshes working again, an unknown kid is the usual ERR_JWKS_NO_MATCHING_KEY.
    await rejectsWith(() => verify(tokenFor(makeKey('ES256', { kid: 'ghost' })), set), 'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('a kid whose own refetch fails (fresh set): ERR_JWKS_FETCH_FAILED with that failure, no cooldown in the message', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set, clock } = remoteSet(ep)
    await verify(tokenFor(a), set)
    ep.handler = status(500)
    clock.advance(30)
    const e = await rejectsWith(() => verify(tokenFor(b), set), FAILED)
    expect(e.message).toBe(`the token's "kid" is not in the JWK Set, whose refresh failed: fetching the JWK Set from ${ep.url} failed: HTTP status 500`)
    expect(causeOf(e).status).toBe(500)
    expect(ep.count).toBe(2)
    // Within the cooldown: the same answer, now saying the refetch was skipped.
    clock.advance(10)
    const again = await rejectsWith(() => verify(tokenFor(b), set), FAILED)
    expect(again.message).toMatch(/HTTP status 500; not retried for another 20 s \(cooldown\)$/)
    expect(ep.count).toBe(2)
    await verify(tokenFor(a), set) // the fresh set still verifies known kids
  })

  it('the stale window over: every token fails with the last error, saying the cooldown skipped the refetch', async () => {
    const ep = srv.endpoint(serve(doc(a), { headers: { 'cache-control': 'max-age=60' } }))
    const { set, clock } = remoteSet(ep, { staleIfError: 10 })
    await verify(tokenFor(a), set)
    ep.handler = status(503)
    clock.advance(60)
    await verify(tokenFor(a), set)
    clock.advance(10)
    const e = await rejectsWith(() => verify(tokenFor(a), set), FAILED)
    expect(e.message).toBe(`fetching the JWK Set from ${ep.url} failed: HTTP status 503; not retried for another 20 s (cooldown)`)
    expect(causeOf(e).status).toBe(503)
  })
})

describe('ERR_JWKS_FETCH_FAILED says what failed, in its message and cause', () => {
  /** The first failure of a fresh set on `url`, and the one a second call gets within the wait. */
  async function failures(url: string, opts: Parameters<typeof createRemoteJwks>[1] = {}) {
    const set = createRemoteJwks(url, opts)
    const first = await rejectsWith(() => verify(tokenFor(a), set), FAILED)
    const second = await rejectsWith(() => verify(tokenFor(a), set), FAILED)
    return { first, second }
  }
  const token = () => tokenFor(a)

  it('connection refused on a closed loopback port: ECONNREFUSED and the URL (without its query)', async () => {
    const port = await closedPort()
    for (const host of ['127.0.0.1', 'localhost']) {
      const url = `http://${host}:${port}/jwks.json?tenant=s3cr3t#frag`
      const { first, second } = await failures(url)
      expect(first.message).toBe(`fetching the JWK Set from ${shown(url)} failed: network error (ECONNREFUSED)`)
      expect(first.message).not.toContain('s3cr3t')
      expect(causeOf(first)).toMatchObject({ name: 'TypeError', message: 'network error (ECONNREFUSED)', code: 'ECONNREFUSED' })
      expect(second.message).toBe(`${first.message}; not retried for another 1 s (cooldown)`)
      expect(second.cause).toBe(first.cause)
    }
  })

  it.each([
    ['http with allowHttp', 'http://jwks.invalid/.well-known/jwks.json', { allowHttp: true }],
    ['https', 'https://jwks.invalid/.well-known/jwks.json', {}],
  ] as const)('a DNS failure for a .invalid host (%s): ENOTFOUND', async (_n, url, opts) => {
    const { first } = await failures(url, opts)
    // ENOTFOUND where a resolver answers; EAI_AGAIN on a machine without DNS at all.
    expect(first.message).toMatch(new RegExp(`^fetching the JWK Set from ${url.replace(/\./g, '\\.')} failed: network error \\((ENOTFOUND|EAI_AGAIN)\\)$`))
    expect(causeOf(first).code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/)
  })

  it('a TLS failure: the server\'s certificate is not trusted by the global fetch', async () => {
    const ep = tlsSrv.endpoint(serve(doc(a)))
    const { first } = await failures(ep.url)
    expect(first.message).toMatch(/^fetching the JWK Set from https:\/\/127\.0\.0\.1:\d+\/e\d+\/jwks\.json failed: network error \((\w*(CERT|SIGNATURE|ISSUER)\w*)\)$/)
    const code = /\((\w+)\)$/.exec(first.message)![1]
    expect(causeOf(first).code).toBe(code)
    expect(ep.count).toBe(0)
  })

  it('plain http on an https port, and https on an http port: the socket or TLS error code', async () => {
    const onTls = tlsSrv.endpoint(serve(doc(a))).url.replace('https:', 'http:')
    const { first } = await failures(onTls)
    expect(first.message).toMatch(/failed: network error \((UND_ERR_SOCKET|ECONNRESET|EPIPE)\)$/)
    const onHttp = srv.endpoint(serve(doc(a))).url.replace('http:', 'https:')
    const second = (await failures(onHttp)).first
    expect(second.message).toMatch(/failed: network error \((ERR_SSL_\w+|EPROTO)\)$/)
    expect(causeOf(second).code).toMatch(/^(ERR_SSL_\w+|EPROTO)$/)
  })

  it('a custom fetch\'s error keeps its code too (node:https trusting another CA)', async () => {
    const { httpsFetch } = await import('./servers.ts')
    const other = makeTls()
    try {
      const ep = tlsSrv.endpoint(serve(doc(a)))
      const { first } = await failures(ep.url, { fetch: httpsFetch(other.ca) })
      expect(first.message).toMatch(/failed: network error \(\w+\)$/)
      expect(causeOf(first).code).toMatch(/CERT|SIGNATURE|ISSUER/)
    } finally {
      other.cleanup()
    }
  })

  it('a timeout: the deadline in the message and the cause', async () => {
    const ep = srv.endpoint(hang)
    const { first } = await failures(ep.url, { timeout: 0.3 })
    expect(first.message).toBe(`fetching the JWK Set from ${ep.url} failed: timed out after 0.3 s`)
    expect(causeOf(first).message).toBe('timed out after 0.3 s')
  })

  it('a 503: the status in the message and as cause.status', async () => {
    const ep = srv.endpoint(status(503))
    const { first, second } = await failures(ep.url)
    expect(first.message).toBe(`fetching the JWK Set from ${ep.url} failed: HTTP status 503`)
    expect(causeOf(first)).toMatchObject({ name: 'Error', message: 'HTTP status 503', status: 503 })
    expect(second.message).toBe(`${first.message}; not retried for another 1 s (cooldown)`)
  })

  it('a redirect: its status, and that redirects are not followed', async () => {
    const ep = srv.endpoint(redirect(302, '/elsewhere'))
    const { first } = await failures(ep.url)
    expect(first.message).toBe(`fetching the JWK Set from ${ep.url} failed: HTTP status 302 (redirects are not followed)`)
    expect(causeOf(first).status).toBe(302)
  })

  it('the error the caller gets is the one onEvent reported', async () => {
    const ep = srv.endpoint(status(503))
    const { set, log } = remoteSet(ep)
    const e = await rejectsWith(() => verify(token(), set), FAILED)
    expect(log.events).toEqual([{ type: 'fetch_failed', url: ep.url, error: e }])
  })

  it('a code that is not a plain word, or a hostile error, never reaches the message', async () => {
    const weird: unknown[] = [
      Object.assign(new TypeError('x'), { code: 'EVIL\n"code"' }),
      Object.assign(new TypeError('x'), { code: 'E'.repeat(41) }),
      Object.defineProperty(new TypeError('x'), 'code', { get: () => { throw new Error('trap') } }),
      Object.assign(new TypeError('secret-token-text'), { cause: { code: 42 } }),
      'a string',
      null,
    ]
    for (const thrown of weird) {
      const ep = srv.endpoint(serve(doc(a)))
      const fetchThrows: typeof fetch = async () => {
        throw thrown
      }
      const { first } = await failures(ep.url, { fetch: fetchThrows })
      expect(first.message).toBe(`fetching the JWK Set from ${ep.url} failed: network error`)
      expect(causeOf(first).message).toBe('network error')
      expect(causeOf(first).code).toBeUndefined()
    }
  })
})
