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
