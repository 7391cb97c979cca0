import { describe, expect, it } from 'vitest'
import { JoseError } from '../../src/index.ts'

// Each vitest project must really run on its backend (vitest.config.ts swaps it).
describe('backend under test', () => {
  it('is the one this project names', () => {
    expect((JoseError as unknown as Record<symbol, unknown>)[Symbol.for('isojwt.backend')]).toBe(process.env.ISOJWT_BACKEND)
  })
})
