// The page's demo back end, for `npm start` (server.js) and the repository's test: a
// stand-in authorization server (POST /token) that binds each token to the DPoP key of
// the request's proof (cnf.jkt, RFC 9449 §6), and an API (GET /api/orders) protected by
// isojwt's createResourceServer, DPoP required, with server nonces (RFC 9449 §9).
// DEMO ONLY: /token gives a token to anyone who asks. A real authorization server signs
// the user in first (the authorization code flow with PKCE) and checks a replay store.
import { createResourceServer, generateKeyPair, isJoseError, sign, verifyDpopProof } from 'isojwt'

/**
 * A node:http handler for /token and /api/*, for a page served on `origin`; it answers
 * true when it handled the request.
 * @param {string} origin e.g. http://127.0.0.1:8000
 * @returns {Promise<(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<boolean>>}
 */
export async function createDemoApi(origin) {
  const signing = await generateKeyPair('ES256') // the authorization server's token key
  const rs = createResourceServer({
    issuer: origin,
    audience: `${origin}/api`,
    jwks: signing.publicKey,
    requiredScopes: ['orders:read'],
    dpop: 'required', // DPoP-bound tokens only, each request with a fresh proof
    dpopNonce: { secret: crypto.getRandomValues(new Uint8Array(32)) }, // a new one per start
    publicUrl: origin, // the origin the page calls: DPoP proofs name it
  })

  async function token(req, res) {
    req.resume() // the form (grant_type, code, …) is not read in this demo
    let jkt
    try {
      ({ jkt } = await verifyDpopProof(String(req.headers.dpop ?? ''), { htm: 'POST', htu: `${origin}/token` }))
    } catch (e) {
      if (!isJoseError(e)) throw e
      return json(res, 400, { error: 'invalid_dpop_proof', error_description: e.code })
    }
    const accessToken = await sign({ sub: 'demo-user', client_id: 'browser-spa', scope: 'orders:read', cnf: { jkt } }, signing.privateKey, {
      typ: 'at+jwt', issuer: origin, audience: `${origin}/api`, expiresIn: '5m', jwtId: crypto.randomUUID(),
    })
    json(res, 200, { access_token: accessToken, token_type: 'DPoP', expires_in: 300, scope: 'orders:read' })
  }

  async function orders(req, res) {
    const auth = await rs.authenticate(req)
    if (!auth.ok) return void res.writeHead(auth.status, auth.headers).end()
    json(res, 200, { sub: auth.payload.sub, scheme: auth.scheme, jkt: auth.jkt, orders: [{ id: 1, item: 'tea' }] }, auth.headers)
  }

  return async (req, res) => {
    const path = new URL(req.url ?? '/', origin).pathname
    if (req.method === 'POST' && path === '/token') await token(req, res)
    else if (path.startsWith('/api/')) await orders(req, res)
    else return false
    return true
  }
}

function json(res, status, body, headers = {}) {
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
}
