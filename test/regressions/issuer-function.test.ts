/**
 * `issuer` as a function (API.md v3, JWT; issue 18): in `verify`, `createVerifier`,
 * `decryptJwt`, `verifyAccessToken`, `verifyIdToken` and `createResourceServer`. It is
 * called only after the signature verified (a forged token never reaches it: calls are
 * counted), at the `iss` step of the claim order, on every call of a caching verifier
 * (hits included), with `iss` a string; only `true` accepts, anything else is the code
 * of a wrong issuer string; a throw or rejection becomes a JoseError.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createResourceServer, createVerifier, decryptJwt, encryptJwt, isJoseError, JoseError, sign, signJws, verify, verifyAccessToken, verifyIdToken,
  type IssuerFunction, type JwtPayload, type VerifyOptions,
} from '../../src/index.ts'
import { esKeys, NOW, NOW_S, token, type Keys } from '../oauth/helpers.ts'

const ISS = 'https://login.example/tenant-1/v2.0'
const SECRET = new Uint8Array(32).fill(9)
const HS: VerifyOptions = { algorithms: ['HS256'], now: NOW }

/** What a call came to: `{ payload }`, or the error's code, claim and reason. */
async function verdict(p: Promise<{ payload: unknown }>): Promise<Record<string, unknown>> {
  try {
    return { payload: (await p).payload }
  } catch (e) {
    if (!isJoseError(e)) return { notJose: String(e) }
    return { code: e.code, ...(e.claim !== undefined && { claim: e.claim }), ...(e.reason !== undefined && { reason: e.reason }) }
  }
}

/** An issuer function that records its calls and answers `answer`. */
function counting(answer: (iss: string, payload: JwtPayload) => unknown) {
  const calls: Array<[string, JwtPayload]> = []
  const fn = ((iss: string, payload: JwtPayload) => (calls.push([iss, payload]), answer(iss, payload))) as IssuerFunction
  return { fn, calls }
}

/** An HS256 token of exactly this payload (any claim types). */
const hs = (payload: JwtPayload) => signJws(JSON.stringify(payload), SECRET, { alg: 'HS256', header: { typ: 'JWT' } })
const claims = (over: JwtPayload = {}): JwtPayload => ({ iss: ISS, sub: 'u1', aud: 'api', exp: NOW_S + 600, iat: NOW_S - 10, ...over })
const MISMATCH = { code: 'ERR_JWT_CLAIM_INVALID', claim: 'iss', reason: 'mismatch' }

/** The same token with another signature (its first character changed: still canonical base64url). */
function forged(t: string): string {
  const [h, p, sig] = t.split('.')
  return `${h}.${p}.${sig![0] === 'A' ? 'B' : 'A'}${sig!.slice(1)}`
}

describe('issuer function: verify', () => {
  it('true accepts; it sees the verified iss (a string) and payload', async () => {
    const t = await hs(claims())
    const { fn, calls } = counting(() => true)
    expect(await verdict(verify(t, SECRET, { ...HS, issuer: fn }))).toEqual({ payload: claims() })
    expect(calls).toEqual([[ISS, claims()]])
  })

  it('false, or anything but true (sync or awaited), is the wrong-issuer error: the code, claim and reason of a wrong issuer string', async () => {
    const t = await hs(claims())
    const wrongString = await verdict(verify(t, SECRET, { ...HS, issuer: 'https://other.example' }))
    expect(wrongString).toEqual(MISMATCH)
    for (const answer of [false, 1, 'true', {}, null, undefined, Promise.resolve(false), Promise.resolve(1), Promise.resolve('yes')]) {
      expect(await verdict(verify(t, SECRET, { ...HS, issuer: (() => answer) as never })), String(answer)).toEqual(wrongString)
    }
    expect(await verdict(verify(t, SECRET, { ...HS, issuer: async () => true }))).toEqual({ payload: claims() })
  })

  it('the error carries the verified payload and never the token', async () => {
    const t = await hs(claims())
    const e = await verify(t, SECRET, { ...HS, issuer: () => false }).catch((x: unknown) => x) as JoseError
    expect(e).toBeInstanceOf(JoseError)
    expect(e.payload).toEqual(claims())
    expect(e.message).not.toContain(t.split('.')[2])
  })

  it('a throw or a rejection becomes ERR_JWT_CLAIM_INVALID (cause: the error name, fixed text); a JoseError passes through', async () => {
    const t = await hs(claims())
    const boom = (() => {
      throw new TypeError(`secret detail ${t}`)
    }) as IssuerFunction
    for (const issuer of [boom, (async () => Promise.reject(new RangeError('no'))) as IssuerFunction, (() => (null as never as { x: boolean }).x) as IssuerFunction]) {
      const e = await verify(t, SECRET, { ...HS, issuer }).catch((x: unknown) => x) as JoseError
      expect(isJoseError(e)).toBe(true)
      expect({ code: e.code, claim: e.claim, reason: e.reason }).toEqual(MISMATCH)
      expect((e.cause as Error).message).toBe('the issuer function failed')
      expect((e.cause as Error).name).toMatch(/^(TypeError|RangeError)$/)
      expect(String(e.cause)).not.toContain(t)
    }
    const own = new JoseError('ERR_JWT_CLAIM_INVALID', 'tenant not allowed', { claim: 'tid', reason: 'mismatch' })
    await expect(verify(t, SECRET, { ...HS, issuer: () => Promise.reject(own) })).rejects.toBe(own)
  })

  it('never reached before the signature verified: forged, wrong key, alg not allowed, bad payload', async () => {
    const t = await hs(claims())
    const { fn, calls } = counting(() => true)
    expect(await verdict(verify(forged(t), SECRET, { ...HS, issuer: fn }))).toEqual({ code: 'ERR_JWS_SIGNATURE_INVALID' })
    expect(await verdict(verify(t, new Uint8Array(32).fill(1), { ...HS, issuer: fn }))).toEqual({ code: 'ERR_JWS_SIGNATURE_INVALID' })
    expect(await verdict(verify(t, SECRET, { ...HS, algorithms: ['HS384'], issuer: fn }))).toEqual({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' })
    const notJson = `${t.split('.')[0]}.bm90IGpzb24`
    expect(await verdict(verify(`${notJson}.${Buffer.from(await hmac(notJson)).toString('base64url')}`, SECRET, { ...HS, issuer: fn })))
      .toEqual({ code: 'ERR_JWT_INVALID' })
    expect(calls).toEqual([])
    // The same function, given a genuine token, is called: the count above is not vacuous.
    await verify(t, SECRET, { ...HS, issuer: fn })
    expect(calls.length).toBe(1)
  })

  it('claim order: typ, presence and types before it (iss required, a string); it before sub, aud, nbf, exp', async () => {
    const { fn, calls } = counting(() => false)
    expect(await verdict(verify(await hs(claims({ iss: undefined })), SECRET, { ...HS, issuer: fn })))
      .toEqual({ code: 'ERR_JWT_CLAIM_INVALID', claim: 'iss', reason: 'missing' })
    expect(await verdict(verify(await hs(claims({ iss: 42 as never })), SECRET, { ...HS, issuer: fn })))
      .toEqual({ code: 'ERR_JWT_INVALID', claim: 'iss', reason: 'invalid' })
    expect(await verdict(verify(await hs(claims()), SECRET, { ...HS, issuer: fn, requiredClaims: ['jti'] })))
      .toEqual({ code: 'ERR_JWT_CLAIM_INVALID', claim: 'jti', reason: 'missing' })
    const typed = await sign(claims(), SECRET, { alg: 'HS256', issuedAt: false, typ: 'at+jwt' })
    expect(await verdict(verify(typed, SECRET, { ...HS, issuer: fn }))).toEqual({ code: 'ERR_JWT_CLAIM_INVALID', claim: 'typ', reason: 'mismatch' })
    expect(calls).toEqual([])
    // A wrong sub, aud, an expired token: the issuer function's false comes first, sync or async.
    const bad = await hs(claims({ sub: 'other', aud: 'elsewhere', exp: NOW_S - 60 }))
    for (const issuer of [fn, (async () => false) as IssuerFunction]) {
      expect(await verdict(verify(bad, SECRET, { ...HS, issuer, subject: 'u1', audience: 'api' }))).toEqual(MISMATCH)
    }
    // When it accepts, the later checks still run, in their order.
    const yes = (async () => true) as IssuerFunction
    expect(await verdict(verify(bad, SECRET, { ...HS, issuer: yes, subject: 'u1', audience: 'api' }))).toEqual({ code: 'ERR_JWT_CLAIM_INVALID', claim: 'sub', reason: 'mismatch' })
    expect(await verdict(verify(bad, SECRET, { ...HS, issuer: yes, audience: 'api' }))).toEqual({ code: 'ERR_JWT_CLAIM_INVALID', claim: 'aud', reason: 'mismatch' })
    expect(await verdict(verify(bad, SECRET, { ...HS, issuer: yes }))).toEqual({ code: 'ERR_JWT_EXPIRED', claim: 'exp', reason: 'too_old' })
  })

  it('a tenant rule: the function decides from iss and a claim', async () => {
    const allowed = new Set(['t1'])
    const issuer: IssuerFunction = (iss, p) => typeof p.tid === 'string' && allowed.has(p.tid) && iss === `https://login.example/${p.tid}/v2.0`
    const ok = await hs({ iss: 'https://login.example/t1/v2.0', tid: 't1' })
    expect(await verdict(verify(ok, SECRET, { ...HS, issuer }))).toMatchObject({ payload: { tid: 't1' } })
    for (const p of [{ iss: 'https://login.example/t2/v2.0', tid: 't2' }, { iss: 'https://login.example/t1/v2.0', tid: 't2' }, { iss: 'https://login.example/t1/v2.0' }]) {
      expect(await verdict(verify(await hs(p), SECRET, { ...HS, issuer })), JSON.stringify(p)).toEqual(MISMATCH)
    }
  })

  it('one-shot plans are not shared between two functions (the remembered plan is keyed by the function)', async () => {
    const t = await hs(claims())
    const yes = () => true
    const no = () => false
    for (let i = 0; i < 3; i++) {
      expect(await verdict(verify(t, SECRET, { ...HS, issuer: yes }))).toEqual({ payload: claims() })
      expect(await verdict(verify(t, SECRET, { ...HS, issuer: no }))).toEqual(MISMATCH)
    }
  })

  it('options: a function, a string or a non-empty list; anything else is ERR_JOSE_INVALID_ARGUMENT', async () => {
    const t = await hs(claims())
    for (const issuer of [[], '', [''], 42, {}, true, [ISS, 1]]) {
      expect(await verdict(verify(t, SECRET, { ...HS, issuer: issuer as never })), JSON.stringify(issuer)).toEqual({ code: 'ERR_JOSE_INVALID_ARGUMENT' })
    }
    expect(() => createVerifier(SECRET, { ...HS, issuer: [] as never })).toThrow(JoseError)
  })
})

/** HMAC-SHA256 of the signing input, for a token whose payload is not JSON. */
async function hmac(input: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', SECRET, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input)))
}

describe('issuer function: createVerifier', () => {
  it('runs on every call, cache hits included; a changed answer refuses the cached token, as uncached', async () => {
    const t = await hs(claims())
    let accept = true
    const { fn, calls } = counting(() => accept)
    const cached = createVerifier(SECRET, { ...HS, issuer: fn, cache: 10 })
    const plain = createVerifier(SECRET, { ...HS, issuer: fn })
    const both = async () => [await verdict(cached(t)), await verdict(plain(t))]
    expect(await both()).toEqual([{ payload: claims() }, { payload: claims() }])
    expect(await both()).toEqual([{ payload: claims() }, { payload: claims() }])
    expect(calls.length).toBe(4)
    accept = false
    expect(await both()).toEqual([MISMATCH, MISMATCH])
    accept = true
    expect(await both()).toEqual([{ payload: claims() }, { payload: claims() }])
    expect(calls.length).toBe(8)
  })

  it('on a hit it sees the cached, frozen payload; an async function on a hit is awaited before the time checks', async () => {
    const t = await hs(claims({ exp: NOW_S + 5 }))
    let now = NOW
    const seen: boolean[] = []
    const cached = createVerifier(SECRET, { algorithms: ['HS256'], now: () => now, cache: 10, issuer: async (_iss, p) => (seen.push(Object.isFrozen(p)), false) })
    expect(await verdict(cached(t))).toEqual(MISMATCH)
    const yes = createVerifier(SECRET, { algorithms: ['HS256'], now: () => now, cache: 10, issuer: async (_iss, p) => (seen.push(Object.isFrozen(p)), true) })
    await yes(t)
    await yes(t) // a hit
    expect(seen.slice(1)).toEqual([false, true])
    now = new Date((NOW_S + 60) * 1000)
    expect(await verdict(yes(t))).toEqual({ code: 'ERR_JWT_EXPIRED', claim: 'exp', reason: 'too_old' })
  })

  it('a forged token never reaches it, cached verifier or not', async () => {
    const t = await hs(claims())
    const { fn, calls } = counting(() => true)
    const cached = createVerifier(SECRET, { ...HS, issuer: fn, cache: 10 })
    await cached(t)
    expect(await verdict(cached(forged(t)))).toEqual({ code: 'ERR_JWS_SIGNATURE_INVALID' })
    expect(calls.length).toBe(1)
  })
})

describe('issuer function: decryptJwt', () => {
  it('runs after decryption; false is the wrong-issuer error', async () => {
    const key = new Uint8Array(32).fill(3)
    const t = await encryptJwt({ sub: 'u1' }, key, { alg: 'dir', enc: 'A256GCM', issuer: ISS, now: NOW })
    const { fn, calls } = counting((iss) => iss === ISS)
    const o = { algorithms: ['dir' as const], encryptions: ['A256GCM' as const], now: NOW }
    expect(await verdict(decryptJwt(t, key, { ...o, issuer: fn }))).toMatchObject({ payload: { iss: ISS } })
    expect(await verdict(decryptJwt(t, key, { ...o, issuer: () => false }))).toEqual(MISMATCH)
    expect(await verdict(decryptJwt(t, new Uint8Array(32).fill(4), { ...o, issuer: fn }))).toEqual({ code: 'ERR_JWE_DECRYPTION_FAILED' })
    expect(calls.length).toBe(1)
  })
})

describe('issuer function: the OAuth profiles', () => {
  let keys: Keys
  let other: Keys
  beforeAll(async () => {
    keys = await esKeys()
    const { generateKeyPair, exportJwk } = await import('../../src/index.ts')
    const pair = await generateKeyPair('ES256', { extractable: true })
    other = { priv: await exportJwk(pair.privateKey), pub: await exportJwk(pair.publicKey) }
  })

  it('verifyAccessToken: a function or a list; called only after the signature', async () => {
    const at = await token({ ...claims(), client_id: 'app', jti: 'j1' }, 'at+jwt')
    const { fn, calls } = counting((iss) => iss === ISS)
    const o = { audience: 'api', now: NOW }
    expect(await verdict(verifyAccessToken(at, keys.pub, { ...o, issuer: fn }))).toMatchObject({ payload: { iss: ISS } })
    expect(await verdict(verifyAccessToken(at, keys.pub, { ...o, issuer: ['https://a.example', ISS] }))).toMatchObject({ payload: { iss: ISS } })
    expect(await verdict(verifyAccessToken(at, keys.pub, { ...o, issuer: () => false }))).toEqual(MISMATCH)
    expect(await verdict(verifyAccessToken(at, keys.pub, { ...o, issuer: ['https://a.example'] }))).toEqual(MISMATCH)
    expect(await verdict(verifyAccessToken(at, other.pub, { ...o, issuer: fn }))).toEqual({ code: 'ERR_JWS_SIGNATURE_INVALID' })
    expect(calls.length).toBe(1)
  })

  it('verifyIdToken: a function or a list (two spellings of one issuer); called only after the signature', async () => {
    const id = await token({ ...claims({ iss: 'accounts.google.com' }), aud: 'client-1' }, 'JWT')
    const { fn, calls } = counting(() => true)
    const o = { clientId: 'client-1', now: NOW }
    expect(await verdict(verifyIdToken(id, keys.pub, { ...o, issuer: ['https://accounts.google.com', 'accounts.google.com'] })))
      .toMatchObject({ payload: { iss: 'accounts.google.com' } })
    expect(await verdict(verifyIdToken(id, keys.pub, { ...o, issuer: fn }))).toMatchObject({ payload: { iss: 'accounts.google.com' } })
    expect(await verdict(verifyIdToken(id, keys.pub, { ...o, issuer: async () => false }))).toEqual(MISMATCH)
    expect(await verdict(verifyIdToken(forged(id), keys.pub, { ...o, issuer: fn }))).toEqual({ code: 'ERR_JWS_SIGNATURE_INVALID' })
    expect(calls.length).toBe(1)
  })

  it('createResourceServer: one key set, or a record whose names are the issuers (the function must accept too)', async () => {
    const at = async (iss: string, key = keys.priv) => token({ ...claims({ iss }), client_id: 'app', jti: 'j1' }, 'at+jwt', key)
    const req = (t: string) => new Request('https://api.example/x', { headers: { authorization: `Bearer ${t}` } })
    const code = (o: { ok: boolean; error?: JoseError }) => (o.ok ? 'ok' : `${o.error!.code}${o.error!.claim ? ` ${o.error!.claim}` : ''}`)
    const { fn, calls } = counting((iss) => iss === ISS)
    const one = createResourceServer({ issuer: fn, audience: 'api', jwks: keys.pub, now: NOW })
    expect(code(await one.authenticate(req(await at(ISS))))).toBe('ok')
    expect(code(await one.authenticate(req(await at('https://evil.example'))))).toBe('ERR_JWT_CLAIM_INVALID iss')
    expect(code(await one.authenticate(req(forged(await at(ISS)))))).toBe('ERR_JWS_SIGNATURE_INVALID')
    expect(calls.map((c) => c[0])).toEqual([ISS, 'https://evil.example'])

    const B = 'https://b.example'
    const { fn: onlyA, calls: recordCalls } = counting((iss) => iss === ISS)
    const record = createResourceServer({ issuer: onlyA, audience: 'api', jwks: { [ISS]: keys.pub, [B]: other.pub }, now: NOW })
    expect(code(await record.authenticate(req(await at(ISS))))).toBe('ok')
    // B's token, signed with B's key: its own set verifies it, the function refuses it.
    expect(code(await record.authenticate(req(await at(B, other.priv))))).toBe('ERR_JWT_CLAIM_INVALID iss')
    // An issuer with no set in the record is refused before any verification.
    expect(code(await record.authenticate(req(await at('https://c.example'))))).toBe('ERR_JWKS_NO_MATCHING_KEY')
    // A's name on a token signed with B's key: A's set does not verify it.
    expect(code(await record.authenticate(req(await at(ISS, other.priv))))).toBe('ERR_JWS_SIGNATURE_INVALID')
    expect(recordCalls.map((c) => c[0])).toEqual([ISS, B])
  })
})
