// The Worker of run-workerd.mjs's remote key-set check: one createRemoteJwks per isolate
// (made by the first request), shared by every request after it. API.md: on workerd no
// in-flight promise crosses request contexts, so concurrent cold requests each fetch the
// set for themselves, and none may hang or touch another request's I/O.
//
// GET with `Authorization: Bearer <token>` → 200 {"sub", "sets"} or 401 {"error": code};
// `sets` is how many key sets this isolate has made (must stay 1).
import { createRemoteJwks, isJoseError, verify } from 'isojwt'

let jwks
let sets = 0

export default {
  async fetch(request, env) {
    if (!jwks) {
      jwks = createRemoteJwks(env.JWKS_URL)
      sets++
    }
    const token = /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '')?.[1]
    if (!token) return json(400, { error: 'missing_token', sets })
    try {
      const { payload } = await verify(token, jwks, { algorithms: ['ES256'], issuer: 'https://id.example' })
      return json(200, { sub: payload.sub, sets })
    } catch (e) {
      if (!isJoseError(e)) return json(500, { error: String(e), sets })
      return json(401, { error: e.code, sets })
    }
  },
}

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } })
}
