// One front Worker of the stores rows: two isolates run it (front-a and front-b), in
// workerd (stores.capnp, run-stores-workerd.mjs) and in miniflare (miniflare-host.mjs,
// run-stores-miniflare.mjs): the Durable Object replay store and, in miniflare, the KV
// cache store of the installed isojwt/stores.
//   POST /isolate                an id this isolate drew on its first request (its module state)
//   POST /checks                 the replay checks (checks.mjs) and a few of its own
//   POST /add { jtis, until }    adds them all at once: the jtis this isolate recorded
//   POST /assertion { token, publicJwk, times }   that many concurrent verifyClientAssertion
//   POST /jwks { jwksUrl, token, minTtl? }  verifies with createRemoteJwks + kvCacheStore:
//                                whether the entry landed in KV, and the writes this isolate made
//   POST /kv-list                the cache's keys as the KV engine lists them (name, expiration)
//   POST /kv-put { ttl }         a plain put with that expirationTtl: the engine's error, if any
import * as lib from 'isojwt'
import { durableObjectReplayStore, kvCacheStore } from 'isojwt/stores'
import { assert, counter, failsClosed, replayChecks } from './checks.mjs'

async function tally(n, attempt) {
  const codes = {}
  const outcomes = await Promise.all(Array.from({ length: n }, () => attempt().then(() => 'accepted', (e) => (lib.isJoseError(e) ? `${e.code}${e.reason ? `/${e.reason}` : ''}` : String(e)))))
  for (const o of outcomes) codes[o] = (codes[o] ?? 0) + 1
  return codes
}

async function checks(env) {
  const lines = []
  const r = counter((l) => lines.push(l))
  await replayChecks(lib, durableObjectReplayStore(env.REPLAY), r, 'Durable Objects')
  await r.check('Durable Objects: shards: the jtis spread over the named objects, one shard works too', async () => {
    const names = []
    const spy = { idFromName: (n) => (names.push(n), env.REPLAY.idFromName(n)), get: (id) => env.REPLAY.get(id) }
    const store = durableObjectReplayStore(spy)
    const until = new Date(Date.now() + 60_000)
    for (let i = 0; i < 64; i++) await store.add(`spread-${i}`, until)
    const used = new Set(names)
    assert(used.size >= 12 && [...used].every((n) => /^isojwt-replay-(\d|1[0-5])$/.test(n)), `shards used: ${[...used].sort().join(', ')}`)
    const one = durableObjectReplayStore(env.REPLAY, { shards: 1 })
    assert((await one.add('single', until)) === true && (await one.add('single', until)) === false, 'shards: 1')
  })
  await r.check('Durable Objects: a namespace of no known shape, or a bad shards option, is refused at creation', () => {
    for (const make of [() => durableObjectReplayStore({}), () => durableObjectReplayStore(env.REPLAY, { shards: 0 }), () => durableObjectReplayStore(env.REPLAY, { shards: 1.5 })]) {
      let e
      try { make() } catch (x) { e = x }
      assert(lib.isJoseError(e) && e.code === 'ERR_JOSE_INVALID_ARGUMENT', String(e))
    }
  })
  const broken = { idFromName: (n) => env.REPLAY.idFromName(n), get: () => ({ fetch: async () => { throw new Error('object unreachable') } }) }
  await failsClosed(lib, durableObjectReplayStore(broken), r, 'Durable Objects, an unreachable object')
  const odd = { idFromName: (n) => env.REPLAY.idFromName(n), get: () => ({ fetch: async () => new Response('true') }) }
  await failsClosed(lib, durableObjectReplayStore(odd), r, 'Durable Objects, an object answering "true"', false)
  await r.check('ReplayStoreObject refuses a request that is not { key, until } (400)', async () => {
    const stub = env.REPLAY.get(env.REPLAY.idFromName('isojwt-replay-0'))
    const res = await stub.fetch('https://isojwt-replay-store/add', { method: 'POST', body: '{"key":1}' })
    assert(res.status === 400, `status ${res.status}`)
  })
  return { passed: r.passed, failed: r.failed, lines, backend: lib.JoseError[Symbol.for('isojwt.backend')] }
}

let isolateId // module state: one per isolate (drawn lazily: no randomness at global scope)

export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    const body = request.method === 'POST' ? await request.json() : {}
    const store = durableObjectReplayStore(env.REPLAY)
    if (url.pathname === '/isolate') return Response.json({ id: (isolateId ??= crypto.randomUUID()) })
    if (url.pathname === '/checks') return Response.json(await checks(env))
    if (url.pathname === '/add') {
      const until = new Date(body.until)
      const added = await Promise.all(body.jtis.map((j) => store.add(j, until)))
      return Response.json(body.jtis.filter((_, i) => added[i] === true))
    }
    if (url.pathname === '/assertion') {
      return Response.json(await tally(body.times, () => lib.verifyClientAssertion(body.token, body.publicJwk, { clientId: 'app', audience: 'https://as.example', replayStore: store })))
    }
    if (url.pathname === '/jwks') {
      // The real binding, with the writes this isolate makes counted on the way.
      const puts = []
      const kv = { get: (k, t) => env.JWKS_CACHE.get(k, t), put: (k, v, o) => (puts.push({ key: k, ttl: o?.expirationTtl }), env.JWKS_CACHE.put(k, v, o)) }
      const cacheStore = kvCacheStore(kv)
      const options = { cacheStore, ...(body.minTtl === undefined ? {} : { minTtl: body.minTtl }) }
      await lib.verify(body.token, lib.createRemoteJwks(body.jwksUrl, options), { issuer: 'https://id.example' })
      // The key set writes to its store without waiting: wait here until the write landed.
      for (let i = 0; i < 100 && (await cacheStore.get(body.jwksUrl)) === undefined; i++) await new Promise((r) => setTimeout(r, 20))
      return Response.json({ cached: (await cacheStore.get(body.jwksUrl)) !== undefined, puts })
    }
    if (url.pathname === '/kv-list') {
      const listed = await env.JWKS_CACHE.list({ prefix: 'isojwt:jwks:' })
      return Response.json({ keys: listed.keys.map((k) => ({ name: k.name, expiration: k.expiration })), now: Math.floor(Date.now() / 1000) })
    }
    if (url.pathname === '/kv-put') {
      const refused = await env.JWKS_CACHE.put('isojwt-ttl-probe', 'x', { expirationTtl: body.ttl }).then(() => null, (e) => String(e?.message ?? e))
      return Response.json({ refused })
    }
    return new Response('not found', { status: 404 })
  },
}
