// The authorization server of the demo: an authorization endpoint with a simulated consent,
// a token endpoint (authorization_code grant + PKCE, clients authenticated with a
// private_key_jwt assertion, RFC 7523 §2.2), a JWKS endpoint, and RFC 9068 access tokens,
// bound to the client's key (cnf.jkt) when the token request carries a DPoP proof (RFC 9449 §5).
import { createLocalJwks, decode, exportJwk, generateKeyPair, isJoseError, sign, thumbprint, verifyClientAssertion, verifyDpopProof } from 'isojwt'
import { listen, readBody, send } from './http.mjs'

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const b64u = (bytes) => Buffer.from(bytes).toString('base64url')
const random = () => b64u(crypto.getRandomValues(new Uint8Array(32)))
const sha256 = async (text) => b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))))

/** An in-memory replay store: add() is atomic because it runs to completion (one process). */
function memoryReplayStore() {
  const seen = new Map()
  return {
    add(jti, until) {
      const now = Date.now()
      for (const [k, t] of seen) if (t < now) seen.delete(k)
      if (seen.has(jti)) return false
      seen.set(jti, until.getTime())
      return true
    },
  }
}

export async function startAuthorizationServer({ log }) {
  // ES256 signing key, generated at start; its public half is published at /jwks.
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const publicJwk = { ...(await exportJwk(publicKey)), alg: 'ES256', use: 'sig' }
  publicJwk.kid = await thumbprint(publicJwk)

  const clients = new Map() // client_id → { redirectUris, keys (a local JWK set) }
  const resources = new Set() // resource indicators (RFC 8707) this server issues tokens for
  const codes = new Map() // one-time authorization codes
  const replayStore = memoryReplayStore()
  const proofReplayStore = memoryReplayStore()

  const server = await listen(async (req, res) => {
    const url = new URL(req.url, issuer)
    if (req.method === 'GET' && url.pathname === '/jwks') return send(res, 200, { keys: [publicJwk] }, { 'cache-control': 'max-age=300' })
    if (req.method === 'GET' && url.pathname === '/authorize') return authorize(url, res)
    if (req.method === 'POST' && url.pathname === '/token') return token(new URLSearchParams(await readBody(req)), res, req.headers.dpop)
    send(res, 404, { error: 'not_found' })
  })
  const issuer = server.url

  /** RFC 6749 §4.1.1–4.1.2: the user approves (simulated consent), the grant goes back by redirect. */
  function authorize(url, res) {
    const q = url.searchParams
    const client = clients.get(q.get('client_id') ?? '')
    const redirectUri = q.get('redirect_uri')
    if (!client || !client.redirectUris.includes(redirectUri)) return send(res, 400, { error: 'invalid_request', error_description: 'unknown client or redirect_uri' })
    const back = new URL(redirectUri)
    back.searchParams.set('state', q.get('state') ?? '')
    const resource = q.get('resource')
    if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge') || !resources.has(resource)) {
      back.searchParams.set('error', 'invalid_request')
    } else {
      const user = 'alice'
      log(`   [authorization server] consent screen: "${q.get('client_id')} wants scope '${q.get('scope')}' on ${resource}"; ${user} clicks Allow (simulated)`)
      const code = random()
      codes.set(code, {
        clientId: q.get('client_id'), redirectUri, challenge: q.get('code_challenge'), sub: user, scope: q.get('scope') ?? '', resource,
        expires: Date.now() + 60_000,
      })
      back.searchParams.set('code', code)
    }
    res.writeHead(302, { location: back.href, 'cache-control': 'no-store' })
    res.end()
  }

  /** RFC 6749 §4.1.3 with RFC 7523 §2.2 client authentication. */
  async function token(form, res, proof) {
    // Which client: client_id when sent, else the assertion's (unverified) sub, to pick its registered keys.
    let clientId = form.get('client_id')
    const assertion = form.get('client_assertion')
    if (form.get('client_assertion_type') !== ASSERTION_TYPE || !assertion) return send(res, 401, { error: 'invalid_client', error_description: 'a private_key_jwt assertion is required' })
    try {
      clientId ??= String(decode(assertion).payload.sub)
    } catch (e) {
      return send(res, 401, { error: 'invalid_client', error_description: isJoseError(e) ? e.code : 'malformed assertion' })
    }
    const client = clients.get(clientId)
    if (!client) return send(res, 401, { error: 'invalid_client', error_description: 'unknown client' })
    try {
      await verifyClientAssertion(assertion, client.keys, { clientId, audience: issuer, replayStore })
    } catch (e) {
      if (!isJoseError(e)) throw e
      log(`   [authorization server] client assertion refused: ${e.code}${e.reason ? ` (${e.claim} ${e.reason})` : ''}`)
      return send(res, 401, { error: 'invalid_client', error_description: e.code })
    }
    log(`   [authorization server] client ${clientId} authenticated by its private_key_jwt assertion`)
    const grant = codes.get(form.get('code') ?? '')
    codes.delete(form.get('code') ?? '') // one use only (RFC 6749 §4.1.2)
    if (form.get('grant_type') !== 'authorization_code' || !grant || grant.expires < Date.now() || grant.clientId !== clientId ||
      grant.redirectUri !== form.get('redirect_uri') || grant.challenge !== (await sha256(form.get('code_verifier') ?? ''))) {
      return send(res, 400, { error: 'invalid_grant' })
    }
    // RFC 9449 §5: a proof at the token endpoint binds the token to its key (cnf.jkt), token_type DPoP.
    let jkt
    if (proof !== undefined) {
      try {
        ;({ jkt } = await verifyDpopProof(String(proof), { htm: 'POST', htu: `${issuer}/token`, replayStore: proofReplayStore }))
      } catch (e) {
        if (!isJoseError(e)) throw e
        return send(res, 400, { error: 'invalid_dpop_proof', error_description: e.code })
      }
      log(`   [authorization server] DPoP proof valid: the token is bound to key ${jkt}`)
    }
    const accessToken = await mintAccessToken({ sub: grant.sub, clientId, scope: grant.scope, resource: grant.resource, jkt })
    send(res, 200, { access_token: accessToken, token_type: jkt ? 'DPoP' : 'Bearer', expires_in: 300, scope: grant.scope })
  }

  /** An RFC 9068 access token: typ at+jwt, iss, sub, aud, client_id, iat, exp, jti, scope (and cnf.jkt when bound). */
  function mintAccessToken({ sub, clientId, scope, resource, now, jkt }) {
    return sign({ client_id: clientId, scope, ...(jkt && { cnf: { jkt } }) }, privateKey, {
      typ: 'at+jwt', kid: publicJwk.kid, issuer, subject: sub, audience: resource, expiresIn: '5m', jwtId: random(), now,
    })
  }

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    /** Dynamic registration, reduced to what the demo needs. */
    registerClient: (clientId, { redirectUri, jwks }) => clients.set(clientId, { redirectUris: [redirectUri], keys: createLocalJwks(jwks) }),
    registerResource: (resource) => resources.add(resource),
    mintAccessToken,
    close: server.close,
  }
}
