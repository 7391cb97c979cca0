// The installed package seen from an ES module: static `import` of 'isojwt' and
// 'isojwt/web', plus `require` of both through createRequire, all in one process so
// errors cross copies. Run by run.mjs inside the scratch project.
import * as node from 'isojwt'
import * as web from 'isojwt/web'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { resolveImport, runChecks } from './checks.mjs'

const require = createRequire(import.meta.url)
const appDir = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '')

const { passed, failed } = await runChecks('esm', [
  { name: 'import isojwt', lib: node, file: resolveImport('isojwt'), expectFile: 'dist/node.js', backend: 'node' },
  { name: 'import isojwt/web', lib: web, file: resolveImport('isojwt/web'), expectFile: 'dist/index.js', backend: 'webcrypto' },
  { name: 'require isojwt', lib: require('isojwt'), file: require.resolve('isojwt'), expectFile: 'dist/node.cjs', backend: 'node' },
  { name: 'require isojwt/web', lib: require('isojwt/web'), file: require.resolve('isojwt/web'), expectFile: 'dist/index.cjs', backend: 'webcrypto' },
], appDir)
process.exitCode = failed > 0 || passed === 0 ? 1 : 0
