/**
 * JWS JSON serialization and b64: false against jose, both directions: jose's
 * FlattenedSign/GeneralSign → verifyJwsJson, signJwsJson → jose's flattenedVerify/
 * generalVerify, for an asymmetric and an HMAC signer, encoded and unencoded payloads.
 */
import * as jose from 'jose'
import { describe, expect, it } from 'vitest'
import { embeddedJwk, generateKeyPair, signJws, signJwsJson, verifyJws, verifyJwsJson } from '../../src/index.ts'
import type { Jwk } from '../../src/types.ts'

const text = (b: Uint8Array) => new TextDecoder().decode(b)
const PAYLOAD = 'Zoë $.02 🔑'
const secret = new Uint8Array(32).fill(7)

describe('jose → isojwt', () => {
  it('FlattenedSign (ES256, kid unprotected) → verifyJwsJson', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const jws = await new jose.FlattenedSign(new TextEncoder().encode(PAYLOAD)).setProtectedHeader({ alg: 'ES256' }).setUnprotectedHeader({ kid: 'k1' }).sign(privateKey)
    const r = await verifyJwsJson(jws as never, publicKey, { algorithms: ['ES256'] })
    expect([text(r.payload), r.index, r.unprotectedHeader]).toEqual([PAYLOAD, 0, { kid: 'k1' }])
  })

  it('GeneralSign with two signers → verifyJwsJson picks the one the key fits', async () => {
    const ec = await generateKeyPair('ES256')
    const gs = new jose.GeneralSign(new TextEncoder().encode(PAYLOAD))
    gs.addSignature(secret).setProtectedHeader({ alg: 'HS256' })
    gs.addSignature(ec.privateKey).setProtectedHeader({ alg: 'ES256' }).setUnprotectedHeader({ kid: 'ec' })
    const jws = await gs.sign()
    expect((await verifyJwsJson(jws as never, ec.publicKey, { algorithms: ['ES256'] })).index).toBe(1)
    expect((await verifyJwsJson(JSON.stringify(jws), secret, { algorithms: ['HS256'] })).index).toBe(0)
  })

  it('b64: false (flattened, and compact detached) → verifyJwsJson / verifyJws with crit', async () => {
    const h = { alg: 'HS256', b64: false, crit: ['b64'] }
    const jws = await new jose.FlattenedSign(new TextEncoder().encode(PAYLOAD)).setProtectedHeader(h).sign(secret)
    // jose leaves an unencoded payload out of the JSON ("payload": ""): detached content.
    expect(jws.payload).toBe('')
    expect(text((await verifyJwsJson(jws as never, secret, { algorithms: ['HS256'], crit: { b64: true }, payload: PAYLOAD })).payload)).toBe(PAYLOAD)
    const carried = { ...jws, payload: PAYLOAD }
    expect(text((await verifyJwsJson(carried as never, secret, { algorithms: ['HS256'], crit: { b64: true } })).payload)).toBe(PAYLOAD)
    // jose's CompactSign refuses b64: false; its flattened signature is the detached compact one.
    const detached = `${jws.protected}..${jws.signature}`
    expect(text((await verifyJws(detached, secret, { algorithms: ['HS256'], crit: { b64: true }, payload: PAYLOAD })).payload)).toBe(PAYLOAD)
  })

  it('a header jwk (jose EmbeddedJWK style) → embeddedJwk', async () => {
    const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true })
    const jwk = await jose.exportJWK(publicKey)
    const c = await new jose.CompactSign(new TextEncoder().encode('x')).setProtectedHeader({ alg: 'ES256', jwk }).sign(privateKey)
    expect(text((await verifyJws(c, embeddedJwk, { algorithms: ['ES256'] })).payload)).toBe('x')
  })
})

describe('isojwt → jose', () => {
  it('signJwsJson, one signer → flattenedVerify', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA')
    const jws = await signJwsJson(PAYLOAD, [{ key: privateKey, alg: 'EdDSA', unprotected: { kid: 'k1' } }])
    expect('signatures' in jws).toBe(false)
    const r = await jose.flattenedVerify(jws as jose.FlattenedJWSInput, publicKey)
    expect([text(r.payload), r.unprotectedHeader]).toEqual([PAYLOAD, { kid: 'k1' }])
  })

  it('signJwsJson, two signers → generalVerify with each key', async () => {
    const ec = await generateKeyPair('ES384')
    const jws = await signJwsJson(PAYLOAD, [{ key: secret, alg: 'HS256' }, { key: ec.privateKey, kid: 'ec' }])
    expect((jws as { signatures: unknown[] }).signatures).toHaveLength(2)
    expect(text((await jose.generalVerify(jws as jose.GeneralJWSInput, secret)).payload)).toBe(PAYLOAD)
    expect((await jose.generalVerify(jws as jose.GeneralJWSInput, ec.publicKey)).protectedHeader).toMatchObject({ alg: 'ES384', kid: 'ec' })
  })

  it('b64: false → jose, JSON and detached compact', async () => {
    const jws = await signJwsJson(PAYLOAD, [{ key: secret, alg: 'HS256' }], { b64: false })
    expect(jws.payload).toBe(PAYLOAD)
    expect(text((await jose.flattenedVerify(jws as jose.FlattenedJWSInput, secret, { crit: { b64: true } } as never)).payload)).toBe(PAYLOAD)
    const detached = await signJwsJson(PAYLOAD, [{ key: secret, alg: 'HS256' }], { b64: false, detached: true })
    expect('payload' in detached).toBe(false)
    const r = await jose.flattenedVerify({ ...(detached as jose.FlattenedJWSInput), payload: PAYLOAD }, secret)
    expect(r.protectedHeader).toMatchObject({ b64: false, crit: ['b64'] })
    const c = await signJws('$.02', secret, { alg: 'HS256', b64: false, detached: true })
    const [h, , s] = c.split('.')
    expect(text((await jose.flattenedVerify({ protected: h!, payload: '$.02', signature: s! }, secret)).payload)).toBe('$.02')
  })

  it('detached b64 compact → jose with the payload put back', async () => {
    const c = await signJws('hello', secret, { alg: 'HS256', detached: true })
    const [h, p, s] = c.split('.')
    expect(p).toBe('')
    expect(text((await jose.compactVerify(`${h}.${jose.base64url.encode('hello')}.${s}`, secret)).payload)).toBe('hello')
    expect(text((await verifyJws(c, secret, { algorithms: ['HS256'], payload: 'hello' })).payload)).toBe('hello')
  })
})

describe('embeddedJwk', () => {
  it('needs asymmetric algorithms; refuses a private or secret key in the header', async () => {
    const { privateKey } = await jose.generateKeyPair('ES256', { extractable: true })
    const priv = (await jose.exportJWK(privateKey)) as Jwk
    const { d: _d, ...pub } = priv
    const token = (jwk: object) => new jose.CompactSign(new TextEncoder().encode('x')).setProtectedHeader({ alg: 'ES256', jwk: jwk as jose.JWK }).sign(privateKey)
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code: string }) => e.code)
    expect(await code(verifyJws(await token(pub), embeddedJwk))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    expect(await code(verifyJws(await token(pub), embeddedJwk, { algorithms: ['ES256', 'HS256'] }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    expect(await code(verifyJws(await token(priv), embeddedJwk, { algorithms: ['ES256'] }))).toBe('ERR_KEY_INVALID')
    expect(await code(verifyJws(await token({ kty: 'oct', k: 'AAAA' }), embeddedJwk, { algorithms: ['ES256'] }))).toBe('ERR_KEY_INVALID')
    expect(await code(verifyJws(await token({ kty: 'RSA', n: 'A'.repeat(1367), e: 'AQAB' }), embeddedJwk, { algorithms: ['ES256'] }))).toBe('ERR_KEY_INVALID')
    expect(await code(verifyJws(await new jose.CompactSign(new Uint8Array(1)).setProtectedHeader({ alg: 'ES256' }).sign(privateKey), embeddedJwk, { algorithms: ['ES256'] }))).toBe('ERR_KEY_INVALID')
    expect(await code(verifyJws(await token(pub), embeddedJwk, { algorithms: ['ES256'] }))).toBe('ok')
  })
})
