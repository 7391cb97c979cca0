/**
 * `discover` (API.md, Identity providers and discovery; issue 18): OpenID Connect
 * Discovery 1.0 §4, then RFC 8414 §3; the exact-issuer rule (OIDC Discovery §4.3, RFC 8414
 * §3.3); `jwks_uri` under the key sets' URL rule; the remote key set's caps, timeout and
 * redirect policy; Cache-Control lifetime in memory and in a `cacheStore`. Served by an
 * injected `fetch` that records every request (a fresh one per test: memory is per fetch).
 */
import { describe, expect, it } from 'vitest'
import { discover, type DiscoverOptions, type JwksCacheStore } from '../../src/index.ts'
import { expectDeepFrozen, makeClock, rejectsWith } from './helpers.ts'

const ISS = 'https://id.example'
const OIDC = 'https://id.example/.well-known/openid-configuration'
const RFC8414 = 'https://id.example/.well-known/oauth-authorization-server'

type Answer = { status?: number; body?: unknown; headers?: Record<string, string> } | 'network' | 'hang'

/** An injected fetch answering by URL (404 for anything not listed), recording each request. */
function provider(routes: Record<string, Answer | (() => Answer)>) {
  const requests: Array<{ url: string; accept: string | null; redirect: string | undefined }> = []
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input)
    requests.push({ url, accept: new Headers(init?.headers).get('accept'), redirect: init?.redirect })
    const route = routes[url]
    const a = typeof route === 'function' ? route() : route ?? { status: 404, body: 'not found' }
    if (a === 'network') throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })
    if (a === 'hang') return new Promise<Response>((_, rej) => init?.signal?.addEventListener('abort', () => rej(new DOMException('aborted', 'AbortError'))))
    const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body)
    return new Response(text, { status: a.status ?? 200, headers: { 'content-type': 'application/json', ...a.headers } })
  }) as typeof fetch
  return { fetch: fetchFn, requests, urls: () => requests.map((r) => r.url) }
}

const meta = (issuer = ISS, over: Record<string, unknown> = {}) => ({
  issuer, jwks_uri: `${issuer.replace(/\/$/, '')}/jwks`, authorization_endpoint: `${issuer}/authorize`,
  id_token_signing_alg_values_supported: ['RS256'], ...over,
})

describe('discover: OpenID Connect Discovery §4, then RFC 8414 §3', () => {
  it('the OIDC URL first: the metadata, deep-frozen, members as sent; Accept JSON, redirects not followed', async () => {
    const p = provider({ [OIDC]: { body: meta(ISS, { custom: { nested: [1] } }) } })
    const m = await discover(ISS, { fetch: p.fetch })
    expect(m).toEqual(meta(ISS, { custom: { nested: [1] } }))
    expectDeepFrozen(m)
    expect(p.requests).toEqual([{ url: OIDC, accept: 'application/json', redirect: 'manual' }])
  })

  it('404 at the OIDC URL: the RFC 8414 URL; a path goes after the well-known segment there', async () => {
    const p = provider({ [RFC8414]: { body: meta() } })
    expect((await discover(ISS, { fetch: p.fetch })).issuer).toBe(ISS)
    expect(p.urls()).toEqual([OIDC, RFC8414])
    const tenant = 'https://as.example/tenants/t1'
    const q = provider({ 'https://as.example/.well-known/oauth-authorization-server/tenants/t1': { body: meta(tenant) } })
    expect((await discover(tenant, { fetch: q.fetch })).issuer).toBe(tenant)
    expect(q.urls()).toEqual(['https://as.example/tenants/t1/.well-known/openid-configuration', 'https://as.example/.well-known/oauth-authorization-server/tenants/t1'])
  })

  it('one trailing "/" is removed to build the URLs; the document must spell the issuer as the argument does', async () => {
    const cases: Array<[string, string, string]> = [
      ['https://id.example/', OIDC, RFC8414],
      ['https://tenant.auth0.example/', 'https://tenant.auth0.example/.well-known/openid-configuration', 'https://tenant.auth0.example/.well-known/oauth-authorization-server'],
      ['https://kc.example/realms/demo/', 'https://kc.example/realms/demo/.well-known/openid-configuration', 'https://kc.example/.well-known/oauth-authorization-server/realms/demo'],
      ['https://kc.example/realms/demo', 'https://kc.example/realms/demo/.well-known/openid-configuration', 'https://kc.example/.well-known/oauth-authorization-server/realms/demo'],
    ]
    for (const [issuer, oidc, oauth] of cases) {
      const p = provider({ [oidc]: { body: meta(issuer) } })
      expect((await discover(issuer, { fetch: p.fetch })).issuer, issuer).toBe(issuer)
      expect(p.urls()).toEqual([oidc])
      // The other spelling in the document: refused at both URLs, and the message says why.
      const other = issuer.endsWith('/') ? issuer.slice(0, -1) : `${issuer}/`
      const q = provider({ [oidc]: { body: meta(other) }, [oauth]: { body: meta(other) } })
      const e = await rejectsWith(() => discover(issuer, { fetch: q.fetch }), 'ERR_JWKS_FETCH_FAILED')
      expect(e.message).toContain('they differ by a trailing "/"')
      expect(q.urls()).toEqual([oidc, oauth])
    }
  })
})

describe('discover: refusals are ERR_JWKS_FETCH_FAILED, after both URLs', () => {
  const table: Array<[string, Answer, RegExp]> = [
    ['another issuer', { body: meta('https://evil.example') }, /"issuer" is "https:\/\/evil\.example", not the issuer asked for/],
    ['a case variant of the issuer', { body: meta('https://ID.example') }, /not the issuer asked for/],
    ['no issuer', { body: { jwks_uri: `${ISS}/jwks` } }, /has no "issuer"/],
    ['an issuer that is not a string', { body: { issuer: [ISS], jwks_uri: `${ISS}/jwks` } }, /has no "issuer"/],
    ['an http jwks_uri', { body: meta(ISS, { jwks_uri: 'http://id.example/jwks' }) }, /"jwks_uri" must use https:/],
    ['no jwks_uri', { body: meta(ISS, { jwks_uri: undefined }) }, /no "jwks_uri" URL/],
    ['a jwks_uri that is not a URL', { body: meta(ISS, { jwks_uri: '/jwks' }) }, /no "jwks_uri" URL/],
    ['a jwks_uri that is not a string', { body: meta(ISS, { jwks_uri: { href: `${ISS}/jwks` } }) }, /no "jwks_uri" URL/],
    ['not JSON', { body: '<html>hello</html>' }, /the discovery document from .* is not valid JSON/],
    ['a JSON array', { body: [meta()] }, /is not a JSON object/],
    ['an oversize document (512 KiB)', { body: meta(ISS, { pad: 'x'.repeat(512 * 1024) }) }, /larger than 524288 bytes/],
    ['a 500', { status: 500, body: meta() }, /HTTP status 500/],
    ['a redirect', { status: 302, body: '', headers: { location: `${ISS}/elsewhere` } }, /HTTP status 302 \(redirects are not followed\)/],
    ['a network error', 'network', /network error \(ECONNREFUSED\)/],
  ]
  for (const [name, answer, message] of table) {
    it(name, async () => {
      const p = provider({ [OIDC]: answer, [RFC8414]: answer })
      const e = await rejectsWith(() => discover(ISS, { fetch: p.fetch }), 'ERR_JWKS_FETCH_FAILED')
      expect(e.message).toMatch(message)
      expect(e.message).toMatch(/^discovering https:\/\/id\.example failed: .*the discovery document from https:\/\/id\.example\/\.well-known\/openid-configuration .*; then .*the discovery document from https:\/\/id\.example\/\.well-known\/oauth-authorization-server /)
      expect((e.cause as Error).message).toContain('openid-configuration')
      expect(p.urls()).toEqual([OIDC, RFC8414])
    })
  }

  it('both 404: both statuses in the message', async () => {
    const p = provider({})
    const e = await rejectsWith(() => discover(ISS, { fetch: p.fetch }), 'ERR_JWKS_FETCH_FAILED')
    expect(e.message.match(/HTTP status 404/g)?.length).toBe(2)
  })

  it('a refused OIDC document does not stop a good RFC 8414 one (each is checked on its own)', async () => {
    const p = provider({ [OIDC]: { body: meta('https://evil.example') }, [RFC8414]: { body: meta() } })
    expect((await discover(ISS, { fetch: p.fetch })).issuer).toBe(ISS)
  })

  it('the document issuer appears at most 64 characters long, escaped', async () => {
    const p = provider({ [OIDC]: { body: meta(`https://e.example/${'\u202e'.repeat(200)}`) } })
    const e = await rejectsWith(() => discover(ISS, { fetch: p.fetch }), 'ERR_JWKS_FETCH_FAILED')
    expect(e.message).not.toContain('\u202e')
    expect(e.message.length).toBeLessThan(1200)
  })

  it('a timeout beyond what timers hold (32 bits of ms) neither warns nor fires at once', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error) => void warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      const p = provider({ [OIDC]: { body: meta() } })
      const slow = (async (input: RequestInfo | URL, init?: RequestInit) => (await new Promise((r) => setTimeout(r, 30)), p.fetch(input, init))) as typeof fetch
      expect((await discover(ISS, { fetch: slow, timeout: '100 years' })).issuer).toBe(ISS)
      await new Promise((r) => setTimeout(r, 10))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings).toEqual([])
  })

  it('timeout: each request has its own deadline', async () => {
    const p = provider({ [OIDC]: 'hang', [RFC8414]: 'hang' })
    const started = Date.now()
    const e = await rejectsWith(() => discover(ISS, { fetch: p.fetch, timeout: 0.05 }), 'ERR_JWKS_FETCH_FAILED')
    expect(e.message).toContain('timed out after 0.05 s')
    expect(Date.now() - started).toBeLessThan(5000)
  })
})

describe('discover: the https rule (loopback exception, allowHttp), for the issuer and jwks_uri', () => {
  it('loopback http issuers and jwks_uri are allowed; other http ones only with allowHttp', async () => {
    for (const issuer of ['http://localhost:8080', 'http://127.0.0.1:9000/realms/x', 'http://[::1]:8443']) {
      const p = provider({ [`${issuer}/.well-known/openid-configuration`]: { body: meta(issuer) } })
      expect((await discover(issuer, { fetch: p.fetch })).jwks_uri).toBe(`${issuer}/jwks`)
    }
    const plain = 'http://id.internal'
    const p = provider({ [`${plain}/.well-known/openid-configuration`]: { body: meta(plain) } })
    await rejectsWith(() => discover(plain, { fetch: p.fetch }), 'ERR_JOSE_INVALID_ARGUMENT')
    expect(p.requests).toEqual([])
    expect((await discover(plain, { fetch: p.fetch, allowHttp: true })).jwks_uri).toBe(`${plain}/jwks`)
    // A document fetched with allowHttp is not handed to a caller without it.
    const q = provider({ [OIDC]: { body: meta(ISS, { jwks_uri: 'http://keys.internal/jwks' }) } })
    expect((await discover(ISS, { fetch: q.fetch, allowHttp: true })).jwks_uri).toBe('http://keys.internal/jwks')
    await rejectsWith(() => discover(ISS, { fetch: q.fetch }), 'ERR_JWKS_FETCH_FAILED')
    const loop = provider({ [OIDC]: { body: meta(ISS, { jwks_uri: 'http://127.0.0.1:8080/jwks' }) } })
    expect((await discover(ISS, { fetch: loop.fetch })).jwks_uri).toBe('http://127.0.0.1:8080/jwks')
  })
})

describe('discover: the caller\'s arguments (ERR_JOSE_INVALID_ARGUMENT, a rejection, nothing fetched)', () => {
  const issuers: unknown[] = [
    undefined, null, 42, {}, new URL(ISS), '', 'id.example', '/relative', 'https://', 'ftp://id.example', 'http://id.example',
    'https://id.example?x=1', 'https://id.example?', 'https://id.example#f', 'https://id.example/#', 'https://user:pw@id.example',
    ' https://id.example', 'https://id.example ', 'https://ID.example', 'https://id.example:443', 'https://id.example/a/../b',
    'https://id.example/a b', 'javascript:alert(1)', 'data:application/json,{}',
  ]
  for (const issuer of issuers) {
    it(`issuer ${JSON.stringify(issuer) ?? String(issuer)}`, async () => {
      const p = provider({})
      let sync: unknown
      let promise: Promise<unknown> | undefined
      try {
        promise = discover(issuer as string, { fetch: p.fetch })
      } catch (e) {
        sync = e
      }
      expect(sync).toBeUndefined()
      await rejectsWith(() => promise!, 'ERR_JOSE_INVALID_ARGUMENT')
      expect(p.requests).toEqual([])
    })
  }

  const options: unknown[] = [
    42, 'x', [], { fetch: 'fetch' }, { allowHttp: 'yes' }, { timeout: -1 }, { timeout: '5' }, { cacheStore: {} }, { cacheStore: { get() {} } },
    { now: 'today' }, { maxTtl: 60 }, { issuer: ISS },
  ]
  for (const o of options) {
    it(`options ${JSON.stringify(o)}`, async () => {
      await rejectsWith(() => discover(ISS, o as DiscoverOptions), 'ERR_JOSE_INVALID_ARGUMENT')
    })
  }
})

describe('discover: kept for its Cache-Control lifetime (60 s to 600 s), failures not kept', () => {
  const lifetimes: Array<[string | undefined, number]> = [
    ['max-age=120', 120], [undefined, 600], ['max-age=0', 60], ['no-store', 60], ['no-cache, max-age=300', 60],
    ['max-age=100000', 600], ['public, max-age=300', 300],
  ]
  for (const [cc, seconds] of lifetimes) {
    it(`Cache-Control ${cc ?? '(none)'}: ${seconds} s`, async () => {
      const clock = makeClock()
      const p = provider({ [OIDC]: { body: meta(), headers: cc ? { 'cache-control': cc } : {} } })
      const o = { fetch: p.fetch, now: clock.now }
      const first = await discover(ISS, o)
      clock.advance(seconds - 1)
      expect(await discover(ISS, o)).toBe(first)
      expect(p.requests.length).toBe(1)
      clock.advance(1)
      await discover(ISS, o)
      expect(p.requests.length).toBe(2)
    })
  }

  it('concurrent callers share one request', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const p = provider({ [OIDC]: { body: meta() } })
    const slow = (async (input: RequestInfo | URL, init?: RequestInit) => (await gate, p.fetch(input, init))) as typeof fetch
    const all = Promise.all([1, 2, 3, 4].map(() => discover(ISS, { fetch: slow })))
    release()
    const docs = await all
    expect(new Set(docs).size).toBe(1)
    expect(p.requests.length).toBe(1)
  })

  it('a failure is not kept: the next call asks again', async () => {
    let up = false
    const p = provider({ [OIDC]: () => (up ? { body: meta() } : { status: 503, body: '' }) })
    await rejectsWith(() => discover(ISS, { fetch: p.fetch }), 'ERR_JWKS_FETCH_FAILED')
    up = true
    expect((await discover(ISS, { fetch: p.fetch })).issuer).toBe(ISS)
    expect(p.urls()).toEqual([OIDC, RFC8414, OIDC])
  })

  it('kept per fetch and per issuer spelling', async () => {
    // Both spellings have the same OIDC URL: the first request answers for ISS, the next for ISS + '/'.
    let n = 0
    const p = provider({ [OIDC]: () => ({ body: meta(n++ === 0 ? ISS : `${ISS}/`) }) })
    const q = provider({ [OIDC]: { body: meta() } })
    await discover(ISS, { fetch: p.fetch })
    await discover(ISS, { fetch: q.fetch })
    expect(q.requests.length).toBe(1)
    expect((await discover(`${ISS}/`, { fetch: p.fetch })).issuer).toBe(`${ISS}/`)
    expect(p.requests.length).toBe(2)
  })
})

describe('discover: cacheStore', () => {
  function memoryStore() {
    const stored = new Map<string, unknown>()
    const store: JwksCacheStore = { get: (url) => stored.get(url), set: (url, entry) => void stored.set(url, entry) }
    return { stored, store }
  }

  it('a fetched document is stored under the OIDC URL; another process (another fetch) reads it without a request', async () => {
    const clock = makeClock()
    const { stored, store } = memoryStore()
    const p = provider({ [OIDC]: { body: meta(), headers: { 'cache-control': 'max-age=300' } } })
    await discover(ISS, { fetch: p.fetch, cacheStore: store, now: clock.now })
    await Promise.resolve()
    expect(stored.get(OIDC)).toEqual({ url: OIDC, metadata: meta(), expiresAt: clock.ms + 300_000 })
    const q = provider({})
    clock.advance(200)
    expect(await discover(ISS, { fetch: q.fetch, cacheStore: store, now: clock.now })).toEqual(meta())
    expect(q.requests).toEqual([])
    // Past its expiry the entry is not used.
    const r = provider({ [OIDC]: { body: meta() } })
    clock.advance(101)
    await discover(ISS, { fetch: r.fetch, cacheStore: store, now: clock.now })
    expect(r.requests.length).toBe(1)
  })

  it('entries are revalidated: another URL, another issuer, an http jwks_uri, junk or a failing store mean a request', async () => {
    const clock = makeClock()
    const later = clock.ms + 300_000
    const entries: unknown[] = [
      { url: RFC8414, metadata: meta(), expiresAt: later },
      { url: OIDC, metadata: meta('https://evil.example'), expiresAt: later },
      { url: OIDC, metadata: meta(ISS, { jwks_uri: 'http://id.example/jwks' }), expiresAt: later },
      { url: OIDC, metadata: meta(), expiresAt: String(later) },
      { url: OIDC, metadata: [meta()], expiresAt: later },
      'not json', 42, null,
    ]
    for (const entry of entries) {
      const p = provider({ [OIDC]: { body: meta() } })
      const store: JwksCacheStore = { get: () => entry, set: () => {} }
      expect(await discover(ISS, { fetch: p.fetch, cacheStore: store, now: clock.now })).toEqual(meta())
      expect(p.requests.length, JSON.stringify(entry)).toBe(1)
    }
    for (const store of [
      { get: () => { throw new Error('down') }, set: () => { throw new Error('down') } },
      { get: () => Promise.reject(new Error('down')), set: () => Promise.reject(new Error('down')) },
      { get: () => new Promise(() => {}), set: () => new Promise(() => {}) },
    ] as JwksCacheStore[]) {
      const p = provider({ [OIDC]: { body: meta() } })
      expect(await discover(ISS, { fetch: p.fetch, cacheStore: store, now: clock.now, timeout: 0.05 })).toEqual(meta())
      expect(p.requests.length).toBe(1)
    }
  })

  it('a JSON text entry (as Redis and KV stores hold them) is read; its lifetime is at most 600 s', async () => {
    const clock = makeClock()
    const text = JSON.stringify({ url: OIDC, metadata: meta(), expiresAt: clock.ms + 86_400_000 })
    const p = provider({ [OIDC]: { body: meta() } })
    const o = { fetch: p.fetch, cacheStore: { get: () => text, set: () => {} }, now: clock.now }
    await discover(ISS, o)
    expect(p.requests.length).toBe(0)
    clock.advance(601)
    // The memory copy expired at 600 s; the store entry still claims a day, but it is clamped again from now.
    await discover(ISS, o)
    expect(p.requests.length).toBe(0)
  })
})
