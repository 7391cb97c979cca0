/**
 * Key resolvers (API.md "Key resolvers"): what a resolver returns or throws must never
 * turn into "no check" or an unexpected error type.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { JoseError, isJoseError, verify, verifyJws } from '../../src/index.ts'
import type { Jwk, KeyInput, KeyResolver } from '../../src/types.ts'
import { NOW, T, asymKeys, expectCode, forge, type AsymKeys } from '../oracle/helpers.ts'

let secret: Uint8Array
let other: Uint8Array
let p256: AsymKeys
let token: string

const CLAIMS = { sub: 'u', iat: T, exp: T + 600 }
const OPTS = { algorithms: ['HS256' as const], now: NOW }

beforeAll(() => {
  secret = new Uint8Array(32).fill(1)
  other = new Uint8Array(32).fill(2)
  p256 = asymKeys('p256')
  token = forge({ alg: 'HS256', kid: 'k1' }, CLAIMS, { alg: 'HS256', key: secret })
})

const sync = (v: unknown): KeyResolver => () => v as KeyInput
const async_ = (v: unknown): KeyResolver => async () => v as KeyInput

describe('CVE class: resolver results trusted blindly', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['[]', []],
  ])('a resolver returning %s → ERR_JWKS_NO_MATCHING_KEY (sync and async)', async (_l, value) => {
    await expectCode(() => verify(token, sync(value), OPTS), 'ERR_JWKS_NO_MATCHING_KEY')
    await expectCode(() => verify(token, async_(value), OPTS), 'ERR_JWKS_NO_MATCHING_KEY')
    await expectCode(() => verifyJws(token, async_(value), { algorithms: ['HS256'] }), 'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('more than 3 candidates → ERR_JWKS_NO_MATCHING_KEY, even when one of them is right', async () => {
    const four = [other, other, other, secret]
    await expectCode(() => verify(token, sync(four), OPTS), 'ERR_JWKS_NO_MATCHING_KEY')
    await expectCode(() => verify(token, async_([secret, secret, secret, secret]), OPTS), 'ERR_JWKS_NO_MATCHING_KEY')
    // control: 3 candidates, the right one last → verifies
    expect((await verify(token, sync([other, other, secret]), OPTS)).payload).toEqual(CLAIMS)
  })

  it('candidates that do not fit the policy are skipped; none fits → ERR_JOSE_ALG_NOT_ALLOWED', async () => {
    const ec = { ...p256.publicJwk, alg: 'ES256' } as Jwk
    expect((await verify(token, sync([ec, secret]), OPTS)).payload).toEqual(CLAIMS)
    await expectCode(() => verify(token, sync([ec, p256.spki]), OPTS), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })

  it('some fit and none verifies → ERR_JWS_SIGNATURE_INVALID', async () => {
    await expectCode(() => verify(token, sync([other, other]), OPTS), 'ERR_JWS_SIGNATURE_INVALID')
  })

  it('a resolver throwing a TypeError → ERR_JWKS_NO_MATCHING_KEY with cause (sync throw and async rejection)', async () => {
    const boom = new TypeError('resolver exploded')
    const throwing: KeyResolver = () => {
      throw boom
    }
    const rejecting: KeyResolver = async () => {
      throw boom
    }
    for (const r of [throwing, rejecting]) {
      const e = await expectCode(() => verify(token, r, OPTS), 'ERR_JWKS_NO_MATCHING_KEY')
      expect(e.cause).toBeDefined()
    }
  })

  it('a resolver throwing a non-Error value → ERR_JWKS_NO_MATCHING_KEY', async () => {
    for (const thrown of ['a string', 42, null, undefined, { code: 'ERR_JWT_EXPIRED' }]) {
      const r: KeyResolver = () => {
        throw thrown
      }
      await expectCode(() => verify(token, r, OPTS), 'ERR_JWKS_NO_MATCHING_KEY')
    }
  })

  it('a resolver throwing a JoseError → it passes through unchanged', async () => {
    const mine = new JoseError('ERR_JWT_CLAIM_INVALID', 'issuer not trusted', { claim: 'iss', reason: 'mismatch' })
    for (const r of [
      () => {
        throw mine
      },
      async () => {
        throw mine
      },
    ] as KeyResolver[]) {
      const e = await expectCode(() => verify(token, r, OPTS), 'ERR_JWT_CLAIM_INVALID')
      expect(e).toBe(mine)
      expect(isJoseError(e)).toBe(true)
    }
  })

  it('the resolver runs once, sees a frozen header and the (unverified) payload', async () => {
    const seen: { header: unknown; payload: unknown; frozen: boolean }[] = []
    const r: KeyResolver = (header, tok) => {
      seen.push({ header: { ...header }, payload: tok.payload, frozen: Object.isFrozen(header) })
      return secret
    }
    await verify(token, r, OPTS)
    expect(seen).toEqual([{ header: { alg: 'HS256', kid: 'k1' }, payload: CLAIMS, frozen: true }])
  })
})
