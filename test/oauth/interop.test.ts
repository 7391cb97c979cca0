/**
 * Interop with oauth4webapi (an independent implementation): its validateJwtAccessToken
 * gives the same verdict as verifyAccessToken on a table of RFC 9068 tokens (same clock,
 * 30 s tolerance on both sides), and the client assertions it makes (private_key_jwt and
 * client_secret_jwt, captured through customFetch) verify with verifyClientAssertion.
 */
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createRemoteJwks, exportJwk, generateKeyPair, isJoseError, signJws, verifyAccessToken, verifyClientAssertion, type Alg, type Jwk, type JwtPayload,
} from '../../src/index.ts'
import { NOW, NOW_S } from './helpers.ts'

const ISS = 'https://as.example'
const AUD = 'https://api.example'
const JWKS_URI = `${ISS}/jwks`
const TOL = 30
const as: oauth.AuthorizationServer = { issuer: ISS, jwks_uri: JWKS_URI, token_endpoint: `${ISS}/token` }

let priv: CryptoKey
let other: CryptoKey
let jwks: { keys: Jwk[] }

const jsonResponse = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
const serveJwks = async () => jsonResponse(jwks)

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW)
  const pair = await generateKeyPair('ES256', { extractable: true })
  priv = pair.privateKey
  other = (await generateKeyPair('ES256')).privateKey
  jwks = { keys: [{ ...(await exportJwk(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }
})
afterAll(() => {
  vi.useRealTimers()
})

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const base = (): JwtPayload => ({ iss: ISS, sub: 'user-1', aud: AUD, client_id: 'app', iat: NOW_S - 5, exp: NOW_S + 300, jti: 'j-1', scope: 'read' })

interface Row {
  name: string
  payload?: JwtPayload
  header?: Record<string, unknown>
  key?: () => CryptoKey | string
  alg?: Alg
  mutate?: (t: string) => string
  ok: boolean
  /** A documented verdict difference: what isojwt says when it disagrees with oauth4webapi. */
  isojwtOk?: boolean
  /** Only meaningful against a key set (the kid selects): skipped with the bare JWK. */
  setOnly?: boolean
}

const drop = (c: string): JwtPayload => {
  const p = base()
  delete p[c]
  return p
}

const ROWS: Row[] = [
  { name: 'valid', ok: true },
  ...['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'].map((c) => ({ name: `no ${c}`, payload: drop(c), ok: false })),
  { name: 'typ absent', header: { typ: undefined }, ok: false },
  { name: 'typ JWT', header: { typ: 'JWT' }, ok: false },
  { name: 'typ application/at+jwt', header: { typ: 'application/at+jwt' }, ok: true },
  { name: 'typ AT+JWT', header: { typ: 'AT+JWT' }, ok: true },
  { name: 'typ logout+jwt', header: { typ: 'logout+jwt' }, ok: false },
  { name: 'exp now - 29 (in tolerance)', payload: { ...base(), exp: NOW_S - 29 }, ok: true },
  { name: 'exp now - 30 (tolerance boundary)', payload: { ...base(), exp: NOW_S - 30 }, ok: false },
  { name: 'exp now - 3600', payload: { ...base(), exp: NOW_S - 3600 }, ok: false },
  { name: 'exp fractional', payload: { ...base(), exp: NOW_S + 100.5 }, ok: true },
  { name: 'nbf now + 30', payload: { ...base(), nbf: NOW_S + 30 }, ok: true },
  { name: 'nbf now + 31', payload: { ...base(), nbf: NOW_S + 31 }, ok: false },
  { name: 'iat in the future', payload: { ...base(), iat: NOW_S + 3600 }, ok: true },
  { name: 'iss other', payload: { ...base(), iss: 'https://evil.example' }, ok: false },
  { name: 'iss with trailing slash', payload: { ...base(), iss: `${ISS}/` }, ok: false },
  { name: 'aud other', payload: { ...base(), aud: 'https://other.example' }, ok: false },
  { name: 'aud array with ours', payload: { ...base(), aud: ['x', AUD] }, ok: true },
  { name: 'aud array without ours', payload: { ...base(), aud: ['x', 'y'] }, ok: false },
  { name: 'aud []', payload: { ...base(), aud: [] }, ok: false },
  { name: 'sub number', payload: { ...base(), sub: 1 } as unknown as JwtPayload, ok: false },
  { name: 'client_id number', payload: { ...base(), client_id: 1 }, ok: false },
  { name: 'jti number', payload: { ...base(), jti: 1 } as unknown as JwtPayload, ok: false },
  { name: 'exp string', payload: { ...base(), exp: String(NOW_S + 300) } as unknown as JwtPayload, ok: false },
  { name: 'iat string', payload: { ...base(), iat: 'yesterday' } as unknown as JwtPayload, ok: false },
  { name: 'iss array', payload: { ...base(), iss: [ISS] } as unknown as JwtPayload, ok: false },
  { name: 'extra claims', payload: { ...base(), groups: ['a'], scope: 'read write' }, ok: true },
  { name: 'crit header', header: { crit: ['x'], x: 1 }, ok: false },
  { name: 'HS256', key: () => 'a-shared-secret-of-at-least-32-bytes!', alg: 'HS256', ok: false },
  { name: 'signed by another key, same kid', key: () => other, ok: false },
  { name: 'tampered payload', mutate: (t) => { const [h, , s] = t.split('.'); return `${h}.${b64({ ...base(), sub: 'admin' })}.${s}` }, ok: false },
  { name: 'signature truncated', mutate: (t) => t.slice(0, -4), ok: false },
  { name: 'unknown kid', header: { kid: 'nope' }, ok: false, setOnly: true },
  // Documented differences (docs/oauth-access-tokens.md):
  // isojwt refuses a `scope` that is not a string (RFC 9068 §2.2.3: a space-delimited string); oauth4webapi does not look at it.
  { name: 'scope array', payload: { ...base(), scope: ['read'] }, ok: true, isojwtOk: false },
  // a cnf (RFC 9449 DPoP binding) makes oauth4webapi demand a DPoP proof; isojwt has no DPoP support and ignores cnf.
  { name: 'cnf.jkt (DPoP-bound)', payload: { ...base(), cnf: { jkt: 'abc' } }, ok: false, isojwtOk: true },
]

async function make(row: Row): Promise<string> {
  const header: Record<string, unknown> = { typ: 'at+jwt', kid: 'k1', ...row.header }
  for (const k of Object.keys(header)) if (header[k] === undefined) delete header[k]
  const key = row.key ? row.key() : priv
  const t = await signJws(JSON.stringify(row.payload ?? base()), key, { alg: row.alg ?? 'ES256', header })
  return row.mutate ? row.mutate(t) : t
}

async function theirs(t: string): Promise<boolean> {
  const request = new Request(`${AUD}/resource`, { headers: { authorization: `Bearer ${t}` } })
  try {
    await oauth.validateJwtAccessToken(as, request, AUD, { [oauth.customFetch]: serveJwks, [oauth.clockTolerance]: TOL })
    return true
  } catch {
    return false
  }
}

async function ours(t: string, key: Parameters<typeof verifyAccessToken>[1]): Promise<boolean> {
  try {
    await verifyAccessToken(t, key, { issuer: ISS, audience: AUD, clockTolerance: TOL })
    return true
  } catch (e) {
    expect(isJoseError(e)).toBe(true)
    return false
  }
}

describe('verifyAccessToken and oauth4webapi validateJwtAccessToken agree', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const t = await make(row)
    expect(await theirs(t), 'oauth4webapi').toBe(row.ok)
    if (!row.setOnly) expect(await ours(t, jwks.keys[0]!), 'isojwt with the JWK').toBe(row.isojwtOk ?? row.ok)
    const remote = createRemoteJwks(JWKS_URI, { fetch: serveJwks as typeof fetch })
    expect(await ours(t, remote), 'isojwt with createRemoteJwks').toBe(row.isojwtOk ?? row.ok)
  })
})

describe('client assertions made by oauth4webapi verify with verifyClientAssertion', () => {
  const client: oauth.Client = { client_id: 'oauth4webapi-client' }

  /** Runs a client_credentials token request and returns the client_assertion it posted. */
  async function capture(auth: oauth.ClientAuth): Promise<string> {
    let body = ''
    const customFetch = async (_url: string, init: { body?: unknown }) => {
      body = String(init.body)
      return jsonResponse({ access_token: 'x', token_type: 'bearer' })
    }
    await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'read' }, { [oauth.customFetch]: customFetch as never })
    const params = new URLSearchParams(body)
    expect(params.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
    return params.get('client_assertion')!
  }

  it.each(['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'] as const)('private_key_jwt with %s', async (alg) => {
    const pair = await generateKeyPair(alg, { extractable: true })
    const assertion = await capture(oauth.PrivateKeyJwt({ key: pair.privateKey, kid: 'c1' }))
    // oauth4webapi names Ed25519 keys 'Ed25519' (RFC 9864); an OKP JWK without alg pins both names.
    const pub = await exportJwk(pair.publicKey)
    const algorithms: Alg[] = alg === 'EdDSA' ? ['EdDSA', 'Ed25519'] : [alg]
    const seen = new Set<string>()
    const replayStore = { add: (jti: string) => (seen.has(jti) ? false : (seen.add(jti), true)) }
    const r = await verifyClientAssertion(assertion, pub, { clientId: client.client_id, audience: ISS, replayStore, algorithms })
    expect(r.payload).toMatchObject({ iss: client.client_id, sub: client.client_id, aud: ISS, exp: NOW_S + 60 })
    expect(r.header.kid).toBe('c1')
    await expect(verifyClientAssertion(assertion, pub, { clientId: client.client_id, audience: ISS, replayStore, algorithms })).rejects.toMatchObject({ reason: 'replayed' })
    await expect(verifyClientAssertion(assertion, pub, { clientId: 'someone-else', audience: ISS, algorithms })).rejects.toMatchObject({ claim: 'iss' })
    await expect(verifyClientAssertion(assertion, pub, { clientId: client.client_id, audience: `${ISS}/token`, algorithms })).rejects.toMatchObject({ claim: 'aud' })
  })

  it('client_secret_jwt (HS256)', async () => {
    const secret = 'an-oauth-client-secret-of-32-bytes-or-more'
    const assertion = await capture(oauth.ClientSecretJwt(secret))
    const r = await verifyClientAssertion(assertion, secret, { clientId: client.client_id, audience: ISS, algorithms: ['HS256'] })
    expect(r.payload.sub).toBe(client.client_id)
  })
})
