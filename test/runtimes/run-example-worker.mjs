// examples/cloudflare-worker end to end: bundle the Worker (src/index.ts, the Worker recipe
// of docs/resource-server.md) from the installed tarball (workerd conditions), serve it
// with `workerd serve` on 127.0.0.1 (its DPoP replay store in Durable Objects with
// in-memory storage), and call /api/orders over loopback with access tokens and DPoP
// proofs made here by the installed isojwt. Each answer's status and www-authenticate
// are compared byte for byte.
import { join } from 'node:path'
import { ROOT, backendFor, bundle, runMain, installedIsojwt, workerdBinary } from './web-support.mjs'
import { serveWorkerd } from './workerd/serve.mjs'
import { execFileSync } from 'node:child_process'

const DIR = join(ROOT, 'examples/cloudflare-worker')
const ISSUER = 'https://id.example' // as in config.capnp
const AUDIENCE = 'https://api.example'
const CONDITIONS = ['workerd', 'worker', 'browser']
const ALGS = 'algs="ES256 EdDSA Ed25519 PS256 RS256"'
const MISSING = `Bearer, DPoP ${ALGS}`
const bearerError = (code, error = 'invalid_token', scope) =>
  `Bearer error="${error}", error_description="${code}"${scope ? `, scope="${scope}"` : ''}, DPoP ${ALGS}`
const dpopError = (code, error = 'invalid_dpop_proof') => `Bearer, DPoP error="${error}", error_description="${code}", ${ALGS}`

await runMain('example: cloudflare-worker', async () => {
  const version = execFileSync(workerdBinary(), ['--version'], { encoding: 'utf8' }).trim().replace(/^workerd\s+/, '')
  console.log(`workerd ${version}`)
  const lib = installedIsojwt()
  const { privateKey, publicKey } = await lib.generateKeyPair('ES256')
  const jwk = { ...(await lib.exportJwk(publicKey)), alg: 'ES256', kid: 'example-1' }

  await bundle(join(DIR, 'src/index.ts'), { conditions: CONDITIONS, outfile: join(DIR, 'dist/worker.js') })
  const { origin, output, stderr } = await serveWorkerd(join(DIR, 'config.capnp'), { cwd: DIR, env: { JWT_PUBLIC_JWK: JSON.stringify(jwk) } })
  console.log(`serving ${origin}`)
  const api = `${origin}/api/orders`

  // RFC 9068 access tokens, as the authorization server would issue them.
  const now = () => Math.floor(Date.now() / 1000)
  const at = (claims = {}, options = {}) => lib.sign({
    sub: 'user-42', client_id: 'spa', scope: 'orders:read', jti: crypto.randomUUID(), ...claims,
  }, privateKey, { issuer: ISSUER, audience: AUDIENCE, expiresIn: '5m', typ: 'at+jwt', ...options })
  const valid = await at()
  const [h, p, s] = valid.split('.')
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url')), sub: 'admin' })).toString('base64url')
  // The client's DPoP key (non-extractable private key) and the token bound to it (cnf.jkt).
  const client = await lib.generateKeyPair('ES256')
  const jkt = await lib.thumbprint(await lib.exportJwk(client.publicKey))
  const bound = await at({ cnf: { jkt } })
  const proof = (options = {}, keyPair = client) => lib.createDpopProof(keyPair, { htm: 'GET', htu: api, accessToken: bound, ...options })
  const dpop = async (options, keyPair) => ({ authorization: `DPoP ${bound}`, dpop: await proof(options, keyPair) })
  const replayed = await dpop()

  const ok = (scheme) => (b) => b.sub === 'user-42' && b.scheme === scheme && JSON.stringify(b.scopes) === '["orders:read"]'
  const cases = [
    { name: 'Bearer: a valid access token', headers: { authorization: `Bearer ${valid}` }, status: 200, body: ok('Bearer') },
    { name: 'Bearer: the scheme is case-insensitive', headers: { authorization: `bearer ${valid}` }, status: 200, body: ok('Bearer') },
    { name: 'no Authorization header', headers: {}, status: 401, www: MISSING },
    { name: 'a tampered payload', headers: { authorization: `Bearer ${h}.${forged}.${s}` }, status: 401, www: bearerError('ERR_JWS_SIGNATURE_INVALID') },
    { name: 'expired', headers: { authorization: `Bearer ${await at({}, { now: new Date(Date.now() - 3600_000), expiresIn: '10m' })}` }, status: 401, www: bearerError('ERR_JWT_EXPIRED') },
    { name: 'another audience', headers: { authorization: `Bearer ${await at({}, { audience: 'https://other.example' })}` }, status: 401, www: bearerError('ERR_JWT_CLAIM_INVALID') },
    { name: 'another issuer', headers: { authorization: `Bearer ${await at({}, { issuer: 'https://evil.example' })}` }, status: 401, www: bearerError('ERR_JWT_CLAIM_INVALID') },
    { name: 'an ID token, not an access token (typ JWT)', headers: { authorization: `Bearer ${await at({}, { typ: 'JWT' })}` }, status: 401, www: bearerError('ERR_JWT_CLAIM_INVALID') },
    { name: 'HS256 (algorithm confusion)', headers: { authorization: `Bearer ${await lib.sign({ sub: 'u', iss: ISSUER, aud: AUDIENCE }, lib.generateSecret('HS256'), { alg: 'HS256', typ: 'at+jwt' })}` }, status: 401, www: bearerError('ERR_JOSE_ALG_NOT_ALLOWED') },
    { name: 'not a JWT', headers: { authorization: 'Bearer abc.def' }, status: 401, www: bearerError('ERR_JWS_INVALID') },
    { name: 'the scope missing', headers: { authorization: `Bearer ${await at({ scope: 'orders:write' })}` }, status: 403, www: bearerError('ERR_JWT_CLAIM_INVALID', 'insufficient_scope', 'orders:read') },
    { name: 'the token in the query', path: `/api/orders?access_token=${valid}`, headers: {}, status: 400, www: bearerError('ERR_REQUEST_INVALID', 'invalid_request') },
    { name: 'DPoP: the bound token with its proof', headers: replayed, status: 200, body: ok('DPoP') },
    { name: 'DPoP: the same proof again (replayed)', headers: replayed, status: 401, www: dpopError('ERR_DPOP_INVALID') },
    { name: 'DPoP: a proof for another URL', headers: await dpop({ htu: `${origin}/api/admin` }), status: 401, www: dpopError('ERR_DPOP_INVALID') },
    { name: 'DPoP: a proof for another method', headers: await dpop({ htm: 'POST' }), status: 401, www: dpopError('ERR_DPOP_INVALID') },
    { name: 'DPoP: a proof without ath (not for this token)', headers: await dpop({ accessToken: undefined }), status: 401, www: dpopError('ERR_DPOP_INVALID') },
    { name: 'DPoP: no proof', headers: { authorization: `DPoP ${bound}` }, status: 401, www: dpopError('ERR_DPOP_INVALID') },
    { name: 'DPoP: the stolen bound token as a Bearer token', headers: { authorization: `Bearer ${bound}` }, status: 401, www: bearerError('ERR_DPOP_INVALID') },
    { name: 'DPoP: the stolen bound token with the thief\'s own proof', headers: await dpop({}, await lib.generateKeyPair('ES256')), status: 401, www: dpopError('ERR_DPOP_INVALID', 'invalid_token') },
    { name: 'DPoP: an unbound token under DPoP', headers: { authorization: `DPoP ${valid}`, dpop: await proof({ accessToken: valid }) }, status: 401, www: dpopError('ERR_DPOP_INVALID', 'invalid_token') },
    { name: 'outside /api', path: '/orders', headers: { authorization: `Bearer ${valid}` }, status: 404, www: null },
  ]

  let passed = 0
  let failed = 0
  const call = async (c) => {
    const res = await fetch(origin + (c.path ?? '/api/orders'), { headers: c.headers, signal: AbortSignal.timeout(10_000) })
    const text = await res.text()
    const problems = []
    if (res.status !== c.status) problems.push(`status ${res.status}`)
    const www = res.headers.get('www-authenticate')
    if (c.status === 200 ? www !== null : www !== c.www) problems.push(`www-authenticate ${JSON.stringify(www)}, expected ${JSON.stringify(c.www)}`)
    if (c.body ? !c.body(JSON.parse(text)) : text !== '') problems.push(`body ${JSON.stringify(text.slice(0, 200))}`)
    return problems
  }
  const record = (name, problems) => {
    if (problems.length === 0) { passed++; console.log(`  ok   ${name}`) } else { failed++; console.log(`  FAIL ${name}: ${problems.join('; ')}`) }
  }
  // First, several concurrent requests on the cold isolate (shared key import across
  // request contexts must not hang or throw in workerd).
  const burst = await Promise.all(Array.from({ length: 6 }, () => call(cases[0]).catch((e) => [String(e)])))
  record('6 concurrent valid requests (cold isolate)', burst.flat())
  for (const c of cases) record(`${c.name} → ${c.status}`, await call(c).catch((e) => [String(e)]))
  // One proof sent 10 times at once: the Durable Object records its jti once.
  const copies = await dpop()
  const statuses = await Promise.all(Array.from({ length: 10 }, () => fetch(api, { headers: copies }).then(async (r) => (await r.arrayBuffer(), r.status))))
  record(`DPoP: one proof sent 10 times at once → one 200, nine 401 (${statuses.join(' ')})`,
    statuses.filter((x) => x === 200).length === 1 && statuses.filter((x) => x === 401).length === 9 ? [] : ['not exactly one success'])
  const log = output().trim()
  if (log) console.log(`workerd output:\n${log}`)
  if (/uncaught|exception|different request/i.test(log)) record('workerd logged no errors', ['see output above'])
  record('workerd wrote nothing to stderr', stderr().split('\n').filter((l) => l.trim()).map((l) => `stderr: ${l}`))
  return { version, backend: await backendFor(CONDITIONS), passed, failed }
})
