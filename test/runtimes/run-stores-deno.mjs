// isojwt/stores in Deno 2: the Deno KV replay store on a real Deno KV (`--unstable-kv`),
// run from .runtimes/app against the installed tarball. One Deno process runs the replay
// checks (stores/deno-kv.mjs, stores/checks.mjs); then two Deno processes add the same 50
// jtis at one instant to a shared database file: each jti must be recorded exactly once in
// total (a commit refused by SQLite's lock is ERR_STORE_UNAVAILABLE, retried). Any line Deno writes to stderr is a failure.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { APP_DIR, OUT_DIR, ROOT, onCleanup, runMain, spawnTracked } from './web-support.mjs'
import { nativeTool } from './process-support.mjs'

const HERE = join(ROOT, 'test/runtimes/stores')
const ENV = { DENO_DIR: join(OUT_DIR, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }

function deno(args) {
  const child = spawnTracked(nativeTool('@deno', 'deno'), ['run', '--allow-all', '--unstable-kv', '--node-modules-dir=manual', '--no-lock', 'stores-deno-kv.mjs', ...args], {
    cwd: APP_DIR, env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += d })
  child.stderr.on('data', (d) => { stderr += d })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr: stderr.split('\n').filter((l) => l.trim()) }))
  })
}

await runMain('stores-deno', async () => {
  copyFileSync(join(HERE, 'deno-kv.mjs'), join(APP_DIR, 'stores-deno-kv.mjs'))
  copyFileSync(join(HERE, 'checks.mjs'), join(APP_DIR, 'stores-checks.mjs'))
  const checks = await deno(['checks'])
  let result
  for (const line of checks.stdout.split('\n')) {
    if (line.startsWith('ISOJWT_RESULT ')) result = JSON.parse(line.slice(14))
    else if (line.trim()) console.log(line)
  }
  for (const l of checks.stderr) console.log(`  FAIL stderr: ${l}`)
  if (!result) throw new Error(`deno exited ${checks.code} without a result`)
  let { passed, failed } = result
  failed += checks.stderr.length + (checks.code === 0 ? 0 : 1)

  // Two processes, one database file (SQLite underneath: commits are serialised across processes).
  const dir = mkdtempSync(join(tmpdir(), 'isojwt-denokv-'))
  onCleanup(() => rmSync(dir, { recursive: true, force: true }))
  const start = String(Date.now() + 1500)
  const runs = await Promise.all([0, 1].map(() => deno(['race', join(dir, 'kv.sqlite3'), start])))
  const raced = runs.map((run) => JSON.parse(/^RACE (.*)$/m.exec(run.stdout)?.[1] ?? '{}'))
  const added = raced.map((x) => x.added)
  const all = added.flatMap((a) => a ?? [])
  const problems = [
    ...runs.flatMap((run) => run.stderr.map((l) => `stderr: ${l}`)),
    ...runs.filter((run) => run.code !== 0).map((run) => `exit ${run.code}`),
    all.length !== 50 && `${all.length} acceptances for 50 jtis`,
    new Set(all).size !== all.length && 'a jti accepted twice',
  ].filter(Boolean)
  console.log(`  ${problems.length ? 'FAIL' : 'ok  '} two Deno processes, one KV file, the same 50 jtis at once: accepted ${added.map((a) => a?.length).join(' + ')} = ${all.length} (SQLite lock conflicts refused closed and retried: ${raced.map((x) => x.locked).join(' + ')})${problems.length ? `: ${problems.join('; ')}` : ''}`)
  if (problems.length) failed++
  else passed++
  return { version: result.version, backend: result.backend, passed, failed }
})
