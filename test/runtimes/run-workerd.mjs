// Conformance suite in workerd (Cloudflare Workers' runtime), without nodejs_compat.
// Bundles the installed tarball with the workerd conditions, runs `workerd test` on
// test/runtimes/workerd/conformance.capnp; the worker's test() handler runs the suite,
// prints one ISOJWT_RESULT line and throws when anything failed.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, OUT_DIR, bundle, conditionProblem, runMain, spawnTracked, toolVersion, workerdBinary, printFailures } from './web-support.mjs'

const CONFIG = join(ROOT, 'test/runtimes/workerd/conformance.capnp')
const COMPAT_DATE = /compatibilityDate = "([\d-]+)"/.exec(readFileSync(CONFIG, 'utf8'))?.[1]
const ENTRY = `
import * as lib from 'isojwt'
import probe from 'isojwt-probe'
import { runSuite } from './conformance/suite.mjs'
export default {
  async test() {
    const r = await runSuite(lib, { runtime: 'workerd', log: (line) => console.log(line) })
    console.log('ISOJWT_RESULT ' + JSON.stringify({ ...r, condition: probe }))
    if (r.failed > 0) throw new Error(r.failed + ' conformance checks failed in workerd')
  },
}
`

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

await runMain('workerd', async () => {
  const bin = workerdBinary()
  const version = (await run(bin, ['--version'])).stdout.trim().replace(/^workerd\s+/, '')
  console.log(`workerd ${version} (npm workerd ${toolVersion('workerd')}), compatibility date ${COMPAT_DATE}, no nodejs_compat`)
  await bundle({ contents: ENTRY }, {
    conditions: ['workerd', 'worker', 'browser'],
    outfile: join(OUT_DIR, 'workerd/conformance.js'),
  })
  const r = await run(bin, ['test', CONFIG])
  let result
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('ISOJWT_RESULT ')) result = JSON.parse(line.slice('ISOJWT_RESULT '.length))
    else if (line.trim()) console.log(line)
  }
  const status = r.stderr.split('\n').filter((l) => /\[ (PASS|FAIL|TEST) \]|error|exception/i.test(l))
  for (const l of status) console.log(l.replace(/^.*?debug: /, ''))
  if (!result) throw new Error(`workerd test produced no result (exit ${r.code ?? r.signal})\n${r.stderr}`)
  printFailures(result.failures)
  if ((r.code !== 0) !== (result.failed > 0)) throw new Error(`workerd exit ${r.code} disagrees with ${result.failed} failures`)
  return { version, backend: result.backend, passed: result.passed, failed: result.failed + conditionProblem(result, ['workerd/import']) }
})
