// The CommonJS view of the package: require('isojwt') from .runtimes/app, as a CJS user
// would (the `require` branch of the exports map); the suite itself is ESM, so it comes in
// through a dynamic import. Same output as entry.mjs.
const lib = require('isojwt')
const providers = require('isojwt/providers')
const probe = require('isojwt-probe')

import('./conformance/suite.mjs').then(async ({ runSuite }) => {
  const r = await runSuite(lib, { runtime: process.argv[2], jwksBaseUrl: process.env.ISOJWT_JWKS_BASE_URL, providers, log: (line) => console.log(line) })
  console.log('ISOJWT_RESULT ' + JSON.stringify({ ...r, version: process.version, condition: probe }))
})
