// Prepares `npm run test:runtimes`: builds and packs the package, installs the tarball
// into a scratch app (.runtimes/app, git-ignored) the way a user would, copies the
// conformance suite and the entry scripts beside it, and installs the runtimes
// (test/runtimes/tools, node22, node24, node26) and miniflare (test/runtimes/miniflare)
// from their own lockfiles.
// Usage: node test/runtimes/prepare.mjs [--no-build]   (--no-build: dist/ is fresh)
// ISOJWT_CONFORMANCE_DIR overrides where the suite is copied from (default test/conformance).
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ROOT, APP_DIR, OUT_DIR, TOOLS_DIR } from './web-support.mjs'

const HERE = join(ROOT, 'test/runtimes')
const SUITE_DIR = resolve(ROOT, process.env.ISOJWT_CONFORMANCE_DIR ?? 'test/conformance')
const INSTALL_DIRS = [TOOLS_DIR, join(HERE, 'node22'), join(HERE, 'node24'), join(HERE, 'node26'), join(HERE, 'miniflare')]
const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error']

/** Run a command quietly; its output is shown only when it fails. */
function run(cmd, args, cwd = ROOT) {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => { out += d })
    child.stderr.on('data', (d) => { out += d })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve({ out, seconds: ((performance.now() - started) / 1000).toFixed(1) })
      else reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${code}:\n${out}`))
    })
  })
}

/** `npm ci` one tools folder unless its node_modules was installed from this very lockfile. */
async function installTools(dir) {
  const name = dir.slice(ROOT.length + 1)
  const hash = createHash('sha256').update(readFileSync(join(dir, 'package-lock.json'))).digest('hex')
  const stamp = join(dir, 'node_modules/.isojwt-lock-sha256')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return `${name}: up to date`
  const { seconds } = await run('npm', ['ci', '--prefix', dir, ...NPM_FLAGS])
  writeFileSync(stamp, hash)
  return `${name}: npm ci (${seconds} s)`
}

/**
 * A package with the same `exports['.']` as the installed isojwt, each target replaced by a
 * module exporting its own condition path ('deno/import', 'node/require', ...), so each
 * runner can check which branch of the real map its runtime picked.
 */
function writeProbe(dir, exportsMap) {
  mkdirSync(dir, { recursive: true })
  const map = (node, path) => {
    if (typeof node === 'string') {
      const label = path.filter((k) => k !== 'default').join('/') || 'default'
      const cjs = path.includes('require')
      const file = `./${path.join('.')}.${cjs ? 'cjs' : 'mjs'}`
      writeFileSync(join(dir, file), cjs ? `module.exports = ${JSON.stringify(label)}\n` : `export default ${JSON.stringify(label)}\n`)
      return file
    }
    const out = {}
    for (const [k, v] of Object.entries(node)) if (k !== 'types') out[k] = map(v, [...path, k])
    return out
  }
  const probe = { name: 'isojwt-probe', version: '0.0.0', private: true, exports: { '.': map(exportsMap, []) } }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(probe, null, 2) + '\n')
}

const started = performance.now()
const log = (line) => console.log(`prepare: ${line}`)
if (!existsSync(join(SUITE_DIR, 'suite.mjs'))) throw new Error(`${SUITE_DIR}/suite.mjs is missing`)
if (!process.argv.includes('--no-build')) log(`npm run build (${(await run('npm', ['run', 'build'])).seconds} s)`)

// Tools install in the background while the package is packed and installed.
const tools = Promise.all(INSTALL_DIRS.map(installTools))
tools.catch(() => {}) // reported where it is awaited, below

mkdirSync(OUT_DIR, { recursive: true })
for (const f of readdirSync(OUT_DIR)) if (f.endsWith('.tgz')) rmSync(join(OUT_DIR, f))
const [packed] = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', OUT_DIR, ...NPM_FLAGS])).out)
log(`packed ${packed.filename} (${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} kB)`)

rmSync(APP_DIR, { recursive: true, force: true })
mkdirSync(join(APP_DIR, 'conformance'), { recursive: true })
writeProbe(join(APP_DIR, 'probe'), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).exports['.'])
writeFileSync(join(APP_DIR, 'package.json'), JSON.stringify({
  name: 'isojwt-runtimes-app',
  private: true,
  type: 'module',
  dependencies: { 'isojwt': `file:../${packed.filename}`, 'isojwt-probe': 'file:./probe' },
}, null, 2) + '\n')
const installed = await run('npm', ['install', ...NPM_FLAGS], APP_DIR)
const suiteFiles = readdirSync(SUITE_DIR).filter((f) => f.endsWith('.mjs'))
for (const f of suiteFiles) cpSync(join(SUITE_DIR, f), join(APP_DIR, 'conformance', f))
for (const f of readdirSync(join(HERE, 'entries'))) cpSync(join(HERE, 'entries', f), join(APP_DIR, f))
log(`installed it into ${APP_DIR.slice(ROOT.length + 1)} (${installed.seconds} s), with conformance/{${suiteFiles.join(',')}}`)

for (const line of await tools) log(line)
log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
