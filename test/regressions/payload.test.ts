/**
 * Payloads that are not JSON objects, and NumericDates that are not finite, carried by
 * tokens with a valid signature.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { decode, sign, signJws, verify, verifyJws } from '../../src/index.ts'
import type { KeyResolver } from '../../src/types.ts'
import { NOW, T, expectCode, forge, utf8 } from '../oracle/helpers.ts'

let secret: Uint8Array

beforeAll(() => {
  secret = new Uint8Array(32).fill(4)
})

const NON_OBJECTS: [string, string][] = [
  ['JSON array', '[{"sub":"admin"}]'],
  ['JSON string', '"admin"'],
  ['JSON number', '42'],
  ['JSON null', 'null'],
  ['JSON true', 'true'],
  ['empty payload', ''],
  ['not JSON', 'sub=admin'],
]

describe('CVE class: non-object JWT payloads accepted', () => {
  it.each(NON_OBJECTS)('%s signed with signJws → verify and decode give ERR_JWT_INVALID', async (_l, text) => {
    const token = await signJws(text, secret, { alg: 'HS256' })
    // the signature is valid: verifyJws returns the bytes unchanged
    const raw = await verifyJws(token, secret, { algorithms: ['HS256'] })
    expect(Buffer.from(raw.payload).toString('utf8')).toBe(text)
    await expectCode(() => verify(token, secret, { algorithms: ['HS256'], now: NOW }), 'ERR_JWT_INVALID')
    await expectCode(() => decode(token), 'ERR_JWT_INVALID')
  })

  it.each(NON_OBJECTS)('%s hand-built (typ JWT) → ERR_JWT_INVALID; the resolver sees payload undefined', async (_l, text) => {
    const token = forge({ alg: 'HS256', typ: 'JWT' }, text, { alg: 'HS256', key: secret })
    const seen: unknown[] = []
    const r: KeyResolver = (_h, tok) => {
      seen.push(tok.payload)
      return secret
    }
    await expectCode(() => verify(token, r, { algorithms: ['HS256'], now: NOW }), 'ERR_JWT_INVALID')
    expect(seen).toEqual([undefined])
    await expectCode(() => decode(token), 'ERR_JWT_INVALID')
  })

  it('a payload that is not UTF-8 → ERR_JWT_INVALID on verify and decode', async () => {
    const token = await signJws(new Uint8Array([0x7b, 0xff, 0x7d]), secret, { alg: 'HS256' })
    await expectCode(() => verify(token, secret, { algorithms: ['HS256'], now: NOW }), 'ERR_JWT_INVALID')
    await expectCode(() => decode(token), 'ERR_JWT_INVALID')
  })

  it('control: an object payload through signJws verifies', async () => {
    const token = await signJws(utf8('{"sub":"x"}'), secret, { alg: 'HS256' })
    expect((await verify(token, secret, { algorithms: ['HS256'], now: NOW })).payload).toEqual({ sub: 'x' })
  })
})

describe('CVE class: non-finite NumericDate (exp: 1e999 parses to Infinity)', () => {
  const cases: [string, string][] = [
    ['exp: 1e999', `{"sub":"a","exp":1e999}`],
    ['exp: -1e999', `{"sub":"a","exp":-1e999}`],
    ['nbf: -1e999', `{"sub":"a","nbf":-1e999,"exp":${T + 60}}`],
    ['iat: 1e999', `{"sub":"a","iat":1e999,"exp":${T + 60}}`],
    ['exp: "9999999999" (a string)', `{"sub":"a","exp":"9999999999"}`],
  ]
  it.each(cases)('%s with a valid signature → ERR_JWT_INVALID', async (_l, text) => {
    const token = forge({ alg: 'HS256' }, text, { alg: 'HS256', key: secret })
    await expectCode(() => verify(token, secret, { algorithms: ['HS256'], now: NOW }), 'ERR_JWT_INVALID')
    // with maxAge (iat then required: presence is checked before types, so only when iat is there)
    if (text.includes('"iat"')) {
      await expectCode(() => verify(token, secret, { algorithms: ['HS256'], now: NOW, maxAge: 60 }), 'ERR_JWT_INVALID')
    }
  })

  it('control: a large finite exp verifies', async () => {
    const token = forge({ alg: 'HS256' }, `{"sub":"a","exp":1e10}`, { alg: 'HS256', key: secret })
    expect((await verify(token, secret, { algorithms: ['HS256'], now: NOW })).payload).toEqual({ sub: 'a', exp: 1e10 })
  })
})

describe('payloads that are a graph, not a tree: refused fast, never walked exponentially', () => {
  // 100 levels, each referring twice to the one below: a tree of 2^100 leaves to a naive walk.
  const shared = (): unknown => {
    let o: unknown = 1
    for (let i = 0; i < 100; i++) o = { a: o, b: o }
    return o
  }
  it('sign and signJws headers refuse a doubly shared object with ERR_JOSE_INVALID_ARGUMENT (a naive walk would never end)', async () => {
    const t0 = performance.now()
    await expectCode(() => sign({ x: shared() }, secret, { alg: 'HS256' }), 'ERR_JOSE_INVALID_ARGUMENT')
    await expectCode(() => signJws('x', secret, { alg: 'HS256', header: { x: shared() } }), 'ERR_JOSE_INVALID_ARGUMENT')
    expect(performance.now() - t0).toBeLessThan(5000)
  })
  it('a self-referencing object is refused as too deep', async () => {
    const o: Record<string, unknown> = {}
    o.a = o
    o.b = o
    await expectCode(() => sign({ x: o }, secret, { alg: 'HS256' }), 'ERR_JOSE_INVALID_ARGUMENT')
  })
})
