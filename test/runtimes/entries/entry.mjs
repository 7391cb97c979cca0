// Run by Node (ESM), Deno and Bun from .runtimes/app, where prepare.mjs copies it: 'isojwt'
// resolves from the app's node_modules by name, as in a user's project, and
// 'isojwt-probe' (the same exports map, one file per condition) tells which condition won.
// Argument: the runtime's MATRIX key; ISOJWT_JWKS_BASE_URL: the runner's JWK Set server.
// 'isojwt/providers' is passed for the suite's providers section. Prints one ISOJWT_RESULT line for the runner.
import * as lib from 'isojwt'
import * as providers from 'isojwt/providers'
import probe from 'isojwt-probe'
import { runSuite } from './conformance/suite.mjs'

const runtime = globalThis.Deno ? globalThis.Deno.args[0] : process.argv[2]
// Bun also defines process.version (the Node version it emulates), so ask Deno and Bun first.
const version = globalThis.Deno?.version.deno ?? globalThis.Bun?.version ?? process.version
const jwksBaseUrl = globalThis.Deno ? globalThis.Deno.env.get('ISOJWT_JWKS_BASE_URL') : process.env.ISOJWT_JWKS_BASE_URL
const r = await runSuite(lib, { runtime, jwksBaseUrl, providers, log: (line) => console.log(line) })
console.log('ISOJWT_RESULT ' + JSON.stringify({ ...r, version, condition: probe }))
