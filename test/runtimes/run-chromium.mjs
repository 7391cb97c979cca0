// Conformance suite in headless Chromium: the installed tarball bundled with the
// browser condition, loaded by a <script type="module"> from a loopback server; the
// result comes back through page.evaluate as JSON. The same server (same origin, so no
// CORS) serves the JWK Sets of the suite's remote section under /jwks/ and /jwks-admin/;
// the "[request failed] …/jwks/… net::ERR_ABORTED" and "status of 500/503" console lines
// that section causes are expected (refused bodies are cancelled, 304 bodies dropped);
// any other console error or warning is a failure.
import { bundle, conditionProblem, onCleanup, runMain, printFailures } from './web-support.mjs'
import { launchChromium, serveFiles } from './chromium/browser.mjs'
import { createJwksHandler } from './jwks-server.mjs'

const ENTRY = `
import * as lib from 'isojwt'
import * as providers from 'isojwt/providers'
import probe from 'isojwt-probe'
import { runSuite } from './conformance/suite.mjs'
window.__isojwtConformance = runSuite(lib, { runtime: 'chromium', jwksBaseUrl: location.origin, providers, log: (line) => console.log(line) })
  .then((r) => JSON.stringify({ ...r, condition: probe }))
`
/**
 * What the remote key-set section makes Chromium log, as a browser's stderr: its refused
 * or abandoned JWK Set requests (bodies cancelled, 304 bodies dropped) and the 500/503
 * answers it asks for. Any other console error or warning, or failed request, fails.
 */
const EXPECTED = [
  /^\[request failed\] http:\/\/127\.0\.0\.1:\d+\/jwks\/\S+ net::ERR_ABORTED$/,
  /^\[error\] Failed to load resource: the server responded with a status of 50[03] \([\w ]+\) \(http:\/\/127\.0\.0\.1:\d+\/jwks\/\S+\)$/,
]
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>isojwt conformance</title>
<script type="module" src="/conformance.js"></script>
<p>isojwt conformance suite: see the console.</p>
`

await runMain('chromium', async () => {
  const { code } = await bundle({ contents: ENTRY }, { conditions: ['browser'], platform: 'browser' })
  // A strict script CSP, as many apps ship: the library must not need eval or new Function.
  const jwks = createJwksHandler()
  onCleanup(jwks.stop)
  const origin = await serveFiles(new Map([['/', PAGE], ['/conformance.js', code]]), {
    headers: { 'content-security-policy': "script-src 'self'; object-src 'none'; base-uri 'none'" },
    handler: jwks.handle,
  })
  const { page, version, errors, unexpected } = await launchChromium({ origin, expected: EXPECTED })
  console.log(`Chromium ${version} (headless)`)
  await page.goto(origin + '/')
  await page.waitForFunction(() => window.__isojwtConformance !== undefined, null, { timeout: 10_000 })
  const result = JSON.parse(await page.evaluate(() => window.__isojwtConformance))
  const ua = await page.evaluate(() => navigator.userAgent)
  if (!/Chrome\//.test(ua)) throw new Error(`unexpected user agent ${ua}`)
  printFailures(result.failures)
  if (errors.length > 0) throw new Error(`${errors.length} uncaught page error(s)`)
  return { version, backend: result.backend, passed: result.passed, failed: result.failed + unexpected.length + conditionProblem(result, ['browser/import']) }
})
