// The suite in Node through CommonJS: `const lib = require('isojwt')` (`node` → `require`
// condition, dist/index.cjs), on the Node running this script.
import { runEntry } from './process-support.mjs'

await runEntry('node-cjs', { cmd: process.execPath, args: ['entry.cjs', 'node-cjs'], condition: 'node/require' })
