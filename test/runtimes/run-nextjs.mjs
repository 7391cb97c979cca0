// Next.js end to end: the proxy recipe of docs/resource-server.md, as written (transpiled,
// its JWK Set URL pointed at a loopback server), is the proxy.ts of a tiny Next.js app
// (one route, /api/orders) that imports isojwt from the installed tarball; `next build`
// (Turbopack) then `next start` on 127.0.0.1, and the answers are checked over HTTP,
// status and www-authenticate byte for byte. Twice: as proxy.js (Next.js 16, the Node.js
// runtime) and as middleware.js with the function renamed (the convention up to Next.js
// 15, on the Edge runtime). `next` is the repository's dev dependency.
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, sep } from 'node:path'
import { transformSync } from 'esbuild'
import { APP_DIR, OUT_DIR, ROOT, installedIsojwt, killTracked, onCleanup, runMain, spawnTracked } from './web-support.mjs'

const ISSUER = 'https://id.example/' // as in the recipe
const AUDIENCE = 'https://api.example'
const PUBLIC = 'https://api.example' // the recipe's publicUrl: what clients call and proofs name
const JWKS_URL = "'https://id.example/.well-known/jwks.json'"
const ALGS = 'algs="ES256 EdDSA Ed25519 PS256 RS256"'
const MISSING = `Bearer, DPoP ${ALGS}`
const bearerError = (code, error = 'invalid_token') => `Bearer error="${error}", error_description="${code}", DPoP ${ALGS}`
const dpopError = (code, error = 'invalid_dpop_proof') => `Bearer, DPoP error="${error}", error_description="${code}", ${ALGS}`
const NEXT_DIR = dirname(createRequire(join(ROOT, 'package.json')).resolve('next/package.json'))
const NEXT_BIN = join(NEXT_DIR, 'dist/bin/next')
/** What `next build` prints on stderr for a middleware.js (Next.js 16 renamed it proxy.js). */
const MIDDLEWARE_NOTICE = [
  /^⚠ The "middleware" file convention is deprecated\. Please use "proxy" instead\.$/,
  /^To migrate automatically, run:$/,
  /^npx @next\/codemod@canary middleware-to-proxy \.$/,
  /^Learn more: https:\/\/nextjs\.org\/docs\/messages\/middleware-to-proxy$/,
]
const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' }

/** The proxy block of docs/resource-server.md, as JavaScript, reading its key set from `jwksUrl`. */
function recipe(jwksUrl) {
  const guide = readFileSync(join(ROOT, 'docs/resource-server.md'), 'utf8')
  const block = [...guide.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]).find((b) => b.includes('export async function proxy'))
  if (!block) throw new Error('docs/resource-server.md has no Next.js proxy block')
  if (block.split(JWKS_URL).length !== 2) throw new Error(`the proxy block must name ${JWKS_URL} once`)
  return transformSync(block.replace(JWKS_URL, JSON.stringify(jwksUrl)), { loader: 'ts' }).code
}

/**
 * Turbopack compiles nothing outside its root: the nearest folder holding both this
 * repository and the real path of its node_modules (a symlinked node_modules points elsewhere).
 */
function turbopackRoot() {
  const a = ROOT.split(sep)
  const b = realpathSync(join(ROOT, 'node_modules')).split(sep)
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return a.slice(0, i).join(sep) || sep
}

/** A Next.js app in .runtimes/nextjs/<name>: `file` holds the recipe; isojwt is the installed tarball. */
function writeApp(name, file, code) {
  const dir = join(OUT_DIR, 'nextjs', name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'app/api/orders'), { recursive: true })
  mkdirSync(join(dir, 'node_modules'))
  // Under CI (the CI variable) `next build` warns when it finds no build cache: an empty one is there.
  mkdirSync(join(dir, '.next/cache'), { recursive: true })
  symlinkSync(join(APP_DIR, 'node_modules/isojwt'), join(dir, 'node_modules/isojwt'), 'dir')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `isojwt-nextjs-${name}`, private: true }, null, 2) + '\n')
  writeFileSync(join(dir, 'next.config.mjs'), `export default { turbopack: { root: ${JSON.stringify(turbopackRoot())} } }\n`)
  writeFileSync(join(dir, 'app/layout.js'), 'export default function RootLayout({ children }) { return children }\n')
  writeFileSync(join(dir, 'app/api/orders/route.js'), "export function GET() { return Response.json({ route: '/api/orders' }) }\n")
  writeFileSync(join(dir, file), code)
  return dir
}

/** Runs `next <args>` in `cwd`; resolves with its output once `until` matches it (or it exits 0). */
function next(args, cwd, until) {
  const child = spawnTracked(process.execPath, [NEXT_BIN, ...args], { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { err += d })
  const done = new Promise((resolve, reject) => {
    if (until) child.stdout.on('data', () => { const m = until.exec(out); if (m) resolve(m) })
    child.once('exit', (code) => code === 0 && !until ? resolve() : reject(new Error(`next ${args[0]} exited ${code}\n${out}${err}`)))
  })
  return { child, done, out: () => out, err: () => err }
}

await runMain('nextjs', async () => {
  const version = JSON.parse(readFileSync(join(NEXT_DIR, 'package.json'), 'utf8')).version
  console.log(`Next.js ${version} (Turbopack), Node ${process.version}`)
  const lib = installedIsojwt()
  const as = await lib.generateKeyPair('ES256')
  const jwk = { ...(await lib.exportJwk(as.publicKey)), alg: 'ES256', kid: 'as-1' }
  const jwks = createServer((req, res) => {
    if (req.url !== '/jwks.json') return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(JSON.stringify({ keys: [jwk] }))
  })
  await new Promise((resolve) => jwks.listen(0, '127.0.0.1', resolve))
  onCleanup(() => new Promise((r) => { jwks.closeAllConnections(); jwks.close(() => r()) }))
  const code = recipe(`http://127.0.0.1:${jwks.address().port}/jwks.json`)

  const at = (claims = {}, options = {}) => lib.sign({ sub: 'user-42', client_id: 'spa', scope: 'orders:read', jti: crypto.randomUUID(), ...claims },
    as.privateKey, { issuer: ISSUER, audience: AUDIENCE, expiresIn: '5m', typ: 'at+jwt', ...options })
  const client = await lib.generateKeyPair('ES256')
  const jkt = await lib.thumbprint(await lib.exportJwk(client.publicKey))

  let passed = 0
  let failed = 0
  const record = (name, problems) => {
    if (problems.length === 0) { passed++; console.log(`  ok   ${name}`) } else { failed++; console.log(`  FAIL ${name}: ${problems.join('; ')}`) }
  }

  const variants = [
    { name: 'proxy', file: 'proxy.js', code, runtime: 'nodejs' },
    { name: 'middleware', file: 'middleware.js', code: code.replace('export async function proxy(', 'export async function middleware('), runtime: 'edge' },
  ]
  for (const v of variants) {
    console.log(`${v.file} (${v.runtime} runtime)`)
    const dir = writeApp(v.name, v.file, v.code)
    let started = performance.now()
    const build = next(['build'], dir)
    await build.done
    const buildSeconds = ((performance.now() - started) / 1000).toFixed(1)
    // Next.js's warnings (⚠ on stdout, or on stderr) fail the build step, except its notice
    // that middleware.js is deprecated (Next.js 16 prints it on stderr) in that variant.
    const expected = v.name === 'middleware' ? MIDDLEWARE_NOTICE : []
    const lines = [...build.out().split('\n').filter((l) => /^\s*⚠/.test(l)), ...build.err().split('\n')].map((l) => l.trim()).filter(Boolean)
    for (const line of lines) console.log(`  next build: ${line}`)
    record(`next build (${buildSeconds} s): no warning${expected.length ? ' but the deprecation of middleware.js' : ''}, nothing else on stderr`,
      lines.filter((l) => !expected.some((re) => re.test(l))).map((l) => `unexpected: ${l}`))
    const manifest = (f) => JSON.parse(readFileSync(join(dir, '.next/server', f), 'utf8'))
    const runtime = manifest('middleware-manifest.json').middleware['/'] ? 'edge' : manifest('functions-config-manifest.json').functions['/_middleware']?.runtime
    record(`the ${v.file} runs on the ${v.runtime} runtime (build manifests)`, runtime === v.runtime ? [] : [`runtime ${runtime}`])

    started = performance.now()
    const server = next(['start', '-H', '127.0.0.1', '-p', '0'], dir, /http:\/\/127\.0\.0\.1:(\d+)[\s\S]*Ready/)
    const origin = `http://127.0.0.1:${(await server.done)[1]}`
    console.log(`  next start: ${origin} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
    const bound = await at({ cnf: { jkt } })
    const proof = (options = {}, keyPair = client) => lib.createDpopProof(keyPair, { htm: 'GET', htu: `${PUBLIC}/api/orders`, accessToken: bound, ...options })
    const dpop = async (options, keyPair) => ({ authorization: `DPoP ${bound}`, dpop: await proof(options, keyPair) })
    const once = await dpop()
    const cases = [
      { name: 'Bearer: a valid access token reaches the route', headers: { authorization: `Bearer ${await at()}` }, status: 200 },
      { name: 'no Authorization header', headers: {}, status: 401, www: MISSING },
      { name: 'expired', headers: { authorization: `Bearer ${await at({}, { now: new Date(Date.now() - 3600_000), expiresIn: '10m' })}` }, status: 401, www: bearerError('ERR_JWT_EXPIRED') },
      { name: 'the token in the query', path: '/api/orders?access_token=abc', headers: {}, status: 400, www: bearerError('ERR_REQUEST_INVALID', 'invalid_request') },
      { name: 'DPoP: the bound token with its proof for the public URL reaches the route', headers: once, status: 200 },
      { name: 'DPoP: the same proof again (replayed)', headers: once, status: 401, www: dpopError('ERR_DPOP_INVALID') },
      { name: 'DPoP: a proof for the URL the server sees, not the public one', headers: await dpop({ htu: `${origin}/api/orders` }), status: 401, www: dpopError('ERR_DPOP_INVALID') },
      { name: 'DPoP: a proof for another method', headers: await dpop({ htm: 'POST' }), status: 401, www: dpopError('ERR_DPOP_INVALID') },
      { name: 'DPoP: no proof', headers: { authorization: `DPoP ${bound}` }, status: 401, www: dpopError('ERR_DPOP_INVALID') },
      { name: 'DPoP: the stolen bound token as a Bearer token', headers: { authorization: `Bearer ${bound}` }, status: 401, www: bearerError('ERR_DPOP_INVALID') },
      { name: 'DPoP: the stolen bound token with the thief\'s own proof', headers: await dpop({}, await lib.generateKeyPair('ES256')), status: 401, www: dpopError('ERR_DPOP_INVALID', 'invalid_token') },
    ]
    for (const c of cases) {
      const problems = []
      try {
        const res = await fetch(origin + (c.path ?? '/api/orders'), { headers: c.headers, signal: AbortSignal.timeout(10_000) })
        const text = await res.text()
        if (res.status !== c.status) problems.push(`status ${res.status}`)
        const www = res.headers.get('www-authenticate')
        if (www !== (c.www ?? null)) problems.push(`www-authenticate ${JSON.stringify(www)}`)
        if (text !== (c.status === 200 ? '{"route":"/api/orders"}' : '')) problems.push(`body ${JSON.stringify(text.slice(0, 120))}`)
      } catch (e) {
        problems.push(String(e))
      }
      record(`${v.name}: ${c.name} → ${c.status}`, problems)
    }
    await killTracked(server.child)
    record(`${v.name}: next start wrote nothing to stderr`, server.err().split('\n').filter((l) => l.trim()).map((l) => `stderr: ${l}`))
  }
  return { version, backend: '-', passed, failed }
}, { timeoutMs: 120_000 })
