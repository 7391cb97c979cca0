// isojwt/stores in miniflare, Cloudflare's local simulator (the engine `wrangler dev` runs:
// workerd plus miniflare's own storage for KV and Durable Objects). The front and replay
// Workers are bundled from the installed tarball with the workerd conditions; Node 24
// (test/runtimes/node24: miniflare needs Node >= 22.12) runs stores/miniflare-host.mjs,
// which starts one Miniflare with two front isolates sharing one KV namespace and the
// ReplayStoreObject namespace (SQLite storage), each on its own loopback socket.
// Checks: the Durable Object checks of run-stores-workerd.mjs (stores/isolates.mjs) on
// miniflare's Durable Objects; then Workers KV through kvCacheStore: the two isolates make
// one JWK Set request between them, the entry KV lists is the prefixed SHA-256 key with the
// set's lifetime, miniflare refuses an expirationTtl under 60 s as Cloudflare does, and a
// set that expires sooner is still written (the adapter raises its TTL to 60 s). Anything
// miniflare, workerd or Node 24 writes to stderr fails.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { OUT_DIR, ROOT, bundle, installedIsojwt, killTracked, onCleanup, runMain, spawnTracked } from './web-support.mjs'
import { startJwksServer } from './jwks-server.mjs'
import { isolateChecks, poster, tally } from './stores/isolates.mjs'

const HERE = join(ROOT, 'test/runtimes')
const MINIFLARE_DIR = join(HERE, 'miniflare')
const NODE = join(HERE, 'node24/node_modules/.bin/node')
const CONDITIONS = ['workerd', 'worker', 'browser']

/** Start miniflare-host.mjs; resolves once it printed its MINIFLARE line (the isolates' origins, versions). */
async function startMiniflare(front, replay) {
  const storage = mkdtempSync(join(tmpdir(), 'isojwt-miniflare-'))
  onCleanup(() => rmSync(storage, { recursive: true, force: true }))
  const args = ['--pending-deprecation', join(HERE, 'stores/miniflare-host.mjs'), MINIFLARE_DIR, front, replay, storage]
  const child = spawnTracked(NODE, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  let output = ''
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; output += d })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const stop = async () => {
    child.stdin.end() // the host disposes of Miniflare and exits
    const t = setTimeout(() => killTracked(child), 10_000)
    await exited
    clearTimeout(t)
  }
  onCleanup(stop)
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`miniflare was not ready within 30 s\n${output}`)), 30_000)
    child.once('error', reject)
    exited.then((code) => { clearTimeout(timer); reject(new Error(`miniflare-host exited ${code}\n${output}`)) })
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`
      if (line.startsWith('MINIFLARE ')) { clearTimeout(timer); resolve(JSON.parse(line.slice(10))) } else console.log(`  miniflare: ${line}`)
    })
  })
  return { ...info, stop, stderr: () => stderr }
}

await runMain('stores-miniflare', async () => {
  const front = join(OUT_DIR, 'miniflare/stores-front.js')
  const replay = join(OUT_DIR, 'miniflare/stores-replay.js')
  await bundle(join(HERE, 'stores/workerd-replay.mjs'), { conditions: CONDITIONS, outfile: replay })
  await bundle(join(HERE, 'stores/workerd-front.mjs'), { conditions: CONDITIONS, outfile: front })
  const jwks = await startJwksServer()
  onCleanup(jwks.close)
  const mf = await startMiniflare(front, replay)
  console.log(`miniflare ${mf.version} (workerd ${mf.workerd}) in Node ${mf.node}: KV and SQLite Durable Objects on disk, two front isolates`)
  const post = poster({ a: mf.a, b: mf.b })
  const t = tally()
  const lib = installedIsojwt()
  const backend = await isolateChecks(post, t, lib)

  // Workers KV: one JWK Set fetch shared by the two isolates through kvCacheStore.
  const { privateKey, publicKey } = await lib.generateKeyPair('ES256', { extractable: true })
  const publicJwk = await lib.exportJwk(publicKey)
  const idToken = await lib.sign({ sub: 'user' }, privateKey, { alg: 'ES256', kid: 'kv-1', issuer: 'https://id.example', expiresIn: '5m' })
  const slot = `stores-kv-${Date.now()}`
  jwks.put(slot, { keys: [{ ...publicJwk, kid: 'kv-1', alg: 'ES256' }] }) // max-age=300
  const jwksUrl = `${jwks.url}/jwks/ok/${slot}`
  const requests = () => jwks.stats(slot).requests.ok ?? 0
  const first = await post('a', '/jwks', { jwksUrl, token: idToken })
  const second = await post('b', '/jwks', { jwksUrl, token: idToken })
  const writes = [...first.puts, ...second.puts]
  t.check(`two isolates sharing kvCacheStore on one KV namespace: ${requests()} JWK Set request(s) between them, writes ${JSON.stringify(writes)}`, [
    !first.cached && 'isolate a did not store the set', !second.cached && 'isolate b found nothing',
    requests() !== 1 && `${requests()} JWK Set requests`,
    writes.length !== 1 && `${writes.length} KV writes`,
  ].filter(Boolean))
  const listed = await post('a', '/kv-list')
  const entry = listed.keys.find((k) => k.name === writes[0]?.key)
  const lifetime = entry?.expiration - listed.now
  t.check(`KV lists the entry under isojwt:jwks:<SHA-256 of the URL>, expiring with the set (in ${lifetime} s)`, [
    listed.keys.length !== 1 && `${listed.keys.length} keys listed`,
    !/^isojwt:jwks:[\w-]{43}$/.test(entry?.name ?? '') && `key ${JSON.stringify(entry?.name)}`,
    !(lifetime >= 295 && lifetime <= 301) && `expiration ${entry?.expiration}, now ${listed.now}`,
  ].filter(Boolean))

  // KV's 60 s minimum: miniflare refuses less, as Cloudflare does; the adapter raises a shorter lifetime to 60 s.
  const refused = await post('a', '/kv-put', { ttl: 30 })
  const accepted = await post('a', '/kv-put', { ttl: 60 })
  t.check(`miniflare's KV refuses expirationTtl 30 (${JSON.stringify(refused.refused)}) and takes 60`, [
    !/at least 60/.test(refused.refused ?? '') && 'expirationTtl 30 was not refused',
    accepted.refused !== null && `expirationTtl 60 refused: ${accepted.refused}`,
  ].filter(Boolean))
  const shortSlot = `stores-kv-short-${Date.now()}`
  jwks.put(shortSlot, { keys: [{ ...publicJwk, kid: 'kv-1', alg: 'ES256' }] }, { maxAge: 10 })
  const short = await post('b', '/jwks', { jwksUrl: `${jwks.url}/jwks/ok/${shortSlot}`, token: idToken, minTtl: '5s' })
  const relisted = await post('a', '/kv-list')
  const shortEntry = relisted.keys.find((k) => k.name === short.puts[0]?.key)
  t.check(`a set fresh for 10 s is still cached: written with expirationTtl ${short.puts[0]?.ttl}, KV expiry in ${shortEntry?.expiration - relisted.now} s`, [
    !short.cached && 'not in KV', short.puts.length !== 1 && `${short.puts.length} writes`,
    short.puts[0]?.ttl !== 60 && `expirationTtl ${short.puts[0]?.ttl}`,
    !(shortEntry?.expiration - relisted.now >= 58) && `expiration ${shortEntry?.expiration}, now ${relisted.now}`,
  ].filter(Boolean))

  await mf.stop()
  const stderr = mf.stderr().split('\n').filter((l) => l.trim())
  t.check('miniflare, workerd and Node 24 wrote nothing to stderr', stderr.map((l) => `stderr: ${l}`))
  return { version: mf.version, backend, passed: t.passed, failed: t.failed }
})
