/**
 * API.md verify: `now`, t = ⌊now/1000⌋, the exp / nbf / iat / maxAge boundaries and the
 * properties the resulting errors carry.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { isExpired, sign, verify } from '../../src/index.ts'
import { NOW, SECRET, T, badSig, hs, parts, rejects, throwsSync } from './helpers.ts'

const HS = { algorithms: ['HS256' as const] }

afterEach(() => {
  vi.useRealTimers()
})

describe('now', () => {
  it('a Date is used as the current time', async () => {
    const token = hs({ exp: T + 10 })
    await expect(verify(token, SECRET, { ...HS, now: new Date((T + 9) * 1000) })).resolves.toBeTruthy()
    await rejects(() => verify(token, SECRET, { ...HS, now: new Date((T + 10) * 1000) }), 'ERR_JWT_EXPIRED')
  })

  it('a function is read exactly once per verify call, and its value is used', async () => {
    const token = hs({ exp: T + 10, nbf: T - 10, iat: T - 5 })
    let calls = 0
    const times = [T, T + 20]
    const now = (): Date => new Date(times[calls++]! * 1000)
    const opts = { ...HS, now, maxAge: 60 }
    await expect(verify(token, SECRET, opts)).resolves.toBeTruthy()
    expect(calls).toBe(1)
    const err = await rejects(() => verify(token, SECRET, opts), 'ERR_JWT_EXPIRED')
    expect(calls).toBe(2)
    expect(err.expiredAt?.getTime()).toBe((T + 10) * 1000)
  })

  it('a function is read exactly once per sign call (iat, exp and nbf from one reading)', async () => {
    let calls = 0
    const now = (): Date => new Date((T + 1000 * calls++) * 1000)
    const a = parts(await sign({}, SECRET, { alg: 'HS256', now, expiresIn: 60, notBefore: 0 })).payload
    expect(calls).toBe(1)
    expect(a).toMatchObject({ iat: T, nbf: T, exp: T + 60 })
    const b = parts(await sign({}, SECRET, { alg: 'HS256', now, expiresIn: 60, notBefore: 0 })).payload
    expect(calls).toBe(2)
    expect(b).toMatchObject({ iat: T + 1000, nbf: T + 1000, exp: T + 1060 })
  })

  it('isExpired reads a function once per call', () => {
    let calls = 0
    const now = (): Date => {
      calls++
      return NOW
    }
    expect(isExpired(hs({ exp: T }), { now })).toBe(true)
    expect(calls).toBe(1)
  })

  it('without now each call reads the clock (never captured)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
    const token = await sign({}, SECRET, { alg: 'HS256', expiresIn: 10 })
    expect(parts(token).payload).toMatchObject({ iat: T, exp: T + 10 })
    await expect(verify(token, SECRET, HS)).resolves.toBeTruthy()
    expect(isExpired(token)).toBe(false)
    vi.setSystemTime(new Date((T + 10) * 1000))
    await rejects(() => verify(token, SECRET, HS), 'ERR_JWT_EXPIRED')
    expect(isExpired(token)).toBe(true)
  })

  it('t = ⌊now/1000⌋: 999 ms past a second still counts as that second', async () => {
    const now = new Date(T * 1000 + 999)
    await expect(verify(hs({ exp: T + 1 }), SECRET, { ...HS, now })).resolves.toBeTruthy()
    await rejects(() => verify(hs({ exp: T }), SECRET, { ...HS, now }), 'ERR_JWT_EXPIRED')
    await expect(verify(hs({ nbf: T }), SECRET, { ...HS, now })).resolves.toBeTruthy()
    await rejects(() => verify(hs({ nbf: T + 1 }), SECRET, { ...HS, now }), 'ERR_JWT_NOT_YET_VALID')
    expect(isExpired(hs({ exp: T + 1 }), { now })).toBe(false)
    expect(isExpired(hs({ exp: T }), { now })).toBe(true)
  })

  it('sign with a sub-second now writes whole seconds close to now', async () => {
    const token = await sign({}, SECRET, { alg: 'HS256', now: new Date(T * 1000 + 700) })
    const iat = parts(token).payload.iat as number
    expect(Number.isInteger(iat)).toBe(true)
    expect(Math.abs(iat - (T + 0.7))).toBeLessThan(1)
  })

  it('a now function that throws is the caller\'s input failing: ERR_JOSE_INVALID_ARGUMENT, never ERR_JWS_INVALID', async () => {
    const now = (): Date => {
      throw new Error('clock unavailable')
    }
    const token = hs({ exp: T + 10 })
    await rejects(() => verify(token, SECRET, { ...HS, now }), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejects(() => sign({}, SECRET, { alg: 'HS256', now }), 'ERR_JOSE_INVALID_ARGUMENT')
    throwsSync(() => isExpired(token, { now }), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  it('an unusable now is ERR_JOSE_INVALID_ARGUMENT', async () => {
    const token = hs({})
    for (const now of [new Date(Number.NaN), T * 1000, 'now', () => 'x', () => new Date(Number.NaN)]) {
      await rejects(() => verify(token, SECRET, { ...HS, now: now as never }), 'ERR_JOSE_INVALID_ARGUMENT')
      await rejects(() => sign({}, SECRET, { alg: 'HS256', now: now as never }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('exp: expired iff exp ≤ t − tol', () => {
  const at = { ...HS, now: NOW }

  it('tolerance 0', async () => {
    await expect(verify(hs({ exp: T + 1 }), SECRET, at)).resolves.toBeTruthy()
    await rejects(() => verify(hs({ exp: T }), SECRET, at), 'ERR_JWT_EXPIRED')
    await rejects(() => verify(hs({ exp: T - 1 }), SECRET, at), 'ERR_JWT_EXPIRED')
    await expect(verify(hs({ exp: T + 0.001 }), SECRET, at)).resolves.toBeTruthy()
  })

  it('tolerance 30 s', async () => {
    const o = { ...at, clockTolerance: 30 }
    await expect(verify(hs({ exp: T - 29 }), SECRET, o)).resolves.toBeTruthy()
    await rejects(() => verify(hs({ exp: T - 30 }), SECRET, o), 'ERR_JWT_EXPIRED')
  })

  it('expiredAt is a Date equal to exp × 1000; payload is the verified payload', async () => {
    const payload = { exp: T - 10, sub: 'alice' }
    const err = await rejects(() => verify(hs(payload), SECRET, at), 'ERR_JWT_EXPIRED')
    expect(err.expiredAt).toBeInstanceOf(Date)
    expect(err.expiredAt!.getTime()).toBe((T - 10) * 1000)
    expect(err.payload).toEqual(payload)
    const frac = await rejects(() => verify(hs({ exp: T - 10.5 }), SECRET, at), 'ERR_JWT_EXPIRED')
    expect(frac.expiredAt!.getTime()).toBe((T - 10.5) * 1000)
  })
})

describe('nbf: not yet valid iff nbf > t + tol', () => {
  const at = { ...HS, now: NOW }

  it('tolerance 0', async () => {
    await expect(verify(hs({ nbf: T }), SECRET, at)).resolves.toBeTruthy()
    await expect(verify(hs({ nbf: T - 1 }), SECRET, at)).resolves.toBeTruthy()
    await rejects(() => verify(hs({ nbf: T + 1 }), SECRET, at), 'ERR_JWT_NOT_YET_VALID')
    await rejects(() => verify(hs({ nbf: T + 0.001 }), SECRET, at), 'ERR_JWT_NOT_YET_VALID')
  })

  it('tolerance 30 s', async () => {
    const o = { ...at, clockTolerance: 30 }
    await expect(verify(hs({ nbf: T + 30 }), SECRET, o)).resolves.toBeTruthy()
    await rejects(() => verify(hs({ nbf: T + 31 }), SECRET, o), 'ERR_JWT_NOT_YET_VALID')
  })

  it('notBefore is a Date equal to nbf × 1000; payload is the verified payload', async () => {
    const payload = { nbf: T + 100, iss: 'x' }
    const err = await rejects(() => verify(hs(payload), SECRET, at), 'ERR_JWT_NOT_YET_VALID')
    expect(err.notBefore).toBeInstanceOf(Date)
    expect(err.notBefore!.getTime()).toBe((T + 100) * 1000)
    expect(err.payload).toEqual(payload)
  })
})

describe('iat and maxAge', () => {
  const at = { ...HS, now: NOW }

  it('without maxAge, iat is only type-checked: a future iat is accepted', async () => {
    await expect(verify(hs({ iat: T + 1_000_000 }), SECRET, at)).resolves.toBeTruthy()
    await expect(verify(hs({ iat: 0 }), SECRET, at)).resolves.toBeTruthy()
    await rejects(() => verify(hs({ iat: 'yesterday' }), SECRET, at), 'ERR_JWT_INVALID')
  })

  it('with maxAge, iat is required', async () => {
    const payload = { exp: T + 100 }
    const err = await rejects(() => verify(hs(payload), SECRET, { ...at, maxAge: 60 }), 'ERR_JWT_CLAIM_INVALID', {
      claim: 'iat',
      reason: 'missing',
    })
    expect(err.payload).toEqual(payload)
  })

  it('fails iff t − iat > maxAge + tol (too_old)', async () => {
    await expect(verify(hs({ iat: T - 60 }), SECRET, { ...at, maxAge: 60 })).resolves.toBeTruthy()
    await rejects(() => verify(hs({ iat: T - 61 }), SECRET, { ...at, maxAge: 60 }), 'ERR_JWT_CLAIM_INVALID', {
      claim: 'iat',
      reason: 'too_old',
    })
    const o = { ...at, maxAge: 60, clockTolerance: 5 }
    await expect(verify(hs({ iat: T - 65 }), SECRET, o)).resolves.toBeTruthy()
    await rejects(() => verify(hs({ iat: T - 66 }), SECRET, o), 'ERR_JWT_CLAIM_INVALID', { reason: 'too_old' })
  })

  it('fails iff iat > t + tol (in_future)', async () => {
    await expect(verify(hs({ iat: T }), SECRET, { ...at, maxAge: 60 })).resolves.toBeTruthy()
    const payload = { iat: T + 1 }
    const err = await rejects(() => verify(hs(payload), SECRET, { ...at, maxAge: 60 }), 'ERR_JWT_CLAIM_INVALID', {
      claim: 'iat',
      reason: 'in_future',
    })
    expect(err.payload).toEqual(payload)
    const o = { ...at, maxAge: 60, clockTolerance: 5 }
    await expect(verify(hs({ iat: T + 5 }), SECRET, o)).resolves.toBeTruthy()
    await rejects(() => verify(hs({ iat: T + 6 }), SECRET, o), 'ERR_JWT_CLAIM_INVALID', { reason: 'in_future' })
  })

  it('maxAge 0 accepts only iat = t', async () => {
    await expect(verify(hs({ iat: T }), SECRET, { ...at, maxAge: 0 })).resolves.toBeTruthy()
    await rejects(() => verify(hs({ iat: T - 1 }), SECRET, { ...at, maxAge: 0 }), 'ERR_JWT_CLAIM_INVALID')
  })
})

describe('NumericDate types', () => {
  const at = { ...HS, now: NOW }
  for (const claim of ['exp', 'nbf', 'iat']) {
    it(`${claim} must be a finite number`, async () => {
      for (const bad of ['1700000000', null, true, [T], { t: T }]) {
        const err = await rejects(() => verify(hs({ [claim]: bad }), SECRET, at), 'ERR_JWT_INVALID')
        expect(err.payload, 'post-signature error carries the payload').toEqual({ [claim]: bad })
      }
      // 1e400 parses to Infinity
      await rejects(() => verify(hs(`{"${claim}":1e400}`), SECRET, at), 'ERR_JWT_INVALID')
      await rejects(() => verify(hs(`{"${claim}":-1e400}`), SECRET, at), 'ERR_JWT_INVALID')
    })
  }
})

describe('payload on errors: present after the signature verified, absent before', () => {
  it('absent on structure, policy and signature errors', async () => {
    const expired = hs({ exp: T - 10 })
    const errs = [
      await rejects(() => verify(badSig(expired), SECRET, { ...HS, now: NOW }), 'ERR_JWS_SIGNATURE_INVALID'),
      await rejects(() => verify(expired.slice(0, expired.lastIndexOf('.')), SECRET, HS), 'ERR_JWS_INVALID'),
      await rejects(() => verify(expired, SECRET, { algorithms: ['HS384'], now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED'),
    ]
    for (const e of errs) expect(e.payload, e.code).toBeUndefined()
  })

  it('isExpired on a malformed token throws like decode', () => {
    throwsSync(() => isExpired('a.b'), 'ERR_JWS_INVALID')
  })
})
