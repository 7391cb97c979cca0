/**
 * The Redis adapters against a real redis-server (started here on a free loopback port),
 * through node-redis, ioredis and @upstash/redis (the last through a REST-to-RESP bridge:
 * there is no local Upstash). No mock stands in for Redis.
 */
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRemoteJwks, isJoseError, signClientAssertion, verify, verifyClientAssertion, type JoseError, type Jwk } from '../../src/index.ts'
import { redisCacheStore, redisReplayStore, type RedisLike } from '../../src/stores/index.ts'
import { NO_REDIS, startRedis, type RedisServer } from './redis-server.ts'
import { startUpstashBridge, type Bridge } from './upstash-bridge.ts'
import { clientKeys, connect, idToken, jwksServer, sleep, type Client, type Kind } from './fixtures.ts'

if (NO_REDIS) console.log(NO_REDIS)

const AS = 'https://as.example'

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'accepted'
  } catch (e) {
    return isJoseError(e) ? e.code : `not a JoseError: ${String(e)}`
  }
}

describe.skipIf(NO_REDIS).each<Kind>(['node-redis', 'ioredis', 'upstash'])('Redis stores through %s (real redis-server)', (kind) => {
  let server: RedisServer
  let bridge: Bridge | undefined
  let c: Client
  let admin: ReturnType<typeof createClient>
  let keys: { privateJwk: Jwk; publicJwk: Jwk }

  beforeAll(async () => {
    server = await startRedis()
    if (kind === 'upstash') bridge = await startUpstashBridge(server.url)
    c = await connect(kind, server.url, bridge)
    admin = createClient({ url: server.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } })
    admin.on('error', () => {})
    await admin.connect()
    keys = await clientKeys()
  })
  afterAll(async () => {
    admin?.destroy()
    await c?.close()
    await bridge?.close()
    await server?.stop()
  })

  const assertion = (jwtId?: string): Promise<string> =>
    signClientAssertion({ clientId: 'app', audience: AS, key: keys.privateJwk, alg: 'ES256', ...(jwtId ? { jwtId } : {}) })
  const verifyWith = (store: unknown, token: string) =>
    verifyClientAssertion(token, keys.publicJwk, { clientId: 'app', audience: AS, replayStore: store as never })

  it('accepts a jti once and refuses it after, with SET … PXAT until NX under the prefix', async () => {
    const store = redisReplayStore(c.client)
    const until = new Date(Date.now() + 60_000)
    expect(await store.add(`once-${kind}`, until)).toBe(true)
    expect(await store.add(`once-${kind}`, until)).toBe(false)
    expect(await store.add(`once-${kind}`, new Date(Date.now() + 120_000))).toBe(false)
    expect(await admin.get(`isojwt:jti:once-${kind}`)).toBe('1')
    // PXAT: the key expires at `until` to the millisecond (Redis 7's PEXPIRETIME).
    expect(await admin.sendCommand(['PEXPIRETIME', `isojwt:jti:once-${kind}`])).toBe(until.getTime())
    const other = redisReplayStore(c.client, { prefix: 'tenant-b:' })
    expect(await other.add(`once-${kind}`, until)).toBe(true)
    expect(await admin.exists(`tenant-b:once-${kind}`)).toBe(1)
  })

  it('the jti is free again once until has passed', async () => {
    const store = redisReplayStore(c.client)
    const until = new Date(Date.now() + 300)
    expect(await store.add(`short-${kind}`, until)).toBe(true)
    expect(await store.add(`short-${kind}`, until)).toBe(false)
    await sleep(until.getTime() - Date.now() + 50)
    expect(await store.add(`short-${kind}`, new Date(Date.now() + 60_000))).toBe(true)
  })

  it('verifyClientAssertion: one acceptance, then replayed (claim jti)', async () => {
    const store = redisReplayStore(c.client)
    const token = await assertion()
    await verifyWith(store, token)
    const e = await verifyWith(store, token).then(() => undefined, (x: JoseError) => x)
    expect([e?.code, e?.claim, e?.reason]).toEqual(['ERR_JWT_CLAIM_INVALID', 'jti', 'replayed'])
  })

  it('concurrent adds of one jti in this process: exactly one true', async () => {
    const store = redisReplayStore(c.client)
    const until = new Date(Date.now() + 60_000)
    const results = await Promise.all(Array.from({ length: 50 }, () => store.add(`race-${kind}`, until)))
    expect(results.filter((r) => r).length).toBe(1)
  })

  it('cacheStore: a second key set reads the first one\'s entry instead of fetching; the entry expires with the set', async () => {
    const jwks = await jwksServer({ keys: [{ ...keys.publicJwk, kid: 'k1', alg: 'ES256' }] })
    try {
      const cacheStore = redisCacheStore(c.client)
      const token = await idToken(keys.privateJwk)
      const first = createRemoteJwks(jwks.url, { cacheStore })
      await verify(token, first, { issuer: 'https://id.example' })
      expect(jwks.requests()).toBe(1)
      const key = `isojwt:jwks:${jwks.url}`
      for (let i = 0; i < 50 && !(await admin.exists(key)); i++) await sleep(20)
      const stored = JSON.parse((await admin.get(key))!)
      expect(stored.url).toBe(jwks.url)
      const at = await admin.sendCommand(['PEXPIRETIME', key]) as number
      expect(at).toBe(Math.ceil(stored.expiresAt))
      const second = createRemoteJwks(jwks.url, { cacheStore })
      await verify(token, second, { issuer: 'https://id.example' })
      expect(jwks.requests()).toBe(1)
    } finally {
      await jwks.close()
    }
  })

  it('Redis stopped: the replay store fails closed (ERR_STORE_UNAVAILABLE, fast), the cache store is skipped; back up: it works again, with the jtis forgotten', async () => {
    const store = redisReplayStore(c.client)
    const cacheStore = redisCacheStore(c.client)
    const before = await assertion()
    await verifyWith(store, before)
    const during = await assertion()
    await server.stop()
    try {
      for (const token of [during, before, during]) {
        const t = performance.now()
        const e = await verifyWith(store, token).catch((x: unknown) => x)
        expect(isJoseError(e) && e.code, String(e)).toBe('ERR_STORE_UNAVAILABLE')
        expect((e as Error).cause, 'the store\'s own error').toBeInstanceOf(Error)
        expect(performance.now() - t).toBeLessThan(2000)
      }
      // A key set whose cache store is down fetches from the network.
      const jwks = await jwksServer({ keys: [{ ...keys.publicJwk, kid: 'k1', alg: 'ES256' }] })
      await verify(await idToken(keys.privateJwk), createRemoteJwks(jwks.url, { cacheStore }), { issuer: 'https://id.example' })
      expect(jwks.requests()).toBe(1)
      await jwks.close()
    } finally {
      await server.start()
    }
    // The client reconnects by itself (every 100 ms): the refused assertion now passes.
    let outcome = ''
    for (let i = 0; i < 100 && outcome !== 'accepted'; i++) {
      outcome = await code(verifyWith(store, during))
      if (outcome !== 'accepted') await sleep(50)
    }
    expect(outcome).toBe('accepted')
    // No persistence (--save '', no AOF): the restart forgot `before`'s jti, so its replay,
    // still inside its lifetime, is accepted. docs/stores.md says so.
    expect(await code(verifyWith(store, before))).toBe('accepted')
  })
})

describe.skipIf(NO_REDIS)('Redis stores: client shapes and reply checks (node-redis, real redis-server)', () => {
  let server: RedisServer
  let c: Client
  let client: { sendCommand(args: string[]): Promise<unknown> }

  beforeAll(async () => {
    server = await startRedis()
    c = await connect('node-redis', server.url)
    client = c.client as typeof client
  })
  afterAll(async () => {
    await c?.close()
    await server?.stop()
  })

  it('a client of no known shape is refused at creation', () => {
    for (const bad of [undefined, null, {}, { get() {} }, { set() {} }, 'redis://127.0.0.1', { call: 'x' }]) {
      for (const make of [redisReplayStore, redisCacheStore]) {
        const e = (() => { try { make(bad as RedisLike); return undefined } catch (x) { return x } })()
        expect(isJoseError(e) && e.code, String(bad)).toBe('ERR_JOSE_INVALID_ARGUMENT')
      }
    }
    expect(() => redisReplayStore(client, { prefix: '' })).toThrow(/prefix/)
  })

  it('a wrapper that turns replies into booleans or numbers is refused (ERR_STORE_UNAVAILABLE), and the verification fails closed', async () => {
    const keys = await clientKeys()
    for (const map of [(r: unknown) => r === 'OK', (r: unknown) => (r === 'OK' ? 1 : 0), () => undefined]) {
      const wrapped = { sendCommand: async (args: string[]) => map(await client.sendCommand(args)) }
      const store = redisReplayStore(wrapped)
      const e = await Promise.resolve(store.add(`mapped-${Math.random()}`, new Date(Date.now() + 60_000))).catch((x: JoseError) => x)
      expect(isJoseError(e) && e.code).toBe('ERR_STORE_UNAVAILABLE')
      const token = await signClientAssertion({ clientId: 'app', audience: AS, key: keys.privateJwk, alg: 'ES256' })
      expect(await code(verifyClientAssertion(token, keys.publicJwk, { clientId: 'app', audience: AS, replayStore: store }))).toBe('ERR_STORE_UNAVAILABLE')
    }
  })

  it('a store error reaches the caller as cause; an error reply too', async () => {
    const store = redisReplayStore({ sendCommand: (args) => client.sendCommand(['SET', args[1]!, '1', 'PXAT', 'soon', 'NX']) })
    const e = await Promise.resolve(store.add('bad-pxat', new Date(Date.now() + 60_000))).then(() => undefined, (x: JoseError) => x)
    expect(e?.code).toBe('ERR_STORE_UNAVAILABLE')
    expect(String((e?.cause as Error).message)).toMatch(/not an integer|out of range/)
  })

  it('what the reply check cannot catch: a client that drops NX gets OK twice (the docs say so)', async () => {
    // SET without NX on an existing key answers OK, the same reply as a first SET NX: the
    // reply alone cannot tell. Raw commands are the defence (no option object to misspell);
    // a wrapper that rewrites commands is outside what an adapter can check.
    const dropsNx = { sendCommand: (args: string[]) => client.sendCommand(args.filter((a) => a !== 'NX')) }
    const store = redisReplayStore(dropsNx)
    const until = new Date(Date.now() + 60_000)
    expect([await store.add('no-nx', until), await store.add('no-nx', until)]).toEqual([true, true])
    // The same jti through the real client: refused, the key is there.
    expect(await redisReplayStore(client).add('no-nx', until)).toBe(false)
  })
})
