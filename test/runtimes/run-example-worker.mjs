// examples/cloudflare-worker end to end: bundle the Worker from the installed tarball
// (workerd conditions), serve it with `workerd serve` on 127.0.0.1, and call it over
// loopback with tokens minted here by the installed isojwt.
import { join } from 'node:path'
import { ROOT, backendFor, bundle, runMain, installedIsojwt, workerdBinary } from './web-support.mjs'
import { serveWorkerd } from './workerd/serve.mjs'
import { execFileSync } from 'node:child_process'

const DIR = join(ROOT, 'examples/cloudflare-worker')
const ISSUER = 'https://id.example' // as in config.capnp
const AUDIENCE = 'https://api.example'
const CONDITIONS = ['workerd', 'worker', 'browser']

await runMain('example: cloudflare-worker', async () => {
  const version = execFileSync(workerdBinary(), ['--version'], { encoding: 'utf8' }).trim().replace(/^workerd\s+/, '')
  console.log(`workerd ${version}`)
  const lib = installedIsojwt()
  const { privateKey, publicKey } = await lib.generateKeyPair('ES256')
  const jwk = { ...(await lib.exportJwk(publicKey)), alg: 'ES256', kid: 'example-1' }

  await bundle(join(DIR, 'src/index.js'), { conditions: CONDITIONS, outfile: join(DIR, 'dist/worker.js') })
  const { origin, output, stderr } = await serveWorkerd(join(DIR, 'config.capnp'), { cwd: DIR, env: { JWT_PUBLIC_JWK: JSON.stringify(jwk) } })
  console.log(`serving ${origin}`)

  const mint = (payload, options = {}) =>
    lib.sign(payload, privateKey, { issuer: ISSUER, audience: AUDIENCE, expiresIn: '5m', ...options })
  const valid = await mint({ sub: 'user-42', scope: 'orders:read' })
  const [h, p, s] = valid.split('.')
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url')), sub: 'admin' })).toString('base64url')
  const cases = [
    { name: 'valid token', auth: `Bearer ${valid}`, status: 200, check: (b) => b.sub === 'user-42' && b.iss === ISSUER && b.aud === AUDIENCE },
    { name: 'scheme is case-insensitive', auth: `bearer ${valid}`, status: 200, check: (b) => b.sub === 'user-42' },
    { name: 'tampered payload', auth: `Bearer ${h}.${forged}.${s}`, status: 401, error: 'ERR_JWS_SIGNATURE_INVALID' },
    { name: 'expired', auth: `Bearer ${await mint({ sub: 'u' }, { now: new Date(Date.now() - 3600_000), expiresIn: '10m' })}`, status: 401, error: 'ERR_JWT_EXPIRED' },
    { name: 'no Authorization header', auth: undefined, status: 401, error: 'missing_token', challenge: 'Bearer realm=' },
    { name: 'wrong audience', auth: `Bearer ${await mint({ sub: 'u' }, { audience: 'https://other.example' })}`, status: 401, error: 'ERR_JWT_CLAIM_INVALID' },
    { name: 'wrong issuer', auth: `Bearer ${await mint({ sub: 'u' }, { issuer: 'https://evil.example' })}`, status: 401, error: 'ERR_JWT_CLAIM_INVALID' },
    { name: 'HS256 token (alg confusion)', auth: `Bearer ${await lib.sign({ sub: 'u', iss: ISSUER, aud: AUDIENCE }, lib.generateSecret('HS256'), { alg: 'HS256' })}`, status: 401, error: 'ERR_JOSE_ALG_NOT_ALLOWED' },
    { name: 'not a JWT', auth: 'Bearer abc.def', status: 401, error: 'ERR_JWS_INVALID' },
  ]

  let passed = 0
  let failed = 0
  const call = async (c) => {
    const headers = c.auth === undefined ? {} : { Authorization: c.auth }
    const res = await fetch(origin + '/orders', { headers, signal: AbortSignal.timeout(10_000) })
    const body = await res.json()
    const challenge = res.headers.get('www-authenticate') ?? ''
    const problems = []
    if (res.status !== c.status) problems.push(`status ${res.status}`)
    if (c.check && !c.check(body)) problems.push(`body ${JSON.stringify(body)}`)
    if (c.error && body.error !== c.error) problems.push(`error ${body.error}`)
    if (c.status === 401 && !challenge.startsWith(c.challenge ?? 'Bearer ')) problems.push(`challenge ${challenge}`)
    if (c.status === 401 && c.error?.startsWith('ERR_') && !challenge.includes('error="invalid_token"')) problems.push(`challenge ${challenge}`)
    return problems
  }
  const record = (name, problems) => {
    if (problems.length === 0) { passed++; console.log(`  ok   ${name}`) } else { failed++; console.log(`  FAIL ${name}: ${problems.join('; ')}`) }
  }
  // First, several concurrent requests on the cold isolate (shared key import across
  // request contexts must not hang or throw in workerd).
  const burst = await Promise.all(Array.from({ length: 6 }, () => call(cases[0]).catch((e) => [String(e)])))
  record('6 concurrent valid requests (cold isolate)', burst.flat())
  for (const c of cases) record(`${c.name} → ${c.status}${c.error ? ' ' + c.error : ''}`, await call(c).catch((e) => [String(e)]))
  const log = output().trim()
  if (log) console.log(`workerd output:\n${log}`)
  if (/uncaught|exception|different request/i.test(log)) record('workerd logged no errors', ['see output above'])
  record('workerd wrote nothing to stderr', stderr().split('\n').filter((l) => l.trim()).map((l) => `stderr: ${l}`))
  return { version, backend: await backendFor(CONDITIONS), passed, failed }
})
