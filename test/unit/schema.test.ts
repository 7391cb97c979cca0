// options.schema (API.md, JWT `schema`; issue 15): a Standard Schema v1 run last on the verified payload.
import { type } from 'arktype'
import * as v from 'valibot'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import {
  createVerifier, isJoseError, sign, signClientAssertion, verify, verifyAccessToken, verifyClientAssertion, verifyIdToken,
  type InferOutput, type JwtPayload, type StandardSchemaV1, type VerifyResult,
} from '../../src/index.ts'
import { esKeys, NOW, NOW_S, token } from '../oauth/helpers.ts'

const secret = 'a shared secret of at least 32 bytes!!'
const opts = { algorithms: ['HS256' as const], now: NOW }
const good = { sub: 'u1', role: 'admin', n: 3 }
const tok = (p: Record<string, unknown>): Promise<string> => sign(p, secret, { alg: 'HS256', now: NOW, expiresIn: 60 })

const zodSchema = z.object({ sub: z.string(), role: z.enum(['admin', 'user']), n: z.number().transform((n) => n * 2) })
const valiSchema = v.object({ sub: v.string(), role: v.picklist(['admin', 'user']), n: v.pipe(v.number(), v.transform((n) => n * 2)) })
const arkSchema = type({ sub: 'string', role: "'admin' | 'user'", n: 'number' }).pipe((o) => ({ ...o, n: o.n * 2 }))

async function error(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p
  } catch (e) {
    expect(isJoseError(e)).toBe(true)
    return e as Record<string, unknown>
  }
  throw new Error('expected a rejection')
}

/** A schema by hand: counts its calls, answers what `answer` gives. */
function handMade<O>(answer: (v: unknown) => ReturnType<StandardSchemaV1<unknown, O>['~standard']['validate']>) {
  const s = { calls: 0, '~standard': { version: 1 as const, vendor: 'test', validate: (v: unknown) => (s.calls++, answer(v)) } }
  return s
}

describe('schema with real libraries', () => {
  for (const [name, schema] of [['zod', zodSchema], ['valibot', valiSchema], ['arktype', arkSchema]] as [string, StandardSchemaV1][]) {
    it(`${name}: the payload is the schema's output; issues fail with reason schema, the claim and the issues`, async () => {
      const r = await verify(await tok(good), secret, { ...opts, schema })
      expect(r.payload).toMatchObject({ sub: 'u1', role: 'admin', n: 6 }) // arktype keeps the other members
      const e = await error(verify(await tok({ ...good, role: 'root' }), secret, { ...opts, schema }))
      expect(e).toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID', reason: 'schema', claim: 'role' })
      expect(Array.isArray(e.issues) && e.issues.length).toBeGreaterThan(0)
      expect((e.payload as JwtPayload).role).toBe('root') // the verified payload, as for every claim failure
      expect(String(e.message)).not.toContain('root')
    })
  }

  it('types: the payload type is inferred from the schema', async () => {
    const t = await tok(good)
    expectTypeOf((await verify(t, secret, { ...opts, schema: zodSchema })).payload).toEqualTypeOf<{ sub: string; role: 'admin' | 'user'; n: number }>()
    expectTypeOf((await verify(t, secret, { ...opts, schema: valiSchema })).payload).toEqualTypeOf<{ sub: string; role: 'admin' | 'user'; n: number }>()
    const ark = (await verify(t, secret, { ...opts, schema: arkSchema })).payload
    expectTypeOf(ark.n).toEqualTypeOf<number>()
    expectTypeOf(ark.role).toEqualTypeOf<'admin' | 'user'>()
    expectTypeOf(createVerifier(secret, { ...opts, schema: zodSchema })).returns.resolves.toEqualTypeOf<VerifyResult<z.output<typeof zodSchema>>>()
    // without a schema: JwtPayload, or the type parameter
    expectTypeOf((await verify(t, secret, opts)).payload).toEqualTypeOf<JwtPayload>()
    expectTypeOf((await verify<{ role: string }>(t, secret, opts)).payload).toEqualTypeOf<{ role: string }>()
    const loose: Parameters<typeof verify>[2] = opts
    expectTypeOf((await verify(t, secret, loose)).payload).toEqualTypeOf<JwtPayload>()
  })
})

describe('schema: order, failures, async', () => {
  it('runs last: a registered claim failure wins, and the schema is not called', async () => {
    const s = handMade((v) => ({ value: v }))
    const e = await error(verify(await tok(good), secret, { ...opts, issuer: 'https://other', schema: s }))
    expect(e).toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID', claim: 'iss', reason: 'missing' })
    expect(s.calls).toBe(0)
  })

  it('an async schema is awaited, its issues fail', async () => {
    const ok = handMade(async (v) => ({ value: { wrapped: v } }))
    expect((await verify(await tok(good), secret, { ...opts, schema: ok })).payload).toMatchObject({ wrapped: { sub: 'u1' } })
    const bad = handMade(async () => ({ issues: [{ message: 'no', path: [{ key: 'sub' }, 'x'] }] }))
    expect(await error(verify(await tok(good), secret, { ...opts, schema: bad }))).toMatchObject({ reason: 'schema', claim: 'sub' })
    const zodAsync = z.object({ sub: z.string().refine(async (s) => s === 'u2') })
    expect(await error(verify(await tok(good), secret, { ...opts, schema: zodAsync }))).toMatchObject({ reason: 'schema', claim: 'sub' })
  })

  it('issues without a path: no claim', async () => {
    const s = handMade(() => ({ issues: [{ message: 'whole payload' }] }))
    const e = await error(verify(await tok(good), secret, { ...opts, schema: s }))
    expect(e).toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID', reason: 'schema', issues: [{ message: 'whole payload' }] })
    expect('claim' in e).toBe(false)
    expect('cause' in e).toBe(false) // only a schema that threw has one
  })

  it('a first path step that is no string key (an index, a symbol, { key } of either): no claim', async () => {
    for (const step of [0, Symbol('s'), { key: 0 }, { key: Symbol('s') }, {}]) {
      const s = handMade(() => ({ issues: [{ message: 'no', path: [step as PropertyKey] }] }))
      const e = await error(verify(await tok(good), secret, { ...opts, schema: s }))
      expect(e).toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID', reason: 'schema', issues: [{ message: 'no' }] })
      expect('claim' in e || 'cause' in e).toBe(false)
    }
  })

  it('a throwing schema (or one that answers no result) is a JoseError with the cause', async () => {
    const boom = new Error('schema bug')
    const s = handMade(() => { throw boom })
    const e = await error(verify(await tok(good), secret, { ...opts, schema: s }))
    expect(e).toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID', reason: 'schema' })
    expect(e.cause).toBe(boom)
    const rejecting = handMade(() => Promise.reject(boom))
    expect((await error(verify(await tok(good), secret, { ...opts, schema: rejecting }))).cause).toBe(boom)
    const nothing = handMade(() => null as never)
    expect(await error(verify(await tok(good), secret, { ...opts, schema: nothing }))).toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID', reason: 'schema' })
  })

  it('a schema that is not a Standard Schema v1 is ERR_JOSE_INVALID_ARGUMENT at plan time', async () => {
    for (const bad of [{}, null, 42, z, { '~standard': { version: 2, validate: () => ({ value: 1 }) } }, { '~standard': { version: 1 } }, (x: unknown) => x]) {
      expect(() => createVerifier(secret, { ...opts, schema: bad as never })).toThrow(expect.objectContaining({ code: 'ERR_JOSE_INVALID_ARGUMENT' }))
      expect(await error(verify('not even a token', secret, { ...opts, schema: bad as never }))).toMatchObject({ code: 'ERR_JOSE_INVALID_ARGUMENT' })
    }
  })
})

describe('schema in createVerifier', () => {
  for (const cache of [0, 10]) {
    it(`runs on every call, cache hits included (cache ${cache})`, async () => {
      const s = handMade((v) => ({ value: { ...(v as object), seen: true } }))
      const verifyToken = createVerifier(secret, { ...opts, cache, schema: s })
      const t = await tok(good)
      expect((await verifyToken(t)).payload).toMatchObject({ sub: 'u1', seen: true })
      expect((await verifyToken(t)).payload).toMatchObject({ sub: 'u1', seen: true })
      expect(s.calls).toBe(2)
    })
  }

  it('a cache hit whose schema now fails is refused', async () => {
    let allow = true
    const s = handMade((v) => (allow ? { value: v } : { issues: [{ message: 'revoked', path: ['sub'] }] }))
    const verifyToken = createVerifier(secret, { ...opts, cache: 10, schema: s })
    const t = await tok(good)
    await verifyToken(t)
    allow = false
    expect(await error(verifyToken(t))).toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID', reason: 'schema', claim: 'sub' })
    allow = true
    expect(Object.isFrozen(await verifyToken(t))).toBe(true)
  })
})

describe('schema in the profiles', () => {
  const claims = z.object({ sub: z.string(), tenant: z.string() })

  it('verifyAccessToken', async () => {
    const p = { iss: 'https://as', sub: 'u', aud: 'api', client_id: 'c', iat: NOW_S - 1, exp: NOW_S + 60, jti: 'j', scope: 'read', tenant: 't1' }
    const o = { issuer: 'https://as', audience: 'api', now: NOW }
    const { pub } = await esKeys()
    const r = await verifyAccessToken(await token(p, 'at+jwt'), pub, { ...o, schema: claims })
    expect(r.payload).toEqual({ sub: 'u', tenant: 't1' })
    expect(r.scopes).toEqual(['read'])
    expectTypeOf(r.payload).toEqualTypeOf<{ sub: string; tenant: string }>()
    expect(await error(verifyAccessToken(await token({ ...p, tenant: 1 }, 'at+jwt'), pub, { ...o, schema: claims })))
      .toMatchObject({ code: 'ERR_JWT_CLAIM_INVALID', claim: 'tenant', reason: 'schema' })
  })

  it('verifyIdToken', async () => {
    const p = { iss: 'https://id', sub: 'u', aud: 'app', iat: NOW_S - 1, exp: NOW_S + 60, tenant: 't1' }
    const o = { issuer: 'https://id', clientId: 'app', now: NOW }
    const { pub } = await esKeys()
    const r = await verifyIdToken(await token(p, 'JWT'), pub, { ...o, schema: claims })
    expectTypeOf(r.payload).toEqualTypeOf<{ sub: string; tenant: string }>()
    expect(r.payload).toEqual({ sub: 'u', tenant: 't1' })
    expect(await error(verifyIdToken(await token({ ...p, tenant: undefined }, 'JWT'), pub, { ...o, schema: claims })))
      .toMatchObject({ claim: 'tenant', reason: 'schema' })
  })

  it('verifyClientAssertion: the schema runs before the jti is recorded', async () => {
    const { priv, pub } = await esKeys()
    const a = await signClientAssertion({ clientId: 'c', audience: 'https://as', key: priv, now: NOW })
    const seen: string[] = []
    const replayStore = { add: (jti: string) => (seen.push(jti), true) }
    const o = { clientId: 'c', audience: 'https://as', now: NOW, replayStore }
    const e = await error(verifyClientAssertion(a, pub, { ...o, schema: z.object({ tenant: z.string() }) }))
    expect(e).toMatchObject({ claim: 'tenant', reason: 'schema' })
    expect(seen).toEqual([])
    const r = await verifyClientAssertion(a, pub, { ...o, schema: z.object({ sub: z.literal('c') }) })
    expectTypeOf(r.payload).toEqualTypeOf<{ sub: 'c' }>()
    expect(r.payload).toEqual({ sub: 'c' })
    expect(seen).toHaveLength(1)
  })
})
