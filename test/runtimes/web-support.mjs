// Shared plumbing for the web-runtime runners (workerd, Edge Runtime, Chromium and the two
// examples): where the installed tarball and the tools live, bundling from that tarball
// with a runtime's export conditions, child-process cleanup, a watchdog and the RESULT line.
// Node-only (it runs the runtimes; it never runs inside them).
import { createRequire } from 'node:module'
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
/** The app prepare.mjs made: the packed tarball installed as node_modules/isojwt, plus conformance/*.mjs. */
export const APP_DIR = resolve(ROOT, process.env.ISOJWT_RUNTIME_APP ?? '.runtimes/app')
/** Folder whose node_modules holds deno, bun, workerd, @edge-runtime/vm, playwright-core. */
export const TOOLS_DIR = resolve(ROOT, process.env.ISOJWT_RUNTIME_TOOLS ?? 'test/runtimes/tools')
/** Scratch output (bundles, screenshots); git-ignored. */
export const OUT_DIR = join(ROOT, '.runtimes')

const toolRequire = createRequire(join(TOOLS_DIR, 'package.json'))

function prepared(load, what, where) {
  try {
    return load()
  } catch (e) {
    throw new Error(`${what} not found under ${where}: run \`node test/runtimes/prepare.mjs\` first`, { cause: e })
  }
}

/** require() a tool installed by prepare.mjs, with a hint when it is missing. */
export function tool(name) {
  return prepared(() => toolRequire(name), name, `${TOOLS_DIR}/node_modules`)
}

/** The version field of an installed tool's package.json. */
export function toolVersion(name) {
  return prepared(() => toolRequire(`${name}/package.json`), name, `${TOOLS_DIR}/node_modules`).version
}

/** The installed tarball's isojwt, loaded in Node (its CJS build) to mint test tokens. */
export function installedIsojwt() {
  return prepared(() => createRequire(join(APP_DIR, 'package.json'))('isojwt'), 'isojwt', `${APP_DIR}/node_modules`)
}

/** Path of the real workerd executable (the npm package's main export), skipping the JS shim. */
export function workerdBinary() {
  const w = tool('workerd')
  return w.default ?? w
}

/**
 * Bundle `entry` (a file path, or { contents } resolved from APP_DIR) with esbuild.
 * Every `isojwt` import is resolved from the installed tarball in APP_DIR, whatever file
 * imports it, so the bundle tests the packed package and never the repo's own dist/ (the
 * repo's package.json would otherwise answer a self-reference).
 */
export async function bundle(entry, { conditions, platform = 'neutral', format = 'esm', outfile } = {}) {
  const esbuild = await import('esbuild')
  const fromTarball = {
    name: 'isojwt-from-installed-tarball',
    setup(build) {
      build.onResolve({ filter: /^isojwt(\/.*)?$/ }, async (args) => {
        if (args.pluginData === 'tarball') return undefined
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: APP_DIR, pluginData: 'tarball' })
        if (r.errors.length > 0) return { errors: r.errors }
        if (!r.path.startsWith(join(APP_DIR, 'node_modules', 'isojwt') + '/')) {
          return { errors: [{ text: `isojwt resolved outside the installed tarball: ${r.path}` }] }
        }
        return r
      })
    },
  }
  const input = typeof entry === 'string'
    ? { entryPoints: [entry] }
    : { stdin: { contents: entry.contents, resolveDir: APP_DIR, sourcefile: 'entry.mjs', loader: 'js' } }
  const result = await esbuild.build({
    ...input,
    bundle: true,
    format,
    platform,
    conditions,
    // 'neutral' has no default main fields; these match what a browser/worker bundler reads.
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    write: false,
    outfile: outfile ?? 'bundle.js',
    logLevel: 'silent',
    metafile: true,
    plugins: [fromTarball],
  })
  const inputs = Object.keys(result.metafile.inputs)
  const lib = inputs.filter((p) => p.includes('node_modules/isojwt/'))
  if (lib.length === 0) throw new Error('bundle does not contain isojwt from the installed tarball')
  const code = result.outputFiles[0].text
  if (outfile) {
    mkdirSync(dirname(outfile), { recursive: true })
    writeFileSync(outfile, code)
  }
  return { code, libFiles: lib }
}

/**
 * The backend tag of the build that `conditions` select from the installed tarball, read
 * by bundling a two-line probe and importing it here (the build is platform-neutral).
 */
export async function backendFor(conditions) {
  const { code } = await bundle({ contents: "import { JoseError } from 'isojwt'\nexport default JoseError[Symbol.for('isojwt.backend')]" }, { conditions })
  return (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)).default ?? 'unknown'
}

// ---- child processes: every one we start is killed when this process ends, however it ends.
const children = new Set()
const cleanups = new Set()

/**
 * spawn() that registers the child for killing when this process ends. The child stays in
 * our process group (not detached), so run-all's group kill at its time limit reaches it
 * too, even when this process is SIGKILLed and cannot clean up.
 */
export function spawnTracked(cmd, args, options = {}) {
  const child = spawn(cmd, args, options)
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/** Kill one tracked child (SIGTERM, SIGKILL after 2 s) and wait until it has exited. */
export async function killTracked(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const t = setTimeout(() => child.kill('SIGKILL'), 2000)
  await gone
  clearTimeout(t)
}

let finished = false

/**
 * Register an async cleanup (browser.close(), server.close()) run by runMain before exit.
 * A resource that arrives after runMain gave up (a launch that outlived the watchdog) is
 * cleaned up at once.
 */
export function onCleanup(fn) {
  if (finished) {
    Promise.resolve().then(fn).catch(() => {})
    return () => {}
  }
  cleanups.add(fn)
  return () => cleanups.delete(fn)
}

function killAllSync() {
  for (const child of children) {
    try { child.kill('SIGKILL') } catch { /* already gone */ }
  }
}
process.on('exit', killAllSync)
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { killAllSync(); process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1)) })
}

async function runCleanups() {
  finished = true
  for (const fn of [...cleanups].reverse()) {
    try { await fn() } catch (e) { console.error(`cleanup failed: ${e?.message ?? e}`) }
  }
  cleanups.clear()
  await Promise.all([...children].map(killTracked))
}

/**
 * Run a runner's main(): it returns { version, backend, passed, failed } (runtime is given).
 * Cleans up, prints the RESULT line last, sets the exit code; a watchdog fails the run
 * after `timeoutMs`.
 */
export async function runMain(runtime, main, { timeoutMs = 55_000 } = {}) {
  const started = performance.now()
  let result = { runtime, version: 'unknown', backend: 'unknown', passed: 0, failed: 1 }
  let timer
  const watchdog = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs)
  })
  try {
    const r = await Promise.race([main(), watchdog])
    result = { runtime, version: r.version, backend: r.backend, passed: r.passed, failed: r.failed }
  } catch (e) {
    console.error(`${runtime}: ${e?.stack ?? e}`)
    result.failed = Math.max(result.failed, 1)
  } finally {
    clearTimeout(timer)
    await Promise.race([runCleanups(), new Promise((r) => setTimeout(r, 5000).unref())])
    killAllSync()
  }
  const ok = result.failed === 0 && result.passed > 0
  console.log(`${runtime}: ${ok ? 'ok' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  // Exit explicitly once the line is flushed: work still pending after a timeout (a late
  // launch, a hung evaluate) must not keep the runner alive.
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(ok ? 0 : 1))
}

/**
 * 0, or 1 (printed) when the export condition the bundle took from 'isojwt-probe' (the
 * package prepare.mjs makes with isojwt's own exports map) is not one of `allowed`.
 */
export function conditionProblem(result, allowed) {
  console.log(`export condition '${result.condition}', backend '${result.backend}'`)
  if (allowed.includes(result.condition)) return 0
  console.log(`  FAIL export condition '${result.condition}', expected ${allowed.map((c) => `'${c}'`).join(' or ')}`)
  return 1
}

/** Print the suite's failures readably (they arrive as plain JSON from the other realm). */
export function printFailures(failures) {
  for (const f of failures ?? []) {
    const text = typeof f === 'string' ? f : JSON.stringify(f)
    console.log(`  ${text.startsWith('FAIL') ? text : `FAIL ${text}`}`)
  }
}
