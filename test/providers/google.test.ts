/**
 * google and firebase (API.md, Identity providers): Google Sign-In ID tokens as "Verify the
 * Google ID token on your server side" shows them (both spellings of the issuer, keys at
 * oauth2/v3/certs with `alg`), and Firebase ID tokens as "Verify ID tokens" shows them, its
 * keys served as Google's `kid` → certificate map (real RSA-2048 certificates made with
 * OpenSSL, read through the certificate parser).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { firebase, google } from '../../src/providers/index.ts'
import { RSA1024_CERT } from '../jwks/x509-fixtures.ts'
import { edit, invalidArgument, NOW, NOW_S, refused, rsaKeys, serve, signed, type RsaKey } from './fixtures.ts'

const CLIENT = '407408718192.apps.googleusercontent.com'
const GOOGLE_KEYS = 'https://www.googleapis.com/oauth2/v3/certs'
const FIREBASE_KEYS = 'https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com'
const PROJECT = 'my-project-1234'
const KID = '1e9gdk7'

let a: RsaKey
let b: RsaKey
beforeAll(async () => {
  [a, b] = await rsaKeys()
})

describe('google: Google Sign-In ID tokens', () => {
  /** Google's documented ID token (its "An ID token's payload" example), at NOW. */
  const claims = (over: Record<string, unknown> = {}) => edit({
    iss: 'https://accounts.google.com', azp: '1234987819200.apps.googleusercontent.com', aud: CLIENT,
    sub: '110169484474386276334', email: 'billd1600@gmail.com', email_verified: true, at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
    iat: NOW_S - 60, exp: NOW_S + 3540, hd: 'example.com',
  }, over)
  const doc = () => ({ keys: [{ ...a.pub, alg: 'RS256', use: 'sig', kid: KID }] })
  const token = (c: Record<string, unknown>, key = a) => signed(c, key.priv, 'RS256', { kid: KID, typ: 'JWT' })
  const provider = (clientId: string | string[] = CLIENT) => {
    const s = serve({ [GOOGLE_KEYS]: doc() })
    return { p: google({ clientId, fetch: s.fetch, now: NOW }), urls: s.urls }
  }

  it('both spellings of the issuer are Google\'s; keys from oauth2/v3/certs over https; no scopes', async () => {
    const { p, urls } = provider()
    expect(p.issuer).toBe('https://accounts.google.com')
    for (const iss of ['https://accounts.google.com', 'accounts.google.com']) {
      const r = await p.verify(await token(claims({ iss })))
      expect([r.payload.email, r.scopes]).toEqual(['billd1600@gmail.com', []])
    }
    expect(urls).toEqual([GOOGLE_KEYS])
  })

  it('each rule broken once is refused', async () => {
    const { p } = provider()
    for (const iss of ['http://accounts.google.com', 'https://accounts.google.com/', 'accounts.google.com.evil.example', 'https://securetoken.google.com/x']) {
      await refused(p.verify(await token(claims({ iss }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    }
    await refused(p.verify(await token(claims({ aud: 'another-client.apps.googleusercontent.com' }))), 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch')
    for (const c of ['sub', 'iat', 'exp', 'aud', 'iss']) await refused(p.verify(await token(claims({ [c]: undefined }))), 'ERR_JWT_CLAIM_INVALID', c, 'missing')
    await refused(p.verify(await token(claims({ exp: NOW_S }))), 'ERR_JWT_EXPIRED')
    await refused(p.verify(await token(claims(), b)), 'ERR_JWS_SIGNATURE_INVALID')
    await refused(p.verify(await signed(claims(), a.priv, 'PS256', { kid: KID })), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })

  it('several client ids: any one of them', async () => {
    const { p } = provider(['web.apps.googleusercontent.com', CLIENT])
    expect((await p.verify(await token(claims()))).payload.aud).toBe(CLIENT)
    invalidArgument(() => google({ clientId: [] }))
    invalidArgument(() => google({ clientId: '' }))
  })
})

describe('firebase: Firebase Authentication ID tokens through the certificate map', () => {
  const ISS = `https://securetoken.google.com/${PROJECT}`
  /** The claims "Verify ID tokens" lists, at NOW. */
  const claims = (over: Record<string, unknown> = {}) => edit({
    iss: ISS, aud: PROJECT, auth_time: NOW_S - 600, user_id: 'h8MQ9X6d1yPqD2R3uv0yN0xMxF62', sub: 'h8MQ9X6d1yPqD2R3uv0yN0xMxF62',
    iat: NOW_S - 60, exp: NOW_S + 3540, email: 'ada@example.com', email_verified: true,
    firebase: { identities: { email: ['ada@example.com'] }, sign_in_provider: 'password' },
  }, over)
  const map = (certs: Record<string, string>) => certs
  const token = (c: Record<string, unknown>, key = a, kid = KID) => signed(c, key.priv, 'RS256', { kid, typ: 'JWT' })
  const provider = (doc: unknown = map({ [KID]: a.cert, other: b.cert })) => {
    const s = serve({ [FIREBASE_KEYS]: doc })
    return { p: firebase({ projectId: PROJECT, fetch: s.fetch, now: NOW }), urls: s.urls }
  }

  it('accepts a token whose kid names a certificate of the map; the key URL is securetoken\'s x509 map, over https', async () => {
    const { p, urls } = provider()
    expect(p.issuer).toBe(ISS)
    const r = await p.verify(await token(claims()))
    expect([r.payload.sub, r.scopes, urls]).toEqual(['h8MQ9X6d1yPqD2R3uv0yN0xMxF62', [], [FIREBASE_KEYS]])
    expect((await p.verify(await token(claims(), b, 'other'))).payload.aud).toBe(PROJECT)
  })

  it('each rule broken once is refused', async () => {
    const { p } = provider()
    await refused(p.verify(await token(claims({ iss: 'https://securetoken.google.com/another-project' }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(claims({ aud: 'another-project' }))), 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch')
    await refused(p.verify(await token(claims({ sub: '' }))), 'ERR_JWT_CLAIM_INVALID', 'sub', 'invalid')
    await refused(p.verify(await token(claims({ sub: 42 }))), 'ERR_JWT_INVALID', 'sub', 'invalid')
    for (const c of ['sub', 'iat', 'exp', 'auth_time']) await refused(p.verify(await token(claims({ [c]: undefined }))), 'ERR_JWT_CLAIM_INVALID', c, 'missing')
    await refused(p.verify(await token(claims({ auth_time: NOW_S + 10 }))), 'ERR_JWT_CLAIM_INVALID', 'auth_time', 'in_future')
    await refused(p.verify(await token(claims({ auth_time: 'yesterday' }))), 'ERR_JWT_INVALID', 'auth_time', 'invalid')
    await refused(p.verify(await token(claims({ auth_time: (NOW_S - 600) * 1000 }))), 'ERR_JWT_INVALID', 'auth_time', 'invalid')
    await refused(p.verify(await token(claims({ iat: NOW_S + 10 }))), 'ERR_JWT_CLAIM_INVALID', 'iat', 'in_future')
    await refused(p.verify(await token(claims({ exp: NOW_S - 1 }))), 'ERR_JWT_EXPIRED')
    await refused(p.verify(await token(claims(), b)), 'ERR_JWS_SIGNATURE_INVALID')
    await refused(p.verify(await token(claims(), a, 'not-in-the-map')), 'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('clockTolerance covers auth_time and iat in the future as it covers exp', async () => {
    const s = serve({ [FIREBASE_KEYS]: map({ [KID]: a.cert }) })
    const p = firebase({ projectId: PROJECT, fetch: s.fetch, now: NOW, clockTolerance: '30s' })
    expect((await p.verify(await token(claims({ auth_time: NOW_S + 20, iat: NOW_S + 20 })))).payload.sub).toBeTruthy()
    await refused(p.verify(await token(claims({ auth_time: NOW_S + 40 }))), 'ERR_JWT_CLAIM_INVALID', 'auth_time', 'in_future')
    await refused(p.verify(await token(claims({ iat: NOW_S + 40 }))), 'ERR_JWT_CLAIM_INVALID', 'iat', 'in_future')
  })

  it('a map whose certificate has a 1024-bit RSA key is refused as a whole (the certificate parser\'s minimum)', async () => {
    const { p } = provider(map({ [KID]: a.cert, weak: RSA1024_CERT }))
    await refused(p.verify(await token(claims())), 'ERR_JWKS_FETCH_FAILED')
  })

  it('a JWK Set at the certificate map\'s URL is refused', async () => {
    const { p } = provider({ keys: [{ ...a.pub, kid: KID }] })
    await refused(p.verify(await token(claims())), 'ERR_JWKS_FETCH_FAILED')
  })

  it('projectId must be a project id', () => {
    for (const projectId of ['', 'My-Project', 'ab', 'https://securetoken.google.com/x', 'x'.repeat(31)]) invalidArgument(() => firebase({ projectId }))
  })
})
