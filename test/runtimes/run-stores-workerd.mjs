// isojwt/stores' Durable Object replay store in workerd itself (no nodejs_compat, no
// miniflare): bundled from the installed tarball with the workerd conditions and run by
// `workerd serve` on stores/stores.capnp: ReplayStoreObject with in-memory storage, and two
// front Workers (two isolates) binding it. Checks (stores/isolates.mjs): the replay checks
// inside a Worker; the same 50 jtis and 100 copies of one client assertion sent to both
// isolates at once (each accepted exactly once in total). Workers KV has no storage in
// workerd alone: it is tested in miniflare (run-stores-miniflare.mjs), with these same
// checks on miniflare's Durable Objects. Anything on stderr fails.
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { OUT_DIR, ROOT, bundle, installedIsojwt, runMain, spawnTracked, toolVersion, workerdBinary } from './web-support.mjs'
import { isolateChecks, poster, tally } from './stores/isolates.mjs'

const HERE = join(ROOT, 'test/runtimes/stores')
const CONDITIONS = ['workerd', 'worker', 'browser']
const SOCKETS = ['a', 'b']

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
  const origins = Object.fromEntries(SOCKETS.map((s) => [s, `http://127.0.0.1:${ports.get(s)}`]))
  return { origins, stderr: () => stderr }
}

await runMain('stores-workerd', async () => {
  const version = toolVersion('workerd')
  console.log(`workerd (npm workerd ${version}), Durable Objects with in-memory storage`)
  await bundle(join(HERE, 'workerd-replay.mjs'), { conditions: CONDITIONS, outfile: join(OUT_DIR, 'workerd/stores-replay.js') })
  await bundle(join(HERE, 'workerd-front.mjs'), { conditions: CONDITIONS, outfile: join(OUT_DIR, 'workerd/stores-front.js') })
  const wd = await serve()
  const t = tally()
  const backend = await isolateChecks(poster(wd.origins), t, installedIsojwt())

  await new Promise((r) => setTimeout(r, 200))
  const stderr = wd.stderr().split('\n').filter((l) => l.trim())
  t.check('workerd wrote nothing to stderr', stderr.map((l) => `stderr: ${l}`))
  return { version, backend, passed: t.passed, failed: t.failed }
})
