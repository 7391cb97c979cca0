// One front Worker of stores.capnp (two isolates run it, front-a and front-b): the
// Durable Object replay store and the KV cache store of the installed isojwt/stores.
//   POST /checks                 the replay checks (checks.mjs) and a few of its own
//   POST /add { jtis, until }    adds them all at once: the jtis this isolate recorded
//   POST /assertion { token, publicJwk, times }   that many concurrent verifyClientAssertion
//   POST /jwks { jwksUrl, token }  verifies with createRemoteJwks + kvCacheStore
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

export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    const body = request.method === 'POST' ? await request.json() : {}
    const store = durableObjectReplayStore(env.REPLAY)
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
      const cacheStore = kvCacheStore(env.JWKS_CACHE)
      await lib.verify(body.token, lib.createRemoteJwks(body.jwksUrl, { cacheStore }), { issuer: 'https://id.example' })
      // The key set writes to its store without waiting: wait here until the write landed.
      for (let i = 0; i < 100 && (await cacheStore.get(body.jwksUrl)) === undefined; i++) await new Promise((r) => setTimeout(r, 20))
      return Response.json({ cached: (await cacheStore.get(body.jwksUrl)) !== undefined })
    }
    return new Response('not found', { status: 404 })
  },
}
