// The resource server of the demo: it accepts RFC 9068 access tokens, verified with
// verifyAccessToken against the authorization server's JWKS (createRemoteJwks) at /orders,
// and with createResourceServer (Bearer and DPoP, server nonces) at /v2/orders.
import { createRemoteJwks, createResourceServer, isJoseError, verifyAccessToken } from 'isojwt'
import { listen, send } from './http.mjs'

export async function startResourceServer({ issuer, jwksUri, log }) {
  const jwks = createRemoteJwks(jwksUri) // http allowed: 127.0.0.1 is loopback
  const orders = [{ id: 1, item: 'coffee beans', qty: 2 }, { id: 2, item: 'filter papers', qty: 100 }]

  const server = await listen(async (req, res) => {
    const url = new URL(req.url, audience)
    if (req.method === 'GET' && url.pathname === '/v2/orders') return v2(req, res)
    if (req.method !== 'GET' || url.pathname !== '/orders') return send(res, 404, { error: 'not_found' })
    const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(req.headers.authorization ?? '')
    if (!m) return send(res, 401, { error: 'invalid_request' }, { 'www-authenticate': 'Bearer' })
    try {
      const { payload, scopes } = await verifyAccessToken(m[1], jwks, { issuer, audience, requiredScopes: ['orders:read'] })
      log(`   [resource server] access token valid: sub=${payload.sub}, client_id=${payload.client_id}, scopes=${JSON.stringify(scopes)}`)
      send(res, 200, { owner: payload.sub, orders })
    } catch (e) {
      if (!isJoseError(e)) throw e
      log(`   [resource server] access token refused: ${e.code}${e.reason ? ` (${e.claim} ${e.reason})` : ''}`)
      // RFC 6750 §3: the challenge names the error; the code helps the demo reader.
      send(res, 401, { error: 'invalid_token', code: e.code }, { 'www-authenticate': `Bearer error="invalid_token", error_description="${e.code}"` })
    }
  })
  const audience = server.url
  // RFC 9449: proofs name this URL (publicUrl); nonces are an HMAC under a per-start secret.
  const rs = createResourceServer({
    issuer, audience, jwks, requiredScopes: ['orders:read'], publicUrl: audience,
    dpopNonce: { secret: crypto.getRandomValues(new Uint8Array(32)) },
  })
  async function v2(req, res) {
    const auth = await rs.authenticate(req)
    if (!auth.ok) {
      log(`   [resource server] refused: ${auth.error.code}${auth.error.claim ? ` (${auth.error.claim} ${auth.error.reason})` : ''}`)
      return void res.writeHead(auth.status, auth.headers).end()
    }
    log(`   [resource server] ${auth.scheme} token valid: sub=${auth.payload.sub}${auth.jkt ? `, proof key ${auth.jkt} = cnf.jkt` : ''}`)
    send(res, 200, { owner: auth.payload.sub, orders }, auth.headers)
  }
  return { url: audience, close: server.close }
}
