/**
 * Real servers for the key-set suite: node:http (and node:https with a certificate made
 * by `openssl` at test time) on 127.0.0.1. Every request is counted on the server side,
 * per endpoint, with its headers and whether the client went away before the response
 * finished. No fetch is stubbed: the library talks to these servers through the global
 * fetch (undici) or through `httpsFetch`, a small fetch over node:https that trusts the
 * test CA.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Hit {
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
  /** Bytes of body the handler wrote (as counted by `stream`/`send`). */
  bytesWritten: number
  /** True when the connection closed before the response was complete. */
  abandoned: boolean
  /** Resolves when the response's connection is done (finished or abandoned). */
  readonly done: Promise<void>
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hit: Hit) => void | Promise<void>

export interface Endpoint {
  readonly url: string
  readonly hits: Hit[]
  /** What the endpoint answers from now on (an IdP rotating keys, going down, …). */
  handler: Handler
  readonly count: number
}

export class TestServer {
  private readonly routes = new Map<string, Endpoint>()
  private next = 0
  readonly origin: string

  private constructor(private readonly server: http.Server | https.Server, scheme: string, host: string) {
    const { port } = server.address() as AddressInfo
    this.origin = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`
  }

  /** An http server on `host` (default 127.0.0.1) and `port` (default: any free one). */
  static async http(host = '127.0.0.1', port = 0): Promise<TestServer> {
    return TestServer.listen(http.createServer(), 'http', host, port)
  }

  static async https(tls: { key: string; cert: string }): Promise<TestServer> {
    return TestServer.listen(https.createServer({ key: tls.key, cert: tls.cert }), 'https', '127.0.0.1')
  }

  private static async listen(server: http.Server | https.Server, scheme: string, host: string, port = 0): Promise<TestServer> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, resolve)
    })
    const s = new TestServer(server, scheme, host)
    server.on('request', (req, res) => s.dispatch(req, res))
    return s
  }

  /** A new endpoint with a path of its own, so each test counts only its requests. */
  endpoint(handler: Handler): Endpoint {
    const path = `/e${++this.next}/jwks.json`
    const hits: Hit[] = []
    const ep: Endpoint = {
      url: `${this.origin}${path}`,
      hits,
      handler,
      get count() {
        return hits.length
      },
    }
    this.routes.set(path, ep)
    return ep
  }

  private dispatch(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!
    let markDone!: () => void
    const hit: Hit = {
      path,
      headers: req.headers,
      bytesWritten: 0,
      abandoned: false,
      done: new Promise<void>((r) => (markDone = r)),
    }
    res.on('close', () => {
      hit.abandoned = !res.writableFinished
      markDone()
    })
    const ep = this.routes.get(path)
    if (!ep) {
      res.writeHead(404).end()
      return
    }
    ep.hits.push(hit)
    Promise.resolve()
      .then(() => ep.handler(req, res, hit))
      .catch(() => res.destroy())
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

// ------------------------------------------------------------------ responders

export interface Reply {
  status?: number
  headers?: Record<string, string | number>
  /** Omit Content-Length and send the body chunked. */
  chunked?: boolean
}

/** Sends `body` (bytes, a string, or any value as JSON) with Content-Length unless chunked. */
export function send(res: http.ServerResponse, hit: Hit, body: unknown, reply: Reply = {}): void {
  const bytes = body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8')
  const headers: Record<string, string | number> = { 'content-type': 'application/json', ...reply.headers }
  if (!reply.chunked) headers['content-length'] = bytes.length
  res.writeHead(reply.status ?? 200, headers)
  hit.bytesWritten += bytes.length
  res.end(bytes)
}

/** A handler that always answers with `body`. */
export const serve = (body: unknown, reply: Reply = {}): Handler => (_req, res, hit) => send(res, hit, body, reply)

/** A handler with no body and a status (500, 404, 304, …). */
export const status = (code: number, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(code, headers).end()
}

/**
 * Streams filler bytes until the client goes away or `limit` bytes were sent (bounded:
 * a test that fails never streams forever). `declared` sets a Content-Length.
 */
export const stream = (opts: { limit: number; declared?: number; chunk?: number; prefix?: string }): Handler =>
  (_req, res, hit) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' }
    if (opts.declared !== undefined) headers['content-length'] = opts.declared
    res.writeHead(200, headers)
    const chunk = Buffer.alloc(opts.chunk ?? 16 * 1024, 0x20)
    let first = opts.prefix === undefined ? undefined : Buffer.from(opts.prefix)
    const pump = (): void => {
      while (!res.destroyed && hit.bytesWritten < opts.limit) {
        const piece = first ?? chunk
        first = undefined
        hit.bytesWritten += piece.length
        if (!res.write(piece)) {
          res.once('drain', pump)
          return
        }
      }
      if (!res.destroyed) res.end()
    }
    pump()
  }

/** Answers nothing until the client gives up (the timeout case). */
export const hang: Handler = () => {}

/** Sends headers and a first piece of body, then nothing until the client gives up. */
export const trickle = (first: string): Handler => (_req, res, hit) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  hit.bytesWritten += first.length
  res.write(first)
}

/** Destroys the socket without any response. */
export const reset: Handler = (req) => {
  req.socket.destroy()
}

/** Sends headers and part of the body, then destroys the socket. */
export const resetMidBody = (first: string): Handler => (req, res, hit) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': first.length * 4 })
  hit.bytesWritten += first.length
  res.write(first, () => setTimeout(() => req.socket.destroy(), 20))
}

/** Resolves once `ep` has seen `n` requests and all of them have closed, or rejects after `ms`. */
export async function settled(ep: Endpoint, ms = 3000): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the server still holds a connection after ${ms} ms`)), ms)
  })
  try {
    await Promise.race([Promise.all(ep.hits.map((h) => h.done)), deadline])
  } finally {
    clearTimeout(timer)
  }
}

// ------------------------------------------------------------------ TLS

export interface TestTls {
  ca: string
  key: string
  cert: string
  cleanup(): void
}

/** A throwaway CA and a server certificate for 127.0.0.1 / localhost, made with openssl. */
export function makeTls(): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'isojwt-tls-'))
  const p = (f: string) => join(dir, f)
  const run = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  run('req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=isojwt test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
  run('req', ...ec, '-keyout', p('srv.key'), '-out', p('srv.csr'), '-subj', '/CN=127.0.0.1')
  writeFileSync(p('ext.cnf'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'))
  run('x509', '-req', '-in', p('srv.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial',
    '-out', p('srv.pem'), '-days', '2', '-extfile', p('ext.cnf'))
  return {
    ca: readFileSync(p('ca.pem'), 'utf8'),
    key: readFileSync(p('srv.key'), 'utf8'),
    cert: readFileSync(p('srv.pem'), 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

const NULL_BODY = new Set([101, 103, 204, 205, 304])

/**
 * A `fetch`-compatible function over node:https that trusts `ca` (and only it). It never
 * follows redirects (a 3xx is returned as is), honours `signal`, and streams the body:
 * cancelling the body destroys the connection.
 */
export function httpsFetch(ca: string): typeof fetch {
  const impl = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const headers: Record<string, string> = {}
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value
    })
    const signal = init?.signal ?? undefined
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      const req = https.request(url, { method: init?.method ?? 'GET', headers, ca, agent: false }, (res) => {
        const code = res.statusCode ?? 0
        const h = new Headers()
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined) continue
          for (const x of Array.isArray(v) ? v : [v]) h.append(k, x)
        }
        if (NULL_BODY.has(code)) {
          res.resume()
          resolve(new Response(null, { status: code, headers: h }))
          return
        }
        let closed = false
        const body = new ReadableStream<Uint8Array>({
          start(c) {
            res.on('data', (chunk: Buffer) => {
              if (closed) return
              c.enqueue(new Uint8Array(chunk))
              if ((c.desiredSize ?? 1) <= 0) res.pause()
            })
            res.on('end', () => {
              if (!closed) c.close()
              closed = true
            })
            res.on('close', () => {
              if (!closed && !res.complete) c.error(new Error('connection closed before the body was complete'))
              closed = true
            })
          },
          pull() {
            res.resume()
          },
          cancel() {
            closed = true
            req.destroy()
          },
        }, { highWaterMark: 4 })
        resolve(new Response(body, { status: code, headers: h }))
      })
      signal?.addEventListener('abort', () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted')), { once: true })
      req.on('error', reject)
      req.end()
    })
  }
  return impl as typeof fetch
}

/** A loopback port nothing listens on (it was free a moment ago): connecting is refused. */
export async function closedPort(): Promise<number> {
  const probe = http.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/** Runs `inner` after `ms` (a slow but working identity provider). */
export const delayed = (ms: number, inner: Handler): Handler => (req, res, hit) =>
  new Promise<void>((r) => setTimeout(r, ms)).then(() => (res.destroyed ? undefined : inner(req, res, hit)))

/** A redirect to `location`. */
export const redirect = (code: number, location: string): Handler => (_req, res) => {
  res.writeHead(code, { location, 'content-length': 0 }).end()
}

/**
 * An identity provider with ETags: answers 304 when If-None-Match names the current tag,
 * else 200 with the body. `headers` go on both (Cache-Control, Age).
 */
export function withEtag(state: { etag: string; body: unknown; headers?: Record<string, string> }): Handler {
  return (req, res, hit) => {
    const headers = { etag: state.etag, ...state.headers }
    if (req.headers['if-none-match'] === state.etag) {
      res.writeHead(304, headers).end()
      return
    }
    send(res, hit, state.body, { headers })
  }
}
