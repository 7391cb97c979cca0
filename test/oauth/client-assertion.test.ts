/** RFC 7523 §2.2/§3 client assertions (private_key_jwt, client_secret_jwt), replay, lifetime, aud. */
import { beforeAll, describe, expect, it } from 'vitest'
import { decode, signClientAssertion, verifyClientAssertion, type JwtPayload, type ReplayStore } from '../../src/index.ts'
import { esKeys, NOW, NOW_S, rejects, SECRET, token, omit, type Keys } from './helpers.ts'

const CLIENT = 'client-1'
const AS = 'https://as.example'
const opts = { clientId: CLIENT, audience: AS, now: NOW }
const base = (): JwtPayload => ({ iss: CLIENT, sub: CLIENT, aud: AS, jti: 'jti-1', iat: NOW_S - 5, exp: NOW_S + 55 })
let keys: Keys
beforeAll(async () => {
  keys = await esKeys()
})
const without = (claim: string): JwtPayload => omit(base(), claim)

/** A Set-backed store recording each call; atomic because JS runs add() to completion. */
function memoryStore(async = false) {
  const seen = new Set<string>()
  const calls: [string, Date][] = []
  const store: ReplayStore = {
    add(jti, until) {
      calls.push([jti, until])
      const fresh = !seen.has(jti)
      seen.add(jti)
      return async ? new Promise((r) => setTimeout(() => r(fresh), 5)) : fresh
    },
  }
  return { store, calls }
}

describe('signClientAssertion', () => {
  it('private_key_jwt: iss = sub = client id, one aud, random jti, iat, exp 60 s; verifies', async () => {
    const a = await signClientAssertion({ clientId: CLIENT, audience: AS, key: keys.priv, now: NOW })
    const { header, payload } = decode(a)
    expect(header).toEqual({ alg: 'ES256', typ: 'JWT' })
    expect(payload).toEqual({ iss: CLIENT, sub: CLIENT, aud: AS, jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), iat: NOW_S, exp: NOW_S + 60 })
    const r = await verifyClientAssertion(a, keys.pub, opts)
    expect(r.payload).toEqual(payload)
  })

  it('jti is fresh on every call; jwtId and expiresIn override', async () => {
    const jtis = new Set<unknown>()
    for (let i = 0; i < 20; i++) jtis.add(decode(await signClientAssertion({ clientId: CLIENT, audience: AS, key: keys.priv })).payload.jti)
    expect(jtis.size).toBe(20)
    const a = await signClientAssertion({ clientId: CLIENT, audience: AS, key: keys.priv, jwtId: 'mine', expiresIn: '2m', now: NOW })
    expect(decode(a).payload).toMatchObject({ jti: 'mine', exp: NOW_S + 120 })
  })

  it('client_secret_jwt: HS256 with the client secret, verified only with algorithms', async () => {
    const a = await signClientAssertion({ clientId: CLIENT, audience: AS, key: SECRET, alg: 'HS256', now: NOW })
    expect(decode(a).header.alg).toBe('HS256')
    expect((await verifyClientAssertion(a, SECRET, { ...opts, algorithms: ['HS256'] })).payload.sub).toBe(CLIENT)
    await rejects(verifyClientAssertion(a, SECRET, opts), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })

  it.each([
    [{ audience: AS, key: 'k' }], [{ clientId: CLIENT, key: SECRET, alg: 'HS256' }], [{ clientId: CLIENT, audience: [AS], key: SECRET, alg: 'HS256' }],
    [{ clientId: CLIENT, audience: AS, alg: 'HS256' }], [{ clientId: '', audience: AS, key: SECRET, alg: 'HS256' }],
    [{ clientId: CLIENT, audience: AS, key: SECRET, alg: 'HS256', issuer: 'x' }], [{ clientId: CLIENT, audience: AS, key: SECRET, alg: 'none' }],
    [{ clientId: CLIENT, audience: AS, key: SECRET, alg: 'HS256', expiresIn: '60' }], [undefined],
  ])('refuses options %j', async (o) => {
    await rejects(signClientAssertion(o as never), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  it('a public key cannot sign', async () => {
    await rejects(signClientAssertion({ clientId: CLIENT, audience: AS, key: keys.pub }), 'ERR_KEY_INVALID')
  })
})

describe('verifyClientAssertion: claims', () => {
  it.each(['iss', 'sub', 'aud', 'exp'])('refuses an assertion without %s', async (claim) => {
    const e = await rejects(verifyClientAssertion(await token(without(claim), 'JWT'), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', claim, 'missing')
    expect(e.payload).toEqual(without(claim))
  })

  it('iat and jti are optional without a replayStore', async () => {
    const p = without('jti')
    delete p.iat
    await expect(verifyClientAssertion(await token(p, 'JWT'), keys.pub, opts)).resolves.toBeDefined()
  })

  it.each([['iss', 1], ['sub', false], ['aud', { a: 1 }], ['exp', '1'], ['iat', []], ['jti', 3]] as const)('refuses %s of the wrong type', async (claim, value) => {
    await rejects(verifyClientAssertion(await token({ ...base(), [claim]: value }, 'JWT'), keys.pub, opts), 'ERR_JWT_INVALID', claim, 'invalid')
  })

  it.each([
    ['iss', 'client-2', 'ERR_JWT_CLAIM_INVALID', 'mismatch'], ['sub', 'client-2', 'ERR_JWT_CLAIM_INVALID', 'mismatch'],
    ['aud', 'https://as.example/token', 'ERR_JWT_CLAIM_INVALID', 'mismatch'], ['aud', 'https://AS.example', 'ERR_JWT_CLAIM_INVALID', 'mismatch'],
    ['exp', NOW_S, 'ERR_JWT_EXPIRED', 'too_old'], ['nbf', NOW_S + 10, 'ERR_JWT_NOT_YET_VALID', 'in_future'],
    ['iat', NOW_S + 10, 'ERR_JWT_CLAIM_INVALID', 'in_future'],
  ] as const)('refuses %s = %j', async (claim, value, code, reason) => {
    await rejects(verifyClientAssertion(await token({ ...base(), [claim]: value }, 'JWT'), keys.pub, opts), code, claim, reason)
  })

  it('iss and sub must both be the client id (sub alone differing is refused)', async () => {
    await rejects(verifyClientAssertion(await token({ ...base(), iss: 'client-2', sub: 'client-2' }, 'JWT'), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
  })

  describe('aud (RFC 7523 §3 item 3, rfc7523bis: one value)', () => {
    it('a one-element array is accepted', async () => {
      await expect(verifyClientAssertion(await token({ ...base(), aud: [AS] }, 'JWT'), keys.pub, opts)).resolves.toBeDefined()
    })
    it.each([[[AS, 'https://other.example']], [['https://other.example', AS]], [[AS, AS]]])('a multi-valued aud %j is refused', async (aud) => {
      await rejects(verifyClientAssertion(await token({ ...base(), aud }, 'JWT'), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'aud', 'invalid')
    })
    it('options.audience may list several accepted values (issuer and token endpoint)', async () => {
      const o = { ...opts, audience: [AS, `${AS}/token`] }
      await expect(verifyClientAssertion(await token({ ...base(), aud: `${AS}/token` }, 'JWT'), keys.pub, o)).resolves.toBeDefined()
      await expect(verifyClientAssertion(await token(base(), 'JWT'), keys.pub, o)).resolves.toBeDefined()
    })
    it('an empty aud array is refused', async () => {
      await rejects(verifyClientAssertion(await token({ ...base(), aud: [] }, 'JWT'), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch')
    })
  })

  describe('maxLifetime (RFC 7523 §3 item 4)', () => {
    it('exp more than 300 s ahead of now is refused; exactly 300 s is accepted', async () => {
      const far = { ...without('iat'), exp: NOW_S + 301 }
      await rejects(verifyClientAssertion(await token(far, 'JWT'), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'exp', 'in_future')
      await expect(verifyClientAssertion(await token({ ...far, exp: NOW_S + 300 }, 'JWT'), keys.pub, opts)).resolves.toBeDefined()
      await expect(verifyClientAssertion(await token(far, 'JWT'), keys.pub, { ...opts, maxLifetime: '10m' })).resolves.toBeDefined()
      await expect(verifyClientAssertion(await token(far, 'JWT'), keys.pub, { ...opts, clockTolerance: 1 })).resolves.toBeDefined()
    })
    it('exp more than maxLifetime after iat is refused even when close to now', async () => {
      const long = { ...base(), iat: NOW_S - 200, exp: NOW_S + 200 }
      await rejects(verifyClientAssertion(await token(long, 'JWT'), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'exp', 'in_future')
      await expect(verifyClientAssertion(await token(long, 'JWT'), keys.pub, { ...opts, maxLifetime: 400 })).resolves.toBeDefined()
    })
    it('a year-long assertion is refused', async () => {
      const a = await signClientAssertion({ clientId: CLIENT, audience: AS, key: keys.priv, expiresIn: '1y', now: NOW })
      await rejects(verifyClientAssertion(a, keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'exp', 'in_future')
    })
  })

  describe('typ', () => {
    it.each([null, 'JWT', 'jwt', 'application/jwt', 'client-authentication+jwt', 'application/Client-Authentication+JWT'])('accepts %s', async (typ) => {
      await expect(verifyClientAssertion(await token(base(), typ), keys.pub, opts)).resolves.toBeDefined()
    })
    it.each(['at+jwt', 'JOSE', 'logout+jwt', 'client-authentication', 'secevent+jwt', ''])('refuses %j', async (typ) => {
      await rejects(verifyClientAssertion(await token(base(), typ), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'typ', 'mismatch')
    })
    it('typ is the first claim check', async () => {
      await rejects(verifyClientAssertion(await token({}, 'at+jwt'), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'typ', 'mismatch')
    })
  })
})

describe('verifyClientAssertion: replayStore (RFC 7523 §3 item 7)', () => {
  it('the second use of a jti is refused as replayed; add gets exp + tolerance', async () => {
    const { store, calls } = memoryStore()
    const a = await token(base(), 'JWT')
    await verifyClientAssertion(a, keys.pub, { ...opts, replayStore: store, clockTolerance: 7 })
    const e = await rejects(verifyClientAssertion(a, keys.pub, { ...opts, replayStore: store }), 'ERR_JWT_CLAIM_INVALID', 'jti', 'replayed')
    expect(e.payload).toEqual(base())
    expect(calls).toEqual([['jti-1', new Date((NOW_S + 55 + 7) * 1000)], ['jti-1', new Date((NOW_S + 55) * 1000)]])
  })

  it('two concurrent verifications of one assertion: exactly one succeeds', async () => {
    for (const async of [false, true]) {
      const { store } = memoryStore(async)
      const a = await signClientAssertion({ clientId: CLIENT, audience: AS, key: keys.priv, now: NOW })
      const results = await Promise.allSettled([1, 2, 3].map(() => verifyClientAssertion(a, keys.pub, { ...opts, replayStore: store })))
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      for (const r of results.filter((x) => x.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID', claim: 'jti', reason: 'replayed' })
    }
  })

  it('add is called only after every other check passed', async () => {
    const { store, calls } = memoryStore()
    for (const bad of [{ ...base(), aud: 'x' }, { ...base(), exp: NOW_S - 1 }, { ...base(), exp: NOW_S + 1000 }, { ...base(), aud: [AS, 'x'] }]) {
      await expect(verifyClientAssertion(await token(bad, 'JWT'), keys.pub, { ...opts, replayStore: store })).rejects.toBeDefined()
    }
    const [h, p] = (await token(base(), 'JWT')).split('.')
    await rejects(verifyClientAssertion(`${h}.${p}.${'A'.repeat(86)}`, keys.pub, { ...opts, replayStore: store }), 'ERR_JWS_SIGNATURE_INVALID')
    expect(calls).toEqual([])
  })

  it('jti is required (and non-empty) with a replayStore', async () => {
    const { store } = memoryStore()
    await rejects(verifyClientAssertion(await token(without('jti'), 'JWT'), keys.pub, { ...opts, replayStore: store }), 'ERR_JWT_CLAIM_INVALID', 'jti', 'missing')
    await rejects(verifyClientAssertion(await token({ ...base(), jti: '' }, 'JWT'), keys.pub, { ...opts, replayStore: store }), 'ERR_JWT_CLAIM_INVALID', 'jti', 'invalid')
  })

  it('a store answering anything but true/false, or throwing, fails closed', async () => {
    const a = await token(base(), 'JWT')
    for (const answer of [undefined, 'OK', 1, null]) {
      await rejects(verifyClientAssertion(a, keys.pub, { ...opts, replayStore: { add: () => answer as never } }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
    const boom = new Error('store down')
    const e = await rejects(verifyClientAssertion(a, keys.pub, { ...opts, replayStore: { add: () => Promise.reject(boom) } }), 'ERR_JOSE_INVALID_ARGUMENT')
    expect((e as { cause?: unknown }).cause).toBe(boom)
  })

  it('replayStore without an add method is refused before any verification', async () => {
    for (const replayStore of [{}, { add: 1 }, null, () => true]) {
      await rejects(verifyClientAssertion(await token(base(), 'JWT'), keys.pub, { ...opts, replayStore: replayStore as never }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('add runs with the store as this', async () => {
    const store = { seen: new Set<string>(), add(this: { seen: Set<string> }, jti: string) { return this.seen.has(jti) ? false : (this.seen.add(jti), true) } }
    await verifyClientAssertion(await token(base(), 'JWT'), keys.pub, { ...opts, replayStore: store })
    expect(store.seen.has('jti-1')).toBe(true)
  })
})

describe('verifyClientAssertion: options', () => {
  it.each([
    [{ audience: AS }], [{ clientId: CLIENT }], [{ clientId: CLIENT, audience: [] }], [{ ...opts, maxLifetime: -1 }],
    [{ ...opts, maxLifetime: '5' }], [{ ...opts, issuer: CLIENT }], [{ ...opts, typ: 'JWT' }], [undefined],
  ])('refuses %j', async (o) => {
    await rejects(verifyClientAssertion(await token(base(), 'JWT'), keys.pub, o as never), 'ERR_JOSE_INVALID_ARGUMENT')
  })
})
