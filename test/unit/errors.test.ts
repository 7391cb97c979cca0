/**
 * API.md "Errors": every code is produced by some public call, JoseError / isJoseError,
 * and what messages, causes and enumerable properties may (not) contain.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as lib from '../../src/index.ts'
import { JoseError, decode, isJoseError, sign, verify, verifyJws } from '../../src/index.ts'
import type { JoseErrorCode } from '../../src/errors.ts'
import { EXPORTS } from '../conformance/exports.mjs'
import {
  NOW, SECRET, SECRET_STR, T, b64u, badSig, craft, craftSegments, ec, errorTexts, hs, jwk, rejects, segment, type Pair,
} from './helpers.ts'

let P256: Pair

beforeAll(() => {
  P256 = ec('P-256')
})

const HS = { algorithms: ['HS256' as const], now: NOW }

describe('exports', () => {
  it('every export of the package (test/conformance/exports.mjs, checked against index.ts) is a function', () => {
    expect(Object.keys(lib).sort()).toEqual([...EXPORTS].sort())
    for (const name of EXPORTS) expect(typeof (lib as Record<string, unknown>)[name], name).toBe('function')
  })
})

describe('every code comes from a public call', () => {
  const cases: Array<[JoseErrorCode, () => Promise<unknown>]> = [
    ['ERR_JOSE_INVALID_ARGUMENT', () => sign({}, SECRET, { alg: 'HS256', expiresIn: '60' })],
    ['ERR_JWS_INVALID', () => verify('a.b', SECRET, HS)],
    ['ERR_JWT_INVALID', () => verify(hs('[1]'), SECRET, HS)],
    ['ERR_JWS_SIGNATURE_INVALID', () => verify(badSig(hs({})), SECRET, HS)],
    ['ERR_JOSE_ALG_NOT_ALLOWED', () => verify(craft({ alg: 'none' }, {}), SECRET, HS)],
    ['ERR_JOSE_NOT_SUPPORTED', () => verify(hs({}, { alg: 'HS256', crit: ['ext'], ext: 1 }), SECRET, HS)],
    ['ERR_JWT_EXPIRED', () => verify(hs({ exp: T }), SECRET, HS)],
    ['ERR_JWT_NOT_YET_VALID', () => verify(hs({ nbf: T + 1 }), SECRET, HS)],
    ['ERR_JWT_CLAIM_INVALID', () => verify(hs({ iss: 'a' }), SECRET, { ...HS, issuer: 'b' })],
    ['ERR_KEY_INVALID', () => verify(hs({}), SECRET.subarray(1), HS)],
    ['ERR_JWKS_NO_MATCHING_KEY', () => verify(hs({}), () => undefined, HS)],
  ]
  for (const [code, run] of cases) {
    it(code, async () => {
      const err = await rejects(run, code)
      expect(err).toBeInstanceOf(JoseError)
      expect(err).toBeInstanceOf(Error)
      expect(err.name).toBe('JoseError')
      expect(isJoseError(err)).toBe(true)
      expect(typeof err.message).toBe('string')
      expect(err.message.length).toBeGreaterThan(0)
    })
  }

  it('ERR_JOSE_INVALID_ARGUMENT for an insecure remote JWKS URL, checked at creation (a configuration error)', () => {
    let caught: unknown
    try {
      lib.createRemoteJwks('http://jwks.example/keys')
    } catch (e) {
      caught = e
    }
    expect(isJoseError(caught)).toBe(true)
    expect((caught as JoseError).code).toBe('ERR_JOSE_INVALID_ARGUMENT')
  })
})

describe('isJoseError', () => {
  it('recognises JoseErrors and the cross-copy brand', () => {
    expect(isJoseError(new JoseError('ERR_JWS_INVALID', 'x'))).toBe(true)
    expect(isJoseError({ [Symbol.for('isojwt.JoseError')]: true })).toBe(true)
    expect(isJoseError(Object.create({ [Symbol.for('isojwt.JoseError')]: true }))).toBe(true)
  })

  it('rejects everything else without throwing', () => {
    const hostile = new Proxy({}, {
      get() {
        throw new Error('trap')
      },
      has() {
        throw new Error('trap')
      },
      getPrototypeOf() {
        throw new Error('trap')
      },
    })
    for (const v of [undefined, null, 0, 'JoseError', new Error('x'), { code: 'ERR_JWS_INVALID', name: 'JoseError' },
      { [Symbol('isojwt.JoseError')]: true }, hostile, () => {}]) {
      expect(isJoseError(v)).toBe(false)
    }
  })

  it('a JoseError thrown from a resolver keeps its identity and code', async () => {
    const e = new JoseError('ERR_JWT_CLAIM_INVALID', 'custom', { claim: 'tenant', reason: 'invalid' })
    await expect(verify(hs({}), () => {
      throw e
    }, HS)).rejects.toBe(e)
  })
})

describe('messages leak nothing', () => {
  /** Asserts none of `secrets` (each ≥ 16 chars) appears in any text of the error. */
  function clean(err: unknown, secrets: string[]): void {
    const texts = errorTexts(err)
    expect(texts.length).toBeGreaterThan(0)
    for (const text of texts) {
      for (const s of secrets) {
        expect(s.length).toBeGreaterThanOrEqual(16)
        expect(text.includes(s), `error text leaks ${s.slice(0, 12)}…: ${text.slice(0, 200)}`).toBe(false)
      }
    }
  }

  const parts3 = (t: string) => t.split('.') as [string, string, string]

  it('signature, expiry and claim failures: no token, no signature segment, no secret', async () => {
    const secretText = Buffer.from(SECRET).toString('base64url')
    const tokens = [
      badSig(hs({ sub: 'x' })),
      hs({ exp: T - 5, sub: 'someone' }),
      hs({ nbf: T + 5 }),
      hs({ iss: 'https://evil.example/with/a/long/path' }),
      hs({ aud: 'the-wrong-audience-value-here' }),
      hs('[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]'),
      hs({ iss: 12345 }),
    ]
    for (const t of tokens) {
      let caught: unknown
      try {
        await verify(t, SECRET, { ...HS, issuer: 'https://good.example', audience: 'the-right-one' })
      } catch (e) {
        caught = e
      }
      expect(isJoseError(caught)).toBe(true)
      const [h, p, s] = parts3(t)
      clean(caught, [t, s, `${h}.${p}`, secretText, Buffer.from(SECRET).toString('hex'), Buffer.from(SECRET).toString('base64')])
    }
  })

  it('string secrets never appear (too short, looks like PEM, looks like JSON)', async () => {
    const short = 'short-secret-31-bytes-long-abcd'
    const pemish = 'my-secret-value-----BEGIN-not-a-pem-at-all'
    const jsonish = '{"kty":"oct","k":"c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZw"}'
    for (const key of [short, pemish, jsonish]) {
      const v = await rejects(() => verify(hs({}), key, HS), 'ERR_KEY_INVALID')
      clean(v, [key, key.slice(0, 16), key.slice(-16)])
      const s = await rejects(() => sign({}, key, { alg: 'HS256' }), 'ERR_KEY_INVALID')
      clean(s, [key, key.slice(0, 16), key.slice(-16)])
    }
    const ok = await rejects(() => verify(badSig(hs({})), SECRET_STR, HS), 'ERR_JWS_SIGNATURE_INVALID')
    clean(ok, [SECRET_STR])
  })

  it("a JWK's d or k never appears", async () => {
    const d = P256.privJwk.d as string
    const e1 = await rejects(() => verify(craft({ alg: 'ES256' }, {}, P256.privateKey), P256.privJwk, { now: NOW }), 'ERR_KEY_INVALID')
    clean(e1, [d])
    const e2 = await rejects(() => sign({}, jwk(P256.privJwk, { alg: 'ES384' }), { alg: 'ES384' }), 'ERR_KEY_INVALID')
    clean(e2, [d])
    const e3 = await rejects(() => sign({}, jwk(P256.privJwk, { use: 'enc' }), {}), 'ERR_KEY_INVALID')
    clean(e3, [d])
    const k = Buffer.alloc(31, 0x5a).toString('base64url')
    const e4 = await rejects(() => verify(hs({}), { kty: 'oct', k }, HS), 'ERR_KEY_INVALID')
    clean(e4, [k])
    const k2 = b64u(SECRET)
    const e5 = await rejects(() => verify(badSig(hs({})), { kty: 'oct', k: k2 }, HS), 'ERR_JWS_SIGNATURE_INVALID')
    clean(e5, [k2])
    const e6 = await rejects(() => verify(hs({}), { kty: 'oct', k: k2, alg: 'RS256' }, { ...HS, algorithms: ['RS256'] }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    clean(e6, [k2])
  })

  it('platform error messages (JSON.parse) are replaced before becoming a cause', async () => {
    const marker = 'SENSITIVE_MARKER_0123456789'
    const h = b64u(`{"alg":"HS256","x":${marker}}`)
    const t = craftSegments(h, segment({}), SECRET, 'HS256')
    const e = await rejects(() => verify(t, SECRET, HS), 'ERR_JWS_INVALID')
    clean(e, [marker, t])
    const p = b64u(`{"sub":${marker}}`)
    const t2 = craftSegments(segment({ alg: 'HS256' }), p, SECRET, 'HS256')
    const e2 = await rejects(() => verify(t2, SECRET, HS), 'ERR_JWT_INVALID')
    clean(e2, [marker, t2])
    let e3: unknown
    try {
      decode(t)
    } catch (err) {
      e3 = err
    }
    clean(e3, [marker])
  })
})

describe('untrusted header and claim text in messages', () => {
  const LONG = 'A'.repeat(65)
  const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

  async function messageOf(run: () => Promise<unknown>): Promise<string> {
    try {
      await run()
    } catch (e) {
      expect(isJoseError(e)).toBe(true)
      return (e as JoseError).message
    }
    throw new Error('expected a rejection')
  }

  const evil = (n: number) => `${'A'.repeat(n)}\u0000\n\r\u001b[31m\u202e\u2028`

  it('at most 64 characters of any untrusted value, control characters escaped', async () => {
    const runs: Array<() => Promise<unknown>> = [
      () => verify(craft({ alg: evil(200) }, {}, SECRET, 'HS256'), SECRET, HS),
      () => verify(craft({ alg: `\u0000${'A'.repeat(200)}` }, {}, SECRET, 'HS256'), SECRET, HS),
      () => verify(hs({}, { alg: 'HS256', typ: evil(200) }), SECRET, HS),
      () => verify(hs({}, { alg: 'HS256', typ: `\n${'A'.repeat(200)}` }), SECRET, HS),
      () => verify(hs({}, { alg: 'HS256', crit: [evil(200)], [evil(200)]: 1 }), SECRET, HS),
      () => verify(hs({ iss: evil(200) }), SECRET, { ...HS, issuer: 'good' }),
      () => verify(hs({ aud: [evil(200)] }), SECRET, { ...HS, audience: 'good' }),
      () => verify(hs({ sub: `\u202e${'A'.repeat(200)}` }), SECRET, { ...HS, subject: 'good' }),
      () => verify(hs({}, { alg: 'HS256', kid: evil(200) }), () => undefined, HS),
      () => verifyJws(craft({ alg: evil(200) }, 'x', SECRET, 'HS256'), SECRET, { algorithms: ['HS256'] }),
    ]
    for (const run of runs) {
      const message = await messageOf(run)
      expect(message.includes(LONG), `message carries > 64 untrusted chars: ${message.slice(0, 120)}`).toBe(false)
      expect(CONTROL.test(message), `message carries raw control/bidi characters: ${JSON.stringify(message)}`).toBe(false)
    }
  })

  it('short untrusted values may be quoted, but escaped', async () => {
    const message = await messageOf(() => verify(hs({}, { alg: 'HS256', typ: 'x\ny' }), SECRET, HS))
    expect(message).not.toContain('x\ny')
  })
})

describe('one public boundary: nothing but JoseErrors', () => {
  it('bad argument types reject with JoseErrors', async () => {
    const calls: Array<() => Promise<unknown>> = [
      () => verify(123 as never, SECRET, HS),
      () => verify(hs({}), null as never, HS),
      () => verify(hs({}), SECRET, 'opts' as never),
      () => verify(hs({}), SECRET, { ...HS, algorithms: 'HS256' as never }),
      () => sign(null as never, SECRET, { alg: 'HS256' }),
      () => sign({}, null as never, { alg: 'HS256' }),
      () => sign({}, 5 as never, { alg: 'HS256' }),
      () => sign({}, SECRET, 5 as never),
      () => verifyJws(null as never, SECRET),
      () => lib.importKey(null as never, 'HS256'),
      () => lib.exportJwk(null as never),
      () => lib.thumbprint(null as never),
      () => lib.generateKeyPair(null as never),
      () => lib.signJws('x', SECRET, null as never),
    ]
    for (const call of calls) {
      let result: unknown
      try {
        result = call()
      } catch (e) {
        throw new Error(`threw synchronously: ${String(e)}`)
      }
      let caught: unknown = 'resolved'
      try {
        await result
      } catch (e) {
        caught = e
      }
      expect(isJoseError(caught), `${call.toString()} → ${String(caught)}`).toBe(true)
    }
  })
})

describe('JoseError own properties', () => {
  it('an error without details has `code` as its only own enumerable property; details appear only when set', () => {
    const plain = new JoseError('ERR_JWS_INVALID', 'x')
    expect(Object.keys(plain)).toEqual(['code'])
    for (const name of ['claim', 'reason', 'expiredAt', 'notBefore', 'payload']) expect(name in plain, name).toBe(false)
    const claim = new JoseError('ERR_JWT_CLAIM_INVALID', 'x', { claim: 'aud', reason: 'mismatch' })
    expect(Object.keys(claim).sort()).toEqual(['claim', 'code', 'reason'])
    expect('expiredAt' in claim).toBe(false)
  })
})
