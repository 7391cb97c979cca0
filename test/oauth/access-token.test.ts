/** RFC 9068 §4 JWT access tokens: typ, the seven required claims, HS* policy, scopes. */
import { beforeAll, describe, expect, it } from 'vitest'
import { createLocalJwks, sign, verifyAccessToken, type JwtPayload } from '../../src/index.ts'
import { esKeys, NOW, NOW_S, rejects, SECRET, token, omit, type Keys } from './helpers.ts'

const ISS = 'https://as.example'
const AUD = 'https://api.example'
const base = (): JwtPayload => ({
  iss: ISS, sub: 'user-1', aud: AUD, client_id: 'app', iat: NOW_S - 10, exp: NOW_S + 300, jti: 'jti-1', scope: 'read write',
})
const opts = { issuer: ISS, audience: AUD, now: NOW }
let keys: Keys
beforeAll(async () => {
  keys = await esKeys()
})

const at = (p: JwtPayload, typ: string | null = 'at+jwt') => token(p, typ)
const without = (claim: string): JwtPayload => omit(base(), claim)

describe('verifyAccessToken', () => {
  it('accepts a valid RFC 9068 token and returns its scopes', async () => {
    const r = await verifyAccessToken(await at(base()), keys.pub, opts)
    expect(r.payload).toEqual(base())
    expect(r.scopes).toEqual(['read', 'write'])
    expect(r.header.typ).toBe('at+jwt')
  })

  it.each(['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'])('refuses a token without %s', async (claim) => {
    const e = await rejects(verifyAccessToken(await at(without(claim)), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', claim, 'missing')
    expect(e.payload).toEqual(without(claim))
  })

  it.each([
    ['iss', 42, 'ERR_JWT_INVALID'], ['sub', 7, 'ERR_JWT_INVALID'], ['jti', ['x'], 'ERR_JWT_INVALID'], ['aud', 5, 'ERR_JWT_INVALID'],
    ['exp', '1700000300', 'ERR_JWT_INVALID'], ['iat', null, 'ERR_JWT_INVALID'], ['client_id', 12, 'ERR_JWT_CLAIM_INVALID'],
    ['scope', ['read'], 'ERR_JWT_CLAIM_INVALID'],
  ] as const)('refuses %s of the wrong type (%j)', async (claim, value, code) => {
    const e = await rejects(verifyAccessToken(await at({ ...base(), [claim]: value }), keys.pub, opts), code, claim, 'invalid')
    expect(e.payload).toBeDefined()
  })

  it.each([
    ['iss', 'https://other.example', 'ERR_JWT_CLAIM_INVALID', 'mismatch'],
    ['aud', 'https://other-api.example', 'ERR_JWT_CLAIM_INVALID', 'mismatch'],
    ['aud', ['a', 'b'], 'ERR_JWT_CLAIM_INVALID', 'mismatch'],
    ['exp', NOW_S, 'ERR_JWT_EXPIRED', 'too_old'],
    ['nbf', NOW_S + 1, 'ERR_JWT_NOT_YET_VALID', 'in_future'],
  ] as const)('refuses %s with the wrong value (%j)', async (claim, value, code, reason) => {
    await rejects(verifyAccessToken(await at({ ...base(), [claim]: value }), keys.pub, opts), code, claim, reason)
  })

  it('accepts an aud array containing the audience, and several configured audiences', async () => {
    await expect(verifyAccessToken(await at({ ...base(), aud: ['x', AUD] }), keys.pub, opts)).resolves.toBeDefined()
    await expect(verifyAccessToken(await at(base()), keys.pub, { ...opts, audience: ['y', AUD] })).resolves.toBeDefined()
  })

  it('clockTolerance extends exp and nbf', async () => {
    const t = await at({ ...base(), exp: NOW_S - 20 })
    await rejects(verifyAccessToken(t, keys.pub, opts), 'ERR_JWT_EXPIRED')
    await expect(verifyAccessToken(t, keys.pub, { ...opts, clockTolerance: 30 })).resolves.toBeDefined()
  })

  describe('typ (RFC 9068 §4 item 1)', () => {
    it.each(['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/At+Jwt'])('accepts %s', async (typ) => {
      await expect(verifyAccessToken(await at(base(), typ), keys.pub, opts)).resolves.toBeDefined()
    })
    it('refuses a token without typ', async () => {
      await rejects(verifyAccessToken(await at(base(), null), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'typ', 'missing')
    })
    it.each(['JWT', 'jwt', 'at+jwt2', 'application/jwt', 'logout+jwt', 'at+JWT ', 'secevent+jwt'])('refuses %s', async (typ) => {
      await rejects(verifyAccessToken(await at(base(), typ), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'typ', 'mismatch')
    })
    it('typ is checked before any other claim', async () => {
      await rejects(verifyAccessToken(await at({}, 'JWT'), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'typ', 'mismatch')
    })
    it('takes no typ option', async () => {
      await rejects(verifyAccessToken(await at(base()), keys.pub, { ...opts, typ: 'JWT' } as never), 'ERR_JOSE_INVALID_ARGUMENT')
    })
  })

  describe('scopes (RFC 9068 §2.2.3, RFC 6749 §3.3)', () => {
    const withScope = async (scope: unknown) => at({ ...base(), scope })
    it.each([
      ['read write', ['read'], true], ['read write', ['write', 'read'], true], ['read write', [], true],
      ['read', ['rea'], false], ['read', ['read:all'], false], ['reader', ['read'], false], ['read', ['rea', 'read'], false],
      ['read:orders write', ['read'], false], ['  read  write ', ['write'], true], ['READ', ['read'], false],
    ] as const)('scope %j, required %j → %s', async (scope, required, ok) => {
      const p = verifyAccessToken(await withScope(scope), keys.pub, { ...opts, requiredScopes: [...required] })
      if (ok) await expect(p).resolves.toBeDefined()
      else await rejects(p, 'ERR_JWT_CLAIM_INVALID', 'scope', 'mismatch')
    })
    it('scopes are the words, deduplicated, order kept', async () => {
      expect((await verifyAccessToken(await withScope('b a  b c'), keys.pub, opts)).scopes).toEqual(['b', 'a', 'c'])
    })
    it('no scope claim: scopes is [], requiredScopes fails with missing', async () => {
      const t = await at(without('scope'))
      expect((await verifyAccessToken(t, keys.pub, opts)).scopes).toEqual([])
      await rejects(verifyAccessToken(t, keys.pub, { ...opts, requiredScopes: ['read'] }), 'ERR_JWT_CLAIM_INVALID', 'scope', 'missing')
    })
    it.each([[['a b']], [['']], ['read'], [[1]]])('requiredScopes %j is refused as an argument', async (required) => {
      await rejects(verifyAccessToken(await at(base()), keys.pub, { ...opts, requiredScopes: required as never }), 'ERR_JOSE_INVALID_ARGUMENT')
    })
  })

  describe('algorithms (RFC 9068 §4 item 6: HS* only when listed)', () => {
    const hs = () => sign(base(), SECRET, { alg: 'HS256', typ: 'at+jwt', issuedAt: false })
    it('refuses HS256 without algorithms, even with a key that pins HS256', async () => {
      const jwk = { kty: 'oct', alg: 'HS256', k: Buffer.from(SECRET).toString('base64url') }
      await rejects(verifyAccessToken(await hs(), jwk, opts), 'ERR_JOSE_ALG_NOT_ALLOWED')
      await rejects(verifyAccessToken(await hs(), createLocalJwks({ keys: [jwk] }, { allowSymmetric: true }), opts), 'ERR_JOSE_ALG_NOT_ALLOWED')
      await rejects(verifyAccessToken(await hs(), SECRET, opts), 'ERR_JOSE_ALG_NOT_ALLOWED')
    })
    it('accepts HS256 when algorithms lists it', async () => {
      const r = await verifyAccessToken(await hs(), SECRET, { ...opts, algorithms: ['HS256'] })
      expect(r.payload.client_id).toBe('app')
    })
    it('refuses ES256 when algorithms lists only HS256', async () => {
      await rejects(verifyAccessToken(await at(base()), keys.pub, { ...opts, algorithms: ['HS256'] }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    })
    it('header errors come before the HS* policy', async () => {
      const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', crit: ['x'] })).toString('base64url')
      await rejects(verifyAccessToken(`${h}.e30.AAAA`, SECRET, opts), 'ERR_JWS_INVALID')
    })
  })

  describe('options', () => {
    it.each([
      [{ audience: AUD }], [{ issuer: ISS }], [{ issuer: [], audience: AUD }], [{ issuer: '', audience: AUD }],
      [{ issuer: ISS, audience: [] }], [{ ...opts, audiance: AUD }], [undefined],
    ])('refuses %j', async (o) => {
      await rejects(verifyAccessToken(await at(base()), keys.pub, o as never), 'ERR_JOSE_INVALID_ARGUMENT')
    })
    it('a tampered token fails on the signature before any claim', async () => {
      const [h, , s] = (await at(base())).split('.')
      const forged = Buffer.from(JSON.stringify({ ...base(), sub: 'admin' })).toString('base64url')
      await rejects(verifyAccessToken(`${h}.${forged}.${s}`, keys.pub, opts), 'ERR_JWS_SIGNATURE_INVALID')
    })
  })
})
