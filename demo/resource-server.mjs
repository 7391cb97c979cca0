// The resource server of the demo: it accepts RFC 9068 access tokens, verified with
// verifyAccessToken against the authorization server's JWKS (createRemoteJwks).
import { createRemoteJwks, isJoseError, verifyAccessToken } from 'isojwt'
import { listen, send } from './http.mjs'

export async function startResourceServer({ issuer, jwksUri, log }) {
  const jwks = createRemoteJwks(jwksUri) // http allowed: 127.0.0.1 is loopback
  const orders = [{ id: 1, item: 'coffee beans', qty: 2 }, { id: 2, item: 'filter papers', qty: 100 }]

  const server = await listen(async (req, res) => {
    const url = new URL(req.url, audience)
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
  return { url: audience, close: server.close }
}
