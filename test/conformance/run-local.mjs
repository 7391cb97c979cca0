// Quick local run of the conformance suite, for development (the real runners in
// test/runtimes/ install the packed tarball and import it by name).
//
//   npm run build && node test/conformance/run-local.mjs            # imports 'isojwt' (self-reference)
//   ISOJWT_RUNTIME=node20-cjs node test/conformance/run-local.mjs     # pick a MATRIX row
//   ISOJWT_ENTRY=../../dist/index.js deno run -A test/conformance/run-local.mjs
//   ISOJWT_ENTRY=../../dist/index.js bun test/conformance/run-local.mjs
//
// ISOJWT_ENTRY, when set, is imported instead of the package name (relative to this
// file). The runtime defaults to what is running: deno, bun, or node<major>.
// The loopback JWK Set server of the 'remote key sets' section is started here (node:http,
// which Deno and Bun provide too). Exit code 1 on any failure.
import { startJwksServer } from '../runtimes/jwks-server.mjs'
import { runSuite } from './suite.mjs'

const env = (name) => globalThis.Deno?.env.get(name) ?? globalThis.process?.env?.[name]

function detectRuntime() {
  if (globalThis.Deno) return 'deno'
  if (globalThis.Bun) return 'bun'
  return `node${globalThis.process.versions.node.split('.')[0]}`
}

const entry = env('ISOJWT_ENTRY')
const lib = await import(entry ? new URL(entry, import.meta.url).href : 'isojwt')
// ISOJWT_PROVIDERS_ENTRY, like ISOJWT_ENTRY, for the providers section (default 'isojwt/providers').
const providersEntry = env('ISOJWT_PROVIDERS_ENTRY')
const providers = await import(providersEntry ? new URL(providersEntry, import.meta.url).href : 'isojwt/providers')
const runtime = env('ISOJWT_RUNTIME') ?? detectRuntime()
const started = Date.now()
const server = await startJwksServer()
const result = await runSuite(lib, { runtime, jwksBaseUrl: server.url, providers })
await server.close()
console.log(`conformance: runtime ${runtime}, backend ${String(result.backend)}, ${((Date.now() - started) / 1000).toFixed(1)} s`)
const code = result.failed === 0 && result.passed > 0 ? 0 : 1
if (globalThis.Deno) globalThis.Deno.exit(code)
else globalThis.process.exitCode = code
