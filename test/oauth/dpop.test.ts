/**
 * DPoP proofs (RFC 9449 §4; API.md, Protecting an API): createDpopProof round trips with
 * every default algorithm, RFC 9449's own example proof, one defect per proof rule (code,
 * claim and reason asserted), options, and replay through the in-memory store.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createDpopProof, decode, exportJwk, generateKeyPair, signJws, thumbprint, verifyDpopProof,
  type Alg, type Jwk, type KeyInput, type ReplayStore, type VerifyDpopProofOptions,
} from '../../src/index.ts'
import { memoryReplayStore } from '../../src/oauth/replay.ts'
import { NOW, NOW_S, rejects } from './helpers.ts'

const HTU = 'https://rs.example/api/orders'
const TOKEN = 'an-access-token'
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
const sha = async (s: string) => Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s))).toString('base64url')

let priv: Jwk
let pub: Jwk
let otherPub: Jwk
let ATH: string
beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true })
  priv = await exportJwk(pair.privateKey)
  pub = await exportJwk(pair.publicKey)
  otherPub = await exportJwk((await generateKeyPair('ES256')).publicKey)
  ATH = await sha(TOKEN)
})

const claims = (): Record<string, unknown> => ({ jti: 'jti-1', htm: 'POST', htu: HTU, iat: NOW_S - 5, ath: ATH })
const opts = (o: Partial<VerifyDpopProofOptions> = {}): VerifyDpopProofOptions => ({ htm: 'POST', htu: HTU, accessToken: TOKEN, now: NOW, ...o })

interface Craft {
  header?: Record<string, unknown>
  payload?: Record<string, unknown> | string
  key?: KeyInput
  alg?: Alg
}
/** A proof signed as told: header members replace the defaults (undefined drops one). */
async function craft({ header = {}, payload = claims(), key = priv, alg = 'ES256' }: Craft = {}): Promise<string> {
  const h: Record<string, unknown> = { typ: 'dpop+jwt', jwk: pub, ...header }
  for (const k of Object.keys(h)) if (h[k] === undefined) delete h[k]
  return signJws(typeof payload === 'string' ? payload : JSON.stringify(payload), key, { alg, header: h })
}
const withClaims = (over: Record<string, unknown>) => {
  const p = { ...claims(), ...over }
  for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k]
  return craft({ payload: p })
}

describe('createDpopProof', () => {
  const ALGS: Array<[Alg, Alg]> = [['ES256', 'ES256'], ['EdDSA', 'EdDSA'], ['Ed25519', 'EdDSA'], ['PS256', 'PS256'], ['RS256', 'RS256']]
  for (const [alg, inferred] of ALGS) {
    it(`${alg} pair (private key non-extractable): alg ${inferred} inferred, header and claims per RFC 9449 §4.2, verifies`, async () => {
      const pair = await generateKeyPair(alg)
      expect(pair.privateKey.extractable).toBe(false)
      const proof = await createDpopProof(pair, { htm: 'GET', htu: 'HTTPS://RS.example:443/api/./orders?page=2#top', accessToken: TOKEN, nonce: 'n-1', now: NOW })
      const { header, payload } = decode(proof)
      const jwk = await exportJwk(pair.publicKey)
      expect(header).toEqual({ alg: inferred, typ: 'dpop+jwt', jwk })
      expect(payload).toEqual({ jti: expect.stringMatching(/^[\w-]{22}$/), htm: 'GET', htu: HTU, iat: NOW_S, ath: ATH, nonce: 'n-1' })
      const r = await verifyDpopProof(proof, { htm: 'GET', htu: HTU, accessToken: TOKEN, nonce: 'n-1', now: NOW, jkt: await thumbprint(jwk) })
      expect(r.jkt).toBe(await thumbprint(jwk))
      expect(r.jwk).toEqual(jwk)
      expect(r.payload).toEqual(payload)
    })
  }

  it('an explicit alg (Ed25519), no ath without accessToken, a fresh jti each time, a URL object', async () => {
    const pair = await generateKeyPair('EdDSA')
    const a = await createDpopProof(pair, { htm: 'POST', htu: new URL('https://as.example/token'), alg: 'Ed25519' })
    const b = await createDpopProof(pair, { htm: 'POST', htu: 'https://as.example/token' })
    expect(decode(a).header.alg).toBe('Ed25519')
    expect(decode(a).payload).not.toHaveProperty('ath')
    expect(decode(a).payload.jti).not.toBe(decode(b).payload.jti)
    await verifyDpopProof(a, { htm: 'POST', htu: 'https://as.example/token' })
  })

  it('refuses bad input with ERR_JOSE_INVALID_ARGUMENT or ERR_KEY_INVALID', async () => {
    const pair = await generateKeyPair('ES256')
    await rejects(createDpopProof(pair, { htm: 'GET', htu: 'ftp://x.example/' }), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejects(createDpopProof(pair, { htm: 'G ET', htu: HTU }), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejects(createDpopProof(pair, { htm: 'GET', htu: HTU, accessToken: '' }), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejects(createDpopProof(pair, { htm: 'GET', htu: HTU, extra: 1 } as never), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejects(createDpopProof({ privateKey: pair.publicKey, publicKey: pair.publicKey }, { htm: 'GET', htu: HTU }), 'ERR_KEY_INVALID')
    await rejects(createDpopProof(pair, { htm: 'GET', htu: HTU, alg: 'ES384' }), 'ERR_KEY_INVALID')
  })
})

describe('RFC 9449 example (§4.1, Figure 2; thumbprint §6.1, Figure 9)', () => {
  const PROOF = 'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19'
    + '.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ'
    + '.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg'
  const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I'
  const at = (s: number) => new Date(s * 1000)

  it('verifies with the clock at its iat, and its key thumbprint is the RFC value', async () => {
    const r = await verifyDpopProof(PROOF, { htm: 'POST', htu: 'https://server.example.com/token', now: at(1562262616), jkt: JKT })
    expect(r.jkt).toBe(JKT)
    expect(await thumbprint(r.jwk)).toBe(JKT)
    expect(r.payload).toEqual({ jti: '-BwC3ESc6acc2lTc', htm: 'POST', htu: 'https://server.example.com/token', iat: 1562262616 })
  })

  it('is refused at today\'s clock (too old), for GET, for another URL, and with ath required', async () => {
    const o = { htm: 'POST', htu: 'https://server.example.com/token', now: at(1562262616) }
    await rejects(verifyDpopProof(PROOF, { ...o, now: undefined }), 'ERR_DPOP_INVALID', 'iat', 'too_old')
    await rejects(verifyDpopProof(PROOF, { ...o, htm: 'GET' }), 'ERR_DPOP_INVALID', 'htm', 'mismatch')
    await rejects(verifyDpopProof(PROOF, { ...o, htu: 'https://server.example.com/tokens' }), 'ERR_DPOP_INVALID', 'htu', 'mismatch')
    await rejects(verifyDpopProof(PROOF, { ...o, accessToken: TOKEN }), 'ERR_DPOP_INVALID', 'ath', 'missing')
  })
})

describe('verifyDpopProof: one defect per rule', () => {
  it('a well-formed proof verifies (the base of every row below)', async () => {
    const r = await verifyDpopProof(await craft(), opts())
    expect(r.jkt).toBe(await thumbprint(pub))
    expect(r.header).toEqual({ alg: 'ES256', typ: 'dpop+jwt', jwk: pub })
  })

  type Row = [name: string, proof: () => Promise<unknown>, o: Partial<VerifyDpopProofOptions>, code: string, claim?: string, reason?: string]
  // 1368 characters: 1026 bytes, an 8208-bit modulus (canonical base64url)
  const bigJwk = () => ({ kty: 'RSA', n: 'q'.repeat(1368), e: 'AQAB' })
  const ROWS: Row[] = [
    ['not a string', async () => 42, {}, 'ERR_DPOP_INVALID', undefined, 'invalid'],
    ['two segments', async () => (await craft()).split('.').slice(0, 2).join('.'), {}, 'ERR_DPOP_INVALID', undefined, 'invalid'],
    ['a JWS JSON serialisation', async () => JSON.stringify({ payload: '' }), {}, 'ERR_DPOP_INVALID', undefined, 'invalid'],
    ['header over 8 KiB', () => craft({ header: { pad: 'x'.repeat(8200) } }), {}, 'ERR_DPOP_INVALID', undefined, 'invalid'],
    ['proof over 16 KiB', () => withClaims({ pad: 'x'.repeat(16_400) }), {}, 'ERR_DPOP_INVALID', undefined, 'invalid'],
    ['unknown crit', () => craft({ header: { crit: ['ext'], ext: 1 } }), {}, 'ERR_DPOP_INVALID', undefined, 'invalid'],
    ['typ missing', () => craft({ header: { typ: undefined } }), {}, 'ERR_DPOP_INVALID', 'typ', 'missing'],
    ['typ JWT', () => craft({ header: { typ: 'JWT' } }), {}, 'ERR_DPOP_INVALID', 'typ', 'mismatch'],
    ['typ in another case (exact match)', () => craft({ header: { typ: 'DPoP+JWT' } }), {}, 'ERR_DPOP_INVALID', 'typ', 'mismatch'],
    ['typ application/dpop+jwt', () => craft({ header: { typ: 'application/dpop+jwt' } }), {}, 'ERR_DPOP_INVALID', 'typ', 'mismatch'],
    ['alg none', async () => `${b64({ typ: 'dpop+jwt', alg: 'none', jwk: pub })}.${b64(claims())}.`, {}, 'ERR_DPOP_INVALID', 'alg', 'invalid'],
    ['alg HS256 (a MAC, with an oct jwk)', () => craft({ key: 'k'.repeat(32), alg: 'HS256', header: { jwk: { kty: 'oct', k: b64('k'.repeat(32)) } } }), {}, 'ERR_DPOP_INVALID', 'alg', 'invalid'],
    ['alg outside algorithms', () => craft(), { algorithms: ['EdDSA'] }, 'ERR_DPOP_INVALID', 'alg', 'invalid'],
    ['jwk missing', () => craft({ header: { jwk: undefined } }), {}, 'ERR_DPOP_INVALID', 'jwk', 'missing'],
    ['jwk a string', () => craft({ header: { jwk: 'key' } }), {}, 'ERR_DPOP_INVALID', 'jwk', 'invalid'],
    ['jwk private (d)', () => craft({ header: { jwk: priv } }), {}, 'ERR_DPOP_INVALID', 'jwk', 'invalid'],
    ['jwk oct', () => craft({ header: { jwk: { kty: 'oct', k: b64('k'.repeat(32)) } } }), {}, 'ERR_DPOP_INVALID', 'jwk', 'invalid'],
    ['jwk RSA modulus over 8192 bits', () => craft({ header: { jwk: bigJwk() } }), {}, 'ERR_DPOP_INVALID', 'jwk', 'invalid'],
    ['jwk malformed (x not base64url)', () => craft({ header: { jwk: { ...pub, x: '***' } } }), {}, 'ERR_DPOP_INVALID', 'jwk', 'invalid'],
    ['jwk for another curve than alg', () => craft({ header: { jwk: { ...pub, crv: 'P-384' } } }), {}, 'ERR_DPOP_INVALID', 'jwk', 'invalid'],
    ['jwk that does not verify the proof', () => craft({ header: { jwk: otherPub } }), {}, 'ERR_DPOP_INVALID', 'jwk', 'invalid'],
    ['payload not a JSON object', () => craft({ payload: '[1]' }), {}, 'ERR_DPOP_INVALID', undefined, 'invalid'],
    ['jti missing', () => withClaims({ jti: undefined }), {}, 'ERR_DPOP_INVALID', 'jti', 'missing'],
    ['jti empty', () => withClaims({ jti: '' }), {}, 'ERR_DPOP_INVALID', 'jti', 'invalid'],
    ['jti over 256 characters', () => withClaims({ jti: 'j'.repeat(257) }), {}, 'ERR_DPOP_INVALID', 'jti', 'invalid'],
    ['jti a number', () => withClaims({ jti: 1 }), {}, 'ERR_DPOP_INVALID', 'jti', 'invalid'],
    ['htm missing', () => withClaims({ htm: undefined }), {}, 'ERR_DPOP_INVALID', 'htm', 'missing'],
    ['htm another method', () => withClaims({ htm: 'GET' }), {}, 'ERR_DPOP_INVALID', 'htm', 'mismatch'],
    ['htm in lower case (methods are case-sensitive)', () => withClaims({ htm: 'post' }), {}, 'ERR_DPOP_INVALID', 'htm', 'mismatch'],
    ['htu missing', () => withClaims({ htu: undefined }), {}, 'ERR_DPOP_INVALID', 'htu', 'missing'],
    ['htu another path', () => withClaims({ htu: `${HTU}/1` }), {}, 'ERR_DPOP_INVALID', 'htu', 'mismatch'],
    ['htu another host', () => withClaims({ htu: 'https://evil.example/api/orders' }), {}, 'ERR_DPOP_INVALID', 'htu', 'mismatch'],
    ['htu http instead of https', () => withClaims({ htu: 'http://rs.example/api/orders' }), {}, 'ERR_DPOP_INVALID', 'htu', 'mismatch'],
    ['htu %2F for /', () => withClaims({ htu: 'https://rs.example/api%2Forders' }), {}, 'ERR_DPOP_INVALID', 'htu', 'mismatch'],
    ['htu not a URI', () => withClaims({ htu: 'rs.example/api/orders' }), {}, 'ERR_DPOP_INVALID', 'htu', 'invalid'],
    ['htu with userinfo', () => withClaims({ htu: 'https://u@rs.example/api/orders' }), {}, 'ERR_DPOP_INVALID', 'htu', 'invalid'],
    ['htu with a space', () => withClaims({ htu: 'https://rs.example/api/ orders' }), {}, 'ERR_DPOP_INVALID', 'htu', 'invalid'],
    ['iat missing', () => withClaims({ iat: undefined }), {}, 'ERR_DPOP_INVALID', 'iat', 'missing'],
    ['iat a string', () => withClaims({ iat: String(NOW_S) }), {}, 'ERR_DPOP_INVALID', 'iat', 'invalid'],
    ['iat older than maxAge', () => withClaims({ iat: NOW_S - 61 }), {}, 'ERR_DPOP_INVALID', 'iat', 'too_old'],
    ['iat older than a shorter maxAge', () => withClaims({ iat: NOW_S - 11 }), { maxAge: '10s' }, 'ERR_DPOP_INVALID', 'iat', 'too_old'],
    ['iat in the future', () => withClaims({ iat: NOW_S + 1 }), {}, 'ERR_DPOP_INVALID', 'iat', 'in_future'],
    ['ath missing when accessToken is given', () => withClaims({ ath: undefined }), {}, 'ERR_DPOP_INVALID', 'ath', 'missing'],
    ['ath of another token', () => withClaims({ ath: ATH.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }), {}, 'ERR_DPOP_INVALID', 'ath', 'mismatch'],
    ['jkt of another key (cnf binding)', () => craft(), { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' }, 'ERR_DPOP_INVALID', 'cnf', 'mismatch'],
    ['nonce missing', () => craft(), { nonce: 'n-1' }, 'ERR_DPOP_NONCE_REQUIRED', 'nonce', 'missing'],
    ['nonce stale (not in the list)', () => withClaims({ nonce: 'n-0' }), { nonce: ['n-1', 'n-2'] }, 'ERR_DPOP_NONCE_REQUIRED', 'nonce', 'mismatch'],
    ['nonce refused by the check function', () => withClaims({ nonce: 'n-0' }), { nonce: async () => false }, 'ERR_DPOP_NONCE_REQUIRED', 'nonce', 'mismatch'],
    ['nonce not a string', () => withClaims({ nonce: 1 }), { nonce: 'n-1' }, 'ERR_DPOP_INVALID', 'nonce', 'invalid'],
    ['replay store throws', () => craft(), { replayStore: { add: () => { throw new Error('down') } } }, 'ERR_STORE_UNAVAILABLE'],
    ['replay store answers something else', () => craft(), { replayStore: { add: () => 'yes' as never } }, 'ERR_STORE_UNAVAILABLE'],
    ['replay store rejects', () => craft(), { replayStore: { add: () => Promise.reject(new Error('down')) } }, 'ERR_STORE_UNAVAILABLE'],
  ]
  for (const [name, make, o, code, claim, reason] of ROWS) {
    it(`${name} → ${code}${claim ? ` (${claim}${reason ? `, ${reason}` : ''})` : ''}`, async () => {
      const e = await rejects(verifyDpopProof((await make()) as string, opts(o)), code, claim, reason)
      if (claim === undefined && code === 'ERR_DPOP_INVALID') expect(e).not.toHaveProperty('claim')
    })
  }

  it('keys from proofs are bounded before any import: RSA modulus ≤ 8192 bits, exponent < 2^32', async () => {
    const big = await rejects(verifyDpopProof(await craft({ header: { jwk: bigJwk() } }), opts()), 'ERR_DPOP_INVALID', 'jwk', 'invalid')
    expect(big.message).toMatch(/8192/)
    const e = await rejects(verifyDpopProof(await craft({ header: { jwk: { kty: 'RSA', n: 'q'.repeat(344), e: 'AQABAQAB' } } }), opts()), 'ERR_DPOP_INVALID', 'jwk', 'invalid')
    expect(e.message).toMatch(/8192/)
  })

  it('errors after the signature verified carry the payload; messages never carry the proof', async () => {
    const proof = await withClaims({ htm: 'GET' })
    const e = await rejects(verifyDpopProof(proof, opts()), 'ERR_DPOP_INVALID', 'htm')
    expect(e.payload).toMatchObject({ htm: 'GET' })
    expect(String(e.message)).not.toContain(proof.split('.')[2])
  })

  it('accepts: iat within the tolerance, ath ignored without accessToken, a nonce in the list, an htu spelt differently', async () => {
    await verifyDpopProof(await withClaims({ iat: NOW_S + 5 }), opts({ clockTolerance: 5 }))
    await verifyDpopProof(await withClaims({ iat: NOW_S - 65 }), opts({ clockTolerance: 5 }))
    await verifyDpopProof(await withClaims({ ath: undefined }), opts({ accessToken: undefined }))
    await verifyDpopProof(await withClaims({ nonce: 'n-2' }), opts({ nonce: ['n-1', 'n-2'] }))
    await verifyDpopProof(await withClaims({ nonce: 'n-2' }), opts({ nonce: (n) => n === 'n-2' }))
    await verifyDpopProof(await withClaims({ htu: 'HTTPS://rs.EXAMPLE:443/api/v1/../%6Frders?q=1#f' }), opts())
  })

  it('the caller\'s own mistakes are ERR_JOSE_INVALID_ARGUMENT', async () => {
    const proof = await craft()
    for (const o of [{ algorithms: ['HS256'] }, { algorithms: [] }, { htu: 'ftp://rs.example/' }, { htu: '/api' }, { htm: '' }, { maxAge: -1 },
      { nonce: [] }, { nonce: 7 }, { replayStore: {} }, { jkt: '' }, { accessToken: 'two\nlines' }, { unknown: 1 }] as Array<Partial<VerifyDpopProofOptions>>) {
      await rejects(verifyDpopProof(proof, opts(o)), 'ERR_JOSE_INVALID_ARGUMENT')
    }
    await rejects(verifyDpopProof(proof, undefined as never), 'ERR_JOSE_INVALID_ARGUMENT')
  })
})

describe('replay (RFC 9449 §11.1)', () => {
  it('the jti is recorded last, under SHA-256 of htu and jti, until iat + maxAge + tolerance; a reuse is refused', async () => {
    const calls: Array<[string, Date]> = []
    const seen = new Set<string>()
    const store: ReplayStore = { add: (k, until) => (calls.push([k, until]), !seen.has(k) && !!seen.add(k)) }
    const proof = await craft()
    // a failing check never records the jti
    await rejects(verifyDpopProof(proof, opts({ replayStore: store, nonce: 'n' })), 'ERR_DPOP_NONCE_REQUIRED')
    await rejects(verifyDpopProof(proof, opts({ replayStore: store, jkt: 'x' })), 'ERR_DPOP_INVALID', 'cnf')
    expect(calls).toEqual([])
    await verifyDpopProof(proof, opts({ replayStore: store, clockTolerance: 7 }))
    expect(calls).toEqual([[await sha(JSON.stringify([HTU, 'jti-1'])), new Date((NOW_S - 5 + 60 + 7) * 1000)]])
    await rejects(verifyDpopProof(proof, opts({ replayStore: store })), 'ERR_DPOP_INVALID', 'jti', 'replayed')
    // the same jti for another URL is another key
    await verifyDpopProof(await withClaims({ htu: `${HTU}/2` }), opts({ replayStore: store, htu: `${HTU}/2` }))
  })

  it('50 concurrent verifications of one proof with the in-memory store: exactly one succeeds', async () => {
    const replayStore = memoryReplayStore(100, NOW)
    const proof = await craft()
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => verifyDpopProof(proof, opts({ replayStore }))))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect([r.reason.code, r.reason.claim, r.reason.reason]).toEqual(['ERR_DPOP_INVALID', 'jti', 'replayed'])
  })

  it('the in-memory store never drops a live entry: full means ERR_STORE_UNAVAILABLE; expired entries make room', async () => {
    let t = NOW_S
    const store = memoryReplayStore(2, () => new Date(t * 1000))
    const until = (s: number) => new Date((NOW_S + s) * 1000)
    expect(store.add('a', until(10))).toBe(true)
    expect(store.add('a', until(10))).toBe(false)
    expect(store.add('b', until(20))).toBe(true)
    await rejects((async () => store.add('c', until(30)))(), 'ERR_STORE_UNAVAILABLE')
    expect(store.add('b', until(20))).toBe(false)
    t = NOW_S + 10 // 'a' expired: its place is free, 'b' still held
    expect(store.add('c', until(30))).toBe(true)
    expect(store.add('b', until(20))).toBe(false)
    // full again with two live entries: the expired 'a' was swept, the live ones stay
    await rejects((async () => store.add('a', until(40)))(), 'ERR_STORE_UNAVAILABLE')
  })

  it('a full in-memory store fails verification closed (ERR_STORE_UNAVAILABLE, not a success)', async () => {
    const replayStore = memoryReplayStore(1, NOW)
    await verifyDpopProof(await craft(), opts({ replayStore }))
    await rejects(verifyDpopProof(await withClaims({ jti: 'jti-2' }), opts({ replayStore })), 'ERR_STORE_UNAVAILABLE')
  })
})
