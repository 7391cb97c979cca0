// The suite in Node through its ESM loader: `import * as lib from 'isojwt'` (`node` condition).
// Usage: node test/runtimes/run-node.mjs [node20|node22|node24] [path/to/node]
// node20 is the Node running this script; node22 and node24 are the `node` npm packages
// installed in test/runtimes/node22 and node24.
import { join } from 'node:path'
import { ROOT } from './web-support.mjs'
import { runEntry } from './process-support.mjs'

const [runtime = 'node20', bin] = process.argv.slice(2)
const major = /^node(\d+)$/.exec(runtime)?.[1]
await runEntry(runtime, {
  cmd: bin ?? (runtime === 'node20' ? process.execPath : join(ROOT, 'test/runtimes', runtime, 'node_modules/.bin/node')),
  args: ['entry.mjs', runtime],
  condition: 'node/import',
  version: major ? new RegExp(`^v${major}\\.`) : undefined,
})
