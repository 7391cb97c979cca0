// A loopback JWK Set server for the remote key-set tests: the conformance suite's
// 'remote key sets' section (every runner passes its URL as `jwksBaseUrl`), the workerd
// concurrency check (run-workerd.mjs) and the vitest wrapper. Node-only (node:http).
//
// The suite owns the keys: it PUTs the public JWKs it signs with into a "slot" (a name it
// picks at random, so runs never see each other's state) and reads back how many requests
// the server saw. Routes (every <slot> matches [A-Za-z0-9_-]{1,64}):
//
//   PUT /jwks-admin/<slot>   body {"jwks": {...}, "status"?: 200, "maxAge"?: 300, "delayMs"?: 0}
//                            stores what the slot serves; 204. Counters are kept.
//   GET /jwks-admin/<slot>   200 {"requests": {"ok": n, ...}, "conditional": n, "notModified": n,
//                            "maxConcurrent": n}  (most /jwks/ok requests open at one time)
//   GET /jwks/ok/<slot>      the slot's document: 200, Cache-Control max-age, a strong ETag;
//                            304 to a matching If-None-Match; `status` ≠ 200 answers that
//                            status instead; `delayMs` holds the answer back (concurrency)
//   GET /jwks/500/<slot>     always 500
//   GET /jwks/redirect/<slot>  302 to /jwks/ok/<slot> (which counts if anyone follows it)
//   GET /jwks/big/<slot>     the slot's document padded past 600 KiB, streamed in chunks
//                            without Content-Length (?declared: with it)
//   GET /jwks/slow/<slot>    answers after 10 s (or never, once the client gave up)
//
// A 404 for anything else; slots are capped (256) and bodies too (64 KiB).
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'

const SLOT = /^[A-Za-z0-9_-]{1,64}$/
const MODES = new Set(['ok', '500', 'redirect', 'big', 'slow'])
const MAX_SLOTS = 256
const MAX_BODY = 64 * 1024
export const BIG_BYTES = 600 * 1024

const statsOf = (s) => ({ requests: { ...s.requests }, conditional: s.conditional, notModified: s.notModified, maxConcurrent: s.maxConcurrent })

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (c) => {
      size += c.length
      if (size > MAX_BODY) reject(new Error('body too large'))
      else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/**
 * The request handler, to run alone (startJwksServer) or beside other routes on one origin
 * (Chromium serves its pages and the key sets from the same server). `handle(req, res)`
 * returns false for a path it does not own.
 */
export function createJwksHandler() {
  const slots = new Map()
  const timers = new Set()
  const slotOf = (name) => {
    let s = slots.get(name)
    if (!s) {
      if (slots.size >= MAX_SLOTS) return undefined
      s = { body: undefined, etag: undefined, status: 200, maxAge: 300, delayMs: 0, requests: {}, conditional: 0, notModified: 0, open: 0, maxConcurrent: 0 }
      slots.set(name, s)
    }
    return s
  }
  const send = (res, status, headers, body) => {
    res.writeHead(status, { 'cache-control': 'no-store', ...headers })
    res.end(body)
  }
  // Answer after `ms`, unless the client went away first (the response then closes unfinished).
  const later = (ms, res, fn) => {
    if (ms <= 0) return fn()
    const t = setTimeout(() => { timers.delete(t); fn() }, ms)
    timers.add(t)
    res.once('close', () => { clearTimeout(t); timers.delete(t) })
  }

  async function admin(req, res, s) {
    if (req.method === 'GET') {
      send(res, 200, { 'content-type': 'application/json' }, JSON.stringify(statsOf(s)))
      return
    }
    if (req.method !== 'PUT') return send(res, 405, {}, 'method not allowed')
    let cfg
    try {
      cfg = JSON.parse(await readBody(req))
    } catch {
      return send(res, 400, {}, 'bad body')
    }
    if (!cfg || typeof cfg !== 'object' || typeof cfg.jwks !== 'object' || cfg.jwks === null) return send(res, 400, {}, 'body needs a "jwks" object')
    s.body = JSON.stringify(cfg.jwks)
    s.etag = `"${createHash('sha256').update(s.body).digest('base64url').slice(0, 22)}"`
    s.status = Number.isInteger(cfg.status) ? cfg.status : 200
    s.maxAge = Number.isInteger(cfg.maxAge) ? cfg.maxAge : 300
    s.delayMs = Number.isInteger(cfg.delayMs) ? Math.min(cfg.delayMs, 5000) : 0
    send(res, 204, {})
  }

  function serve(req, res, mode, name, s, query) {
    s.requests[mode] = (s.requests[mode] ?? 0) + 1
    const inm = req.headers['if-none-match']
    if (inm !== undefined) s.conditional++
    if (mode === '500') return send(res, 500, { 'content-type': 'text/plain' }, 'server error')
    if (mode === 'redirect') return send(res, 302, { location: `/jwks/ok/${name}` }, '')
    if (mode === 'slow') return later(10_000, res, () => send(res, 200, { 'content-type': 'application/json' }, s.body ?? '{"keys":[]}'))
    if (s.body === undefined) return send(res, 404, {}, 'no document in this slot')
    if (mode === 'big') {
      // A valid JWK Set (an extra member is allowed, RFC 7517 §5) that is simply too large.
      const text = `${s.body.slice(0, -1)},"padding":"${'x'.repeat(BIG_BYTES)}"}`
      const bytes = Buffer.from(text)
      res.writeHead(200, { 'content-type': 'application/json', ...(query.has('declared') ? { 'content-length': String(bytes.length) } : {}) })
      res.on('error', () => {})
      let i = 0
      const pump = () => {
        while (i < bytes.length) {
          const chunk = bytes.subarray(i, i + 16 * 1024)
          i += chunk.length
          if (!res.write(chunk)) return res.once('drain', pump)
        }
        res.end()
      }
      res.once('close', () => { i = bytes.length })
      return pump()
    }
    s.open++
    s.maxConcurrent = Math.max(s.maxConcurrent, s.open)
    res.once('close', () => { s.open-- })
    later(s.delayMs, res, () => {
      const headers = { 'cache-control': `public, max-age=${s.maxAge}`, etag: s.etag, 'content-type': 'application/jwk-set+json' }
      if (s.status !== 200) return send(res, s.status, { 'content-type': 'text/plain' }, `status ${s.status}`)
      if (inm !== undefined && inm === s.etag) {
        s.notModified++
        return send(res, 304, headers, '')
      }
      send(res, 200, headers, s.body)
    })
  }

  function handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1')
    const parts = url.pathname.split('/')
    if (parts.length === 3 && parts[1] === 'jwks-admin' && SLOT.test(parts[2])) {
      const s = slotOf(parts[2])
      if (!s) send(res, 503, {}, 'too many slots')
      else admin(req, res, s).catch(() => { if (!res.headersSent) send(res, 400, {}, 'bad request') })
      return true
    }
    if (parts.length === 4 && parts[1] === 'jwks' && MODES.has(parts[2]) && SLOT.test(parts[3])) {
      if (req.method !== 'GET') send(res, 405, {}, 'method not allowed')
      else {
        const s = slotOf(parts[3])
        if (!s) send(res, 503, {}, 'too many slots')
        else serve(req, res, parts[2], parts[3], s, url.searchParams)
      }
      return true
    }
    return false
  }

  /** Counters of one slot, for runners that check the server side directly. */
  const stats = (name) => {
    const s = slots.get(name)
    return s ? statsOf(s) : { requests: {}, conditional: 0, notModified: 0, maxConcurrent: 0 }
  }
  /** Store a slot's document from the runner's side (same effect as the PUT). */
  const put = (name, jwks, { status = 200, maxAge = 300, delayMs = 0 } = {}) => {
    const s = slotOf(name)
    s.body = JSON.stringify(jwks)
    s.etag = `"${createHash('sha256').update(s.body).digest('base64url').slice(0, 22)}"`
    Object.assign(s, { status, maxAge, delayMs })
  }
  const stop = () => {
    for (const t of timers) clearTimeout(t)
    timers.clear()
  }
  return { handle, stats, put, stop }
}

/** A server of its own on 127.0.0.1, random port: { url, stats, put, close }. */
export async function startJwksServer() {
  const h = createJwksHandler()
  const server = createServer((req, res) => {
    if (!h.handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const close = () => new Promise((resolve) => {
    h.stop()
    server.closeAllConnections?.()
    server.close(() => resolve())
  })
  return { url: `http://127.0.0.1:${server.address().port}`, stats: h.stats, put: h.put, close }
}
