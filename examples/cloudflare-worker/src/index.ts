// A Cloudflare Worker API protected by isojwt: /api/* takes Bearer access tokens and
// DPoP-bound ones (RFC 6750, RFC 9449; JWT access tokens per RFC 9068) and answers a
// refusal with its status and WWW-Authenticate challenge. This file is the Worker recipe
// of docs/resource-server.md; test/runtimes/run-example-worker.mjs runs it in workerd.
import { createResourceServer, type ResourceServer } from 'isojwt'
import { durableObjectReplayStore, type DurableObjectNamespaceLike } from 'isojwt/stores'

// The Durable Object that records each DPoP proof's jti once for all isolates (bound as REPLAY).
export { ReplayStoreObject } from 'isojwt/stores'

interface Env {
  JWT_ISSUER: string // the authorization server's issuer (iss)
  JWT_AUDIENCE: string // this API (aud)
  JWT_PUBLIC_JWK: string // the authorization server's public key: a JWK as JSON, with its "alg"
  REPLAY: DurableObjectNamespaceLike
}

// One resource server per isolate, made on the first request (the bindings come with it).
let rs: ResourceServer | undefined

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (!new URL(request.url).pathname.startsWith('/api/')) return new Response(null, { status: 404 })
    rs ??= createResourceServer({
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      jwks: JSON.parse(env.JWT_PUBLIC_JWK), // or createRemoteJwks(url): fetched once per isolate
      requiredScopes: ['orders:read'],
      // Isolates share no memory: a proof replayed to another isolate or location is refused too.
      replayStore: durableObjectReplayStore(env.REPLAY),
    })
    const auth = await rs.authenticate(request) // request.url is the URL clients call: no publicUrl
    if (!auth.ok) return auth.response() // 400, 401, 403 or 503, an empty body
    return Response.json({ sub: auth.payload.sub, scheme: auth.scheme, scopes: auth.scopes }, { headers: auth.headers })
  },
}
