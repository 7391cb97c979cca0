/** Clients, keys and a counting JWK Set server shared by the Redis store tests. */
import { createServer } from 'node:http'
import { Redis as UpstashRedis } from '@upstash/redis'
import { Redis as IoRedis } from 'ioredis'
import { createClient } from 'redis'
import { exportJwk, generateKeyPair, sign, type Jwk } from '../../src/index.ts'
import type { RedisLike } from '../../src/stores/index.ts'
import type { Bridge } from './upstash-bridge.ts'

export type Kind = 'node-redis' | 'ioredis' | 'upstash'

export interface Client { client: RedisLike; close(): Promise<void> }

/**
 * A client configured to fail fast, as docs/stores.md recommends: no offline queue (a
 * command while disconnected fails at once instead of waiting for the reconnection), a
 * short connect timeout, reconnection every 100 ms.
 */
export async function connect(kind: Kind, url: string, bridge?: Bridge): Promise<Client> {
  if (kind === 'node-redis') {
    const c = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 1000, reconnectStrategy: () => 100 } })
    c.on('error', () => {}) // reconnects by itself; commands in between fail
    await c.connect()
    return { client: c, close: async () => { c.destroy() } }
  }
  if (kind === 'ioredis') {
    const c = new IoRedis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => 100, lazyConnect: true })
    c.on('error', () => {})
    await c.connect()
    return { client: c, close: async () => { c.disconnect() } }
  }
  const c = new UpstashRedis({ url: bridge!.url, token: 'local-bridge', retry: false, enableTelemetry: false })
  return { client: c, close: async () => {} }
}

export async function clientKeys(): Promise<{ privateJwk: Jwk; publicJwk: Jwk }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  return { privateJwk: await exportJwk(privateKey), publicJwk: await exportJwk(publicKey) }
}

/** A JWK Set over http on 127.0.0.1 (a loopback host: no allowHttp needed), counting its requests. */
export async function jwksServer(jwks: { keys: Jwk[] }): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let n = 0
  const server = createServer((_req, res) => {
    n++
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
    res.end(JSON.stringify(jwks))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    requests: () => n,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()) }),
  }
}

/** A token for the key-set tests. */
export const idToken = (privateJwk: Jwk): Promise<string> =>
  sign({ sub: 'user' }, { ...privateJwk, kid: 'k1' }, { alg: 'ES256', issuer: 'https://id.example', expiresIn: '5m', kid: 'k1' })

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
