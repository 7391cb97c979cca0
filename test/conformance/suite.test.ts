// The conformance suite under vitest, against the TypeScript source, so `npm test` runs
// it too (the runtime runners in test/runtimes/ run the same suite against the packed build).
// The 'remote key sets' section needs a JWK Set server on loopback: started here.
import { afterAll, beforeAll, expect, test } from 'vitest'
import * as lib from '../../src/index.ts'
import * as providers from '../../src/providers/index.ts'
import { startJwksServer } from '../runtimes/jwks-server.mjs'
import { MATRIX } from './matrix.mjs'
import { runSuite } from './suite.mjs'

let server: Awaited<ReturnType<typeof startJwksServer>>
beforeAll(async () => {
  server = await startJwksServer()
})
afterAll(() => server?.close())

// vitest.config.ts runs this once per backend; each has its row in the matrix.
const runtime = process.env.ISOJWT_BACKEND === 'node' ? 'node20' : 'node20-web'

test(`conformance suite (${runtime} row of the capability matrix)`, async () => {
  const lines: string[] = []
  const result = await runSuite(lib, { runtime, log: (line) => lines.push(line), jwksBaseUrl: server.url, providers })
  expect(lines.at(-1)).toBe(`${result.passed} passed, ${result.failed} failed`)
  expect(result.backend).toBe(MATRIX[runtime].backend)
  expect(result.failures).toEqual([])
  expect(result.failed).toBe(0)
  expect(result.passed).toBeGreaterThan(100)
}, 120_000)
