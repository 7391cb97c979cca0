// Conformance suite in the Edge Runtime emulator (@edge-runtime/vm: Vercel's Edge
// Runtime globals in a Node vm context, eval/new Function disabled).
// Library and suite are one IIFE bundle evaluated INSIDE the VM, so both live in the VM's
// realm; only a JSON string crosses back to Node. The VM's own fetch reaches the loopback
// JWK Set server this runner starts (the suite's remote section).
import { bundle, conditionProblem, onCleanup, runMain, tool, toolVersion, printFailures } from './web-support.mjs'
import { startJwksServer } from './jwks-server.mjs'

const NAME = 'Edge Runtime emulator (@edge-runtime/vm)'
const CONDITIONS = ['edge-light', 'worker', 'browser'] // what Vercel's Edge bundling enables
// In an exports map the first listed key that matches wins: isojwt lists `edge-light`
// before `worker` and `browser`, so Edge builds must take the `edge-light` branch.
const EDGE_BRANCHES = ['edge-light/import']
const ENTRY = `
import * as lib from 'isojwt'
import * as providers from 'isojwt/providers'
import probe from 'isojwt-probe'
import { runSuite } from './conformance/suite.mjs'
globalThis.__isojwtConformance = async (jwksBaseUrl) => JSON.stringify({
  ...(await runSuite(lib, { runtime: 'edge-runtime', jwksBaseUrl, providers, log: (line) => console.log(line) })),
  condition: probe,
})
`

// The VM runs in this process: what it (or Node, for it) writes to stderr while the suite
// runs is the runtime's stderr, and each line is a failure. (run-all runs this runner with
// --pending-deprecation, as the Node runners.)
const stderrLines = []
const writeStderr = process.stderr.write.bind(process.stderr)
process.stderr.write = (chunk, ...rest) => {
  stderrLines.push(...String(chunk).split('\n').filter((l) => l.trim()))
  return writeStderr(chunk, ...rest)
}

await runMain('edge-runtime', async () => {
  const version = `@edge-runtime/vm ${toolVersion('@edge-runtime/vm')} on Node ${process.version}`
  console.log(`${NAME}: ${version}`)
  const { code } = await bundle({ contents: ENTRY }, { conditions: CONDITIONS, format: 'iife' })
  const { EdgeVM } = tool('@edge-runtime/vm')
  const vm = new EdgeVM()
  // Sanity: we are in the emulated realm, not Node's.
  if (vm.evaluate('typeof EdgeRuntime') !== 'string' || vm.evaluate('typeof process') !== 'undefined') {
    throw new Error('EdgeVM context does not look like the Edge Runtime')
  }
  vm.evaluate(code)
  if (vm.evaluate('typeof fetch') !== 'function') throw new Error('the Edge Runtime VM has no fetch')
  const jwks = await startJwksServer()
  onCleanup(jwks.close)
  const result = JSON.parse(await vm.evaluate(`__isojwtConformance(${JSON.stringify(jwks.url)})`))
  printFailures(result.failures)
  for (const line of stderrLines) console.log(`  FAIL stderr: ${line}`)
  return { version, backend: result.backend, passed: result.passed, failed: result.failed + stderrLines.length + conditionProblem(result, EDGE_BRANCHES) }
})
