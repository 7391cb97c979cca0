// A Cloudflare Worker that accepts only requests with a valid bearer token (RFC 6750).
//
// Configuration (wrangler.toml [vars] / secrets, or config.capnp bindings):
//   JWT_PUBLIC_JWK   the issuer's public key as a JWK (JSON text, or an object binding);
//                    give it an "alg" (e.g. "ES256"), which pins the accepted algorithm
//   JWT_ISSUER       the expected "iss"
//   JWT_AUDIENCE     the expected "aud" (this API's identifier)
//   JWT_ALGORITHMS   optional, comma-separated (needed for an RSA JWK without "alg")
//
// 200 → the verified claims as JSON. 401 → { "error": "<isojwt error code>" } with a
// WWW-Authenticate challenge. Runs without nodejs_compat: isojwt needs only WebCrypto.
import { createVerifier, isJoseError } from 'isojwt'

const REALM = 'isojwt-example'

export default {
  /**
   * @param {Request} request
   * @param {Record<string, unknown>} env
   */
  async fetch(request, env) {
    let verifyToken
    try {
      verifyToken = verifierFor(env)
    } catch (e) {
      console.error(`configuration error: ${e instanceof Error ? e.message : e}`)
      return json(500, { error: 'server_misconfigured' })
    }

    const token = bearerToken(request.headers.get('Authorization'))
    if (token === undefined) {
      // RFC 6750 §3.1: no credentials at all → a challenge without an error code.
      return json(401, { error: 'missing_token' }, { 'WWW-Authenticate': `Bearer realm="${REALM}"` })
    }

    try {
      const { payload } = await verifyToken(token)
      return json(200, payload)
    } catch (e) {
      if (!isJoseError(e)) throw e
      // The code is stable and safe to show; messages never contain the token or keys.
      return json(401, { error: e.code }, {
        'WWW-Authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${e.code}"`,
      })
    }
  },
}

/**
 * RFC 6750 §2.1: `Authorization: Bearer <b64token>`, scheme case-insensitive.
 * @param {string | null} header
 * @returns {string | undefined}
 */
function bearerToken(header) {
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header ?? '')
  return m ? m[1] : undefined
}

// One prepared verifier per isolate (rebuilt only if the JWK binding changes): options are
// checked once, the JWK is imported once on first use, the clock is read on every call.
let cached
function verifierFor(env) {
  const raw = env.JWT_PUBLIC_JWK
  if (cached && cached.raw === raw) return cached.verifyToken
  const jwk = typeof raw === 'string' ? JSON.parse(raw) : raw
  if (!jwk || typeof jwk !== 'object' || typeof jwk.kty !== 'string') throw new Error('JWT_PUBLIC_JWK is not a JWK')
  if (typeof env.JWT_ISSUER !== 'string' || !env.JWT_ISSUER) throw new Error('JWT_ISSUER is not set')
  if (typeof env.JWT_AUDIENCE !== 'string' || !env.JWT_AUDIENCE) throw new Error('JWT_AUDIENCE is not set')
  const algorithms = typeof env.JWT_ALGORITHMS === 'string' && env.JWT_ALGORITHMS.trim()
    ? env.JWT_ALGORITHMS.split(',').map((a) => a.trim())
    : undefined
  const verifyToken = createVerifier(jwk, { issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, algorithms })
  cached = { raw, verifyToken }
  return verifyToken
}

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  })
}
