/**
 * Type tests of `sign`'s payload type parameter (issue 15: "`sign` … take[s] a payload type
 * parameter"). They are checked by `npm run typecheck` (tsconfig.test.json includes test/):
 * a `@ts-expect-error` that no longer meets an error fails there, as does a call the types
 * refuse. Each case also runs, so the calls are real.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { decode, sign, verify, type JwtPayload } from '../../src/index.ts'

const secret = 'a shared secret of at least 32 bytes!!'
const HS = { alg: 'HS256' } as const

/** An interface without an index signature: the usual way apps declare their claims. */
interface Claims { sub: string; role: 'admin' | 'user' }
/** The same shape as a type alias. */
type ClaimsT = { sub: string; role: 'admin' | 'user'; exp?: number }

describe('sign<P>: the payload type parameter', () => {
  it('accepts a payload of P, for an interface and for a type alias', async () => {
    const a = await sign<Claims>({ sub: 'u1', role: 'admin' }, secret, HS)
    const b = await sign<ClaimsT>({ sub: 'u1', role: 'user', exp: 2e9 }, secret, HS)
    expect(decode<Claims>(a).payload.role).toBe('admin')
    expect(decode<ClaimsT>(b).payload.exp).toBe(2e9)
    expectTypeOf(sign<Claims>).parameter(0).toExtend<Claims>()
    expectTypeOf(sign<Claims>).returns.resolves.toEqualTypeOf<string>()
  })

  it('refuses a payload that misses a claim of P or gives it another type', async () => {
    // @ts-expect-error: `role` is required by Claims
    await sign<Claims>({ sub: 'u1' }, secret, HS)
    // @ts-expect-error: 'root' is not a role
    await sign<Claims>({ sub: 'u1', role: 'root' }, secret, HS)
    // @ts-expect-error: an explicit P lists the claims; a misspelt one is caught
    await sign<Claims>({ sub: 'u1', role: 'admin', rol: 'admin' }, secret, HS)
  })

  it('keeps the registered claims at their RFC 7519 types, whether P is given or inferred', async () => {
    // @ts-expect-error: exp is a NumericDate (a number), not a string
    await expect(sign({ exp: 'tomorrow' }, secret, HS)).rejects.toMatchObject({ code: 'ERR_JOSE_INVALID_ARGUMENT' })
    // @ts-expect-error: a P that redefines a registered claim does not make it acceptable
    await expect(sign<{ aud: number }>({ aud: 1 }, secret, HS)).rejects.toMatchObject({ code: 'ERR_JOSE_INVALID_ARGUMENT' })
    const ok = await sign({ aud: ['a', 'b'], sub: 's', custom: { nested: true } }, secret, HS)
    expect(decode(ok).payload.aud).toEqual(['a', 'b'])
  })

  it('still takes what it took before: JwtPayload, records, interface-typed values, a schema input', async () => {
    const jp: JwtPayload = { sub: 'u1' }
    const rec: Record<string, unknown> = { sub: 'u1' }
    const claims: Claims = { sub: 'u1', role: 'user' }
    const schema = z.object({ sub: z.string(), tenant: z.string() })
    const tokens = await Promise.all([
      sign(jp, secret, HS), sign(rec, secret, HS), sign(claims, secret, HS),
      sign<z.input<typeof schema>>({ sub: 'u1', tenant: 't1' }, secret, HS),
    ])
    for (const t of tokens) expect(decode(t).payload.sub).toBe('u1')
    // and what it signs, verify reads back under the same type
    const { payload } = await verify<Claims>(tokens[2]!, secret, { algorithms: ['HS256'] })
    expectTypeOf(payload).toEqualTypeOf<Claims>()
    expect(payload.role).toBe('user')
  })
})
