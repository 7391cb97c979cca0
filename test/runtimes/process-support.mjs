// Shared by the process runners (run-node, run-deno, run-bun): runs one of the
// entry scripts of .runtimes/app in the runtime's own process and turns its ISOJWT_RESULT
// line into the RESULT line (web-support.mjs's runMain: watchdog, cleanup, exit code).
// The runtime's stderr is read too: every line of it is a failure (API.md: nothing the
// library does prints to stderr or triggers a runtime warning).
// The loopback JWK Set server of the suite's remote section runs here, in the runner's
// Node; the entry learns its origin from ISOJWT_JWKS_BASE_URL.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { APP_DIR, TOOLS_DIR, conditionProblem, onCleanup, runMain, spawnTracked } from './web-support.mjs'
import { startJwksServer } from './jwks-server.mjs'

/**
 * The native executable in a platform package of the tools folder, e.g.
 * nativeTool('@oven', 'bin/bun') → node_modules/@oven/bun-linux-x64/bin/bun. The main
 * packages' bins are shims that need their (skipped) install scripts or an extra Node.
 */
export function nativeTool(scope, file) {
  const dir = join(TOOLS_DIR, 'node_modules', scope)
  for (const pkg of existsSync(dir) ? readdirSync(dir).sort() : []) {
    if (existsSync(join(dir, pkg, file))) return join(dir, pkg, file)
  }
  throw new Error(`no ${scope}/*/${file} under ${TOOLS_DIR}: run \`node test/runtimes/prepare.mjs\` first`)
}

/**
 * Run `cmd args` in .runtimes/app, echo its output (the suite prints its own failures) and
 * check what it reports: the suite's counts, the export condition the runtime picked
 * (`condition`, e.g. 'deno/import') and, when given, the runtime version (`version`, a
 * RegExp); the suite itself checks the backend against its matrix row. A wrong condition
 * or version, a non-zero exit, and each line the runtime writes to stderr add one failure.
 */
export function runEntry(runtime, { cmd, args, condition, version, env = {}, timeoutMs = 90_000 }) {
  return runMain(runtime, async () => {
    const jwks = await startJwksServer()
    onCleanup(jwks.close)
    const child = spawnTracked(cmd, args, {
      cwd: APP_DIR, env: { ...process.env, ...env, ISOJWT_JWKS_BASE_URL: jwks.url }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d })
    let result
    let rest = ''
    const onLine = (line) => {
      if (line.startsWith('ISOJWT_RESULT ')) result = JSON.parse(line.slice('ISOJWT_RESULT '.length))
      else console.log(line)
    }
    child.stdout.setEncoding('utf8').on('data', (d) => {
      const lines = (rest + d).split('\n')
      rest = lines.pop()
      lines.forEach(onLine)
    })
    const code = await new Promise((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (c, signal) => resolve(c ?? signal))
    })
    if (rest) onLine(rest)
    if (!result) throw new Error(`${cmd} ${args.join(' ')} exited ${code} without a result`)
    console.log(`${runtime} ${result.version}`)
    const problems = [
      version && !version.test(result.version) && `version ${result.version}, expected ${version}`,
      code !== 0 && `exit code ${code}`,
      ...stderr.split('\n').filter((l) => l.trim()).map((l) => `stderr: ${l}`),
    ].filter(Boolean)
    for (const p of problems) console.log(`  FAIL ${p}`)
    const failed = result.failed + problems.length + conditionProblem(result, [condition])
    return { version: result.version, backend: result.backend, passed: result.passed, failed }
  }, { timeoutMs })
}
