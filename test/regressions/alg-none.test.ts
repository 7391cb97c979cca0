/**
 * alg "none" (RFC 7518 §3.6 Unsecured JWS): never produced, never accepted, in any
 * case spelling, with or without a signature, through a key or a resolver.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { isJoseError, sign, signJws, verify, verifyJws, type JoseError } from '../../src/index.ts'
import type { Alg, Jwk, KeyInput, KeyResolver } from '../../src/types.ts'
import { NOW, T, asymKeys, caught, expectCode, forge, nodeSignInput, signingInput, type AsymKeys } from '../oracle/helpers.ts'

let rsa: AsymKeys
let secret: Uint8Array

beforeAll(() => {
  rsa = asymKeys('rsa')
  secret = new Uint8Array(32).fill(3)
})

const CLAIMS = { sub: 'admin', iat: T, exp: T + 600 }
const SPELLINGS = ['none', 'None', 'NONE', 'nOnE']

function noneToken(alg: string, withSignature: boolean): string {
  const header = { alg, typ: 'JWT' }
  if (!withSignature) return `${signingInput(header, CLAIMS)}.`
  // "with a signature": an HMAC over the input, as a confused verifier might check
  return forge(header, CLAIMS, nodeSignInput('HS256', secret, signingInput(header, CLAIMS)))
}

type Via = 'direct' | 'sync resolver' | 'async resolver'
const keyKinds = ['secret (Uint8Array)', 'RSA JWK with alg'] as const

function keyOf(kind: (typeof keyKinds)[number]): KeyInput {
  return kind === 'secret (Uint8Array)' ? secret : ({ ...rsa.publicJwk, alg: 'RS256' } as Jwk)
}

const cases: [string, boolean, Via, (typeof keyKinds)[number], Alg[] | undefined][] = []
for (const alg of SPELLINGS)
  for (const sig of [false, true])
    for (const via of ['direct', 'sync resolver', 'async resolver'] as Via[])
      for (const kind of keyKinds)
        for (const algorithms of [undefined, kind === 'secret (Uint8Array)' ? (['HS256'] as Alg[]) : (['RS256'] as Alg[])])
          cases.push([alg, sig, via, kind, algorithms])

describe("CVE class: alg 'none' accepted", () => {
  it.each(cases)('alg %j, signature %s, via %s, key %s, algorithms %j → ERR_JOSE_ALG_NOT_ALLOWED', async (alg, sig, via, kind, algorithms) => {
    const token = noneToken(alg, sig)
    let calls = 0
    const key = keyOf(kind)
    const resolver: KeyResolver =
      via === 'sync resolver'
        ? () => {
            calls++
            return key
          }
        : async () => {
            calls++
            return key
          }
    const opts = algorithms ? { algorithms, now: NOW } : { now: NOW }
    await expectCode(() => verify(token, via === 'direct' ? key : resolver, opts), 'ERR_JOSE_ALG_NOT_ALLOWED')
    // API.md: a resolver runs only after the header alg is a known Alg (and allowed)
    expect(calls).toBe(0)
    // verifyJws refuses it the same way
    await expectCode(() => verifyJws(token, via === 'direct' ? key : resolver, algorithms ? { algorithms } : {}), 'ERR_JOSE_ALG_NOT_ALLOWED')
    expect(calls).toBe(0)
  })

  it("algorithms: ['none'] in options → ERR_JOSE_INVALID_ARGUMENT", async () => {
    const good = forge({ alg: 'HS256' }, CLAIMS, { alg: 'HS256', key: secret })
    for (const algorithms of [['none'], ['HS256', 'none'], ['None']]) {
      await expectCode(() => verify(good, secret, { algorithms: algorithms as Alg[], now: NOW }), 'ERR_JOSE_INVALID_ARGUMENT')
      await expectCode(() => verify(noneToken('none', false), secret, { algorithms: algorithms as Alg[], now: NOW }), 'ERR_JOSE_INVALID_ARGUMENT')
      await expectCode(() => verifyJws(good, secret, { algorithms: algorithms as Alg[] }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
    // control: the same token verifies with a real policy
    expect((await verify(good, secret, { algorithms: ['HS256'], now: NOW })).payload).toEqual(CLAIMS)
  })

  it("signing with alg 'none' is refused (ERR_JOSE_INVALID_ARGUMENT: not an Alg)", async () => {
    for (const alg of SPELLINGS) {
      await expectCode(() => sign({ a: 1 }, secret, { alg: alg as Alg }), 'ERR_JOSE_INVALID_ARGUMENT')
      await expectCode(() => signJws('x', secret, { alg: alg as Alg }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it("alg 'none' smuggled through sign's header option is refused", async () => {
    await expectCode(() => sign({ a: 1 }, secret, { alg: 'HS256', header: { alg: 'none' } }), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  it('an empty-signature token with a real alg does not verify (and leaks no payload)', async () => {
    const token = `${signingInput({ alg: 'HS256' }, CLAIMS)}.`
    const e = (await caught(() => verify(token, secret, { algorithms: ['HS256'], now: NOW }))) as JoseError
    expect(isJoseError(e)).toBe(true)
    // API.md leaves "empty signature" between a malformed JWS and a failed signature
    expect(['ERR_JWS_SIGNATURE_INVALID', 'ERR_JWS_INVALID']).toContain(e.code)
    expect(e.payload).toBeUndefined()
  })
})
