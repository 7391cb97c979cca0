// `npm run bench`: isojwt against its peers and against the bare crypto, in one Node
// process, rounds interleaved (see lib/harness.mjs for the method).
//
//   npm run bench                        every Node scenario + cold import (~6½ min on 2 cores)
//   npm run bench -- --quick             a ~1-minute smoke run (results/quick.json only)
//   npm run bench -- --scenario verify   only scenarios whose name contains a filter (repeatable, comma-separated;
//                                        a filter ending in $ is an exact name)
//   npm run bench -- --runtimes          also the WebCrypto scenarios under Node, Deno and Bun
//   npm run bench -- --memory            also the cached-verifier memory run (1,000,000 tokens; a few minutes)
//   npm run bench -- --list              names of the scenarios
//   npm run bench -- --node 22,26        only these Node versions (default: 20, 22, 24 and 26; --quick: 24)
//   npm run bench -- --targets           only the scenarios bench/targets.mjs reads (sign, verify, cold import)
//   node bench/run.mjs --report          rewrite RESULTS.md from results/latest.json, measuring nothing
//
// Every Node version runs in its own process (the machine's node for its own major, the
// npm `node` packages of test/runtimes/nodeNN for the others, installed when missing),
// one after the other; the Deno/Bun runs (--runtimes) and the memory run (--memory) go
// with the newest LTS only. A full run writes bench/results/latest.json (one document per
// version) and bench/RESULTS.md. A run limited by --scenario or --node replaces just
// those sections in latest.json and rewrites RESULTS.md; --quick writes results/quick.json.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runScenario, textTable } from './lib/harness.mjs'
import { BUN_IMPORT, DENO_IMPORT, NODE_IMPORT, REPO, resolveIsojwt } from './lib/resolve.mjs'

const BENCH = dirname(fileURLToPath(import.meta.url))
const RESULTS = join(BENCH, 'results')
const PEER_NAMES = ['jose', 'jsonwebtoken', 'fast-jwt', 'hono', '@tsndr/cloudflare-worker-jwt']

// ---- options ----
const argv = process.argv.slice(2)
const flag = (name) => argv.includes(name)
const filters = []
let nodeList
let childOut // set in a per-version child: where it writes its results document
for (let k = 0; k < argv.length; k++) {
  if (argv[k] === '--scenario' && argv[k + 1]) filters.push(...argv[++k].split(','))
  else if (argv[k].startsWith('--scenario=')) filters.push(...argv[k].slice(11).split(','))
  else if (argv[k] === '--node' && argv[k + 1]) nodeList = argv[++k].split(',').map((v) => v.trim())
  else if (argv[k] === '--child' && argv[k + 1]) childOut = argv[++k]
  // The scenarios bench/targets.mjs reads, and nothing else.
  else if (argv[k] === '--targets') filters.push('sign', ...['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA'].map((a) => `verify ${a}$`), 'cold import$')
  else if (!['--quick', '--runtimes', '--memory', '--list', '--report', '--help', '-h'].includes(argv[k])) {
    console.error(`unknown argument ${argv[k]} (see the top of bench/run.mjs)`)
    process.exit(2)
  }
}
const filt = filters.map((f) => f.trim().toLowerCase()).filter(Boolean)
const QUICK = flag('--quick')
if (flag('--help') || flag('-h')) {
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n')
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.slice(3)).join('\n'))
  process.exit(0)
}
// A filter ending in `$` names one scenario exactly ("verify HS256$" leaves out "verify HS256, 8 in flight").
const wanted = (name) => filt.length === 0 || filt.some((f) => (f.endsWith('$') ? name.toLowerCase() === f.slice(0, -1) : name.toLowerCase().includes(f)))
// Opt-in sections run when their flag is given (and no filter excludes them), or when a
// filter names them exactly.
const optIn = (name, flagName) => (flag(flagName) && wanted(name)) || filt.includes(name)
const TIMING = QUICK ? { rounds: 5, roundMs: 40, sliceMs: 20, warmupMs: 50 } : { rounds: 5, roundMs: 300, sliceMs: 50, warmupMs: 300 }
const log = (line) => console.log(line)

// A minor GC between turns (lib/harness.mjs): --expose-gc switched on at run time.
v8.setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')
v8.setFlagsFromString('--no-expose-gc')
const collect = () => gc({ type: 'minor' })

// ---- bench dependencies (the peers), from bench/package-lock.json ----
function ensurePeers() {
  const missing = PEER_NAMES.filter((p) => !existsSync(join(BENCH, 'node_modules', p, 'package.json')))
  if (missing.length === 0) return
  console.log(`installing the bench peers (missing: ${missing.join(', ')}): npm ci --prefix bench`)
  const r = spawnSync('npm', ['ci', '--prefix', BENCH, '--ignore-scripts', '--no-audit', '--no-fund'], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const peerVersion = (p) => JSON.parse(readFileSync(join(BENCH, 'node_modules', p, 'package.json'), 'utf8')).version

function machine() {
  return {
    cpu: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
  }
}

async function loadLibraries() {
  const isojwtUrl = resolveIsojwt('.', NODE_IMPORT)
  const webUrl = resolveIsojwt('./web', NODE_IMPORT)
  if (!existsSync(fileURLToPath(isojwtUrl)) || !existsSync(fileURLToPath(webUrl))) {
    console.error(`isojwt is not built (${fileURLToPath(isojwtUrl)} missing): run \`npm run build\` (npm run bench does)`)
    process.exit(1)
  }
  const [isojwt, isojwtWeb, jose, jsonwebtoken, fastJwt, hono, tsndr] = await Promise.all([
    import(isojwtUrl), import(webUrl), import('jose'), import('jsonwebtoken'), import('fast-jwt'), import('hono/jwt'), import('@tsndr/cloudflare-worker-jwt'),
  ])
  const backend = (m) => m.JoseError?.[Symbol.for('isojwt.backend')] ?? 'unknown'
  return {
    libs: { isojwt, isojwtWeb, jose, jsonwebtoken: jsonwebtoken.default, fastJwt: fastJwt.default ?? fastJwt, hono, tsndr },
    entries: [
      { name: 'isojwt', conditions: NODE_IMPORT, url: isojwtUrl, file: fileURLToPath(isojwtUrl).slice(REPO.length), backend: backend(isojwt) },
      { name: 'isojwt/web', conditions: NODE_IMPORT, url: webUrl, file: fileURLToPath(webUrl).slice(REPO.length), backend: backend(isojwtWeb) },
    ],
  }
}

// ---- Deno and Bun ----
function findTool(name) {
  // The native binary of the npm package (its bin shim needs a skipped install script):
  // in test/runtimes/tools (installed by `node test/runtimes/prepare.mjs`) or /tmp/rt, else PATH.
  const roots = [join(REPO, 'test/runtimes/tools/node_modules'), '/tmp/rt/node_modules']
  const [scope, file] = name === 'deno' ? ['@deno', 'deno'] : ['@oven', 'bin/bun']
  const candidates = []
  for (const root of roots) {
    const dir = join(root, scope)
    if (existsSync(dir)) for (const pkg of readdirSync(dir).sort()) candidates.push(join(dir, pkg, file))
    candidates.push(join(root, name, 'bin', `${name}.exe`), join(root, '.bin', name))
  }
  candidates.push(name)
  return candidates.find((c) => (c === name || existsSync(c)) && spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0)
}

function runWebcrypto(name, fixturesPath) {
  const script = join(BENCH, 'run-webcrypto.mjs')
  const conditions = name === 'deno' ? DENO_IMPORT : name === 'bun' ? BUN_IMPORT : NODE_IMPORT
  const config = {
    isojwtWeb: resolveIsojwt('./web', conditions),
    // The node:crypto build in every runtime (Deno and Bun provide node:crypto), whatever
    // the runtime's own export condition picks: its backend is measured against WebCrypto.
    isojwtNode: resolveIsojwt('.', NODE_IMPORT),
    jose: import.meta.resolve('jose'),
    hono: import.meta.resolve('hono/jwt'),
    tsndr: import.meta.resolve('@tsndr/cloudflare-worker-jwt'),
    quick: QUICK,
    filter: filt.filter((f) => f !== 'runtimes'),
  }
  let cmd
  let args
  const env = { ...process.env, NO_COLOR: '1' }
  if (name === 'node') {
    cmd = process.execPath
    args = ['--expose-gc', script]
  } else {
    cmd = findTool(name)
    if (!cmd) return { name, error: `${name} not found (run \`node test/runtimes/prepare.mjs\`, or put it on PATH)` }
    if (name === 'deno') {
      args = ['run', `--allow-read=${REPO}`, '--v8-flags=--expose-gc', '--no-lock', '--no-config', '--node-modules-dir=manual', script]
      env.DENO_DIR = join(os.tmpdir(), 'isojwt-bench-deno')
      env.DENO_NO_UPDATE_CHECK = '1'
    } else {
      args = ['--no-install', script]
      env.DO_NOT_TRACK = '1'
    }
  }
  log(`  ${name}: ${cmd.replace(REPO, '.')} …`)
  const r = spawnSync(cmd, [...args, fixturesPath, JSON.stringify(config)], { cwd: BENCH, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20, timeout: 15 * 60_000 })
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('ISOJWT_BENCH '))
  if (!line) return { name, error: `no result (exit ${r.status ?? r.signal})` }
  const out = JSON.parse(line.slice('ISOJWT_BENCH '.length))
  return out.error ? { name, error: out.error, runtime: out.runtime } : { name, ...out }
}

// ---- memory ----
function runMemory(isojwtUrl) {
  const tokens = QUICK ? 100_000 : 1_000_000
  const cache = QUICK ? 1_000 : 10_000
  const runs = []
  for (const contender of ['isojwt', 'fast-jwt']) {
    log(`  memory: ${contender}, ${tokens.toLocaleString('en')} tokens, cache ${cache.toLocaleString('en')} …`)
    const r = spawnSync(process.execPath, ['--expose-gc', join(BENCH, 'lib/memory.mjs'), contender, isojwtUrl, String(tokens), String(cache)], { cwd: BENCH, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 20 * 60_000 })
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('ISOJWT_MEMORY '))
    runs.push(line ? JSON.parse(line.slice('ISOJWT_MEMORY '.length)) : { contender, error: `no result (exit ${r.status ?? r.signal})` })
  }
  return runs
}

// ---- results ----
function mergeResults(previous, current, fullRun) {
  const sameMachine = previous && previous.machine?.cpu === current.machine.cpu && previous.machine?.cores === current.machine.cores && previous.machine?.node === current.machine.node
  if (!sameMachine) return current
  const byName = new Map((fullRun ? [] : previous.scenarios ?? []).map((s) => [s.name, s]))
  for (const s of current.scenarios) byName.set(s.name, s)
  const order = (current.scenarios.length ? current : previous).scenarioOrder ?? current.scenarioOrder
  const scenarios = [...byName.values()].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
  return {
    ...current,
    partial: !fullRun || Boolean(previous.memory && !current.memory) || Boolean(previous.runtimes && !current.runtimes),
    scenarios,
    coldImport: current.coldImport ?? previous.coldImport,
    memory: current.memory ?? previous.memory,
    runtimes: current.runtimes ?? previous.runtimes,
  }
}

// ---- Node versions: one child process each ----
const NODE_VERSIONS = ['20', '22', '24', '26']
const NEWEST_LTS = '24'
const OPT_IN = ['memory', 'runtimes']
const major = (version) => version.replace(/^v/, '').split('.')[0]

/** The node binary of a major version: this process's own, or test/runtimes/nodeNN's (installed when missing). */
function nodeBinary(v) {
  if (major(process.version) === v) return process.execPath
  const dir = join(REPO, 'test/runtimes', `node${v}`)
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`no test/runtimes/node${v} folder: Node ${v} is not one of ${NODE_VERSIONS.join(', ')}`)
  const bin = join(dir, 'node_modules/.bin/node')
  if (!existsSync(bin)) {
    console.log(`installing Node ${v}: npm ci --prefix test/runtimes/node${v}`)
    const r = spawnSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' })
    if (r.status !== 0) process.exit(r.status ?? 1)
  }
  return bin
}

/** The results document of several versions, `{ runs: [one document per version] }`. */
const runsOf = (doc) => (doc?.runs ? doc.runs : doc?.scenarios ? [doc] : [])

async function orchestrate() {
  const { resultsMarkdown } = await import('./lib/report.mjs')
  ensurePeers()
  // Only opt-in sections asked for: they run with the newest LTS alone.
  const onlyOptIn = filt.length > 0 && filt.every((f) => OPT_IN.includes(f))
  const versions = nodeList ?? (QUICK || onlyOptIn ? [NEWEST_LTS] : NODE_VERSIONS)
  for (const v of versions) if (!NODE_VERSIONS.includes(v)) throw new Error(`--node ${v}: the bench runs Node ${NODE_VERSIONS.join(', ')}`)
  const primary = versions.includes(NEWEST_LTS) ? NEWEST_LTS : versions.at(-1)
  const own = argv.filter((a, k) => !['--node', '--child'].includes(a) && !['--node', '--child'].includes(argv[k - 1]))
  const started = performance.now()
  const runs = []
  mkdirSync(RESULTS, { recursive: true })
  for (const v of versions) {
    const bin = nodeBinary(v)
    const out = join(RESULTS, `node${v}.tmp.json`)
    rmSync(out, { force: true })
    // Deno, Bun and the memory run once, with the primary version; filters naming them likewise.
    const args = v === primary ? own : own.filter((a) => !['--runtimes', '--memory'].includes(a))
    log(`\n==== Node ${v} (${bin.startsWith(REPO) ? bin.slice(REPO.length) : bin}) ====`)
    const r = spawnSync(bin, [fileURLToPath(import.meta.url), ...args, '--child', out], { cwd: BENCH, stdio: 'inherit', timeout: 90 * 60_000 })
    if (!existsSync(out)) {
      console.error(`Node ${v}: no results (exit ${r.status ?? r.signal})`)
      process.exitCode = 1
      continue
    }
    runs.push(JSON.parse(readFileSync(out, 'utf8')))
    rmSync(out)
    if (r.status !== 0) process.exitCode = 1
  }
  const minutes = +((performance.now() - started) / 60_000).toFixed(1)
  const { node, v8: _v8, ...m } = machine()
  const doc = { date: new Date().toISOString(), machine: m, durationMinutes: minutes, runs }
  if (QUICK) {
    writeFileSync(join(RESULTS, 'quick.json'), `${JSON.stringify(doc, null, 2)}\n`)
    log(`\nquick run, ${minutes} min: bench/results/quick.json (RESULTS.md untouched)`)
    return
  }
  const latest = join(RESULTS, 'latest.json')
  const previous = existsSync(latest) ? runsOf(JSON.parse(readFileSync(latest, 'utf8'))) : []
  const fullRun = filt.length === 0
  const merged = new Map(previous.map((r) => [major(r.machine.node), r]))
  for (const r of runs) merged.set(major(r.machine.node), mergeResults(merged.get(major(r.machine.node)), r, fullRun))
  const all = { ...doc, partial: !fullRun || versions.length < NODE_VERSIONS.length, runs: NODE_VERSIONS.flatMap((v) => merged.get(v) ?? []) }
  writeFileSync(latest, `${JSON.stringify(all, null, 2)}\n`)
  writeFileSync(join(BENCH, 'RESULTS.md'), `${resultsMarkdown(all)}\n`)
  log(`\n${minutes} min: bench/results/latest.json and bench/RESULTS.md written (Node ${versions.join(', ')})`)
}

async function main() {
  const { printScenario, resultsMarkdown, coldRows, memoryRows, runtimeRows } = await import('./lib/report.mjs')
  if (flag('--report')) {
    const doc = JSON.parse(readFileSync(join(RESULTS, 'latest.json'), 'utf8'))
    writeFileSync(join(BENCH, 'RESULTS.md'), `${resultsMarkdown({ ...doc, runs: runsOf(doc) })}\n`)
    log('bench/RESULTS.md rewritten from bench/results/latest.json')
    return
  }
  if (!childOut && !flag('--list')) return orchestrate()
  ensurePeers()
  const { makeFixtures, portableFixtures } = await import('./lib/fixtures.mjs')
  const { buildScenarios } = await import('./lib/scenarios.mjs')
  const { coldImport } = await import('./lib/cold.mjs')
  const { libs, entries } = await loadLibraries()
  const started = performance.now()
  const m = machine()
  log(`isojwt bench on ${m.cpu} (${m.cores} cores), Node ${m.node}${QUICK ? ', quick' : ''}`)
  for (const e of entries) log(`  ${e.name} → ${e.file} (${e.backend} backend)`)
  const fx = await makeFixtures()
  const scenarios = buildScenarios(libs, fx)
  const names = [...scenarios.map((s) => s.name), 'cold import', 'runtimes', 'memory']
  if (flag('--list')) {
    console.log(names.join('\n'))
    return
  }
  const peers = Object.fromEntries(PEER_NAMES.map((p) => [p, peerVersion(p)]))
  const doc = { date: new Date().toISOString(), machine: m, options: { quick: QUICK, filters: filt, timing: TIMING }, isojwt: entries.map(({ url, ...e }) => e), peers, scenarioOrder: names, scenarios: [] }

  for (const s of scenarios) {
    if (!wanted(s.name)) continue
    log(`\n${s.name} …`)
    const r = await runScenario(s, { ...TIMING, log, collect })
    const result = { name: s.name, group: s.group, inflight: s.inflight ?? 1, date: new Date().toISOString(), ...r }
    doc.scenarios.push(result)
    log(printScenario(result))
  }

  if (wanted('cold import')) {
    log('\ncold import …')
    const targets = [
      { name: '(empty script)', url: undefined },
      ...entries.map((e) => ({ name: e.name, url: e.url })),
      { name: 'jose', url: import.meta.resolve('jose') },
      { name: 'hono/jwt', url: import.meta.resolve('hono/jwt') },
      { name: 'tsndr', url: import.meta.resolve('@tsndr/cloudflare-worker-jwt') },
      { name: 'jsonwebtoken', url: import.meta.resolve('jsonwebtoken') },
      { name: 'fast-jwt', url: import.meta.resolve('fast-jwt') },
    ]
    doc.coldImport = { date: new Date().toISOString(), targets: coldImport(targets, QUICK ? 3 : 15, () => {}) }
    log(`\ncold import\n${textTable(coldRows(doc.coldImport))}`)
  }

  if (optIn('runtimes', '--runtimes')) {
    log('\nWebCrypto scenarios in Node, Deno and Bun …')
    mkdirSync(RESULTS, { recursive: true })
    const fixturesPath = join(RESULTS, 'webcrypto-fixtures.tmp')
    writeFileSync(fixturesPath, JSON.stringify(portableFixtures(fx)))
    try {
      doc.runtimes = { date: new Date().toISOString(), runs: ['node', 'deno', 'bun'].map((n) => runWebcrypto(n, fixturesPath)) }
    } finally {
      rmSync(fixturesPath, { force: true })
    }
    for (const r of doc.runtimes.runs) if (r.error) log(`  ${r.name}: ${r.error}`)
    log(`\nWebCrypto runtimes\n${textTable(runtimeRows(doc.runtimes))}`)
  }

  if (optIn('memory', '--memory')) {
    log('\nmemory …')
    doc.memory = { date: new Date().toISOString(), runs: runMemory(entries[0].url) }
    log(`\nmemory\n${textTable(memoryRows(doc.memory))}`)
  }

  const minutes = ((performance.now() - started) / 60_000).toFixed(1)
  doc.durationMinutes = +minutes
  writeFileSync(childOut, `${JSON.stringify(doc, null, 2)}\n`)
  log(`\nNode ${m.node}: ${minutes} min`)
  const failures = doc.scenarios.flatMap((s) => s.failed.filter((f) => f.kind === 'subject' || f.kind === 'ceiling').map((f) => `${s.name}: ${f.name}: ${f.error}`))
  const unbounded = (doc.memory?.runs ?? []).filter((r) => r.contender === 'isojwt' && (r.error || !r.bounded))
  for (const f of failures) console.error(`FAILED ${f}`)
  for (const u of unbounded) console.error(`MEMORY ${u.contender}: ${u.error ?? 'heap kept growing after the cache filled'}`)
  process.exitCode = failures.length || unbounded.length ? 1 : 0
}

await main()
