// isojwt/stores in workerd (no nodejs_compat): the Durable Object replay store and the
// Workers KV cache store, bundled from the installed tarball with the workerd conditions
// and run by `workerd serve` on stores/stores.capnp: ReplayStoreObject with in-memory
// storage, two front Workers (two isolates) binding it, and workerd's KV binding backed by
// an in-memory service (stores/kv-service.mjs: workerd has no KV storage of its own).
// Checks: the replay checks inside a Worker; the same 50 jtis and 100 copies of one client
// assertion sent to both isolates at once (each accepted exactly once in total); the two
// isolates share one JWK Set fetch through kvCacheStore. Anything on stderr fails.
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { OUT_DIR, ROOT, bundle, installedIsojwt, onCleanup, runMain, spawnTracked, toolVersion, workerdBinary } from './web-support.mjs'
import { startJwksServer } from './jwks-server.mjs'

const HERE = join(ROOT, 'test/runtimes/stores')
const CONDITIONS = ['workerd', 'worker', 'browser']
const SOCKETS = ['a', 'b', 'kvadmin']

/** `workerd serve` with every socket on a kernel-chosen loopback port, learnt from --control-fd. */
async function serve() {
  const args = ['serve', join(HERE, 'stores.capnp'), ...SOCKETS.flatMap((s) => ['-s', `${s}=127.0.0.1:0`]), '--control-fd', '3']
  const child = spawnTracked(workerdBinary(), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] })
  let output = ''
  let stderr = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d; stderr += d })
  const ports = new Map()
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workerd did not listen within 15 s\n${output}`)), 15_000)
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`workerd exited ${code}\n${output}`)) })
    createInterface({ input: child.stdio[3] }).on('line', (line) => {
      let msg
      try { msg = JSON.parse(line) } catch { return }
      if (msg.event === 'listen') ports.set(msg.socket, msg.port)
      if (SOCKETS.every((s) => ports.has(s))) { clearTimeout(timer); resolve() }
    })
  })
  const origin = (s) => `http://127.0.0.1:${ports.get(s)}`
  return { origin, output: () => output, stderr: () => stderr }
}

await runMain('stores-workerd', async () => {
  const version = toolVersion('workerd')
  console.log(`workerd (npm workerd ${version}), Durable Objects with in-memory storage, KV binding on a local service`)
  await bundle(join(HERE, 'workerd-replay.mjs'), { conditions: CONDITIONS, outfile: join(OUT_DIR, 'workerd/stores-replay.js') })
  await bundle(join(HERE, 'workerd-front.mjs'), { conditions: CONDITIONS, outfile: join(OUT_DIR, 'workerd/stores-front.js') })
  const jwks = await startJwksServer()
  onCleanup(jwks.close)
  const wd = await serve()
  const post = async (socket, path, body) => {
    const res = await fetch(`${wd.origin(socket)}${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`${socket}${path}: ${res.status} ${text}`)
    return JSON.parse(text)
  }
  let passed = 0
  let failed = 0
  const check = (name, problems) => {
    if (problems.length === 0) { passed++; console.log(`  ok   ${name}`) } else { failed++; console.log(`  FAIL ${name}: ${problems.join('; ')}`) }
  }

  const inside = await post('a', '/checks')
  for (const line of inside.lines) console.log(line)
  passed += inside.passed
  failed += inside.failed

  const jtis = Array.from({ length: 50 }, (_, i) => `cross-${i}`)
  const until = Date.now() + 60_000
  const added = await Promise.all(['a', 'b', 'a', 'b'].map((s) => post(s, '/add', { jtis: [...jtis].sort(() => Math.random() - 0.5), until })))
  const all = added.flat()
  check(`two isolates, two requests each, the same 50 jtis at once: accepted ${added.map((a) => a.length).join(' + ')} = ${all.length}`, [
    all.length !== 50 && `${all.length} acceptances`, new Set(all).size !== all.length && 'a jti accepted twice',
  ].filter(Boolean))

  const lib = installedIsojwt()
  const { privateKey, publicKey } = await lib.generateKeyPair('ES256', { extractable: true })
  const publicJwk = await lib.exportJwk(publicKey)
  const token = await lib.signClientAssertion({ clientId: 'app', audience: 'https://as.example', key: privateKey, alg: 'ES256' })
  const tallies = await Promise.all(['a', 'b'].map((s) => post(s, '/assertion', { token, publicJwk, times: 100 })))
  const total = (k) => tallies.reduce((n, t) => n + (t[k] ?? 0), 0)
  check(`one client assertion, 100 concurrent verifications in each isolate: ${JSON.stringify(tallies)}`, [
    total('accepted') !== 1 && `${total('accepted')} acceptances`,
    total('ERR_JWT_CLAIM_INVALID/replayed') !== 199 && `${total('ERR_JWT_CLAIM_INVALID/replayed')} refused as replayed`,
  ].filter(Boolean))

  const slot = `stores-kv-${Date.now()}`
  jwks.put(slot, { keys: [{ ...publicJwk, kid: 'kv-1', alg: 'ES256' }] })
  const jwksUrl = `${jwks.url}/jwks/ok/${slot}`
  const idToken = await lib.sign({ sub: 'user' }, privateKey, { alg: 'ES256', kid: 'kv-1', issuer: 'https://id.example', expiresIn: '5m' })
  const first = await post('a', '/jwks', { jwksUrl, token: idToken })
  const second = await post('b', '/jwks', { jwksUrl, token: idToken })
  const kvLog = await (await fetch(`${wd.origin('kvadmin')}/__log`)).json()
  const puts = kvLog.filter((e) => e.method === 'PUT')
  check(`two isolates sharing kvCacheStore: ${jwks.stats(slot).requests.ok ?? 0} JWK Set request(s) between them`, [
    !first.cached && 'isolate a did not store the set', !second.cached && 'isolate b found nothing',
    (jwks.stats(slot).requests.ok ?? 0) !== 1 && `${jwks.stats(slot).requests.ok ?? 0} JWK Set requests`,
  ].filter(Boolean))
  check(`KV writes: prefixed, hashed keys, expiration_ttl ≥ 60 (${JSON.stringify(puts)})`, [
    puts.length !== 1 && `${puts.length} writes`,
    ...puts.filter((p) => !/^isojwt:jwks:[\w-]{43}$/.test(p.key) || !(Number(p.ttl) >= 60)).map((p) => `bad write ${JSON.stringify(p)}`),
  ].filter(Boolean))

  await new Promise((r) => setTimeout(r, 200))
  const stderr = wd.stderr().split('\n').filter((l) => l.trim())
  check('workerd wrote nothing to stderr', stderr.map((l) => `stderr: ${l}`))
  return { version, backend: inside.backend, passed, failed }
})
