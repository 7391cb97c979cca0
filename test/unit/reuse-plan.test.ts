/**
 * One-shot `verify` and `sign` remember the plan made from an options object they see
 * again (src/jose/options.ts reusePlan). Whatever the caller changes in that object
 * between calls must take effect on the next call, exactly as if nothing were remembered.
 */
import { describe, expect, it, vi } from 'vitest'
import { createSigner, createVerifier, decode, sign, verify } from '../../src/index.ts'
import { reusePlan, type PlanSlot } from '../../src/jose/options.ts'
import { SIGN_OPTIONS } from '../../src/jwt/sign.ts'
import { VERIFY_OPTIONS } from '../../src/jwt/verify.ts'
import { expectCode } from '../oracle/helpers.ts'
import { NOW, SECRET, T } from './helpers.ts'

// A function clock keeps the options object rememberable (a Date is an object: never remembered).
const clock = () => NOW

const token = (claims: Record<string, unknown>) => sign({ iat: T, exp: T + 600, ...claims }, SECRET, { alg: 'HS256' })

describe('verify with one options object used again', () => {
  it('an audience array changed in place applies to the next call', async () => {
    const t = await token({ aud: 'api' })
    const audience = ['api']
    const options = { algorithms: ['HS256' as const], audience, now: clock }
    await verify(t, SECRET, options)
    await verify(t, SECRET, options) // now remembered
    audience[0] = 'other'
    await expectCode(() => verify(t, SECRET, options), 'ERR_JWT_CLAIM_INVALID')
    audience[0] = 'api'
    await expect(verify(t, SECRET, options)).resolves.toBeDefined()
  })

  it('a property set, replaced or deleted applies to the next call', async () => {
    const t = await token({ iss: 'a' })
    const options: Record<string, unknown> = { algorithms: ['HS256'], now: clock }
    await verify(t, SECRET, options)
    await verify(t, SECRET, options)
    options.issuer = 'b'
    await expectCode(() => verify(t, SECRET, options), 'ERR_JWT_CLAIM_INVALID')
    options.issuer = 'a'
    await verify(t, SECRET, options)
    delete options.issuer
    options.audiance = 'api' // misspelt: refused on this call, not served from memory
    await expectCode(() => verify(t, SECRET, options), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  it('a Date `now` moved in place is read again (objects are never remembered)', async () => {
    const t = await token({})
    const now = new Date(NOW)
    const options = { algorithms: ['HS256' as const], now }
    await verify(t, SECRET, options)
    now.setTime((T + 601) * 1000)
    await expectCode(() => verify(t, SECRET, options), 'ERR_JWT_EXPIRED')
  })

  it('a getter is read on every call', async () => {
    const t = await token({ sub: 's1' })
    let subject = 's1'
    const options = { algorithms: ['HS256' as const], now: clock, get subject() { return subject } }
    await verify(t, SECRET, options)
    await verify(t, SECRET, options)
    subject = 's2'
    await expectCode(() => verify(t, SECRET, options), 'ERR_JWT_CLAIM_INVALID')
  })
})

describe('options are read once per call', () => {
  it('a getter runs exactly once per call, remembered or not', async () => {
    let reads = 0
    const options = { get alg() { reads++; return 'HS256' as const } }
    for (let i = 1; i <= 3; i++) {
      await sign({}, SECRET, options)
      expect(reads).toBe(i)
    }
    const plain = { algorithms: ['HS256' as const], now: clock }
    const t = await token({})
    let vreads = 0
    const counted = { ...plain, get issuer() { vreads++; return undefined } }
    for (let i = 1; i <= 3; i++) {
      await verify(t, SECRET, counted)
      expect(vreads).toBe(i)
    }
  })
})

describe('options are read name by name, each known name once, in its order', () => {
  // The node build reads the one-shot functions' options with readers written out
  // (src/jose/options.ts, Reader); the WebCrypto build with the loop over the names. The
  // same reads in both: this file runs in both vitest projects.
  const recording = (values: Record<string, unknown>) => {
    const reads: string[] = []
    const options = new Proxy(values, { get: (o, n) => (reads.push(String(n)), Reflect.get(o, n)) })
    return { reads, options }
  }

  it('sign, one-shot and prepared, on every call', async () => {
    const { reads, options } = recording({ alg: 'HS256', now: clock })
    for (let i = 1; i <= 3; i++) {
      await sign({}, SECRET, options)
      expect(reads).toEqual(Array(i).fill(SIGN_OPTIONS).flat())
    }
    reads.length = 0
    createSigner(SECRET, options)
    expect(reads).toEqual(SIGN_OPTIONS)
  })

  it('verify, one-shot and prepared, on every call', async () => {
    const t = await token({})
    const { reads, options } = recording({ algorithms: ['HS256'], now: clock })
    for (let i = 1; i <= 3; i++) {
      await verify(t, SECRET, options)
      expect(reads).toEqual(Array(i).fill(VERIFY_OPTIONS).flat())
    }
    reads.length = 0
    createVerifier(SECRET, options)
    expect(reads).toEqual([...VERIFY_OPTIONS, 'cache', 'cacheTtl'])
  })

  it('no options: nothing read, not even a name a polluted Object.prototype carries', async () => {
    const jwk = { kty: 'oct', k: Buffer.from(SECRET).toString('base64url'), alg: 'HS256' }
    const t = await sign({ iss: 'a' }, SECRET, { alg: 'HS256' }) // the clock's own time: no options at verify
    const proto = Object.prototype as Record<string, unknown>
    proto.issuer = 'https://polluted.example'
    try {
      expect((await verify(t, jwk)).payload.iss).toBe('a')
      expect(decode(await sign({}, jwk)).payload.iss).toBeUndefined()
    } finally {
      delete proto.issuer
    }
  })
})

describe('sign with one options object used again', () => {
  it('changed claims, kid and alg apply to the next call', async () => {
    const options: Record<string, unknown> = { alg: 'HS256', issuer: 'a', kid: 'k1', now: clock }
    await sign({}, SECRET, options)
    const first = decode(await sign({}, SECRET, options))
    options.issuer = 'b'
    options.kid = 'k2'
    options.alg = 'HS384'
    const second = decode(await sign({}, new Uint8Array(48).fill(7), options))
    expect([first.payload.iss, first.header.kid, first.header.alg]).toEqual(['a', 'k1', 'HS256'])
    expect([second.payload.iss, second.header.kid, second.header.alg]).toEqual(['b', 'k2', 'HS384'])
  })

  it('an audience array changed in place applies to the next call', async () => {
    const audience = ['x']
    const options = { alg: 'HS256' as const, audience, now: clock }
    await sign({}, SECRET, options)
    expect(decode(await sign({}, SECRET, options)).payload.aud).toEqual(['x'])
    audience.push('y')
    expect(decode(await sign({}, SECRET, options)).payload.aud).toEqual(['x', 'y'])
  })
})

// The names reusePlan reads in these tests (the one-shot functions pass their option names).
const NAMES = ['a', 'b', 'c', 'd', 'f', 'h', 'l', 'list', 'other', 'aud'] as const

describe('reusePlan', () => {
  it('plans from a copy, reuses while the values are the same, in one object or a fresh literal', () => {
    const slot: PlanSlot<unknown> = { memo: undefined }
    const make = vi.fn((o: unknown) => ({ from: o }))
    const options: Record<string, unknown> = { a: 1, list: ['x'], f: clock }
    const first = reusePlan(slot, options, NAMES, make)
    expect(make.mock.calls[0]![0]).not.toBe(options) // planned from a copy of what was read
    expect(make.mock.calls[0]![0]).toEqual(options)
    expect(reusePlan(slot, options, NAMES, make)).toBe(first)
    expect(reusePlan(slot, { a: 1, list: ['x'], f: clock }, NAMES, make)).toBe(first) // equal values, fresh object
    expect(make).toHaveBeenCalledTimes(1)
    ;(options.list as string[]).push('y')
    const second = reusePlan(slot, options, NAMES, make)
    expect(second).not.toBe(first)
    expect(make.mock.calls[1]![0]).toEqual({ a: 1, list: ['x', 'y'], f: clock })
    options.b = 2
    reusePlan(slot, options, NAMES, make)
    expect(make).toHaveBeenCalledTimes(3)
    reusePlan(slot, { other: 1 }, NAMES, make) // other values take the slot
    reusePlan(slot, options, NAMES, make)
    expect(make).toHaveBeenCalledTimes(5)
    reusePlan(slot, { a: 1, f: () => NOW }, NAMES, make) // another function is another value
    reusePlan(slot, { a: 1, f: () => NOW }, NAMES, make)
    expect(make).toHaveBeenCalledTimes(7)
  })

  it('the same values under the same names in another order are the same options; an array where a string was is planned afresh', () => {
    const slot: PlanSlot<unknown> = { memo: undefined }
    const make = vi.fn((o: unknown) => ({ ...(o as object) }))
    reusePlan(slot, { a: 1, b: 2 }, NAMES, make)
    expect(reusePlan(slot, { b: 2, a: 1 }, NAMES, make)).toEqual({ b: 2, a: 1 })
    reusePlan(slot, { aud: 'x' }, NAMES, make)
    expect(reusePlan(slot, { aud: ['x'] }, NAMES, make)).toEqual({ aud: ['x'] })
    expect(make).toHaveBeenCalledTimes(3)
  })

  it('never remembers a Date, a nested object or an array of objects, and plans them from the values read', () => {
    const slot: PlanSlot<unknown> = { memo: undefined }
    const make = vi.fn((o: unknown) => ({ from: o }))
    for (const odd of [{ d: new Date() }, { h: { x: 1 } }, { l: [{}] }]) {
      make.mockClear()
      for (let i = 0; i < 3; i++) reusePlan(slot, odd, NAMES, make)
      expect(make).toHaveBeenCalledTimes(3)
      for (const call of make.mock.calls) expect(call[0]).toEqual(odd) // what was read, once (a getter runs once per call)
    }
  })

  it('an own __proto__ name is refused; a value a prototype carries is read and remembered like an own one', () => {
    const slot: PlanSlot<unknown> = { memo: undefined }
    const make = vi.fn((o: unknown) => ({ ...(o as object) }))
    expect(() => reusePlan(slot, JSON.parse('{"__proto__": 1}'), NAMES, make)).toThrow(expect.objectContaining({ code: 'ERR_JOSE_INVALID_ARGUMENT' }))
    expect(make).not.toHaveBeenCalled()
    const inherited = Object.create({ a: 1 })
    expect(reusePlan(slot, inherited, NAMES, make)).toEqual({ a: 1 })
    expect(reusePlan(slot, inherited, NAMES, make)).toEqual({ a: 1 })
    expect(make).toHaveBeenCalledTimes(1)
  })
})

describe('reusePlan: names, not just values', () => {
  it('a name swapped for another (same count, old value undefined) is planned afresh', () => {
    const slot: PlanSlot<unknown> = { memo: undefined }
    const make = vi.fn((o: unknown) => ({ ...(o as object) }))
    const options: Record<string, unknown> = { a: 1, b: undefined }
    reusePlan(slot, options, NAMES, make)
    reusePlan(slot, options, NAMES, make)
    delete options.b
    options.c = 'x'
    expect(reusePlan(slot, options, NAMES, make)).toEqual({ a: 1, c: 'x' })
  })
})
