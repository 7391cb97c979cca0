// `npm run test:runtimes`: prepare once, then every runner (test/runtimes/run-*.mjs) one
// after another, each with a time limit; one table, then `runtimes: N passed, N failed`.
// Usage: node test/runtimes/run-all.mjs [--no-build] [runtime ...]
//   --no-build   dist/ is fresh (CI runs `npm test` just before)
//   runtime ...  only these rows (e.g. `deno bun`); the default is all of them
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './web-support.mjs'

const HERE = join(ROOT, 'test/runtimes')
const TIMEOUT_S = Number(process.env.ISOJWT_RUNNER_TIMEOUT ?? 150) // per runner
const PREPARE_TIMEOUT_S = 300 // a fresh machine unpacks ~1.2 GB of runtimes (miniflare ~200 MB of it)
// The expected rows; run-node.mjs serves four Node versions, by `import` and (`--require`)
// by `require`. Any other run-*.mjs found in the folder runs too (without arguments), so a
// new runner cannot be forgotten.
const RUNNERS = [
  ['node20', 'run-node.mjs', ['node20']],
  ['node22', 'run-node.mjs', ['node22']],
  ['node24', 'run-node.mjs', ['node24']],
  ['node26', 'run-node.mjs', ['node26']],
  ['node20-cjs', 'run-node.mjs', ['node20', '--require']],
  ['node26-cjs', 'run-node.mjs', ['node26', '--require']],
  ['deno', 'run-deno.mjs'],
  ['bun', 'run-bun.mjs'],
  ['workerd', 'run-workerd.mjs'],
  ['edge-runtime', 'run-edge.mjs'],
  ['chromium', 'run-chromium.mjs'],
  // isojwt/stores on the engines of the runtimes themselves (Redis runs in npm test):
  // Durable Objects in workerd alone, Workers KV and Durable Objects in miniflare (on Node 24).
  ['stores-workerd', 'run-stores-workerd.mjs'],
  ['stores-miniflare', 'run-stores-miniflare.mjs'],
  ['stores-deno', 'run-stores-deno.mjs'],
]
for (const file of readdirSync(HERE).filter((f) => /^run-.*\.mjs$/.test(f)).sort()) {
  if (file !== 'run-all.mjs' && !RUNNERS.some((r) => r[1] === file)) RUNNERS.push([file.slice(4, -4), file])
}

/**
 * Run `node file args` in its own process group, echo its output, kill it at the time
 * limit. A runner's stderr is a failure: runners print what they expect to stdout, so
 * stderr carries only a runtime's unexpected output (the Edge Runtime VM runs inside the
 * runner's own Node, hence --pending-deprecation here too) or a runner's crash.
 */
function runner(file, args, timeoutS = TIMEOUT_S) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--pending-deprecation', join(HERE, file), ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let timedOut = false
    const echo = (stream) => (d) => { out += d; stream.write(d) }
    child.stdout.on('data', echo(process.stdout))
    child.stderr.on('data', (d) => { err += d; process.stderr.write(d) })
    const timer = setTimeout(() => {
      timedOut = true
      try { process.kill(-child.pid, 'SIGKILL') } catch { /* already gone */ }
    }, timeoutS * 1000)
    child.on('close', (code) => {
      clearTimeout(timer)
      const line = out.trimEnd().split('\n').at(-1) ?? ''
      let result
      try { result = line.startsWith('RESULT ') ? JSON.parse(line.slice(7)) : undefined } catch { /* not JSON */ }
      resolve({ code, timedOut, result, stderrLines: err.split('\n').filter((l) => l.trim()).length })
    })
  })
}

const args = process.argv.slice(2)
const only = args.filter((a) => !a.startsWith('--'))
const started = performance.now()
const prepared = await runner('prepare.mjs', args.filter((a) => a === '--no-build'), PREPARE_TIMEOUT_S)
if (prepared.code !== 0) {
  console.log(`prepare failed (exit ${prepared.code}${prepared.timedOut ? ', timed out' : ''})`)
  console.log('runtimes: 0 passed, 1 failed')
  process.exit(1)
}

const rows = []
for (const [runtime, file, runnerArgs = []] of RUNNERS) {
  if (only.length > 0 && !only.includes(runtime)) continue
  const row = { runtime, version: '-', backend: '-', passed: 0, failed: 1, seconds: 0, note: '' }
  rows.push(row)
  if (!existsSync(join(HERE, file))) {
    row.note = `missing ${file}`
    continue
  }
  console.log(`\n== ${runtime}: ${[file, ...runnerArgs].join(' ')}`)
  const t = performance.now()
  const { code, timedOut, result, stderrLines } = await runner(file, runnerArgs)
  row.seconds = (performance.now() - t) / 1000
  if (result) Object.assign(row, { version: result.version, backend: result.backend, passed: result.passed, failed: result.failed })
  // A runner that broke without counting a failure still counts as one.
  const broken = timedOut ? `timed out after ${TIMEOUT_S} s` : !result ? `no RESULT line (exit ${code})`
    : code !== 0 && result.failed === 0 ? `exit ${code}` : ''
  if (broken) row.note = broken
  if (stderrLines > 0) {
    row.failed += stderrLines
    row.note = [row.note, `${stderrLines} stderr line(s)`].filter(Boolean).join('; ')
  }
  if ((broken || row.passed === 0) && row.failed === 0) row.failed = 1
}

const cols = ['runtime', 'version', 'backend', 'passed', 'failed', 'seconds', 'note']
const cells = rows.map((r) => cols.map((c) => (c === 'seconds' ? r.seconds.toFixed(1) : String(r[c]))))
const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)))
const fmt = (row) => row.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()
console.log(`\n${fmt(cols)}\n${fmt(widths.map((w) => '-'.repeat(w)))}`)
for (const row of cells) console.log(fmt(row))
const passed = rows.reduce((n, r) => n + r.passed, 0)
const failed = rows.reduce((n, r) => n + r.failed, 0)
console.log(`\n${rows.length} runtimes in ${((performance.now() - started) / 1000).toFixed(0)} s, ${rows.filter((r) => r.failed > 0).length} failing`)
console.log(`runtimes: ${passed} passed, ${failed} failed`)
process.exit(failed > 0 || rows.length === 0 ? 1 : 0)
