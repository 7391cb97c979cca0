/**
 * API.md sign: defaults, option/payload conflicts, header rules, payload rules, and
 * the alg choice from the key (pinning). Tokens are decoded and checked with node:crypto.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { createSigner, sign, signJws, signJwsJson, verify } from '../../src/index.ts'
import { stringify } from '../../src/jose/json.ts'
import type { Alg, Jwk, SignOptions } from '../../src/types.ts'
import {
  NOW, SECRET, SECRET_STR, T, cryptoKey, deepFreeze, ec, ed25519, jwk, parts, rawVerify, rejects, rsa,
} from './helpers.ts'

const HS: SignOptions = { alg: 'HS256', now: NOW }

beforeAll(() => {
  rsa()
  ec('P-256')
  ec('P-384')
  ed25519()
})

describe('defaults', () => {
  it("header {alg, typ: 'JWT'}; iat = t; signature verifies", async () => {
    const token = await sign({ sub: 'alice' }, SECRET, HS)
    const { header, payload } = parts(token)
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' })
    expect(payload).toEqual({ sub: 'alice', iat: T })
    expect(rawVerify(token, SECRET)).toBe(true)
  })

  it('typ: null omits typ; typ string is used', async () => {
    expect(parts(await sign({}, SECRET, { ...HS, typ: null })).header).toEqual({ alg: 'HS256' })
    expect(parts(await sign({}, SECRET, { ...HS, typ: 'at+jwt' })).header).toEqual({ alg: 'HS256', typ: 'at+jwt' })
  })

  it('iat is kept when the payload has one; issuedAt: false omits it', async () => {
    expect(parts(await sign({ iat: T - 50 }, SECRET, HS)).payload).toEqual({ iat: T - 50 })
    expect(parts(await sign({}, SECRET, { ...HS, issuedAt: false })).payload).toEqual({})
    expect(parts(await sign({ a: 1 }, SECRET, { ...HS, issuedAt: true })).payload).toEqual({ a: 1, iat: T })
  })

  it('expiresIn and notBefore are measured from now (not from a payload iat)', async () => {
    const { payload } = parts(await sign({ iat: T - 1000 }, SECRET, { ...HS, expiresIn: 60, notBefore: 10 }))
    expect(payload).toEqual({ iat: T - 1000, exp: T + 60, nbf: T + 10 })
  })

  it('issuer, subject, audience, jwtId set the claims', async () => {
    const { payload } = parts(await sign({}, SECRET, {
      ...HS, issuer: 'https://id.example', subject: 'alice', audience: ['a', 'b'], jwtId: 'j-1',
    }))
    expect(payload).toEqual({ iss: 'https://id.example', sub: 'alice', aud: ['a', 'b'], jti: 'j-1', iat: T })
    expect(parts(await sign({}, SECRET, { ...HS, audience: 'a' })).payload.aud).toBe('a')
  })

  it("kid defaults to the JWK's kid; the kid option wins", async () => {
    const key = jwk(ec('P-256').privJwk, { kid: 'jwk-kid' })
    expect(parts(await sign({}, key, { now: NOW })).header).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'jwk-kid' })
    expect(parts(await sign({}, key, { now: NOW, kid: 'opt-kid' })).header.kid).toBe('opt-kid')
    expect(parts(await sign({}, ec('P-256').privJwk, { now: NOW })).header).not.toHaveProperty('kid')
  })

  it('extra header members are protected and signed', async () => {
    const token = await sign({}, SECRET, { ...HS, header: { cty: 'example', x5t: 'abc', n: 1 } })
    expect(parts(token).header).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'example', x5t: 'abc', n: 1 })
    expect(rawVerify(token, SECRET)).toBe(true)
  })

  it('a typ in header (without the typ option) is used', async () => {
    const token = await sign({}, SECRET, { ...HS, header: { typ: 'at+jwt' } })
    expect(parts(token).header.typ).toBe('at+jwt')
  })
})

describe('conflicts are ERR_JOSE_INVALID_ARGUMENT', () => {
  const conflicts: Array<[Record<string, unknown>, SignOptions]> = [
    [{ iss: 'a' }, { issuer: 'b' }],
    [{ iss: 'a' }, { issuer: 'a' }],
    [{ sub: 'a' }, { subject: 'b' }],
    [{ aud: 'a' }, { audience: 'b' }],
    [{ aud: ['a'] }, { audience: ['a'] }],
    [{ jti: 'a' }, { jwtId: 'b' }],
    [{ exp: T + 10 }, { expiresIn: 60 }],
    [{ nbf: T }, { notBefore: 0 }],
  ]
  for (const [payload, o] of conflicts) {
    it(`payload ${JSON.stringify(payload)} with option ${JSON.stringify(o)}`, async () => {
      await rejects(() => sign(payload, SECRET, { ...HS, ...o }), 'ERR_JOSE_INVALID_ARGUMENT')
    })
  }

  it('typ or kid both in header and as options', async () => {
    await rejects(() => sign({}, SECRET, { ...HS, typ: 'JWT', header: { typ: 'JWT' } }), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejects(() => sign({}, SECRET, { ...HS, typ: null, header: { typ: 'x' } }), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejects(() => sign({}, SECRET, { ...HS, kid: 'a', header: { kid: 'b' } }), 'ERR_JOSE_INVALID_ARGUMENT')
    // Both are options: refused with them, before any key is looked at, and at createSigner's creation.
    await rejects(() => sign({}, 'not a key' as never, { ...HS, kid: 'a', header: { kid: 'b' } }), 'ERR_JOSE_INVALID_ARGUMENT')
    expect(() => createSigner(SECRET, { ...HS, kid: 'a', header: { kid: 'b' } })).toThrow(/"kid" is given both in options.header and options.kid/)
    await rejects(() => signJws('x', SECRET, { alg: 'HS256', kid: 'a', header: { kid: 'b' } }), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejects(() => signJwsJson('x', [{ key: SECRET, alg: 'HS256', kid: 'a', header: { kid: 'b' } }]), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  it('header with alg, b64, crit or an own __proto__', async () => {
    const headers: Array<Record<string, unknown>> = [
      { alg: 'HS256' },
      { alg: 'none' },
      { b64: true },
      { b64: false },
      { crit: ['x'], x: 1 },
      JSON.parse('{"__proto__": {"alg": "none"}}'),
    ]
    for (const header of headers) {
      await rejects(() => sign({}, SECRET, { ...HS, header }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('registered header members of the wrong type (the caller\'s input, not a received JWS)', async () => {
    for (const header of [{ typ: 5 }, { typ: null }, { kid: 5 }, { cty: 5 }, { jku: 5 }]) {
      await rejects(() => sign({}, SECRET, { ...HS, header }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('an alg that is not an Alg value', async () => {
    for (const alg of ['none', 'hs256', 'HS257', '']) {
      await rejects(() => sign({}, SECRET, { ...HS, alg: alg as Alg }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('the payload', () => {
  it('is never modified (deep-frozen input, compared after)', async () => {
    const payload = deepFreeze({ sub: 'a', nested: { list: [1, 2, { x: 'y' }] }, aud: ['p', 'q'] })
    const before = structuredClone(payload)
    const token = await sign(payload, SECRET, { ...HS, expiresIn: 60, notBefore: '-1m', issuer: 'i', jwtId: 'j' })
    expect(payload).toEqual(before)
    expect(parts(token).payload).toEqual({ ...before, iat: T, exp: T + 60, nbf: T - 60, iss: 'i', jti: 'j' })
  })

  it('is not modified even when not frozen (no iat/exp written into it)', async () => {
    const payload: Record<string, unknown> = { a: 1 }
    await sign(payload, SECRET, { ...HS, expiresIn: 60, audience: 'x' })
    expect(payload).toEqual({ a: 1 })
  })

  it('must be a plain object', async () => {
    class Claims {
      sub = 'a'
    }
    for (const p of [[], [1], new Date(), new Claims(), null, undefined, 'str', 5, new Map([['sub', 'a']]), new Uint8Array(2)]) {
      await rejects(() => sign(p as never, SECRET, HS), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('BigInt, cycles and non-finite numbers anywhere', async () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    const deepCycle: Record<string, unknown> = { a: { b: {} } }
    ;((deepCycle.a as Record<string, unknown>).b as Record<string, unknown>).up = deepCycle
    const payloads: unknown[] = [
      { n: 1n },
      { nested: { n: 10n } },
      cyclic,
      deepCycle,
      { x: Number.NaN },
      { x: Number.POSITIVE_INFINITY },
      { nested: [1, Number.NEGATIVE_INFINITY] },
      { exp: Number.NaN },
      { exp: Number.POSITIVE_INFINITY },
      { iat: Number.NaN },
    ]
    for (const p of payloads) {
      await rejects(() => sign(p as never, SECRET, HS), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('the serialisability walk counts every value it reaches, strings too: 1,000,000 pass, one more is refused', () => {
    // The payload object, its list, and the list's strings (counted without a call of their own).
    const list = (n: number) => ({ list: Array<string>(n).fill('s') })
    expect(stringify(list(999_998), 'the payload')).toHaveLength(4 * 999_998 + 10)
    expect(() => stringify(list(999_999), 'the payload')).toThrow(/^the payload has over 1000000 values \(or a cycle\)$/)
    expect(() => stringify([list(999_999)], 'the payload')).toThrow(/has over 1000000 values/)
  })

  it('a subtree reached twice is counted twice: 2^40 paths are refused after a million, not walked', async () => {
    let shared: unknown = ['s']
    for (let i = 0; i < 40; i++) shared = [shared, shared]
    await rejects(() => sign({ shared } as never, SECRET, HS), 'ERR_JOSE_INVALID_ARGUMENT')
    expect(() => stringify(shared, 'the payload')).toThrow(/has over 1000000 values/)
  })

  it('nesting: an object 128 levels down is refused, 127 is not', () => {
    const nest = (levels: number) => {
      let v: unknown = { s: 's' }
      for (let i = 0; i < levels; i++) v = [v]
      return v
    }
    expect(stringify(nest(127), 'the payload')).toContain('{"s":"s"}')
    expect(() => stringify(nest(128), 'the payload')).toThrow(/nested too deeply/)
  })

  it('registered claims must have their RFC 7519 types', async () => {
    const payloads: unknown[] = [
      { iss: 5 }, { sub: {} }, { aud: 5 }, { aud: ['a', 1] }, { jti: 7 },
      { exp: '1700000000' }, { nbf: null }, { iat: true },
    ]
    for (const p of payloads) {
      await rejects(() => sign(p as never, SECRET, HS), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('alg from the key', () => {
  it('a key pinning exactly one alg needs no alg option', async () => {
    const cases: Array<[string, () => Promise<unknown>, Alg]> = [
      ['EC P-256 JWK without alg', async () => ec('P-256').privJwk, 'ES256'],
      ['EC P-384 PKCS#8 PEM', async () => ec('P-384').privPem, 'ES384'],
      ['ECDSA P-384 CryptoKey', () => cryptoKey(ec('P-384').privJwk, { name: 'ECDSA', namedCurve: 'P-384' }, 'sign'), 'ES384'],
      ['RSA JWK with alg PS256', async () => jwk(rsa().privJwk, { alg: 'PS256' }), 'PS256'],
      ['RSASSA-PKCS1-v1_5/SHA-384 CryptoKey',
        () => cryptoKey(rsa().privJwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, 'sign'), 'RS384'],
      ['RSA-PSS/SHA-512 CryptoKey', () => cryptoKey(rsa().privJwk, { name: 'RSA-PSS', hash: 'SHA-512' }, 'sign'), 'PS512'],
      ['HMAC/SHA-512 CryptoKey', () => crypto.subtle.importKey('raw', new Uint8Array(64).fill(7), { name: 'HMAC', hash: 'SHA-512' }, false, ['sign']), 'HS512'],
      ['oct JWK with alg HS384', async () => ({ kty: 'oct', alg: 'HS384', k: Buffer.alloc(48, 3).toString('base64url') }), 'HS384'],
      ['OKP JWK with alg EdDSA', async () => jwk(ed25519().privJwk, { alg: 'EdDSA' }), 'EdDSA'],
      ['OKP JWK with alg Ed25519', async () => jwk(ed25519().privJwk, { alg: 'Ed25519' }), 'Ed25519'],
    ]
    for (const [name, make, alg] of cases) {
      const key = await make()
      const token = await sign({}, key as never, { now: NOW })
      expect(parts(token).header.alg, name).toBe(alg)
    }
    const token = await sign({}, ec('P-256').privJwk, { now: NOW })
    expect(rawVerify(token, ec('P-256').publicKey)).toBe(true)
  })

  it('a key pinning nothing or two algs needs alg (ERR_JOSE_INVALID_ARGUMENT)', async () => {
    const keys: Array<[string, () => Promise<unknown>]> = [
      ['RSA PKCS#8 PEM', async () => rsa().privPem],
      ['RSA JWK without alg', async () => rsa().privJwk],
      ['string secret', async () => SECRET_STR],
      ['Uint8Array secret', async () => SECRET],
      ['oct JWK without alg', async () => ({ kty: 'oct', k: Buffer.from(SECRET).toString('base64url') })],
      ['Ed25519 CryptoKey', () => cryptoKey(ed25519().privJwk, { name: 'Ed25519' }, 'sign')],
      ['OKP JWK without alg', async () => ed25519().privJwk],
      ['Ed25519 PKCS#8 PEM', async () => ed25519().privPem],
    ]
    for (const [name, make] of keys) {
      const key = await make()
      const err = await rejects(() => sign({}, key as never, { now: NOW }), 'ERR_JOSE_INVALID_ARGUMENT')
      expect(err.code, name).toBe('ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('the same keys sign once alg is given (compatible / pinned), and the result verifies', async () => {
    const rsaToken = await sign({}, rsa().privPem, { alg: 'PS384', now: NOW })
    expect(parts(rsaToken).header.alg).toBe('PS384')
    expect(rawVerify(rsaToken, rsa().publicKey)).toBe(true)
    const rs = await sign({}, rsa().privJwk, { alg: 'RS512', now: NOW })
    expect(rawVerify(rs, rsa().publicKey)).toBe(true)
    const hs = await sign({}, SECRET_STR, { alg: 'HS256', now: NOW })
    expect(rawVerify(hs, SECRET_STR)).toBe(true)
    const edKey = await cryptoKey(ed25519().privJwk, { name: 'Ed25519' }, 'sign')
    for (const alg of ['EdDSA', 'Ed25519'] as const) {
      const t = await sign({}, edKey, { alg, now: NOW })
      expect(parts(t).header.alg).toBe(alg)
      expect(rawVerify(t, ed25519().publicKey)).toBe(true)
    }
  })

  it('alg outside pinned(key), or outside compatible(key), is ERR_KEY_INVALID', async () => {
    const cases: Array<[string, () => Promise<unknown>, Alg]> = [
      ['P-256 JWK with ES384', async () => ec('P-256').privJwk, 'ES384'],
      ['P-256 JWK with RS256', async () => ec('P-256').privJwk, 'RS256'],
      ['P-256 PEM with HS256', async () => ec('P-256').privPem, 'HS256'],
      ['RSA JWK alg RS256 with PS256', async () => jwk(rsa().privJwk, { alg: 'RS256' }), 'PS256'],
      ['RSASSA/SHA-256 CryptoKey with RS384',
        () => cryptoKey(rsa().privJwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, 'sign'), 'RS384'],
      ['RSASSA/SHA-256 CryptoKey with PS256',
        () => cryptoKey(rsa().privJwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, 'sign'), 'PS256'],
      ['RSA PEM with HS256', async () => rsa().privPem, 'HS256'],
      ['RSA PEM with ES256', async () => rsa().privPem, 'ES256'],
      ['string secret with RS256', async () => SECRET_STR, 'RS256'],
      ['Uint8Array with ES256', async () => SECRET, 'ES256'],
      ['oct JWK with PS256', async () => ({ kty: 'oct', k: Buffer.from(SECRET).toString('base64url') }), 'PS256'],
      ['HMAC/SHA-256 CryptoKey with HS512',
        () => crypto.subtle.importKey('raw', new Uint8Array(64), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']), 'HS512'],
      ['Ed25519 JWK with ES256', async () => ed25519().privJwk, 'ES256'],
      ['OKP JWK alg EdDSA with Ed25519', async () => jwk(ed25519().privJwk, { alg: 'EdDSA' }), 'Ed25519'],
    ]
    for (const [name, make, alg] of cases) {
      const key = await make()
      const err = await rejects(() => sign({}, key as never, { alg, now: NOW }), 'ERR_KEY_INVALID')
      expect(err.code, name).toBe('ERR_KEY_INVALID')
    }
  })

  it('a public key cannot sign (ERR_KEY_INVALID)', async () => {
    await rejects(() => sign({}, ec('P-256').pubJwk, { now: NOW }), 'ERR_KEY_INVALID')
    await rejects(() => sign({}, ec('P-256').pubPem, { alg: 'ES256', now: NOW }), 'ERR_KEY_INVALID')
    await rejects(() => sign({}, rsa().pubPem, { alg: 'RS256', now: NOW }), 'ERR_KEY_INVALID')
    const pub = await cryptoKey(ec('P-256').pubJwk, { name: 'ECDSA', namedCurve: 'P-256' }, 'verify')
    await rejects(() => sign({}, pub, { alg: 'ES256', now: NOW }), 'ERR_KEY_INVALID')
  })

  it('alg option wins over nothing: the header alg equals the option', async () => {
    const key: Jwk = jwk(ec('P-256').privJwk, { alg: 'ES256' })
    expect(parts(await sign({}, key, { alg: 'ES256', now: NOW })).header.alg).toBe('ES256')
  })
})

describe('one-shot sign: headers from the plain-header cache', () => {
  const header = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString('utf8'))
  it('every alg / typ / kid combination gets exactly its own header, however often it is signed', async () => {
    const secret = new Uint8Array(64).fill(9)
    const combos: [Alg, string | null | undefined, string | undefined][] = [
      ['HS256', undefined, undefined], ['HS256', null, undefined], ['HS256', 'at+jwt', undefined], ['HS256', 'x', '|-'],
      ['HS256', 'x|', '-'], ['HS256', undefined, 'k2'], ['HS384', undefined, 'k'], ['HS256', 'JWT', 'k'],
    ]
    for (let round = 0; round < 2; round++) {
      for (const [alg, typ, kid] of combos) {
        const options: SignOptions = { alg, ...(typ !== undefined ? { typ } : {}), ...(kid !== undefined ? { kid } : {}) }
        const h = header(await sign({}, secret, options))
        const want: Record<string, string> = { alg }
        if (typ !== null) want.typ = typ ?? 'JWT'
        if (kid !== undefined) want.kid = kid
        expect(h).toEqual(want)
      }
    }
  })
})

describe('a key changed in place between calls', () => {
  // A prepared signer (and a remembered one-shot plan) keeps the encoded header and the
  // imported key per key description (src/jws/sign.ts, HeaderMemo): a JWK or secret changed
  // in place is a new description, so the next token is signed with what the key says now.
  const other = new Uint8Array(32).fill(9)
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url')

  it('a JWK secret rotated by mutation signs the next token with the new secret', async () => {
    const key = { kty: 'oct', k: b64(SECRET), kid: 'k1' }
    const signer = createSigner(key, { alg: 'HS256' })
    const options = { alg: 'HS256' as const }
    for (const signOnce of [() => signer({}), () => sign({}, key, options)]) {
      key.k = b64(SECRET)
      key.kid = 'k1'
      const before = await signOnce()
      await signOnce()
      key.k = b64(other)
      const after = await signOnce()
      expect(rawVerify(before, SECRET)).toBe(true)
      expect(rawVerify(after, other)).toBe(true)
      expect(rawVerify(after, SECRET)).toBe(false)
      key.kid = 'k2' // the header memo is per kid too
      expect(parts(await signOnce()).header.kid).toBe('k2')
    }
  })

  it('a Uint8Array secret changed in place, and a key of another type in its place', async () => {
    const secret = new Uint8Array(SECRET)
    const options = { alg: 'HS256' as const }
    const before = await sign({}, secret, options)
    await sign({}, secret, options)
    secret.set(other)
    const after = await sign({}, secret, options)
    expect(rawVerify(before, SECRET)).toBe(true)
    expect(rawVerify(after, other)).toBe(true)
    const token = await sign({}, SECRET_STR, options)
    expect((await verify(token, SECRET_STR, { algorithms: ['HS256'] })).payload.iat).toBeTypeOf('number')
  })
})
