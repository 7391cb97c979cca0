/**
 * createRemoteJwks over real TLS: a node:https server on 127.0.0.1 with a certificate
 * issued at test time by a throwaway CA (openssl), reached through `httpsFetch`, a
 * fetch over node:https that trusts that CA. The global fetch does not trust it, which
 * proves the certificate is really checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRemoteJwks, verify } from '../../src/index.ts'
import { doc, makeKey, rejectsWith, remoteSet, tokenFor, type TestKey } from './helpers.ts'
import { TestServer, delayed, hang, httpsFetch, makeTls, redirect, serve, settled, stream, withEtag, type TestTls } from './servers.ts'

let tls: TestTls
let srv: TestServer
let trusted: typeof fetch
let a: TestKey
let b: TestKey

beforeAll(async () => {
  tls = makeTls()
  srv = await TestServer.https(tls)
  trusted = httpsFetch(tls.ca)
  a = makeKey('ES256', { kid: 'a' })
  b = makeKey('EdDSA', { kid: 'b' })
})
afterAll(async () => {
  await srv?.close()
  tls?.cleanup()
})

describe('https with a test CA', () => {
  it('the server is https on 127.0.0.1 and the set verifies through the trusting fetch', async () => {
    expect(srv.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const ep = srv.endpoint(serve(doc(a, b)))
    const { set, log } = remoteSet(ep, { fetch: trusted })
    await verify(tokenFor(a), set)
    await verify(tokenFor(b), set)
    expect(ep.count).toBe(1)
    expect(log.types).toEqual(['fetched'])
  })

  it('the global fetch does not trust the test CA: ERR_JWKS_FETCH_FAILED, no HTTP request reaches the server', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set, log } = remoteSet(ep)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(0)
    expect(log.types).toEqual(['fetch_failed'])
  })

  it('a fetch trusting another CA fails too', async () => {
    const other = makeTls()
    try {
      const ep = srv.endpoint(serve(doc(a)))
      await rejectsWith(() => verify(tokenFor(a), createRemoteJwks(ep.url, { fetch: httpsFetch(other.ca) })), 'ERR_JWKS_FETCH_FAILED')
      expect(ep.count).toBe(0)
    } finally {
      other.cleanup()
    }
  })

  it('rotation over https', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { set, clock } = remoteSet(ep, { fetch: trusted })
    await verify(tokenFor(a), set)
    ep.handler = serve(doc(b))
    clock.advance(30)
    await verify(tokenFor(b), set)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(ep.count).toBe(2)
  })

  it('50 concurrent verifications → 1 request', async () => {
    const ep = srv.endpoint(delayed(50, serve(doc(a))))
    const { set } = remoteSet(ep, { fetch: trusted })
    await Promise.all(Array.from({ length: 50 }, () => verify(tokenFor(a), set)))
    expect(ep.count).toBe(1)
  })

  it('ETag / 304 over https', async () => {
    const ep = srv.endpoint(withEtag({ etag: '"t1"', body: doc(a), headers: { 'cache-control': 'max-age=60' } }))
    const { set, clock, log } = remoteSet(ep, { fetch: trusted })
    await verify(tokenFor(a), set)
    clock.advance(60)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(2)
    expect(ep.hits[1]!.headers['if-none-match']).toBe('"t1"')
    expect(log.types).toEqual(['fetched', 'not_modified'])
  })

  it('timeout over https: the request is abandoned', async () => {
    const ep = srv.endpoint(hang)
    const { set } = remoteSet(ep, { fetch: trusted, timeout: 0.3 })
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    await settled(ep)
    expect(ep.hits[0]!.abandoned).toBe(true)
  })

  it('oversized chunked body over https: abandoned past maxResponseBytes', async () => {
    const ep = srv.endpoint(stream({ limit: 8 * 1024 * 1024, chunk: 1024 }))
    const { set } = remoteSet(ep, { fetch: trusted, maxResponseBytes: 8192 })
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    await settled(ep)
    expect(ep.hits[0]!.abandoned).toBe(true)
    expect(ep.hits[0]!.bytesWritten).toBeLessThan(8 * 1024 * 1024)
  })

  it('302 over https is refused and the target never requested', async () => {
    const target = srv.endpoint(serve(doc(a)))
    const ep = srv.endpoint(redirect(302, target.url))
    await rejectsWith(() => verify(tokenFor(a), remoteSet(ep, { fetch: trusted }).set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(1)
    expect(target.count).toBe(0)
  })
})
