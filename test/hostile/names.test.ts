/**
 * STYLE.md: "Names from outside never index plain objects": `({})['constructor']` is
 * truthy. Each of __proto__, constructor, toString, hasOwnProperty, valueOf is used as a
 * header `alg`, `kid`, `crit` entry and `typ`; as a claim name (in verified payloads, in
 * `requiredClaims`, in `sign` payloads and `header` options); and as JWK member names and
 * `kty` / `crv` / `alg` values. Tokens are built by hand (node:crypto HMAC) so the check
 * under test is reached after a valid signature. Every case also checks that nothing
 * but a JoseError escapes and no prototype changes.
 */
import { createHmac } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as lib from '../../src/index.ts'
import { decode, importKey, isExpired, sign, signJws, thumbprint, verify, verifyJws } from '../../src/index.ts'
import { EC_PRIVATE_JWK, EC_PUBLIC_JWK, NOW, OCT_JWK, SECRET, SECRETS, T, b64u, hsToken } from './fixtures.ts'
import { errorName, isProperJose, leaksIn, pollutionSince, run, snapshotPrototypes } from './harness.ts'
import { PROTO_NAMES } from './values.ts'

const HS = { algorithms: ['HS256' as const], now: NOW }
const HEADER = '{"alg":"HS256","typ":"JWT"}'
const PAYLOAD = `{"sub":"names","iat":${T}}`

let before: ReturnType<typeof snapshotPrototypes>
beforeEach(() => {
  before = snapshotPrototypes()
})
afterEach(() => {
  expect(pollutionSince(before)).toEqual([])
})

/** Expect a JoseError (one of `codes`), rejection (not sync throw) for async calls, no leaks. */
async function refused(f: () => unknown, codes: readonly string[], isAsync = true): Promise<lib.JoseError> {
  const r = await run(f)
  expect(r.ok, 'call succeeded but must be refused').toBe(false)
  if (r.ok) throw new Error('unreachable')
  expect(isProperJose(r.error), errorName(r.error)).toBe(true)
  if (isAsync) expect(r.sync, 'async function threw synchronously').toBe(false)
  expect(codes, errorName(r.error)).toContain((r.error as lib.JoseError).code)
  expect(leaksIn(r.error, SECRETS)).toEqual([])
  return r.error as lib.JoseError
}

/** Either a value, or a JoseError among `codes`. Returns the value (or undefined). */
async function valueOr(f: () => unknown, codes: readonly string[]): Promise<unknown> {
  const r = await run(f)
  if (r.ok) return r.value
  expect(isProperJose(r.error), errorName(r.error)).toBe(true)
  expect(codes, errorName(r.error)).toContain((r.error as lib.JoseError).code)
  return undefined
}

/** JSON text with `name` as a member (raw, so `__proto__` is an own member after JSON.parse). */
const member = (name: string, value: string) => `${JSON.stringify(name)}:${value}`

function ownFromJson<T>(json: string): T {
  return JSON.parse(json) as T
}

function protoIsPlain(o: object): boolean {
  const p = Object.getPrototypeOf(o)
  return p === Object.prototype || p === null
}

describe.each(PROTO_NAMES)('name %s', (N) => {
  describe('as header alg', () => {
    const token = hsToken(`{"alg":${JSON.stringify(N)},"typ":"JWT"}`, PAYLOAD)

    it('verify / verifyJws: ERR_JOSE_ALG_NOT_ALLOWED, before any key is resolved', async () => {
      await refused(() => verify(token, SECRET, HS), ['ERR_JOSE_ALG_NOT_ALLOWED'])
      await refused(() => verify(token, SECRET, { now: NOW }), ['ERR_JOSE_ALG_NOT_ALLOWED'])
      await refused(() => verify(token, { ...OCT_JWK }, HS), ['ERR_JOSE_ALG_NOT_ALLOWED'])
      let called = 0
      await refused(
        () =>
          verify(
            token,
            () => {
              called++
              return SECRET
            },
            HS,
          ),
        ['ERR_JOSE_ALG_NOT_ALLOWED'],
      )
      expect(called, 'resolver ran for an alg outside the policy').toBe(0)
      await refused(() => verifyJws(token, SECRET, { algorithms: ['HS256'] }), ['ERR_JOSE_ALG_NOT_ALLOWED'])
    })

    it('decode returns it as an own string member, prototype untouched', () => {
      const d = decode(token)
      expect(Object.hasOwn(d.header, 'alg')).toBe(true)
      expect(d.header.alg).toBe(N)
      expect(protoIsPlain(d.header)).toBe(true)
    })

    it('as an option/argument alg value: refused with a JoseError', async () => {
      await refused(() => verify(token, SECRET, { algorithms: [N as never], now: NOW }), ['ERR_JOSE_INVALID_ARGUMENT'])
      await refused(() => sign({}, SECRET, { alg: N as never }), ['ERR_JOSE_INVALID_ARGUMENT', 'ERR_KEY_INVALID', 'ERR_JOSE_NOT_SUPPORTED'])
      await refused(() => signJws('x', SECRET, { alg: N as never }), ['ERR_JOSE_INVALID_ARGUMENT', 'ERR_KEY_INVALID', 'ERR_JOSE_NOT_SUPPORTED'])
      await refused(() => importKey({ ...EC_PUBLIC_JWK }, N as never), ['ERR_JOSE_INVALID_ARGUMENT', 'ERR_KEY_INVALID', 'ERR_JOSE_NOT_SUPPORTED'])
      await refused(() => lib.generateKeyPair(N as never), ['ERR_JOSE_INVALID_ARGUMENT', 'ERR_JOSE_NOT_SUPPORTED'])
      await refused(() => lib.generateSecret(N as never), ['ERR_JOSE_INVALID_ARGUMENT', 'ERR_JOSE_NOT_SUPPORTED'], false)
    })
  })

  describe('as kid', () => {
    const token = hsToken(`{"alg":"HS256","typ":"JWT","kid":${JSON.stringify(N)}}`, PAYLOAD)

    it('verify accepts it, hands it to the resolver, returns it in the header', async () => {
      const keys = new Map([[N as string, SECRET]])
      let seen: unknown
      const res = await verify(
        token,
        (h) => {
          seen = h.kid
          return keys.get(h.kid as string)
        },
        HS,
      )
      expect(seen).toBe(N)
      expect(res.header.kid).toBe(N)
      expect(Object.hasOwn(res.header, 'kid')).toBe(true)
      expect(res.payload).toEqual({ sub: 'names', iat: T })
    })

    it('sign { kid } puts it in the header', async () => {
      const t = await sign({ a: 1 }, SECRET, { alg: 'HS256', kid: N, now: NOW })
      expect(decode(t).header.kid).toBe(N)
      expect((await verify(t, SECRET, HS)).header.kid).toBe(N)
    })

    it('a local JWKS without that kid finds no key (when createLocalJwks is exported)', async () => {
      const create = (lib as Record<string, unknown>).createLocalJwks as undefined | ((d: unknown, o?: unknown) => lib.KeyResolver)
      if (typeof create !== 'function') return
      const set = create({ keys: [{ kty: 'oct', k: b64u(SECRET), kid: 'other' }] }, { allowSymmetric: true })
      await refused(() => verify(token, set, HS), ['ERR_JWKS_NO_MATCHING_KEY'])
    })
  })

  describe('as a crit entry', () => {
    const withMember = hsToken(`{"alg":"HS256","typ":"JWT","crit":[${JSON.stringify(N)}],${member(N, 'true')}}`, PAYLOAD)
    const withoutMember = hsToken(`{"alg":"HS256","typ":"JWT","crit":[${JSON.stringify(N)}]}`, PAYLOAD)

    it('present in the header but understood by nobody: ERR_JOSE_NOT_SUPPORTED (or the header is refused outright)', async () => {
      // __proto__ as a header member may be refused as malformed; anything else is NOT_SUPPORTED
      const codes = N === '__proto__' ? ['ERR_JOSE_NOT_SUPPORTED', 'ERR_JWS_INVALID'] : ['ERR_JOSE_NOT_SUPPORTED']
      await refused(() => verify(withMember, SECRET, HS), codes)
      await refused(() => verify(withMember, SECRET, { ...HS, crit: {} }), codes)
      await refused(() => verifyJws(withMember, SECRET, { algorithms: ['HS256'] }), codes)
      // an inherited `true` is not the caller's declaration (API.md: own properties only)
      const inherited = Object.create(Object.create(null, { [N]: { value: true, enumerable: true } })) as Record<string, true>
      await refused(() => verify(withMember, SECRET, { ...HS, crit: inherited }), codes)
      // a value other than true does not declare it either
      const notTrue = Object.create(null) as Record<string, unknown>
      Object.defineProperty(notTrue, N, { value: 1, enumerable: true })
      await refused(() => verify(withMember, SECRET, { ...HS, crit: notTrue as never }), [...codes, 'ERR_JOSE_INVALID_ARGUMENT'])
    })

    it('declared by the caller as an own `true`: accepted', async () => {
      const crit = Object.create(null) as Record<string, true>
      Object.defineProperty(crit, N, { value: true, enumerable: true })
      const codes = N === '__proto__' ? ['ERR_JWS_INVALID'] : []
      const res = await valueOr(() => verify(withMember, SECRET, { ...HS, crit }), codes)
      if (N !== '__proto__') expect(res, 'declared crit name was not accepted').toBeDefined()
      if (res) expect((res as { header: Record<string, unknown> }).header.crit).toEqual([N])
    })

    it('listed but absent from the header: ERR_JWS_INVALID (an inherited property is not "present")', async () => {
      await refused(() => verify(withoutMember, SECRET, HS), ['ERR_JWS_INVALID'])
      const crit = Object.create(null) as Record<string, true>
      Object.defineProperty(crit, N, { value: true, enumerable: true })
      await refused(() => verify(withoutMember, SECRET, { ...HS, crit }), ['ERR_JWS_INVALID'])
      await refused(() => verifyJws(withoutMember, SECRET, { algorithms: ['HS256'] }), ['ERR_JWS_INVALID'])
    })

    it('decode does not check crit', () => {
      expect(decode(withoutMember).header.crit).toEqual([N])
    })

    it('sign / signJws header option with such a crit: ERR_JOSE_INVALID_ARGUMENT when the member is missing', async () => {
      await refused(() => sign({}, SECRET, { alg: 'HS256', header: { crit: [N] } }), ['ERR_JOSE_INVALID_ARGUMENT'])
      await refused(() => signJws('x', SECRET, { alg: 'HS256', header: { crit: [N] } }), ['ERR_JOSE_INVALID_ARGUMENT'])
    })
  })

  describe('as typ', () => {
    const token = hsToken(`{"alg":"HS256","typ":${JSON.stringify(N)}}`, PAYLOAD)

    it('default policy (absent or JWT): ERR_JWT_CLAIM_INVALID on typ', async () => {
      const e = await refused(() => verify(token, SECRET, HS), ['ERR_JWT_CLAIM_INVALID'])
      expect(e.claim).toBe('typ')
    })

    it('explicitly allowed: accepted; a different allowed typ: refused', async () => {
      expect((await verify(token, SECRET, { ...HS, typ: N })).header.typ).toBe(N)
      expect((await verify(token, SECRET, { ...HS, typ: ['JWT', N] })).header.typ).toBe(N)
      expect((await verify(token, SECRET, { ...HS, typ: false })).header.typ).toBe(N)
      const e = await refused(() => verify(token, SECRET, { ...HS, typ: 'JWT' }), ['ERR_JWT_CLAIM_INVALID'])
      expect(e.claim).toBe('typ')
      const plain = hsToken(HEADER, PAYLOAD)
      const e2 = await refused(() => verify(plain, SECRET, { ...HS, typ: N }), ['ERR_JWT_CLAIM_INVALID'])
      expect(e2.claim).toBe('typ')
    })

    it('sign { typ } writes it', async () => {
      const t = await sign({}, SECRET, { alg: 'HS256', typ: N, now: NOW })
      expect(decode(t).header.typ).toBe(N)
    })
  })

  describe('as a claim name', () => {
    const value = N === '__proto__' ? '{"polluted":"yes","isAdmin":true}' : '"claim-value"'
    const payloadJson = `{"sub":"names","iat":${T},${member(N, value)}}`
    const token = hsToken(HEADER, payloadJson)

    it('verify / decode return the payload with it as an own member (never as a prototype)', async () => {
      const expected = ownFromJson<Record<string, unknown>>(payloadJson)
      for (const payload of [(await verify(token, SECRET, HS)).payload, decode(token).payload] as Record<string, unknown>[]) {
        expect(protoIsPlain(payload), 'payload prototype replaced').toBe(true)
        expect(payload.polluted).toBeUndefined()
        expect(payload.isAdmin).toBeUndefined()
        if (N === '__proto__') {
          // dropping the member is tolerable; turning it into the prototype is not
          if (Object.hasOwn(payload, N)) expect(Object.getOwnPropertyDescriptor(payload, N)!.value).toEqual({ polluted: 'yes', isAdmin: true })
        } else {
          expect(Object.hasOwn(payload, N)).toBe(true)
          expect(payload[N]).toBe(expected[N])
        }
      }
      expect(isExpired(token, { now: NOW })).toBe(false)
    })

    it('requiredClaims [N]: missing → ERR_JWT_CLAIM_INVALID (claim N, reason missing), inherited members do not count', async () => {
      const plain = hsToken(HEADER, PAYLOAD)
      const e = await refused(() => verify(plain, SECRET, { ...HS, requiredClaims: [N] }), ['ERR_JWT_CLAIM_INVALID'])
      expect(e.claim).toBe(N)
      expect(e.reason).toBe('missing')
      expect(e.payload).toEqual({ sub: 'names', iat: T })
    })

    it('requiredClaims [N]: present → accepted', async () => {
      if (N === '__proto__') {
        // accepted, or (if the library drops/refuses __proto__ members) a JoseError
        await valueOr(() => verify(token, SECRET, { ...HS, requiredClaims: [N] }), ['ERR_JWT_CLAIM_INVALID', 'ERR_JWT_INVALID'])
        return
      }
      const res = await verify(token, SECRET, { ...HS, requiredClaims: [N, 'sub'] })
      expect((res.payload as Record<string, unknown>)[N]).toBe('claim-value')
    })

    it('sign payloads with own members of that name: written faithfully (or refused for __proto__), no prototype games', async () => {
      const payload = ownFromJson<Record<string, unknown>>(`{"a":1,${member(N, value)}}`)
      const snapshot = JSON.stringify(payload)
      const t = await valueOr(() => sign(payload, SECRET, { alg: 'HS256', now: NOW }), N === '__proto__' ? ['ERR_JOSE_INVALID_ARGUMENT'] : [])
      expect(JSON.stringify(payload)).toBe(snapshot)
      if (N !== '__proto__') expect(t, 'sign refused an ordinary claim name').toBeDefined()
      if (typeof t === 'string') {
        const out = (await verify(t, SECRET, HS)).payload as Record<string, unknown>
        expect(protoIsPlain(out)).toBe(true)
        expect(out.polluted).toBeUndefined()
        expect(Object.getOwnPropertyDescriptor(out, N)?.value).toEqual(Object.getOwnPropertyDescriptor(payload, N)!.value)
        expect(out.a).toBe(1)
      }
      // null-prototype payload with the same member
      const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 2 })
      Object.defineProperty(bare, N, { value: 'v', enumerable: true, writable: true, configurable: true })
      const t2 = await valueOr(() => sign(bare, SECRET, { alg: 'HS256', now: NOW }), N === '__proto__' ? ['ERR_JOSE_INVALID_ARGUMENT'] : [])
      if (N !== '__proto__') expect(t2).toBeDefined()
      if (typeof t2 === 'string') expect(Object.getOwnPropertyDescriptor(decode(t2).payload, N)?.value).toBe('v')
    })

    it('sign / signJws header option with that member name', async () => {
      const header = ownFromJson<Record<string, unknown>>(`{${member(N, '"h"')}}`)
      if (N === '__proto__') {
        // API.md: `header` may not contain __proto__
        await refused(() => sign({}, SECRET, { alg: 'HS256', header }), ['ERR_JOSE_INVALID_ARGUMENT'])
        await refused(() => signJws('x', SECRET, { alg: 'HS256', header }), ['ERR_JOSE_INVALID_ARGUMENT'])
        const evil = ownFromJson<Record<string, unknown>>('{"__proto__":{"alg":"none","b64":false,"crit":["b64"]}}')
        await refused(() => sign({}, SECRET, { alg: 'HS256', header: evil }), ['ERR_JOSE_INVALID_ARGUMENT'])
        return
      }
      const t = await sign({}, SECRET, { alg: 'HS256', header, now: NOW })
      const h = decode(t).header
      expect(Object.hasOwn(h, N)).toBe(true)
      expect(h[N]).toBe('h')
      expect(h.alg).toBe('HS256')
      const j = await signJws('x', SECRET, { alg: 'HS256', header })
      expect((await verifyJws(j, SECRET, { algorithms: ['HS256'] })).header[N]).toBe('h')
    })
  })

  describe('in JWKs', () => {
    const KEY_CODES = ['ERR_KEY_INVALID', 'ERR_JOSE_NOT_SUPPORTED']

    it('as kty: importKey / thumbprint / verify / sign refuse it', async () => {
      await refused(() => importKey({ ...EC_PUBLIC_JWK, kty: N }, 'ES256'), KEY_CODES)
      await refused(() => importKey({ kty: N, k: OCT_JWK.k }, 'HS256'), KEY_CODES)
      await refused(() => thumbprint({ ...EC_PUBLIC_JWK, kty: N }), KEY_CODES)
      await refused(() => thumbprint({ kty: N }), KEY_CODES)
      await refused(() => verify(hsToken(HEADER, PAYLOAD), { kty: N, k: OCT_JWK.k }, HS), [...KEY_CODES, 'ERR_JOSE_ALG_NOT_ALLOWED'])
      await refused(() => sign({}, { ...EC_PRIVATE_JWK, kty: N }, { alg: 'ES256' }), KEY_CODES)
    })

    it('as crv: refused', async () => {
      await refused(() => importKey({ ...EC_PUBLIC_JWK, crv: N }, 'ES256'), KEY_CODES)
      await refused(() => importKey({ kty: 'OKP', crv: N, x: EC_PUBLIC_JWK.x }, 'EdDSA'), KEY_CODES)
      await refused(() => sign({}, { ...EC_PRIVATE_JWK, crv: N }, { alg: 'ES256' }), KEY_CODES)
      await refused(() => thumbprint({ kty: 'OKP', crv: N } as never), KEY_CODES)
    })

    it('as the JWK alg: refused (must agree with kty/crv); verification reports a misfit', async () => {
      await refused(() => importKey({ ...EC_PUBLIC_JWK, alg: N }, 'ES256'), ['ERR_KEY_INVALID'])
      await refused(() => importKey({ ...OCT_JWK, alg: N }, 'HS256'), ['ERR_KEY_INVALID'])
      await refused(() => sign({}, { ...EC_PRIVATE_JWK, alg: N }, {}), ['ERR_KEY_INVALID', 'ERR_JOSE_INVALID_ARGUMENT'])
      const oct = hsToken(HEADER, PAYLOAD, Buffer.from(OCT_JWK.k, 'base64url'))
      await refused(() => verify(oct, { ...OCT_JWK, alg: N }, HS), ['ERR_KEY_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED'])
    })

    it('as a member name: ignored by import and by the RFC 7638 thumbprint', async () => {
      const clean = await thumbprint({ ...EC_PUBLIC_JWK })
      const dirty = ownFromJson<lib.Jwk>(
        `{"kty":"EC","crv":"P-256","x":${JSON.stringify(EC_PUBLIC_JWK.x)},"y":${JSON.stringify(EC_PUBLIC_JWK.y)},${member(N, N === '__proto__' ? '{"kty":"oct","alg":"HS256","k":"AAAA"}' : '"junk"')}}`,
      )
      const tp = await valueOr(() => thumbprint(dirty), N === '__proto__' ? KEY_CODES : [])
      if (N !== '__proto__') expect(tp).toBe(clean)
      else if (tp !== undefined) expect(tp).toBe(clean)
      const k = await valueOr(() => importKey(dirty, 'ES256'), N === '__proto__' ? KEY_CODES : [])
      if (N !== '__proto__') expect(k).toBeInstanceOf(CryptoKey)
      if (k) expect((k as CryptoKey).algorithm.name).toBe('ECDSA')
      // a function-valued member of that name (e.g. an own toString) must not confuse anything
      const fnMember = { ...EC_PUBLIC_JWK } as Record<string, unknown>
      Object.defineProperty(fnMember, N, { value: () => 'x', enumerable: true })
      await valueOr(() => importKey(fnMember as lib.Jwk, 'ES256'), KEY_CODES)
      await valueOr(() => thumbprint(fnMember as lib.Jwk), KEY_CODES)
    })

    it('as use / key_ops values: a JoseError or accepted, never a crash', async () => {
      await valueOr(() => importKey({ ...EC_PUBLIC_JWK, use: N }, 'ES256'), KEY_CODES)
      await valueOr(() => importKey({ ...EC_PUBLIC_JWK, key_ops: [N] }, 'ES256'), KEY_CODES)
      const oct = hsToken(HEADER, PAYLOAD, Buffer.from(OCT_JWK.k, 'base64url'))
      await valueOr(() => verify(oct, { ...OCT_JWK, key_ops: [N] }, HS), [...KEY_CODES, 'ERR_JOSE_ALG_NOT_ALLOWED'])
    })
  })
})

describe('prototype-carried members are never read as own', () => {
  it('a sign header option whose prototype carries alg/b64/crit is signed as plain HS256', async () => {
    const header = Object.create({ alg: 'none', b64: false, crit: ['b64'], typ: 'evil' }) as Record<string, unknown>
    header.x = 1
    const t = await valueOr(() => sign({}, SECRET, { alg: 'HS256', header, now: NOW }), ['ERR_JOSE_INVALID_ARGUMENT'])
    if (typeof t === 'string') {
      expect(decode(t).header).toEqual({ alg: 'HS256', typ: 'JWT', x: 1 })
      await verify(t, SECRET, HS)
    }
  })

  it('the `crit` verify option only counts own `true` members (Object.prototype is not consulted)', async () => {
    for (const N of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const t = hsToken(`{"alg":"HS256","typ":"JWT","crit":[${JSON.stringify(N)}],${member(N, '1')}}`, PAYLOAD)
      await refused(() => verify(t, SECRET, { ...HS, crit: {} }), ['ERR_JOSE_NOT_SUPPORTED'])
    }
  })

  it('a __proto__ member in a verified header does not become its prototype', async () => {
    const t = hsToken('{"alg":"HS256","typ":"JWT","__proto__":{"polluted":"yes","crit":["x"]}}', PAYLOAD)
    const r = await valueOr(() => verify(t, SECRET, HS), ['ERR_JWS_INVALID'])
    const d = await valueOr(() => decode(t), ['ERR_JWS_INVALID'])
    for (const x of [r, d]) {
      if (!x) continue
      const h = (x as { header: Record<string, unknown> }).header
      expect(protoIsPlain(h)).toBe(true)
      expect(h.polluted).toBeUndefined()
      expect(h.crit).toBeUndefined()
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

// the signature used here is computed independently of the library
describe('fixtures sanity', () => {
  it('hand-built tokens are the library’s own format', async () => {
    const t = await sign({ sub: 'names', iat: T }, SECRET, { alg: 'HS256', now: NOW })
    const [h, p, s] = t.split('.')
    expect(s).toBe(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url'))
  })
})
