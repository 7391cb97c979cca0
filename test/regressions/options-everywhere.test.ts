/**
 * hardening 3: options mean the same everywhere (issue 12, API.md "Prepared": option values
 * are read by property access, once per call, everywhere; every own enumerable name must be
 * known). One-shot `verify`/`sign` and `createVerifier`/`createSigner` read an option given
 * as a getter, a non-enumerable property, a property a Proxy hides from ownKeys, or one a
 * prototype carries, and give the same verdict and the same token. Option lists with holes
 * or non-strings are ERR_JOSE_INVALID_ARGUMENT when read.
 */
import { describe, expect, it } from 'vitest'
import {
  createSigner, createVerifier, decode, isExpired, isJoseError, sign, signClientAssertion, signJws, verify, verifyAccessToken,
  verifyClientAssertion, verifyIdToken, verifyJws, type DecodeResult, type Jwk, type JwtPayload,
} from '../../src/index.ts'
import { esKeys, NOW, NOW_S } from '../oauth/helpers.ts'

const T = NOW_S
/** A function clock: it keeps the options rememberable by one-shot calls (the path that ignored hidden names). */
const clock = () => NOW
const SECRET = new Uint8Array(32).fill(9)
/** The secret as a JWK pinned to HS256, so that `algorithms` can be left out or narrowed. */
const KEY: Jwk = { kty: 'oct', k: Buffer.from(SECRET).toString('base64url'), alg: 'HS256' }

type Bag = Record<string, unknown>
type Form = (base: Bag, name: string, value: unknown) => object

/** A copy of the base without the option a form adds (a base `now` would shadow a prototype's). */
const rest = (b: Bag, n: string): Bag => Object.fromEntries(Object.entries(b).filter(([k]) => k !== n))

/** The four ways an option can escape Object.keys, each built from a plain base plus one option. */
const FORMS: readonly (readonly [string, Form])[] = [
  ['a getter', (b, n, v) => Object.defineProperty(rest(b, n), n, { get: () => v, enumerable: true })],
  ['a non-enumerable property', (b, n, v) => Object.defineProperty(rest(b, n), n, { value: v, enumerable: false })],
  ['a Proxy hiding it from ownKeys', (b, n, v) => new Proxy({ ...rest(b, n), [n]: v }, { ownKeys: (t) => Reflect.ownKeys(t).filter((k) => k !== n) })],
  ['a prototype carrying it', (b, n, v) => Object.assign(Object.create({ [n]: v }) as object, rest(b, n))],
]

/** What a call came to: the payload, or the error code (anything but a JoseError fails the test). */
async function verdict(run: () => Promise<{ payload: unknown }> | { payload: unknown }): Promise<unknown> {
  try {
    return { payload: (await run()).payload }
  } catch (e) {
    expect(isJoseError(e), String(e)).toBe(true)
    return { code: (e as { code: string }).code }
  }
}

async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run()
  } catch (e) {
    expect(isJoseError(e), String(e)).toBe(true)
    return (e as { code: string }).code
  }
  return 'ok'
}

const hs = (claims: Bag, header: Bag = {}) => signJws(JSON.stringify(claims), SECRET, { alg: 'HS256', header })
const CLAIMS = { sub: 'u', iss: 'https://good.example', aud: 'api', iat: T - 10, exp: T + 600 }

/** Verify cases: the token, one option, and the verdict that option must give. */
const VERIFY_CASES: readonly { name: string; value: unknown; claims?: Bag; header?: Bag; expect: string }[] = [
  { name: 'audience', value: 'api', claims: { aud: 'other' }, expect: 'ERR_JWT_CLAIM_INVALID' },
  { name: 'audience', value: ['x', 'api'], expect: 'ok' },
  { name: 'issuer', value: 'https://good.example', claims: { iss: 'https://evil.example' }, expect: 'ERR_JWT_CLAIM_INVALID' },
  { name: 'subject', value: 'v', expect: 'ERR_JWT_CLAIM_INVALID' },
  { name: 'typ', value: 'at+jwt', header: { typ: 'JWT' }, expect: 'ERR_JWT_CLAIM_INVALID' },
  { name: 'maxAge', value: 60, claims: { iat: T - 3600 }, expect: 'ERR_JWT_CLAIM_INVALID' },
  { name: 'requiredClaims', value: ['jti'], expect: 'ERR_JWT_CLAIM_INVALID' },
  { name: 'clockTolerance', value: 30, claims: { exp: T - 5 }, expect: 'ok' },
  { name: 'algorithms', value: ['HS384'], expect: 'ERR_JOSE_ALG_NOT_ALLOWED' },
  { name: 'maxTokenLength', value: 20, expect: 'ERR_JWS_INVALID' },
  { name: 'now', value: () => new Date((T + 601) * 1000), expect: 'ERR_JWT_EXPIRED' },
]

describe('hardening 3: options mean the same everywhere', () => {
  describe('verify and createVerifier read an option however it is given', () => {
    for (const c of VERIFY_CASES) {
      it(`${c.name} = ${JSON.stringify(c.value) ?? 'a function'} → ${c.expect}, in every form, one-shot and prepared`, async () => {
        const token = await hs({ ...CLAIMS, ...c.claims }, c.header)
        const base: Bag = { now: clock }
        const plain = await verdict(() => verify(token, KEY, { ...base, [c.name]: c.value }))
        expect(plain).toEqual(c.expect === 'ok' ? { payload: { ...CLAIMS, ...c.claims } } : { code: c.expect })
        // Without the option the token is accepted (so a form that drops the option shows).
        if (c.expect !== 'ok') expect(await verdict(() => verify(token, KEY, base))).toHaveProperty('payload')
        for (const [form, make] of FORMS) {
          const opts = make(base, c.name, c.value)
          const got = {
            oneShot: await verdict(() => verify(token, KEY, opts)),
            again: await verdict(() => verify(token, KEY, opts)), // the one-shot plan remembered
            afterPlain: (await verify(token, KEY, base).catch(() => 0), await verdict(() => verify(token, KEY, opts))),
            prepared: await verdict(() => createVerifier(KEY, opts)(token)),
            cached: await verdict(() => createVerifier(KEY, make({ ...base, cache: 10 }, c.name, c.value))(token)),
          }
          expect(got, form).toEqual({ oneShot: plain, again: plain, afterPlain: plain, prepared: plain, cached: plain })
        }
      })
    }
  })

  describe('sign and createSigner read an option however it is given', () => {
    const SIGN_CASES: readonly [string, unknown, (d: DecodeResult<JwtPayload>) => unknown, unknown][] = [
      ['expiresIn', 60, (d) => d.payload.exp, T + 60],
      ['notBefore', '10s', (d) => d.payload.nbf, T + 10],
      ['audience', 'api', (d) => d.payload.aud, 'api'],
      ['audience', ['a', 'b'], (d) => d.payload.aud, ['a', 'b']],
      ['issuer', 'https://id.example', (d) => d.payload.iss, 'https://id.example'],
      ['subject', 's', (d) => d.payload.sub, 's'],
      ['jwtId', 'j1', (d) => d.payload.jti, 'j1'],
      ['issuedAt', false, (d) => d.payload.iat, undefined],
      ['kid', 'k1', (d) => d.header.kid, 'k1'],
      ['typ', 'at+jwt', (d) => d.header.typ, 'at+jwt'],
      ['now', () => new Date((T + 5) * 1000), (d) => d.payload.iat, T + 5],
    ]
    for (const [name, value, pick, want] of SIGN_CASES) {
      it(`${name} = ${JSON.stringify(value) ?? 'a function'}: the same token from sign and createSigner in every form`, async () => {
        const base: Bag = { alg: 'HS256', now: clock }
        const plain = await sign({ x: 1 }, SECRET, { ...base, [name]: value })
        expect(pick(decode(plain))).toEqual(want)
        for (const [form, make] of FORMS) {
          const opts = make(base, name, value)
          await sign({ x: 1 }, SECRET, base) // the remembered plan is another one
          const got = [await sign({ x: 1 }, SECRET, opts), await sign({ x: 1 }, SECRET, opts), await createSigner(SECRET, opts)({ x: 1 })]
          expect(got, form).toEqual([plain, plain, plain])
        }
      })
    }
  })

  describe('unknown own enumerable names are refused by both', () => {
    const unknown: readonly (readonly [string, (b: Bag) => object])[] = [
      ['a literal', (b) => ({ ...b, audiance: 'api' })],
      ['an enumerable getter', (b) => Object.defineProperty({ ...b }, 'audiance', { get: () => 'api', enumerable: true })],
      ['a Proxy that lists it', (b) => new Proxy({ ...b, audiance: 'api' }, {})],
    ]
    it.each(unknown)('%s', async (_name, make) => {
      const token = await hs(CLAIMS)
      const vopts = make({ now: clock })
      await verify(token, KEY, { now: clock }) // a remembered plan for the known names
      expect(await codeOf(() => verify(token, KEY, vopts))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      expect(await codeOf(() => createVerifier(KEY, vopts))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      expect(await codeOf(() => createVerifier(KEY, make({ now: clock, cache: 5 })))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      const sopts = make({ alg: 'HS256', now: clock })
      await sign({}, SECRET, { alg: 'HS256', now: clock })
      expect(await codeOf(() => sign({}, SECRET, sopts))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      expect(await codeOf(() => createSigner(SECRET, sopts))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    })
  })

  describe('option lists with holes or non-strings are ERR_JOSE_INVALID_ARGUMENT when read', () => {
    const BAD: readonly (readonly [string, string, unknown])[] = [
      ['requiredClaims', "['sub', , 'x'] (a hole)", ['sub', , 'x']],
      ['requiredClaims', "['sub', 1]", ['sub', 1]],
      ['algorithms', "['HS256', ,] (a hole)", ['HS256', ,]],
      ['algorithms', "['HS256', null]", ['HS256', null]],
      ['audience', "['api', , 'x'] (a hole)", ['api', , 'x']],
      ['audience', "['api', 2]", ['api', 2]],
      ['issuer', "['https://good.example', ,] (a hole)", ['https://good.example', ,]],
      ['typ', "['JWT', , 'x'] (a hole)", ['JWT', , 'x']],
      ['typ', '[undefined]', [undefined]],
    ]
    it.each(BAD)('%s: %s → refused by verify at the call and by createVerifier at creation', async (name, _label, value) => {
      const token = await hs(CLAIMS)
      const opts = { now: clock, [name]: value }
      expect(await codeOf(() => verify(token, KEY, opts))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      expect(await codeOf(() => verify(token, KEY, opts))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      expect(() => createVerifier(KEY, opts)).toThrow(expect.objectContaining({ code: 'ERR_JOSE_INVALID_ARGUMENT' }))
      expect(() => createVerifier(KEY, { ...opts, cache: 5 })).toThrow(expect.objectContaining({ code: 'ERR_JOSE_INVALID_ARGUMENT' }))
      if (name === 'algorithms') expect(await codeOf(() => verifyJws(token, KEY, { algorithms: value as never }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    })

    it.each([["['a', , 'b'] (a hole)", ['a', , 'b']], ["['a', 7]", ['a', 7]], ['[]', []]])('sign audience %s → refused by sign and createSigner', async (_label, audience) => {
      const opts = { alg: 'HS256' as const, now: clock, audience: audience as never }
      expect(await codeOf(() => sign({}, SECRET, opts))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      expect(() => createSigner(SECRET, opts)).toThrow(expect.objectContaining({ code: 'ERR_JOSE_INVALID_ARGUMENT' }))
    })
  })

  describe('the OAuth profiles', () => {
    const ISS = 'https://as.example'
    const AT = { iss: ISS, sub: 'u', aud: 'api', client_id: 'app', iat: T - 10, exp: T + 300, jti: 'j', scope: 'read' }
    const at = async (claims: Bag) => signJws(JSON.stringify(claims), (await esKeys()).priv, { header: { typ: 'at+jwt' } })

    it('verifyAccessToken: audience and requiredScopes read in every form', async () => {
      const { pub } = await esKeys()
      const other = await at({ ...AT, aud: 'other' })
      const good = await at(AT)
      const base: Bag = { issuer: ISS, now: clock }
      for (const [form, make] of FORMS) {
        expect(await codeOf(() => verifyAccessToken(other, pub, make(base, 'audience', 'api') as never)), form).toBe('ERR_JWT_CLAIM_INVALID')
        const scoped = make({ ...base, audience: 'api' }, 'requiredScopes', ['write'])
        expect(await codeOf(() => verifyAccessToken(good, pub, scoped as never)), form).toBe('ERR_JWT_CLAIM_INVALID')
        expect((await verifyAccessToken(good, pub, make(base, 'audience', 'api') as never)).payload, form).toEqual(AT)
      }
    })

    it('verifyIdToken: a nonce given in every form is required', async () => {
      const { priv, pub } = await esKeys()
      const id = await signJws(JSON.stringify({ iss: ISS, sub: 'u', aud: 'app', iat: T - 10, exp: T + 300 }), priv, { header: { typ: 'JWT' } })
      const base: Bag = { issuer: ISS, clientId: 'app', now: clock }
      expect((await verifyIdToken(id, pub, base as never)).payload.sub).toBe('u')
      for (const [form, make] of FORMS) {
        expect(await codeOf(() => verifyIdToken(id, pub, make(base, 'nonce', 'n-1') as never)), form).toBe('ERR_JWT_CLAIM_INVALID')
      }
    })

    it('signClientAssertion and verifyClientAssertion: expiresIn and audience in every form', async () => {
      const { priv, pub } = await esKeys()
      const base: Bag = { clientId: 'app', audience: ISS, key: priv, now: clock }
      for (const [form, make] of FORMS) {
        const a = await signClientAssertion(make(base, 'expiresIn', 30) as never)
        expect(decode(a).payload.exp, form).toBe(T + 30)
        const vbase: Bag = { clientId: 'app', now: clock }
        expect(await codeOf(() => verifyClientAssertion(a, pub, make(vbase, 'audience', 'https://other.example') as never)), form).toBe('ERR_JWT_CLAIM_INVALID')
        expect((await verifyClientAssertion(a, pub, make(vbase, 'audience', ISS) as never)).payload.sub, form).toBe('app')
      }
    })

    it('list options with holes are ERR_JOSE_INVALID_ARGUMENT', async () => {
      const { pub } = await esKeys()
      const good = await at(AT)
        const scopes = ['read', , 'write']
      expect(await codeOf(() => verifyAccessToken(good, pub, { issuer: ISS, audience: 'api', now: NOW, requiredScopes: scopes as never }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      expect(await codeOf(() => verifyAccessToken(good, pub, { issuer: ISS, audience: ['api', ,] as never, now: NOW }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      expect(await codeOf(() => verifyAccessToken(good, pub, { issuer: ISS, audience: 'api', now: NOW, algorithms: ['ES256', ,] as never }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
      expect(await codeOf(() => verifyClientAssertion(good, pub, { clientId: 'app', audience: [ISS, , 'x'] as never, now: NOW }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    })
  })

  describe('the other functions taking options', () => {
    it('decode, isExpired, verifyJws read a hidden option in every form', async () => {
      const token = await hs({ ...CLAIMS, exp: T + 5 })
      const late = await hs({ ...CLAIMS, exp: 4_000_000_000 }) // not expired by the real clock
      const at = (s: number) => new Date(s * 1000)
      // Controls: what each call gives without the option.
      expect([decode(token).payload.exp, isExpired(token, { now: at(T + 6) }), isExpired(late)]).toEqual([T + 5, true, false])
      expect((await verifyJws(token, KEY)).header.alg).toBe('HS256')
      for (const [form, make] of FORMS) {
        expect(await codeOf(() => decode(token, make({}, 'maxTokenLength', 20) as never)), form).toBe('ERR_JWS_INVALID')
        expect(isExpired(token, make({ now: at(T + 6) }, 'clockTolerance', 10) as never), form).toBe(false)
        expect(isExpired(late, make({}, 'now', at(4_000_000_001)) as never), form).toBe(true)
        expect(await codeOf(() => verifyJws(token, KEY, make({}, 'algorithms', ['HS512']) as never)), form).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      }
    })
  })
})
