// Tiny node:http helpers for the demo servers (the library itself never imports node:).
import { createServer } from 'node:http'

/** Starts a server on 127.0.0.1 with a free port; resolves to { url, close }. */
export function listen(handler) {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((e) => {
      console.error('   [server] unexpected error:', e)
      if (!res.headersSent) send(res, 500, { error: 'server_error' })
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) })
    })
  })
}

/** Reads a request body (bounded) as text. */
export async function readBody(req, limit = 64 * 1024) {
  let size = 0
  const chunks = []
  for await (const chunk of req) {
    size += chunk.length
    if (size > limit) throw new Error('request body too large')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Sends a JSON response (no caching: tokens must not be stored, RFC 6749 §5.1). */
export function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
  res.end(JSON.stringify(body))
}
