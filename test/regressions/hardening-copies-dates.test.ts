/**
 * Issue "hardening", points 5 and 6: two copies of the package behave as one (key-set
 * markers are Symbol.for names), and NumericDates of 10^11 or more (milliseconds by
 * mistake) are refused by sign, verify, isExpired and the ID-token profile.
 */
import { describe, expect, it, vi } from 'vitest'
import * as lib from '../../src/index.ts'
import { rejectsWith, throwsWith } from '../jwks/helpers.ts'

const secret = new Uint8Array(32).fill(7)
const HS = { algorithms: ['HS256' as const] }

describe('hardening 5: two copies of the package behave as one', () => {
  it('a key set from one module instance keeps its key-set semantics in another', async () => {
    vi.resetModules()
    const other = (await import('../../src/index.ts')) as typeof lib
    expect(other.verify).not.toBe(lib.verify) // really a second copy
    const { privateKey, publicKey } = await lib.generateKeyPair('ES256')
    const jwk = { ...(await lib.exportJwk(publicKey)), kid: 'k' }
    const broken = { ...jwk, x: ((jwk as Record<string, unknown>).x as string).slice(0, 20) } as typeof jwk
    const token = await lib.sign({ sub: 'a' }, privateKey, { kid: 'k' })
    for (const [maker, user] of [[lib, other], [other, lib]] as const) {
      const set = maker.createLocalJwks({ keys: [broken, jwk] })
      // A plain resolver's broken answer is ERR_KEY_INVALID; a key set skips it.
      expect((await user.verify(token, set)).payload.sub).toBe('a')
      await expect(user.verify(token, () => [broken, jwk])).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' })
    }
  })

  it('a remote set reloaded in one copy drops the cached results of another copy\'s verifier', async () => {
    vi.resetModules()
    const other = (await import('../../src/index.ts')) as typeof lib
    const { privateKey, publicKey } = await lib.generateKeyPair('ES256')
    const jwk = { ...(await lib.exportJwk(publicKey)), kid: 'k' }
    let served: unknown = { keys: [jwk] }
    const set = lib.createRemoteJwks('https://id.example/jwks', { fetch: async () => Response.json(served) })
    const verifier = other.createVerifier(set, { cache: 10 })
    const token = await lib.sign({ sub: 'a' }, privateKey, { kid: 'k' })
    expect((await verifier(token)).payload.sub).toBe('a')
    served = { keys: [] }
    await set.reload()
    await rejectsWith(() => verifier(token), 'ERR_JWKS_NO_MATCHING_KEY')
  })
})

describe('hardening 6: milliseconds are not seconds', () => {
  const ms = Date.now() + 3_600_000 // the mistake: exp in milliseconds
  const now = new Date('2026-12-01T00:00:00Z')
  const t = Math.floor(now.getTime() / 1000)

  it.each(['exp', 'nbf', 'iat'])('sign refuses %s ≥ 10^11 in the payload, naming the mistake', async (claim) => {
    const e = await rejectsWith(() => lib.sign({ [claim]: ms }, secret, { alg: 'HS256' }), 'ERR_JOSE_INVALID_ARGUMENT')
    expect(e.message).toMatch(/milliseconds/)
    await rejectsWith(() => lib.createSigner(secret, { alg: 'HS256' })({ [claim]: 1e11 }), 'ERR_JOSE_INVALID_ARGUMENT')
    // Just below the bound is a NumericDate (the year 5138).
    await expect(lib.sign({ [claim]: 1e11 - 1 }, secret, { alg: 'HS256' })).resolves.toMatch(/\./)
  })

  it('sign refuses an expiresIn that pushes exp past the bound', async () => {
    await rejectsWith(() => lib.sign({}, secret, { alg: 'HS256', expiresIn: '4000y' }), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  /** A token carrying the claim, signed with a trusted key (as a buggy issuer would). */
  const tokenWith = async (claims: Record<string, unknown>): Promise<string> => {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url')
    const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${body}`
    const { createHmac } = await import('node:crypto')
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
  }

  it.each(['exp', 'nbf', 'iat'])('verify and createVerifier refuse %s ≥ 10^11 (ERR_JWT_INVALID, naming the mistake)', async (claim) => {
    const token = await tokenWith({ sub: 'a', [claim]: claim === 'exp' ? ms : t })
    const bad = await tokenWith({ sub: 'a', [claim]: 1e11 })
    if (claim === 'exp') {
      const e = await rejectsWith(() => lib.verify(token, secret, { ...HS, now }), 'ERR_JWT_INVALID')
      expect(e.message).toMatch(/milliseconds/)
      expect(e.claim).toBe('exp')
    } else {
      await expect(lib.verify(token, secret, { ...HS, now })).resolves.toBeTruthy()
    }
    await rejectsWith(() => lib.verify(bad, secret, { ...HS, now }), 'ERR_JWT_INVALID')
    await rejectsWith(() => lib.createVerifier(secret, { ...HS, now, cache: 5 })(bad), 'ERR_JWT_INVALID')
    if (claim === 'exp') await expect(lib.verify(await tokenWith({ exp: 1e11 - 1 }), secret, { ...HS, now })).resolves.toBeTruthy()
  })

  it('isExpired refuses exp ≥ 10^11 like verify', async () => {
    const token = await tokenWith({ exp: ms })
    expect(throwsWith(() => lib.isExpired(token), 'ERR_JWT_INVALID').message).toMatch(/milliseconds/)
    expect(lib.isExpired(await tokenWith({ exp: 1e11 - 1 }), { now })).toBe(false)
  })

  it('the ID-token profile refuses auth_time ≥ 10^11', async () => {
    const token = await tokenWith({ iss: 'https://id.example', sub: 'u', aud: 'app', exp: t + 60, iat: t, auth_time: ms })
    const e = await rejectsWith(() => lib.verifyIdToken(token, secret, { ...HS, issuer: 'https://id.example', clientId: 'app', now }), 'ERR_JWT_CLAIM_INVALID')
    expect(e.claim).toBe('auth_time')
    expect(e.message).toMatch(/milliseconds/)
  })
})
