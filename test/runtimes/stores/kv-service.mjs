// The storage behind workerd's KV binding in stores.capnp (workerd has the KV client API
// but no KV storage of its own; miniflare would supply the same service). An in-memory map
// with expiry. It refuses an expiration_ttl under 60 s, as Cloudflare's KV does, and
// keeps a log of what it was asked, which the runner reads from /__log on its own socket.
const store = new Map()
const log = []

export default {
  async fetch(request) {
    const url = new URL(request.url)
    if (url.pathname === '/__log') return Response.json(log)
    const key = decodeURIComponent(url.pathname.slice(1))
    const ttl = url.searchParams.get('expiration_ttl')
    log.push({ method: request.method, key, ttl })
    if (request.method === 'GET') {
      const held = store.get(key)
      if (!held || held.expires <= Date.now()) return new Response(null, { status: 404 })
      return new Response(held.value)
    }
    if (request.method === 'PUT') {
      if (ttl !== null && !(Number(ttl) >= 60)) return new Response('expiration_ttl must be at least 60', { status: 400 })
      store.set(key, { value: await request.text(), expires: ttl === null ? Infinity : Date.now() + Number(ttl) * 1000 })
      return new Response(null, { status: 200 })
    }
    return new Response('unsupported', { status: 405 })
  },
}
