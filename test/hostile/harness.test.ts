/**
 * The hostile harness must be able to fail: each detector is fed a deliberately broken
 * stand-in function and has to report it. (If a detector went blind, the big table
 * would pass vacuously.)
 */
import { describe, expect, it } from 'vitest'
import { JoseError } from '../../src/index.ts'
import { exercise, pollutionSince, snapshotPrototypes, type Position, type Problem } from './harness.ts'
import { HOSTILE, type Hostile } from './values.ts'

const H: Hostile = HOSTILE.find((h) => h.name === 'null')!
const SECRET = 'selftest-secret-0123456789'

async function problemsOf(call: (h: unknown) => unknown, opts: Partial<Position> = {}, isAsync = true, referenceFactor = 0): Promise<string[]> {
  const problems: Problem[] = []
  await exercise({ label: 'stand-in', call, mustReject: () => false, ...opts }, H, isAsync, problems, [SECRET], 50, 300, referenceFactor)
  return problems.map((p) => p.problem)
}

describe('hostile harness detectors', () => {
  it('a clean JoseError rejection reports nothing', async () => {
    expect(await problemsOf(async () => Promise.reject(new JoseError('ERR_JWS_INVALID', 'fixed')))).toEqual([])
  })

  it('reports a TypeError escaping (sync and async)', async () => {
    const p1 = await problemsOf(async () => {
      throw new TypeError('boom')
    })
    expect(p1.some((p) => p.includes('non-JoseError escaped (TypeError'))).toBe(true)
    const p2 = await problemsOf(() => (null as unknown as { x: number }).x, {}, false)
    expect(p2.some((p) => p.includes('non-JoseError'))).toBe(true)
  })

  it('reports a look-alike that is not a real JoseError', async () => {
    const fake = Object.assign(new Error('x'), { code: 'ERR_JWS_INVALID', name: 'JoseError' })
    expect((await problemsOf(async () => Promise.reject(fake))).some((p) => p.includes('non-JoseError'))).toBe(true)
  })

  it('reports an async function throwing synchronously', async () => {
    const problems = await problemsOf(() => {
      throw new JoseError('ERR_JWS_INVALID', 'x')
    })
    expect(problems.some((p) => p.includes('threw synchronously'))).toBe(true)
  })

  it('reports a synchronous export returning a Promise', async () => {
    const problems = await problemsOf(() => Promise.reject(new JoseError('ERR_JWS_INVALID', 'x')), { syncCall: true }, false)
    expect(problems.some((p) => p.includes('returned a Promise'))).toBe(true)
  })

  it('reports acceptance where refusal is required', async () => {
    const problems = await problemsOf(async () => 'ok', { mustReject: () => true })
    expect(problems.filter((p) => p.includes('accepted (must be refused)')).length).toBeGreaterThanOrEqual(2)
  })

  it('reports a consistently slow call; a slow warm-up or a single slow measurement is tolerated', async () => {
    let n = 0
    const problems = await problemsOf(async () => {
      if (n++ >= 1) await new Promise((r) => setTimeout(r, 80))
      throw new JoseError('ERR_JWS_INVALID', 'x')
    })
    expect(problems.some((p) => p.startsWith('took'))).toBe(true)
    let m = 0
    const warmOnly = await problemsOf(async () => {
      if (m++ === 0) await new Promise((r) => setTimeout(r, 80))
      throw new JoseError('ERR_JWS_INVALID', 'x')
    })
    expect(warmOnly).toEqual([])
    let k = 0
    const onceSlow = await problemsOf(async () => {
      if (k++ === 1) await new Promise((r) => setTimeout(r, 80))
      throw new JoseError('ERR_JWS_INVALID', 'x')
    })
    expect(onceSlow).toEqual([])
    let j = 0
    const twiceSlow = await problemsOf(async () => {
      if (j++ === 1 || j === 3) await new Promise((r) => setTimeout(r, 80))
      throw new JoseError('ERR_JWS_INVALID', 'x')
    })
    expect(twiceSlow).toEqual([])
  })

  it('a call over the limit but within a multiple of the machine\'s native reference work is tolerated (a busy machine)', async () => {
    let n = 0
    const slowEveryTime = async () => {
      if (n++ >= 1) await new Promise((r) => setTimeout(r, 80))
      throw new JoseError('ERR_JWS_INVALID', 'x')
    }
    // The reference (parse, freeze and HMAC of a 50 000-member object) takes well over 1 ms.
    expect(await problemsOf(slowEveryTime, {}, true, 1000)).toEqual([])
  })

  it('reports secrets, tokens and long input runs in message, cause, or enumerable props', async () => {
    const inMessage = await problemsOf(async () => Promise.reject(new JoseError('ERR_KEY_INVALID', `bad key ${SECRET}`)))
    expect(inMessage.some((p) => p.includes('leaks'))).toBe(true)
    const inCause = await problemsOf(async () => Promise.reject(new JoseError('ERR_KEY_INVALID', 'x', { cause: new Error(`k=${SECRET}`) })))
    expect(inCause.some((p) => p.includes('leaks'))).toBe(true)
    const inProp = await problemsOf(async () => Promise.reject(Object.assign(new JoseError('ERR_KEY_INVALID', 'x'), { input: 'a'.repeat(100) })))
    expect(inProp.some((p) => p.includes('long input run'))).toBe(true)
  })

  it('reports prototype pollution (and the snapshot sees the restore)', async () => {
    const problems = await problemsOf(async () => {
      ;(Object.prototype as Record<string, unknown>).polluted = 1
      throw new JoseError('ERR_JWS_INVALID', 'x')
    })
    delete (Object.prototype as Record<string, unknown>).polluted
    expect(problems.some((p) => p.includes('prototype pollution') && p.includes('polluted'))).toBe(true)

    const before = snapshotPrototypes()
    const original = Array.prototype.includes
    Array.prototype.includes = function () {
      return true
    }
    const changed = pollutionSince(before)
    Array.prototype.includes = original
    expect(changed.some((p) => p.includes('Array.prototype: property includes changed'))).toBe(true)
    expect(pollutionSince(before)).toEqual([])
  })

  it('reports a hang instead of waiting forever', async () => {
    const problems = await problemsOf(() => new Promise(() => {}))
    expect(problems.some((p) => p.includes('HANG'))).toBe(true)
  })
})
