// The suite in Node through its ESM loader (`import * as lib from 'isojwt'`, `node`
// condition), or with `--require` through CommonJS (`require('isojwt')`, entry.cjs).
// Usage: node test/runtimes/run-node.mjs [node20|node22|node24|node26] [--require]
// node20 is the Node running this script (the machine's); node22, node24 and node26 are
// the `node` npm packages installed in test/runtimes/node22, node24 and node26.
// --pending-deprecation: deprecations that only warn in later releases show now, and any
// warning is a failure (process-support.mjs reads stderr).
import { join } from 'node:path'
import { ROOT } from './web-support.mjs'
import { runEntry } from './process-support.mjs'

const args = process.argv.slice(2)
const node = args.find((a) => !a.startsWith('--')) ?? 'node20'
const cjs = args.includes('--require')
const runtime = cjs ? `${node}-cjs` : node // the MATRIX row
await runEntry(runtime, {
  cmd: node === 'node20' ? process.execPath : join(ROOT, 'test/runtimes', node, 'node_modules/.bin/node'),
  args: ['--pending-deprecation', cjs ? 'entry.cjs' : 'entry.mjs', runtime],
  condition: cjs ? 'node/require' : 'node/import',
  version: new RegExp(`^v${node.slice(4)}\\.`),
})
