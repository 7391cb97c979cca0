// The suite's list of exports is the package's own, and the suite fails, never skips, for
// a build that lacks one of them (issue 13: a build that lost createRemoteJwks must fail in
// every runtime). Backend-independent: runs in one vitest project.
import { expect, test } from 'vitest'
import * as lib from '../../src/index.ts'
import { startJwksServer } from '../runtimes/jwks-server.mjs'
import { EXPORTS } from './exports.mjs'
import { runSuite } from './suite.mjs'

test('exports.mjs lists exactly the value exports of src/index.ts', () => {
  expect([...EXPORTS].sort()).toEqual(Object.keys(lib).sort())
})

test('a build with an export the list lacks fails the suite (a new export needs its sections)', async () => {
  const more = { ...lib, extraExport: () => undefined }
  const r = await runSuite(more, { runtime: 'node20-web', log: () => {} })
  expect(r.failures.join('\n')).toContain('exports exports.mjs does not list: expected [], got ["extraExport"]')
}, 120_000)

test('a build without createRemoteJwks fails the suite: the missing export and every remote key-set test', async () => {
  const { createRemoteJwks: _, ...lost } = lib
  const server = await startJwksServer()
  try {
    const r = await runSuite(lost, { runtime: 'node20-web', jwksBaseUrl: server.url, log: () => {} })
    const failed = (section: string) => r.failures.filter((f) => f.startsWith(`FAIL ${section} › `))
    expect(failed('environment').join('\n')).toContain('missing exports: expected [], got ["createRemoteJwks"]')
    expect(failed('remote key sets').length).toBeGreaterThan(5)
    expect(r.passed).toBeGreaterThan(100)
  } finally {
    await server.close()
  }
}, 120_000)
