import { expect } from 'vitest'
import { isJoseError } from '../../src/index.ts'

/** The JoseError code a promise rejected with; 'resolved', or the error's text when it is not a JoseError. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    return isJoseError(e) ? e.code : `non-JoseError ${String(e)}`
  }
  return 'resolved'
}

/** Expects a JoseError with this code (and claim, reason when given); returns it. */
export async function rejects(p: Promise<unknown>, code: string, claim?: string, reason?: string): Promise<Record<string, unknown>> {
  let err: unknown
  try {
    await p
  } catch (e) {
    err = e
  }
  expect(isJoseError(err), `expected a JoseError ${code}, got ${err === undefined ? 'success' : String(err)}`).toBe(true)
  const e = err as Record<string, unknown>
  expect({ code: e.code, ...(claim !== undefined && { claim: e.claim }), ...(reason !== undefined && { reason: e.reason }) })
    .toEqual({ code, ...(claim !== undefined && { claim }), ...(reason !== undefined && { reason }) })
  return e
}
