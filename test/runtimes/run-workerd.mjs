// Conformance suite in workerd (Cloudflare Workers' runtime), without nodejs_compat.
// Bundles the installed tarball with the workerd conditions, runs `workerd test` on
// test/runtimes/workerd/conformance.capnp; the worker's test() handler runs the suite,
// prints one ISOJWT_RESULT line and throws when anything failed; any stderr line but
// workerd's own test status is a failure. The suite's remote
// key-set section fetches from a loopback JWK Set server started here.
// Then the remote key-set concurrency check (workerd/jwks-concurrency.mjs).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  ROOT, OUT_DIR, bundle, conditionProblem, onCleanup, runMain, toolVersion, workerdBinary, printFailures,
} from './web-support.mjs'
import { startJwksServer } from './jwks-server.mjs'
import { remoteJwksConcurrency, run } from './workerd/jwks-concurrency.mjs'

const CONFIG = join(ROOT, 'test/runtimes/workerd/conformance.capnp')
const COMPAT_DATE = /compatibilityDate = "([\d-]+)"/.exec(readFileSync(CONFIG, 'utf8'))?.[1]
const CONDITIONS = ['workerd', 'worker', 'browser']
/** The lines `workerd test` itself writes to stderr for a passing test. */
const EXPECTED_STDERR = /^\S+: debug: \[ (TEST|PASS) \] conformance( \([\d.]+m?s\))?$/
const ENTRY = `
import * as lib from 'isojwt'
import * as providers from 'isojwt/providers'
import probe from 'isojwt-probe'
import { runSuite } from './conformance/suite.mjs'
export default {
  async test(controller, env) {
    const r = await runSuite(lib, { runtime: 'workerd', jwksBaseUrl: env.JWKS_BASE_URL, providers, log: (line) => console.log(line) })
    console.log('ISOJWT_RESULT ' + JSON.stringify({ ...r, condition: probe }))
    if (r.failed > 0) throw new Error(r.failed + ' conformance checks failed in workerd')
  },
}
`
await runMain('workerd', async () => {
  const bin = workerdBinary()
  const version = (await run(bin, ['--version'])).stdout.trim().replace(/^workerd\s+/, '')
  console.log(`workerd ${version} (npm workerd ${toolVersion('workerd')}), compatibility date ${COMPAT_DATE}, no nodejs_compat`)
  const jwks = await startJwksServer()
  onCleanup(jwks.close)
  await bundle({ contents: ENTRY }, { conditions: CONDITIONS, outfile: join(OUT_DIR, 'workerd/conformance.js') })
  const r = await run(bin, ['test', CONFIG], { ISOJWT_JWKS_BASE_URL: jwks.url })
  let result
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('ISOJWT_RESULT ')) result = JSON.parse(line.slice('ISOJWT_RESULT '.length))
    else if (line.trim()) console.log(line)
  }
  // workerd's own test status lines are expected on stderr; any other line is a failure.
  const stderr = r.stderr.split('\n').filter((l) => l.trim())
  const unexpected = stderr.filter((l) => !EXPECTED_STDERR.test(l))
  for (const l of stderr) console.log(unexpected.includes(l) ? `  FAIL stderr: ${l}` : l.replace(/^.*?debug: /, ''))
  if (!result) throw new Error(`workerd test produced no result (exit ${r.code ?? r.signal})\n${r.stderr}`)
  printFailures(result.failures)
  if ((r.code !== 0) !== (result.failed > 0)) throw new Error(`workerd exit ${r.code} disagrees with ${result.failed} failures`)
  const concurrency = await remoteJwksConcurrency(jwks)
  return {
    version,
    backend: result.backend,
    passed: result.passed + concurrency.passed,
    failed: result.failed + concurrency.failed + unexpected.length + conditionProblem(result, ['workerd/import']),
  }
})
