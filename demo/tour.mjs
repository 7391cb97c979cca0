// The OAuth 2.0 flow with isojwt, end to end on 127.0.0.1 (RFC 6749 §1.2, steps A–F as 1–6):
// an authorization server, a resource server and a client application, each with its own
// ES256 keys generated at start. The client authenticates with a private_key_jwt assertion
// (RFC 7523), the access token is an RFC 9068 JWT, the resource server checks it with
// verifyAccessToken and the authorization server's remote JWKS. Then the same flow
// sender-constrained with DPoP (RFC 9449): the client proves possession of its key at the
// token endpoint, the token is bound to it (cnf.jkt), createResourceServer checks each
// proof, and a stolen token, a replayed proof, a proof for another request and a proof
// without the server's nonce are refused.
// Run with `npm run demo` (it builds first). Uses the package by its own name.
import { createDpopFetch, createDpopProof, decode, exportJwk, generateKeyPair, signClientAssertion } from 'isojwt'
import { startAuthorizationServer } from './authorization-server.mjs'
import { startResourceServer } from './resource-server.mjs'

const log = (line) => console.log(line)
const step = (n, text) => log(`\nStep ${n}. ${text}`)
const show = (label, value) => log(`   ${label.padEnd(16)} ${typeof value === 'string' ? value : JSON.stringify(value)}`)
const short = (token) => `${token.slice(0, 32)}…${token.slice(-10)} (${token.length} chars)`
const b64u = (bytes) => Buffer.from(bytes).toString('base64url')
const random = () => b64u(crypto.getRandomValues(new Uint8Array(32)))

/** Shows a JWT decoded (for display only: decode never verifies). */
function showJwt(label, jwt) {
  const { header, payload } = decode(jwt)
  show(label, short(jwt))
  show('  header', header)
  show('  payload', payload)
}

function expect(condition, what) {
  if (!condition) throw new Error(`demo failed: ${what}`)
}

// What the servers say is held back and shown under the step it belongs to.
const serverLines = []
const serverLog = (line) => serverLines.push(line)
const flush = () => serverLines.splice(0).forEach((line) => log(line))

const as = await startAuthorizationServer({ log: serverLog })
const rs = await startResourceServer({ issuer: as.issuer, jwksUri: as.jwksUri, log: serverLog })
as.registerResource(rs.url)

// The client application: its own ES256 key pair, the public half registered at the AS.
const CLIENT_ID = 'orders-app'
const REDIRECT_URI = 'http://127.0.0.1/callback'
const client = await generateKeyPair('ES256')
as.registerClient(CLIENT_ID, { redirectUri: REDIRECT_URI, jwks: { keys: [{ ...(await exportJwk(client.publicKey)), alg: 'ES256' }] } })

log('isojwt OAuth 2.0 demo')
show('authorization', as.issuer)
show('resource', rs.url)
show('client', `${CLIENT_ID} (private_key_jwt, ES256)`)

/** A new authorization code for the client (steps 1 and 2 again, quietly). */
async function grant() {
  const verifier = random()
  const challenge = b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
  const authorize = new URL('/authorize', as.issuer)
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'orders:read', state: 's',
    code_challenge: challenge, code_challenge_method: 'S256', resource: rs.url,
  })) authorize.searchParams.set(k, v)
  const redirect = await fetch(authorize, { redirect: 'manual' })
  serverLines.splice(0)
  return { code: new URL(redirect.headers.get('location')).searchParams.get('code'), verifier }
}

/** The flow again with DPoP (RFC 9449), and what it refuses. */
async function dpopVariant() {
  log('\nThe same flow, sender-constrained with DPoP (RFC 9449)')
  // The client's DPoP key: the private half cannot be exported (as in a browser SPA).
  const dpopKey = await generateKeyPair('ES256')
  const answers = []
  const dpopFetch = createDpopFetch(dpopKey, {
    fetch: async (request) => {
      const response = await fetch(request)
      answers.push(response)
      return response
    },
  })
  const challengeOf = (response) => `${response.status} ${response.headers.get('www-authenticate')}`

  step(3, 'With DPoP: the token request carries a proof for POST /token (createDpopFetch)')
  const { code, verifier } = await grant()
  const assertion = await signClientAssertion({ clientId: CLIENT_ID, audience: as.issuer, key: client.privateKey })
  const form = new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, client_id: CLIENT_ID,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
  })
  const tokenResponse = await dpopFetch(new URL('/token', as.issuer), { method: 'POST', body: form })
  const tokens = await tokenResponse.json()
  expect(tokenResponse.status === 200 && tokens.token_type === 'DPoP', `DPoP token endpoint: ${JSON.stringify(tokens)}`)

  step(4, 'The authorization server binds the access token to the proof key (cnf.jkt)')
  flush()
  show('token_type', tokens.token_type)
  showJwt('access_token', tokens.access_token)
  const token = tokens.access_token

  step(5, 'The application calls /v2/orders with Authorization: DPoP and a fresh proof')
  const url = new URL('/v2/orders', rs.url)
  answers.length = 0
  const resource = await dpopFetch(url, { accessToken: token })
  flush()
  for (const a of answers.slice(0, -1)) show('first answer', `${challengeOf(a)} (dpop-nonce: ${a.headers.get('dpop-nonce')})`)
  expect(answers.length === 2 && answers[0].status === 401, 'the first call is asked for a nonce')
  show('retried with it', resource.status)

  step(6, 'The resource server (createResourceServer) checks the token, the proof and its binding, and serves the resource')
  const body = await resource.json()
  expect(resource.status === 200, `DPoP resource server: ${JSON.stringify(body)}`)
  show('200 OK', body)

  log('\nWhat DPoP refuses')
  const nonce = answers.at(-1).headers.get('dpop-nonce') ?? answers[0].headers.get('dpop-nonce')
  const proof = (o = {}) => createDpopProof(dpopKey, { htm: 'GET', htu: url, accessToken: token, nonce, ...o })
  const get = (headers) => fetch(url, { headers })
  const refused = async (label, response, want) => {
    flush()
    show(label, challengeOf(response))
    expect(response.status === 401 && response.headers.get('www-authenticate').includes(want), `${label} refused with ${want}`)
  }
  await refused('stolen, as Bearer', await get({ authorization: `Bearer ${token}` }), 'error_description="ERR_DPOP_INVALID"')
  const thief = await generateKeyPair('ES256')
  await refused('stolen, own key', await get({
    authorization: `DPoP ${token}`, dpop: await createDpopProof(thief, { htm: 'GET', htu: url, accessToken: token, nonce }),
  }), 'error="invalid_token", error_description="ERR_DPOP_INVALID"')
  const once = { authorization: `DPoP ${token}`, dpop: await proof() }
  expect((await get(once)).status === 200, 'a fresh proof passes')
  flush()
  await refused('replayed proof', await get(once), 'error="invalid_dpop_proof"')
  await refused('proof for POST', await get({ authorization: `DPoP ${token}`, dpop: await proof({ htm: 'POST' }) }), 'error="invalid_dpop_proof"')
  await refused('proof, other URL', await get({ authorization: `DPoP ${token}`, dpop: await proof({ htu: new URL('/orders', rs.url) }) }), 'error="invalid_dpop_proof"')
  await refused('proof, no nonce', await get({ authorization: `DPoP ${token}`, dpop: await proof({ nonce: undefined }) }), 'error="use_dpop_nonce"')
}

try {
  step(1, 'The application asks the user for authorization (authorization request, RFC 6749 §4.1.1)')
  const state = random()
  const verifier = random()
  const challenge = b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
  const authorize = new URL('/authorize', as.issuer)
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'orders:read', state,
    code_challenge: challenge, code_challenge_method: 'S256', resource: rs.url,
  })) authorize.searchParams.set(k, v)
  show('GET', authorize.href)
  const redirect = await fetch(authorize, { redirect: 'manual' })
  expect(redirect.status === 302, `authorization endpoint answered ${redirect.status}`)
  flush()

  step(2, 'The application receives an authorization grant (the code, by redirect)')
  const back = new URL(redirect.headers.get('location'))
  show('redirect', back.href)
  expect(back.searchParams.get('state') === state, 'state round-trips')
  const code = back.searchParams.get('code')
  expect(code, `no code: ${back.searchParams.get('error')}`)
  show('code', code)

  step(3, 'It requests an access token, presenting its own authentication (a private_key_jwt assertion) and the grant')
  const assertion = await signClientAssertion({ clientId: CLIENT_ID, audience: as.issuer, key: client.privateKey })
  showJwt('client_assertion', assertion)
  const form = new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, client_id: CLIENT_ID,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
  })
  const tokenResponse = await fetch(new URL('/token', as.issuer), { method: 'POST', body: form })
  const tokens = await tokenResponse.json()
  expect(tokenResponse.status === 200, `token endpoint: ${JSON.stringify(tokens)}`)

  step(4, 'The authorization server authenticates the client, validates the grant and issues an access token')
  flush()
  show('token_type', tokens.token_type)
  show('expires_in', tokens.expires_in)
  showJwt('access_token', tokens.access_token)

  step(5, 'The application calls the resource server with the access token')
  const call = (token) => fetch(new URL('/orders', rs.url), { headers: { authorization: `Bearer ${token}` } })
  show('GET', `${rs.url}/orders  (Authorization: Bearer …)`)
  const resource = await call(tokens.access_token)

  step(6, 'The resource server validates the access token (verifyAccessToken + remote JWKS) and serves the resource')
  flush()
  const body = await resource.json()
  expect(resource.status === 200, `resource server: ${JSON.stringify(body)}`)
  show('200 OK', body)

  log('\nWhat gets refused')
  const refused = async (label, response, want) => {
    const b = await response.json()
    flush()
    show(label, `${response.status} ${b.error}${b.code ?? b.error_description ? ` (${b.code ?? b.error_description})` : ''}`)
    expect(response.status === 401 && (b.code ?? b.error_description) === want, `${label} refused with ${want}`)
  }
  await refused('replayed assertion', await fetch(new URL('/token', as.issuer), { method: 'POST', body: form }), 'ERR_JWT_CLAIM_INVALID')
  const [h, p, s] = tokens.access_token.split('.')
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString())
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url')}.${s}`
  await refused('tampered token', await call(tampered), 'ERR_JWS_SIGNATURE_INVALID')
  const anHourAgo = new Date(Date.now() - 3600_000)
  const expired = await as.mintAccessToken({ sub: 'alice', clientId: CLIENT_ID, scope: 'orders:read', resource: rs.url, now: anHourAgo })
  await refused('expired token', await call(expired), 'ERR_JWT_EXPIRED')
  await dpopVariant()
  log('\nDone: all six steps completed.')
} catch (e) {
  flush()
  console.error(e)
  process.exitCode = 1
} finally {
  await Promise.all([as.close(), rs.close()])
}
