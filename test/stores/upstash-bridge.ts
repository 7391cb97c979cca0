/**
 * @upstash/redis speaks HTTP to Upstash's REST API; there is no local Upstash. This is a
 * small REST-to-RESP bridge in front of the real redis-server, enough for what the client
 * sends our adapters: POST / with a JSON command array (or /pipeline with several, the
 * client's auto-pipelining), answered `{ result }` (strings
 * base64-encoded except "OK", when the client asks with `Upstash-Encoding: base64`) or
 * `{ error }` with a 400, as Upstash's REST API documents. So the adapter's Upstash path runs
 * through the real client and a real Redis, and only the HTTP hop is ours.
 */
import { createServer, type Server } from 'node:http'
import { createClient } from 'redis'

export interface Bridge { readonly url: string; close(): Promise<void> }

const encode = (v: unknown, b64: boolean): unknown =>
  typeof v === 'string' && b64 && v !== 'OK' ? Buffer.from(v).toString('base64')
    : Array.isArray(v) ? v.map((x) => encode(x, b64)) : v

export async function startUpstashBridge(redisUrl: string): Promise<Bridge> {
  const redis = createClient({ url: redisUrl, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100, connectTimeout: 1000 } })
  redis.on('error', () => {}) // reconnects on its own; a command while down fails and is reported as { error }
  await redis.connect()
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => { body += d })
    req.on('end', async () => {
      const b64 = req.headers['upstash-encoding'] === 'base64'
      const reply = (status: number, json: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(json))
      }
      try {
        const run = async (command: unknown[]): Promise<unknown> => encode(await redis.sendCommand(command.map(String)), b64)
        if (req.method === 'POST' && req.url === '/') return reply(200, { result: await run(JSON.parse(body)) })
        // The client's auto-pipelining (its default) batches commands: one answer each.
        if (req.method !== 'POST' || req.url !== '/pipeline') return reply(404, { error: 'only POST / and /pipeline are bridged' })
        const answers = []
        for (const command of JSON.parse(body) as unknown[][]) {
          try {
            answers.push({ result: await run(command) })
          } catch (e) {
            answers.push({ error: String((e as Error).message) })
          }
        }
        reply(200, answers)
      } catch (e) {
        reply(400, { error: String((e as Error).message) })
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
      await redis.quit().catch(() => redis.destroy())
    },
  }
}
