/**
 * API.md "Key sets", remote: which URLs are accepted at creation (https, loopback http,
 * allowHttp) and the error for each refusal; the cacheStore shared by several sets
 * (fresh entries used without a request, foreign or malformed entries ignored, stale
 * entries revalidated with their ETag); onEvent details.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRemoteJwks, verify } from '../../src/index.ts'
import type { JwksCacheStore } from '../../src/index.ts'
import type { Jwk } from '../../src/types.ts'
import { doc, makeClock, makeKey, rejectsWith, remoteSet, throwsWith, tokenFor, type TestKey } from './helpers.ts'
import { TestServer, serve, status, withEtag } from './servers.ts'

let srv: TestServer
let a: TestKey
let b: TestKey
let evil: TestKey

beforeAll(async () => {
  srv = await TestServer.http()
  a = makeKey('ES256', { kid: 'a' })
  b = makeKey('ES256', { kid: 'b' })
  evil = makeKey('ES256', { kid: 'a' }) // same kid, another key
})
afterAll(async () => {
  await srv.close()
})

describe('URL rules at creation', () => {
  const insecure = [
    'http://localhost.evil.example/jwks.json',
    'http://localhost.evil.example:8080/jwks.json',
    'http://127.0.0.1.evil.example/jwks.json',
    'http://evil.localhost.example/jwks.json',
    'http://notlocalhost/jwks.json',
    'http://localhost@evil.example/jwks.json',
    'http://evil.example/jwks.json#localhost',
    'http://evil.example/localhost',
    'http://example.com/jwks.json',
    'http://10.0.0.1/jwks.json',
    'http://128.0.0.1/jwks.json',
    'http://[::2]/jwks.json',
    'http://[::ffff:8.8.8.8]/jwks.json',
    'ftp://localhost/jwks.json',
    'ws://localhost/jwks.json',
    'file:///etc/jwks.json',
    'data:application/json,{"keys":[]}',
    // hardening 7: resolvers send *.localhost names to DNS, so they are not loopback
    'http://a.localhost/jwks.json',
    'http://deep.sub.localhost:9/jwks.json',
    'http://x.localhost/jwks.json',
    'http://localhost./jwks.json',
  ]
  // hardening 7: an insecure URL is a configuration error (API.md, Key sets), not a fetch failure
  it.each(insecure)('%s → ERR_JOSE_INVALID_ARGUMENT, thrown synchronously', (url) => {
    throwsWith(() => createRemoteJwks(url), 'ERR_JOSE_INVALID_ARGUMENT')
    throwsWith(() => createRemoteJwks(new URL(url)), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  const loopback = [
    'http://localhost/jwks.json',
    'http://localhost:8080/jwks.json',
    'http://LOCALHOST:8080/jwks.json',
    'http://127.0.0.1/jwks.json',
    'http://127.1/jwks.json',
    'http://127.0.0.2/jwks.json',
    'http://127.255.255.254:1/jwks.json',
    'http://[::1]/jwks.json',
    'http://[::1]:8443/jwks.json',
    'https://idp.example/jwks.json',
    'https://localhost.evil.example/jwks.json',
  ]
  it.each(loopback)('%s is accepted (no request at creation)', (url) => {
    const set = createRemoteJwks(url)
    expect(typeof set).toBe('function')
    expect(typeof set.reload).toBe('function')
    expect(set.jwks).toBeUndefined()
  })

  it('allowHttp: true allows any http host; it does not allow other schemes', () => {
    for (const url of ['http://example.com/jwks.json', 'http://localhost.evil.example/jwks.json', 'http://10.0.0.1/jwks.json']) {
      expect(typeof createRemoteJwks(url, { allowHttp: true })).toBe('function')
    }
    throwsWith(() => createRemoteJwks('ftp://example.com/jwks.json', { allowHttp: true }), 'ERR_JOSE_INVALID_ARGUMENT')
    throwsWith(() => createRemoteJwks('file:///jwks.json', { allowHttp: true }), 'ERR_JOSE_INVALID_ARGUMENT')
    throwsWith(() => createRemoteJwks('http://example.com/jwks.json', { allowHttp: false }), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  const unparseable: unknown[] = ['', 'not a url', 'http://', '//example.com/jwks.json', '/jwks.json', 'jwks.json',
    'https://exa mple.com/', 'http://[::1/jwks', 'https://example.com:99999/', undefined, null, 42, {}, ['https://a.example']]
  it.each(unparseable)('%j → ERR_JOSE_INVALID_ARGUMENT, thrown synchronously', (url) => {
    throwsWith(() => createRemoteJwks(url as string), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  it('the loopback hosts really are fetched over http: 127.0.0.2 and [::1]', async () => {
    for (const host of ['127.0.0.2', '::1']) {
      let other: TestServer | undefined
      try {
        other = await TestServer.http(host)
      } catch {
        continue // the host cannot listen on this address: the creation check above still holds
      }
      try {
        const ep = other.endpoint(serve(doc(a)))
        await verify(tokenFor(a), createRemoteJwks(ep.url))
        expect(ep.count).toBe(1)
      } finally {
        await other.close()
      }
    }
  })

  it('bad options are ERR_JOSE_INVALID_ARGUMENT at creation', () => {
    const url = 'https://idp.example/jwks.json'
    const bad: Record<string, unknown>[] = [
      { timeout: -1 }, { timeout: '60' }, { cooldown: 'soon' }, { minTtl: 600, maxTtl: 60 }, { staleIfError: NaN },
      { maxResponseBytes: 0 }, { maxResponseBytes: 1.5 }, { maxKeys: 0 }, { allowHttp: 'yes' }, { headers: { a: 1 } },
      { fetch: 'fetch' }, { cacheStore: {} }, { cacheStore: { get: () => undefined } }, { onEvent: 1 }, { now: 'now' },
      { now: new Date(NaN) }, { maxAge: 5 },
    ]
    for (const opts of bad) throwsWith(() => createRemoteJwks(url, opts as never), 'ERR_JOSE_INVALID_ARGUMENT')
  })
})

/** A Map-backed async store that counts its calls. */
function mapStore(opts: { asString?: boolean; sync?: boolean } = {}) {
  const map = new Map<string, unknown>()
  const calls = { get: 0, set: 0 }
  const store: JwksCacheStore = {
    get(url) {
      calls.get++
      const v = map.get(url)
      const out = opts.asString && v !== undefined ? JSON.stringify(v) : v
      return opts.sync ? out : Promise.resolve(out)
    },
    async set(url, entry) {
      calls.set++
      map.set(url, entry)
    },
  }
  return { map, store, calls }
}

describe('cacheStore', () => {
  it.each([
    ['async store', {}],
    ['async store returning JSON strings', { asString: true }],
    ['synchronous store', { sync: true }],
  ] as const)('%s: a second set does not fetch while the entry is fresh', async (_n, storeOpts) => {
    const ep = srv.endpoint(serve(doc(a), { headers: { etag: '"e1"', 'cache-control': 'max-age=300' } }))
    const { map, store } = mapStore(storeOpts)
    const clock = makeClock()
    const first = createRemoteJwks(ep.url, { cacheStore: store, now: clock.now })
    await verify(tokenFor(a), first)
    expect(ep.count).toBe(1)
    const entry = map.get(ep.url) as Record<string, unknown>
    expect(entry).toEqual({ url: ep.url, keys: [a.jwk], etag: '"e1"', expiresAt: clock.ms + 300_000 })
    expect(JSON.parse(JSON.stringify(entry))).toEqual(entry) // plain JSON data

    clock.advance(299.999)
    const second = createRemoteJwks(ep.url, { cacheStore: store, now: clock.now })
    await verify(tokenFor(a), second)
    expect(ep.count).toBe(1)
    expect(second.jwks).toEqual(doc(a))
    // Once the entry is due, the next set revalidates it.
    clock.advance(0.001)
    const third = createRemoteJwks(ep.url, { cacheStore: store, now: clock.now })
    await verify(tokenFor(a), third)
    expect(ep.count).toBe(2)
  })

  it('an entry for another URL is ignored (its keys are never used)', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const other = srv.endpoint(serve(doc(evil)))
    const clock = makeClock()
    // A one-slot store that answers every URL with the last entry written.
    let slot: unknown
    const store: JwksCacheStore = { get: () => slot, set: (_u, e) => void (slot = e) }
    await verify(tokenFor(evil), createRemoteJwks(other.url, { cacheStore: store, now: clock.now }))
    expect((slot as { url: string }).url).toBe(other.url)
    const set = createRemoteJwks(ep.url, { cacheStore: store, now: clock.now })
    await rejectsWith(() => verify(tokenFor(evil), set), 'ERR_JWS_SIGNATURE_INVALID')
    expect(ep.count).toBe(1)
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(1)
  })

  it('malformed entries are ignored: the set fetches and uses the served keys', async () => {
    const clock = makeClock()
    const fresh = clock.ms + 600_000
    const malformed = (url: string): unknown[] => [
      null, 42, 'not json', '{"url":', [], true,
      { url, keys: 'x', expiresAt: fresh },
      { url, keys: { 0: evil.jwk }, expiresAt: fresh },
      { url, keys: [evil.jwk] },
      { url, keys: [evil.jwk], expiresAt: 'tomorrow' },
      { url, keys: [evil.jwk], expiresAt: String(fresh) },
      { keys: [evil.jwk], expiresAt: fresh },
      { url: url.toUpperCase(), keys: [evil.jwk], expiresAt: fresh },
      { url, keys: Array.from({ length: 101 }, () => evil.jwk), expiresAt: fresh },
      JSON.stringify({ url: `${url}?x`, keys: [evil.jwk], expiresAt: fresh }),
    ]
    const count = malformed('').length
    for (let i = 0; i < count; i++) {
      const ep = srv.endpoint(serve(doc(a)))
      const value = malformed(ep.url)[i]
      const store: JwksCacheStore = { get: async () => value, set: async () => {} }
      const set = createRemoteJwks(ep.url, { cacheStore: store, now: clock.now })
      await rejectsWith(() => verify(tokenFor(evil), set), 'ERR_JWS_SIGNATURE_INVALID')
      await verify(tokenFor(a), set)
      expect(ep.count, `entry #${i} ${JSON.stringify(value)?.slice(0, 60)}`).toBe(1)
    }
  })

  it('a store that throws or rejects is ignored', async () => {
    for (const store of [
      { get: () => { throw new Error('down') }, set: () => { throw new Error('down') } },
      { get: () => Promise.reject(new Error('down')), set: () => Promise.reject(new Error('down')) },
    ] as JwksCacheStore[]) {
      const ep = srv.endpoint(serve(doc(a)))
      await verify(tokenFor(a), createRemoteJwks(ep.url, { cacheStore: store, now: makeClock().now }))
      expect(ep.count).toBe(1)
    }
  })

  /** Settles `p` into its outcome, or 'still pending' after `ms`. */
  const within = (p: Promise<unknown>, ms: number) => Promise.race([
    p.then(() => 'ok', (e: { code?: string }) => e.code),
    new Promise((r) => setTimeout(() => r(`still pending after ${ms} ms`), ms)),
  ])

  it('a store whose set() never settles does not hold verification (the fetch succeeded)', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const store: JwksCacheStore = { get: () => undefined, set: () => new Promise<void>(() => {}) }
    const set = createRemoteJwks(ep.url, { cacheStore: store, timeout: 0.3 })
    expect(await within(verify(tokenFor(a), set), 2000)).toBe('ok')
    expect(ep.count).toBe(1)
  })

  it('a store whose get() never settles does not hold verification beyond the timeout', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const store: JwksCacheStore = { get: () => new Promise<never>(() => {}), set: () => {} }
    const set = createRemoteJwks(ep.url, { cacheStore: store, timeout: 0.3 })
    expect(await within(verify(tokenFor(a), set), 2000)).toMatch(/^(ok|ERR_JWKS_FETCH_FAILED)$/)
  })

  it('a stale entry leads to a conditional request with its etag; the 304 renews it in the store', async () => {
    const ep = srv.endpoint(withEtag({ etag: '"stored"', body: doc(b), headers: { 'cache-control': 'max-age=300' } }))
    const { map, store } = mapStore()
    const clock = makeClock()
    map.set(ep.url, { url: ep.url, keys: [a.jwk], etag: '"stored"', expiresAt: clock.ms - 1 })
    const { set, log } = remoteSet(ep, { cacheStore: store, now: clock.now })
    await verify(tokenFor(a), set)
    expect(ep.count).toBe(1)
    expect(ep.hits[0]!.headers['if-none-match']).toBe('"stored"')
    expect(log.types).toEqual(['not_modified'])
    expect(map.get(ep.url)).toEqual({ url: ep.url, keys: [a.jwk], etag: '"stored"', expiresAt: clock.ms + 300_000 })
  })

  it('a stale entry whose etag no longer matches gets the new set (200)', async () => {
    const ep = srv.endpoint(withEtag({ etag: '"new"', body: doc(b), headers: { 'cache-control': 'max-age=300' } }))
    const { map, store } = mapStore()
    const clock = makeClock()
    map.set(ep.url, { url: ep.url, keys: [a.jwk], etag: '"old"', expiresAt: clock.ms - 1 })
    const { set, log } = remoteSet(ep, { cacheStore: store, now: clock.now })
    await verify(tokenFor(b), set)
    expect(ep.hits[0]!.headers['if-none-match']).toBe('"old"')
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(log.types).toEqual(['fetched'])
    expect((map.get(ep.url) as { keys: Jwk[] }).keys).toEqual([b.jwk])
  })

  it('a stale entry without etag leads to an unconditional request', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const { map, store } = mapStore()
    const clock = makeClock()
    map.set(ep.url, { url: ep.url, keys: [a.jwk], expiresAt: clock.ms - 1 })
    await verify(tokenFor(a), createRemoteJwks(ep.url, { cacheStore: store, now: clock.now }))
    expect(ep.count).toBe(1)
    expect(ep.hits[0]!.headers['if-none-match']).toBeUndefined()
  })

  it('a stale entry keeps serving through an outage (staleIfError counts from its expiry)', async () => {
    const ep = srv.endpoint(status(500))
    const { map, store } = mapStore()
    const clock = makeClock()
    map.set(ep.url, { url: ep.url, keys: [a.jwk], etag: '"s"', expiresAt: clock.ms - 1000 })
    const { set, log } = remoteSet(ep, { cacheStore: store, now: clock.now, staleIfError: 60 })
    await verify(tokenFor(a), set)
    expect(log.types).toEqual(['fetch_failed', 'serving_stale'])
    clock.advance(59)
    await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(ep.count).toBe(2)
  })
})

describe('onEvent', () => {
  it('a throwing listener changes nothing', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const set = createRemoteJwks(ep.url, { onEvent: () => { throw new Error('listener bug') } })
    await verify(tokenFor(a), set)
    await set.reload()
    expect(ep.count).toBe(2)
  })

  it('an async listener that rejects leaves no unhandled rejection (it would end a Node process)', async () => {
    const ep = srv.endpoint(serve(doc(a)))
    const unhandled: unknown[] = []
    const saved = process.listeners('unhandledRejection')
    const mine = (reason: unknown) => void unhandled.push(reason)
    process.removeAllListeners('unhandledRejection')
    process.on('unhandledRejection', mine)
    try {
      const set = createRemoteJwks(ep.url, { onEvent: async () => { throw new Error('metrics backend down') } })
      await verify(tokenFor(a), set)
      await new Promise((r) => setTimeout(r, 50))
    } finally {
      process.off('unhandledRejection', mine)
      for (const l of saved) process.on('unhandledRejection', l)
    }
    expect(unhandled).toEqual([])
  })

  it('events carry the URL and, for failures, the JoseError', async () => {
    const ep = srv.endpoint(status(500))
    const { set, log } = remoteSet(ep)
    const err = await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(log.events).toEqual([{ type: 'fetch_failed', url: ep.url, error: err }])
    ep.handler = serve(doc(a))
    await set.reload()
    expect(log.events[1]).toEqual({ type: 'fetched', url: ep.url })
  })
})

describe('a custom fetch', () => {
  it('whose response has no body stream, only arrayBuffer(), is read whole', async () => {
    const text = JSON.stringify(doc(a))
    const fetch = async () => ({
      status: 200, redirected: false, type: 'basic', headers: new Headers({ 'cache-control': 'max-age=60' }), body: null,
      arrayBuffer: async () => new TextEncoder().encode(text).buffer,
    }) as unknown as Response
    const set = createRemoteJwks('https://idp.example/jwks.json', { fetch })
    expect((await verify(tokenFor(a), set)).payload).toEqual({ sub: 'user' })
    expect(set.jwks).toEqual(doc(a))
  })

  it('whose body-less response is larger than maxResponseBytes is refused like a streamed one', async () => {
    const text = JSON.stringify(doc(a))
    const fetch = async () => ({
      status: 200, redirected: false, type: 'basic', headers: new Headers(), body: null,
      arrayBuffer: async () => new TextEncoder().encode(text).buffer,
    }) as unknown as Response
    const set = createRemoteJwks('https://idp.example/jwks.json', { fetch, maxResponseBytes: 64 })
    const e = await rejectsWith(() => verify(tokenFor(a), set), 'ERR_JWKS_FETCH_FAILED')
    expect(e.message).toMatch(/the response is larger than 64 bytes$/)
  })
})
