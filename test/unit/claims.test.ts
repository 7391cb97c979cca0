/**
 * API.md verify: typ rule, exact iss/aud/sub matching, requiredClaims, registered claim
 * types, and the order of checks (first failure wins; signature before claims).
 */
import { describe, expect, it } from 'vitest'
import { verify } from '../../src/index.ts'
import type { VerifyOptions } from '../../src/types.ts'
import { NOW, SECRET, T, badSig, hs, rejects } from './helpers.ts'

const base: VerifyOptions = { algorithms: ['HS256'], now: NOW }
const ok = (token: string, o: VerifyOptions = {}) => expect(verify(token, SECRET, { ...base, ...o })).resolves.toBeTruthy()
const fails = (token: string, o: VerifyOptions, code: Parameters<typeof rejects>[1], props?: Record<string, unknown>) =>
  rejects(() => verify(token, SECRET, { ...base, ...o }), code, props)

const withTyp = (typ: unknown, payload: Record<string, unknown> = {}) =>
  hs(payload, typ === undefined ? { alg: 'HS256' } : { alg: 'HS256', typ })

describe('typ', () => {
  it('default: absent or JWT (case-insensitive, application/ prefix optional)', async () => {
    for (const typ of [undefined, 'JWT', 'jwt', 'Jwt', 'application/jwt', 'APPLICATION/JWT', 'application/JWT']) {
      await ok(withTyp(typ))
    }
  })

  it('default: anything else is ERR_JWT_CLAIM_INVALID with claim typ', async () => {
    for (const typ of ['at+jwt', 'application/at+jwt', 'logout+jwt', 'JOSE', 'JOSE+JSON', 'JWS', 'text/jwt', 'jwt ', 'xjwt']) {
      const payload = { sub: 'a' }
      const err = await fails(withTyp(typ, payload), {}, 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' })
      expect(['mismatch', 'invalid'], `reason for typ ${typ}`).toContain(err.reason)
      expect(err.payload).toEqual(payload)
    }
  })

  it('option string: compared after media-type normalisation on both sides', async () => {
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/At+Jwt']) {
      await ok(withTyp(typ), { typ: 'at+jwt' })
      await ok(withTyp(typ), { typ: 'application/at+jwt' })
    }
    await fails(withTyp('JWT'), { typ: 'at+jwt' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' })
    await fails(withTyp(undefined), { typ: 'at+jwt' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' })
    await fails(withTyp('at+jwt2'), { typ: 'at+jwt' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' })
    await fails(withTyp('at'), { typ: 'at+jwt' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' })
    await fails(withTyp('example/at+jwt'), { typ: 'at+jwt' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' })
  })

  it('option array: any listed value', async () => {
    const o = { typ: ['JWT', 'at+jwt'] }
    await ok(withTyp('JWT'), o)
    await ok(withTyp('application/at+jwt'), o)
    await fails(withTyp('logout+jwt'), o, 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' })
  })

  it('option false: any typ, or none', async () => {
    for (const typ of [undefined, 'JWT', 'at+jwt', 'whatever', 'application/x-anything']) {
      await ok(withTyp(typ), { typ: false })
    }
  })

  it('an unusable typ option is ERR_JOSE_INVALID_ARGUMENT', async () => {
    for (const typ of [5, true, {}, [5]]) {
      await fails(withTyp('JWT'), { typ: typ as never }, 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('issuer', () => {
  const token = hs({ iss: 'https://id.example' })

  it('exact, case-sensitive equality; no prefix, suffix, wildcard or regex', async () => {
    await ok(token, { issuer: 'https://id.example' })
    for (const issuer of ['https://id.example/', 'HTTPS://ID.EXAMPLE', 'https://id', 'id.example', '*', '.*', 'https://id.exampl']) {
      await fails(token, { issuer }, 'ERR_JWT_CLAIM_INVALID', { claim: 'iss', reason: 'mismatch' })
    }
  })

  it('an array matches any member', async () => {
    await ok(token, { issuer: ['https://other.example', 'https://id.example'] })
    await fails(token, { issuer: ['https://other.example'] }, 'ERR_JWT_CLAIM_INVALID', { claim: 'iss' })
  })

  it('a missing iss fails when issuer is required', async () => {
    await fails(hs({}), { issuer: 'https://id.example' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'iss' })
  })

  it('RegExp, empty array and non-strings are ERR_JOSE_INVALID_ARGUMENT', async () => {
    for (const issuer of [/.*/, [], [5], 5]) {
      await fails(token, { issuer: issuer as never }, 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('audience', () => {
  it('token aud string, option string or array', async () => {
    const token = hs({ aud: 'api' })
    await ok(token, { audience: 'api' })
    await ok(token, { audience: ['web', 'api'] })
    await fails(token, { audience: 'API' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'aud', reason: 'mismatch' })
    await fails(token, { audience: 'ap' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'aud' })
    await fails(token, { audience: ['api2', 'web'] }, 'ERR_JWT_CLAIM_INVALID', { claim: 'aud' })
  })

  it('token aud array: matches if any token audience is allowed', async () => {
    const token = hs({ aud: ['web', 'api'] })
    await ok(token, { audience: 'api' })
    await ok(token, { audience: ['x', 'web'] })
    await fails(token, { audience: ['x', 'y'] }, 'ERR_JWT_CLAIM_INVALID', { claim: 'aud', reason: 'mismatch' })
    await fails(hs({ aud: [] }), { audience: 'api' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'aud' })
  })

  it('a URL audience needs exact equality', async () => {
    const token = hs({ aud: 'https://api.example/v1' })
    for (const audience of ['https://api.example', 'https://api.example/v1/', 'https://API.example/v1']) {
      await fails(token, { audience }, 'ERR_JWT_CLAIM_INVALID', { claim: 'aud' })
    }
  })

  it('a missing aud fails when audience is given', async () => {
    const err = await fails(hs({}), { audience: 'api' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'aud' })
    expect(['missing', 'mismatch']).toContain(err.reason)
  })

  it('without audience, tokens for any audience are accepted', async () => {
    await ok(hs({ aud: 'someone-else' }))
    await ok(hs({ aud: ['a', 'b'] }))
  })

  it('empty array, RegExp and non-strings are ERR_JOSE_INVALID_ARGUMENT', async () => {
    for (const audience of [[], /api/, 5, [5]]) {
      await fails(hs({ aud: 'api' }), { audience: audience as never }, 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('subject', () => {
  it('exact, case-sensitive equality', async () => {
    await ok(hs({ sub: 'alice' }), { subject: 'alice' })
    await fails(hs({ sub: 'alice' }), { subject: 'Alice' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'sub', reason: 'mismatch' })
    await fails(hs({ sub: 'alice2' }), { subject: 'alice' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'sub' })
    await fails(hs({}), { subject: 'alice' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'sub' })
  })
})

describe('requiredClaims', () => {
  it('each listed claim must be present', async () => {
    const o = { requiredClaims: ['jti', 'tenant'] }
    await ok(hs({ jti: 'j', tenant: 't' }), o)
    await fails(hs({ jti: 'j' }), o, 'ERR_JWT_CLAIM_INVALID', { claim: 'tenant', reason: 'missing' })
    await fails(hs({ tenant: 't' }), o, 'ERR_JWT_CLAIM_INVALID', { claim: 'jti', reason: 'missing' })
  })

  it('inherited Object.prototype names are not "present"', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      await fails(hs({}), { requiredClaims: [name] }, 'ERR_JWT_CLAIM_INVALID', { claim: name, reason: 'missing' })
    }
  })

  it('an unusable requiredClaims is ERR_JOSE_INVALID_ARGUMENT', async () => {
    for (const requiredClaims of ['jti', [5], {}]) {
      await fails(hs({ jti: 'j' }), { requiredClaims: requiredClaims as never }, 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('claims are own members only ("__proto__" in the JSON is just a name)', () => {
  const polluted = '{"__proto__":{"iss":"good","sub":"good","aud":"good","jti":"j","exp":1,"nbf":9999999999}}'

  it('iss / sub / aud inside "__proto__" do not satisfy the options', async () => {
    await fails(hs(polluted), { issuer: 'good' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'iss' })
    await fails(hs(polluted), { subject: 'good' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'sub' })
    await fails(hs(polluted), { audience: 'good' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'aud' })
    await fails(hs(polluted), { requiredClaims: ['jti'] }, 'ERR_JWT_CLAIM_INVALID', { claim: 'jti', reason: 'missing' })
  })

  it('exp / nbf inside "__proto__" are not the token\'s exp / nbf', async () => {
    const out = await verify(hs(polluted), SECRET, base)
    expect(Object.keys(out.payload)).toEqual(['__proto__'])
    expect(Object.hasOwn(out.payload, 'iss')).toBe(false)
  })

  it('a header "__proto__" member does not supply alg, typ or crit', async () => {
    const token = hs({}, JSON.parse('{"alg":"HS256","__proto__":{"typ":"at+jwt","crit":["zip"],"b64":false}}'))
    await ok(token)
  })
})

describe('registered claim types (ERR_JWT_INVALID, with or without options asking for them)', () => {
  const cases: Array<Record<string, unknown>> = [
    { iss: 5 },
    { iss: ['a'] },
    { sub: 5 },
    { sub: null },
    { aud: 5 },
    { aud: ['a', 5] },
    { aud: { a: 1 } },
    { jti: 5 },
    { exp: '1' },
    { nbf: false },
    { iat: [] },
  ]
  for (const payload of cases) {
    it(JSON.stringify(payload), async () => {
      const err = await fails(hs(payload), {}, 'ERR_JWT_INVALID')
      expect(err.payload).toEqual(payload)
    })
  }

  it('iss 5 with an issuer option is still a type error, not a mismatch', async () => {
    await fails(hs({ iss: 5 }), { issuer: '5' }, 'ERR_JWT_INVALID')
  })
})

describe('payload must be a JSON object (after the signature)', () => {
  for (const raw of ['[1,2]', 'null', '5', '"str"', 'true', '{"a":1', 'not json']) {
    it(`payload ${raw} → ERR_JWT_INVALID; with a bad signature → ERR_JWS_SIGNATURE_INVALID`, async () => {
      await fails(hs(raw), {}, 'ERR_JWT_INVALID')
      await fails(badSig(hs(raw)), {}, 'ERR_JWS_SIGNATURE_INVALID')
    })
  }
})

describe('order: first failure wins', () => {
  type Case = [name: string, payload: Record<string, unknown>, header: Record<string, unknown>, o: VerifyOptions,
    code: Parameters<typeof rejects>[1], props?: Record<string, unknown>]
  const J = { alg: 'HS256', typ: 'JWT' }
  const AT = { alg: 'HS256', typ: 'at+jwt' }
  const cases: Case[] = [
    ['typ before required presence', {}, AT, { requiredClaims: ['jti'] }, 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' }],
    ['typ before claim types', { exp: 'soon' }, AT, {}, 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' }],
    ['typ before exp', { exp: T - 100 }, AT, {}, 'ERR_JWT_CLAIM_INVALID', { claim: 'typ' }],
    ['required presence before claim types', { exp: 'soon' }, J, { requiredClaims: ['jti'] }, 'ERR_JWT_CLAIM_INVALID',
      { claim: 'jti', reason: 'missing' }],
    ['iat implied by maxAge: presence before claim types', { exp: 'soon' }, J, { maxAge: 60 }, 'ERR_JWT_CLAIM_INVALID',
      { claim: 'iat', reason: 'missing' }],
    ['iat implied by maxAge: presence before iss', { iss: 'bad' }, J, { maxAge: 60, issuer: 'good' },
      'ERR_JWT_CLAIM_INVALID', { claim: 'iat', reason: 'missing' }],
    ['iat implied by maxAge: presence before exp', { exp: T - 100 }, J, { maxAge: 60 }, 'ERR_JWT_CLAIM_INVALID',
      { claim: 'iat', reason: 'missing' }],
    ['required presence before iss', { iss: 'bad' }, J, { requiredClaims: ['jti'], issuer: 'good' },
      'ERR_JWT_CLAIM_INVALID', { claim: 'jti' }],
    ['claim types before iss', { iss: 'bad', nbf: 'x' }, J, { issuer: 'good' }, 'ERR_JWT_INVALID'],
    ['claim types before exp', { exp: T - 100, iat: 'x' }, J, {}, 'ERR_JWT_INVALID'],
    ['iss before sub', { iss: 'bad', sub: 'bad' }, J, { issuer: 'good', subject: 'good' }, 'ERR_JWT_CLAIM_INVALID',
      { claim: 'iss' }],
    ['sub before aud', { sub: 'bad', aud: 'bad' }, J, { subject: 'good', audience: 'good' }, 'ERR_JWT_CLAIM_INVALID',
      { claim: 'sub' }],
    ['aud before nbf', { aud: 'bad', nbf: T + 100 }, J, { audience: 'good' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'aud' }],
    ['iss before exp', { iss: 'bad', exp: T - 100 }, J, { issuer: 'good' }, 'ERR_JWT_CLAIM_INVALID', { claim: 'iss' }],
    ['nbf before exp', { nbf: T + 100, exp: T - 100 }, J, {}, 'ERR_JWT_NOT_YET_VALID'],
    ['exp before maxAge', { exp: T - 100, iat: T - 1000 }, J, { maxAge: 60 }, 'ERR_JWT_EXPIRED'],
    ['nbf before maxAge (in future)', { nbf: T + 100, iat: T + 100 }, J, { maxAge: 60 }, 'ERR_JWT_NOT_YET_VALID'],
  ]
  for (const [name, payload, header, o, code, props] of cases) {
    it(name, async () => {
      const err = await fails(hs(payload, header), o, code, props)
      expect(err.payload, 'post-signature errors carry the payload').toEqual(payload)
    })
  }

  it('signature before claims: every claim failure above with a bad signature is ERR_JWS_SIGNATURE_INVALID', async () => {
    for (const [, payload, header, o] of cases) {
      const err = await fails(badSig(hs(payload, header)), o, 'ERR_JWS_SIGNATURE_INVALID')
      expect(err.payload).toBeUndefined()
    }
    await fails(badSig(hs({ exp: T - 100 })), {}, 'ERR_JWS_SIGNATURE_INVALID')
  })
})
