// The conformance suite under vitest, against the TypeScript source, so `npm test` runs
// it too (the runtime runners in test/runtimes/ run the same suite against the packed build).
import { expect, test } from 'vitest'
import * as lib from '../../src/index.ts'
import { MATRIX } from './matrix.mjs'
import { runSuite } from './suite.mjs'

test('conformance suite (node20 row of the capability matrix)', async () => {
  const lines: string[] = []
  const result = await runSuite(lib, { runtime: 'node20', log: (line) => lines.push(line) })
  expect(lines.at(-1)).toBe(`${result.passed} passed, ${result.failed} failed`)
  expect(result.backend).toBe(MATRIX.node20.backend)
  expect(result.failures).toEqual([])
  expect(result.failed).toBe(0)
  expect(result.passed).toBeGreaterThan(100)
}, 120_000)
