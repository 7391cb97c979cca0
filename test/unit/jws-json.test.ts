/**
 * verifyJwsJson's structural rules (RFC 7515 §7.2, API.md): disjoint headers, alg/crit/b64
 * only protected, at most 8 signatures, one form at a time, canonical segments, one b64
 * for all signatures (RFC 7797 §6), the length cap on the JSON text, detached content.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signJws, signJwsJson, verifyJws, verifyJwsJson } from '../../src/index.ts'
import type { Alg, FlattenedJws, GeneralJws } from '../../src/types.ts'

const key = new Uint8Array(32).fill(9)
const opts = { algorithms: ['HS256'] as Alg[] }
const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code: string }) => e.code)

describe('verifyJwsJson structure', () => {
  it('headers disjoint; alg, crit, b64 only in the protected header', async () => {
    const f = (await signJwsJson('x', [{ key, alg: 'HS256', kid: 'k' }])) as FlattenedJws
    expect(await code(verifyJwsJson(f, key, opts))).toBe('ok')
    for (const header of [{ kid: 'other' }, { alg: 'HS256' }, { crit: ['x'] }, { b64: true }]) {
      expect(await code(verifyJwsJson({ ...f, header }, key, opts))).toBe('ERR_JWS_INVALID')
    }
    expect(await code(verifyJwsJson({ ...f, header: { x5u: 1 } }, key, opts))).toBe('ERR_JWS_INVALID') // shape rules on the joined header
    // A protected crit naming a member that only the unprotected header has: the joined
    // header would pass the crit rule, so the protected-only rule is what refuses it.
    const p = Buffer.from('{"alg":"HS256","crit":["x"]}').toString('base64url')
    const signature = createHmac('sha256', key).update(`${p}.${f.payload}`).digest('base64url')
    const crafted = { payload: f.payload, protected: p, signature }
    expect(await code(verifyJwsJson({ ...crafted, header: { x: 1 } }, key, { ...opts, crit: { x: true } }))).toBe('ERR_JWS_INVALID')
    expect(await code(verifyJwsJson({ ...crafted, header: { crit: ['x'], x: 1 }, protected: Buffer.from('{"alg":"HS256"}').toString('base64url') }, key, { ...opts, crit: { x: true } }))).toBe('ERR_JWS_INVALID')
    await expect(signJwsJson('x', [{ key, alg: 'HS256', kid: 'k', unprotected: { kid: 'k2' } }])).rejects.toMatchObject({ code: 'ERR_JOSE_INVALID_ARGUMENT' })
    await expect(signJwsJson('x', [{ key, alg: 'HS256', unprotected: { alg: 'HS256' } }])).rejects.toMatchObject({ code: 'ERR_JOSE_INVALID_ARGUMENT' })
  })

  it('at most 8 signatures; the first that verifies wins; one form at a time', async () => {
    const other = new Uint8Array(32).fill(1)
    const signers = Array.from({ length: 8 }, (_, i) => ({ key: i === 6 ? key : other, alg: 'HS256' as Alg }))
    const g = (await signJwsJson('x', signers)) as GeneralJws
    expect((await verifyJwsJson(g, key, opts)).index).toBe(6)
    expect(await code(verifyJwsJson({ ...g, signatures: [...g.signatures, g.signatures[6]!] }, key, opts))).toBe('ERR_JWS_INVALID')
    await expect(signJwsJson('x', [...signers, signers[0]!])).rejects.toMatchObject({ code: 'ERR_JOSE_INVALID_ARGUMENT' })
    expect(await code(verifyJwsJson({ ...g, signatures: [] }, key, opts))).toBe('ERR_JWS_INVALID')
    expect(await code(verifyJwsJson({ ...g, ...g.signatures[6] } as never, key, opts))).toBe('ERR_JWS_INVALID')
    expect(await code(verifyJwsJson({ ...g, extra: undefined } as never, key, opts))).toBe('ERR_JWS_INVALID')
  })

  it('segments canonical; b64 the same for all; the cap bounds the JSON text', async () => {
    const f = (await signJwsJson('xy', [{ key, alg: 'HS256' }])) as FlattenedJws
    expect(await code(verifyJwsJson({ ...f, payload: `${f.payload}=` }, key, opts))).toBe('ERR_JWS_INVALID')
    expect(await code(verifyJwsJson({ ...f, signature: `${f.signature}AA` }, key, opts))).toBe('ERR_JWS_INVALID')
    const a = (await signJwsJson('xy', [{ key, alg: 'HS256' }], { b64: false })) as FlattenedJws
    const mixed = { payload: f.payload, signatures: [{ protected: a.protected, signature: a.signature }, { protected: f.protected, signature: f.signature }] }
    expect(await code(verifyJwsJson(mixed, key, { ...opts, crit: { b64: true } }))).toBe('ERR_JWS_INVALID')
    const text = JSON.stringify(f)
    expect(await code(verifyJwsJson(text, key, { ...opts, maxTokenLength: text.length }))).toBe('ok')
    expect(await code(verifyJwsJson(text, key, { ...opts, maxTokenLength: text.length - 1 }))).toBe('ERR_JWS_INVALID')
  })

  it('detached content: options.payload only when the payload is left out', async () => {
    const d = (await signJwsJson('xy', [{ key, alg: 'HS256' }], { detached: true })) as FlattenedJws
    expect('payload' in d).toBe(false)
    expect(await code(verifyJwsJson(d, key, { ...opts, payload: 'xy' }))).toBe('ok')
    expect(await code(verifyJwsJson(d, key, { ...opts, payload: 'xz' }))).toBe('ERR_JWS_SIGNATURE_INVALID')
    const f = await signJwsJson('xy', [{ key, alg: 'HS256' }])
    expect(await code(verifyJwsJson(f, key, { ...opts, payload: 'xy' }))).toBe('ERR_JWS_INVALID')
    const c = await signJws('xy', key, { alg: 'HS256' })
    expect(await code(verifyJws(c, key, { ...opts, payload: 'xy' }))).toBe('ERR_JWS_INVALID')
    await expect(signJws('xy', key, { alg: 'HS256', b64: false })).rejects.toMatchObject({ code: 'ERR_JOSE_INVALID_ARGUMENT' })
  })
})
