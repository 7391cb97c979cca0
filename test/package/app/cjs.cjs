// The installed package seen from a CommonJS module: `require` of 'isojwt' and
// 'isojwt/web', plus dynamic `import()` of both, in one process so errors cross copies.
// Run by run.mjs inside the scratch project.
'use strict'
const node = require('isojwt')
const web = require('isojwt/web')
const { pathToFileURL } = require('node:url')

async function main() {
  // checks.mjs sits in this folder, so its resolveImport resolves as an import() here would.
  const { resolveImport, runChecks } = await import(pathToFileURL(`${__dirname}/checks.mjs`).href)
  const esmNode = await import('isojwt')
  const esmWeb = await import('isojwt/web')
  const { passed, failed } = await runChecks('cjs', [
    { name: 'require isojwt', lib: node, file: require.resolve('isojwt'), expectFile: 'dist/node.cjs', backend: 'node' },
    { name: 'require isojwt/web', lib: web, file: require.resolve('isojwt/web'), expectFile: 'dist/index.cjs', backend: 'webcrypto' },
    { name: 'import() isojwt', lib: esmNode, file: resolveImport('isojwt'), expectFile: 'dist/node.js', backend: 'node' },
    { name: 'import() isojwt/web', lib: esmWeb, file: resolveImport('isojwt/web'), expectFile: 'dist/index.js', backend: 'webcrypto' },
  ], __dirname)
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0
}
main().catch((e) => {
  console.log(`not ok cjs: crashed: ${e?.stack ?? e}`)
  process.exitCode = 1
})
