/**
 * RFC 7515 §4.1.11 crit: extensions the recipient does not understand must make the
 * JWS invalid; a malformed crit is a malformed header.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { isJoseError, verify, verifyJws } from '../../src/index.ts'
import { NOW, T, caught, expectCode, forge } from '../oracle/helpers.ts'

let secret: Uint8Array
const CLAIMS = { sub: 'u', iat: T, exp: T + 600 }

beforeAll(() => {
  secret = new Uint8Array(32).fill(6)
})

const tok = (header: object) => forge({ alg: 'HS256', ...header }, CLAIMS, { alg: 'HS256', key: secret })
const OPTS = { algorithms: ['HS256' as const], now: NOW }

describe('CVE class: crit header ignored', () => {
  it("unknown crit ['x-unknown'] with the member present → ERR_JOSE_NOT_SUPPORTED", async () => {
    const token = tok({ crit: ['x-unknown'], 'x-unknown': 1 })
    await expectCode(() => verify(token, secret, OPTS), 'ERR_JOSE_NOT_SUPPORTED')
    await expectCode(() => verifyJws(token, secret, { algorithms: ['HS256'] }), 'ERR_JOSE_NOT_SUPPORTED')
    // understanding a different extension does not help
    await expectCode(() => verify(token, secret, { ...OPTS, crit: { 'x-other': true } }), 'ERR_JOSE_NOT_SUPPORTED')
  })

  it("accepted when options.crit = { 'x-unknown': true }", async () => {
    const token = tok({ crit: ['x-unknown'], 'x-unknown': 1 })
    const res = await verify(token, secret, { ...OPTS, crit: { 'x-unknown': true } })
    expect(res.payload).toEqual(CLAIMS)
    expect(res.header['x-unknown']).toBe(1)
    const raw = await verifyJws(token, secret, { algorithms: ['HS256'], crit: { 'x-unknown': true } })
    expect(raw.header.crit).toEqual(['x-unknown'])
  })

  it('names inherited from Object.prototype are not "understood"', async () => {
    const token = tok({ crit: ['constructor'], constructor: 1 })
    await expectCode(() => verify(token, secret, OPTS), 'ERR_JOSE_NOT_SUPPORTED')
    const token2 = tok({ crit: ['toString'], toString: 1 })
    await expectCode(() => verify(token2, secret, OPTS), 'ERR_JOSE_NOT_SUPPORTED')
  })

  const malformed: [string, object][] = [
    ['an empty array', { crit: [] }],
    ['not an array (a string)', { crit: 'x-unknown', 'x-unknown': 1 }],
    ['not an array (an object)', { crit: { 'x-unknown': true }, 'x-unknown': 1 }],
    ['null', { crit: null }],
    ['duplicate names', { crit: ['x-unknown', 'x-unknown'], 'x-unknown': 1 }],
    ['a name not present in the header', { crit: ['x-unknown'] }],
    ["a registered name ('alg')", { crit: ['alg'] }],
    ["a registered name ('typ')", { crit: ['typ'], typ: 'JWT' }],
    ["a registered name ('kid')", { crit: ['kid'], kid: 'k' }],
    ['a non-string entry', { crit: [1] }],
  ]

  it.each(malformed)('malformed crit: %s → ERR_JWS_INVALID (even when the name is understood)', async (_l, header) => {
    const token = tok(header)
    // the caller understands x-unknown: only the malformedness can fail
    await expectCode(() => verify(token, secret, { ...OPTS, crit: { 'x-unknown': true } }), 'ERR_JWS_INVALID')
    await expectCode(() => verifyJws(token, secret, { algorithms: ['HS256'], crit: { 'x-unknown': true } }), 'ERR_JWS_INVALID')
  })

  it("an empty-string name (with a '' member) is refused", async () => {
    // API.md does not call '' malformed (jose: ERR_JWS_INVALID); either refusal is fine here
    const token = tok({ crit: [''], '': 1 })
    const e = await caught(() => verify(token, secret, OPTS))
    expect(isJoseError(e)).toBe(true)
    expect(['ERR_JWS_INVALID', 'ERR_JOSE_NOT_SUPPORTED']).toContain((e as { code: string }).code)
  })

  it("b64 listed in crit: true accepted, false → ERR_JWT_INVALID in verify, ERR_JOSE_NOT_SUPPORTED in verifyJws", async () => {
    const t = tok({ crit: ['b64'], b64: true })
    expect((await verify(t, secret, OPTS)).payload).toEqual(CLAIMS)
    const f = tok({ crit: ['b64'], b64: false })
    await expectCode(() => verify(f, secret, OPTS), 'ERR_JWT_INVALID')
    await expectCode(() => verifyJws(f, secret, { algorithms: ['HS256'] }), 'ERR_JOSE_NOT_SUPPORTED')
    const unlisted = tok({ b64: true })
    await expectCode(() => verify(unlisted, secret, OPTS), 'ERR_JWS_INVALID')
  })
})
