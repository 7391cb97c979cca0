/**
 * What every provider shares (API.md, Identity providers): caller options only add checks
 * (a schema, requiredScopes, subject, maxAge, clockTolerance), the provider's own ones are
 * refused (issuer, audience, algorithms, typ, a key set), nothing is fetched at import or
 * creation, prepared verifiers and their cache, and resourceServer reading the provider's
 * scopes (Entra's scp and roles, Okta's scp array) for requiredScopes.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { isJoseError } from '../../src/index.ts'
import { parseDuration } from '../../src/jose/time.ts'
import { seconds } from '../../src/providers/common.ts'
import * as providers from '../../src/providers/index.ts'
import { auth0, cognito, entraId, okta, type Provider } from '../../src/providers/index.ts'
import { edit, invalidArgument, NOW, NOW_S, refused, rsaKeys, serve, signed, type RsaKey } from './fixtures.ts'

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const ENTRA_KEYS = `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`
const ENTRA_ISS = `https://login.microsoftonline.com/${TENANT}/v2.0`
const AUD = 'api://orders'
const AUTH0_KEYS = 'https://example.eu.auth0.com/.well-known/jwks.json'
const KID = 'k1'

let a: RsaKey
beforeAll(async () => {
  [a] = await rsaKeys()
})
afterEach(() => {
  vi.unstubAllGlobals()
})

const entraClaims = (over: Record<string, unknown> = {}) => edit({
  aud: AUD, iss: ENTRA_ISS, iat: NOW_S - 60, nbf: NOW_S - 60, exp: NOW_S + 3600, sub: 'user-1', oid: 'o-1', tid: TENANT, scp: 'Orders.Read Orders.Write', ver: '2.0',
}, over)
const entraToken = (over: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => signed(entraClaims(over), a.priv, 'RS256', { typ: 'JWT', kid: KID, ...header })
function entra(o: Record<string, unknown> = {}) {
  const s = serve({ [ENTRA_KEYS]: { keys: [{ ...a.pub, use: 'sig', kid: KID, issuer: ENTRA_ISS }] } })
  return { p: entraId({ tenant: TENANT, audience: AUD, fetch: s.fetch, now: NOW, ...o }), urls: s.urls }
}
const auth0Claims = (over: Record<string, unknown> = {}) => edit({ iss: 'https://example.eu.auth0.com/', sub: 'auth0|1', aud: AUD, exp: NOW_S + 600, iat: NOW_S - 60, scope: 'read:orders' }, over)

describe('providers: caller options only add checks', () => {
  it('issuer, audience, algorithms, typ or a key set passed to verify, createVerifier or resourceServer: ERR_JOSE_INVALID_ARGUMENT', async () => {
    const { p, urls } = entra()
    const t = await entraToken()
    const fixed = { issuer: ENTRA_ISS, audience: AUD, algorithms: ['RS256'], typ: 'JWT', jwks: a.pub, key: a.pub, keys: [a.pub] }
    for (const [name, value] of Object.entries(fixed)) {
      const e = await refused(p.verify(t, { [name]: value } as never), 'ERR_JOSE_INVALID_ARGUMENT')
      expect(e.message).toMatch(/fixed by the Entra ID provider/)
      invalidArgument(() => p.createVerifier({ [name]: value } as never), /fixed/)
    }
    for (const name of ['issuer', 'audience', 'algorithms', 'typ', 'jwks', 'profile', 'verifier']) {
      invalidArgument(() => p.resourceServer({ [name]: name === 'verifier' ? async () => ({}) : 'x' } as never), /fixed/)
    }
    // typ: false (accept any) is a loosening too.
    await refused(p.verify(t, { typ: false } as never), 'ERR_JOSE_INVALID_ARGUMENT')
    expect(urls).toEqual([]) // refused before any key was fetched
  })

  it('a misspelt option is refused, not ignored', async () => {
    const { p } = entra()
    await refused(p.verify(await entraToken(), { requiredScope: ['x'] } as never), 'ERR_JOSE_INVALID_ARGUMENT')
    invalidArgument(() => p.createVerifier({ cach: 10 } as never))
    invalidArgument(() => p.resourceServer({ publicURL: 'https://api.example' } as never))
    await refused(p.verify(await entraToken(), 'strict' as never), 'ERR_JOSE_INVALID_ARGUMENT')
    await refused(p.verify(await entraToken(), { requiredScopes: 'Orders.Read' } as never), 'ERR_JOSE_INVALID_ARGUMENT')
    await refused(p.verify(await entraToken(), { clockTolerance: 'a while' }), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  it('schema: runs after the provider\'s rules, its output is the payload; scopes still come from the signed payload', async () => {
    const { p } = entra()
    const schema = z.object({ oid: z.string(), scp: z.string() }).transform((x) => ({ user: x.oid, granted: x.scp.split(' ') }))
    const r = await p.verify(await entraToken(), { schema })
    expect([r.payload, r.scopes]).toEqual([{ user: 'o-1', granted: ['Orders.Read', 'Orders.Write'] }, ['Orders.Read', 'Orders.Write']])
    const e = await refused(p.verify(await entraToken({ oid: 42 }), { schema }), 'ERR_JWT_CLAIM_INVALID', 'oid', 'schema')
    expect(e.issues).toBeTruthy()
    // The provider's rules first: a foreign tenant fails on tid, before the schema runs.
    await refused(p.verify(await entraToken({ tid: 'cbb1a5ac-f33b-45fa-9bf5-f37db0fed422', oid: 42 }), { schema }), 'ERR_JWT_CLAIM_INVALID', 'tid', 'mismatch')
  })

  it('requiredScopes, subject, maxAge and requiredClaims add checks', async () => {
    const { p } = entra()
    const t = await entraToken()
    expect((await p.verify(t, { requiredScopes: ['Orders.Read'], subject: 'user-1', maxAge: '5m', requiredClaims: ['oid'] })).scopes).toEqual(['Orders.Read', 'Orders.Write'])
    await refused(p.verify(t, { requiredScopes: ['Orders.Admin'] }), 'ERR_JWT_CLAIM_INVALID', 'scope', 'mismatch')
    await refused(p.verify(t, { requiredScopes: ['Orders.Rea'] }), 'ERR_JWT_CLAIM_INVALID', 'scope', 'mismatch')
    await refused(p.verify(t, { subject: 'user-2' }), 'ERR_JWT_CLAIM_INVALID', 'sub', 'mismatch')
    await refused(p.verify(t, { maxAge: 30 }), 'ERR_JWT_CLAIM_INVALID', 'iat', 'too_old')
    await refused(p.verify(t, { requiredClaims: ['wids'] }), 'ERR_JWT_CLAIM_INVALID', 'wids', 'missing')
  })

  it('clockTolerance: per provider and per call (the call\'s wins)', async () => {
    const expired = await entraToken({ exp: NOW_S - 20 })
    await refused(entra().p.verify(expired), 'ERR_JWT_EXPIRED')
    expect((await entra({ clockTolerance: '30s' }).p.verify(expired)).payload.sub).toBe('user-1')
    expect((await entra().p.verify(expired, { clockTolerance: 30 })).payload.sub).toBe('user-1')
    await refused(entra({ clockTolerance: '30s' }).p.verify(expired, { clockTolerance: 10 }), 'ERR_JWT_EXPIRED')
    invalidArgument(() => entraId({ tenant: TENANT, audience: AUD, clockTolerance: -1 }))
    invalidArgument(() => entraId({ tenant: TENANT, audience: AUD, now: 'today' as never }))
  })

  it('a tolerance is read as the core reads Durations (the provider applies it to its own time claims)', () => {
    const read = (f: () => number) => {
      try {
        return f()
      } catch (e) {
        return isJoseError(e) ? e.code : 'not a JoseError'
      }
    }
    for (const d of [0, 12.5, '30s', '30 s', '1.1h', '1.5 min', '2 Hours', '1 day', '1w', '1y', '007sec', '', '60', '-5s', '5m ago', 'x', '1 fortnight', NaN, -1, Infinity, '1'.repeat(33) + 's', null]) {
      expect(read(() => seconds(d, 'options.clockTolerance')), String(d)).toBe(read(() => parseDuration(d, 'options.clockTolerance')))
    }
  })

  it('errors after the signature carry the verified payload', async () => {
    const e = await refused(entra().p.verify(await entraToken({ tid: 'cbb1a5ac-f33b-45fa-9bf5-f37db0fed422' })), 'ERR_JWT_CLAIM_INVALID', 'tid')
    expect((e.payload as { sub: string }).sub).toBe('user-1')
  })

  it('never anything but a JoseError: odd tokens and hostile options', async () => {
    const { p } = entra()
    for (const t of [undefined, 42, '', 'a.b.c', `Bearer ${await entraToken()}`]) expect(isJoseError(await p.verify(t as never).catch((e) => e))).toBe(true)
    const hostile = new Proxy({}, { ownKeys: () => { throw new TypeError('boom') } })
    expect(isJoseError(await p.verify(await entraToken(), hostile as never).catch((e) => e))).toBe(true)
    let thrown: unknown
    try {
      p.createVerifier(hostile as never)
    } catch (e) {
      thrown = e
    }
    expect(isJoseError(thrown)).toBe(true)
  })
})

describe('providers: nothing is contacted at import or creation', () => {
  it('importing isojwt/providers and creating all nine providers makes no request', async () => {
    const calls: unknown[] = []
    vi.stubGlobal('fetch', (...args: unknown[]) => {
      calls.push(args[0])
      return Promise.reject(new Error('no network in this test'))
    })
    vi.resetModules()
    const fresh = await import('../../src/providers/index.ts')
    const made: Provider[] = [
      fresh.entraId({ tenant: 'common', audience: AUD, allowedTenants: '*' }), fresh.google({ clientId: 'c.apps.googleusercontent.com' }),
      fresh.firebase({ projectId: 'my-project-1234' }), fresh.cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_abc', clientId: 'c', tokenUse: 'id' }),
      fresh.auth0({ domain: 'example.eu.auth0.com', audience: AUD }), fresh.okta({ issuer: 'https://example.okta.com/oauth2/default', audience: AUD }),
      fresh.keycloak({ url: 'https://sso.example.com', realm: 'shop', audience: AUD }), fresh.clerk({ issuer: 'https://clerk.example.com', authorizedParties: ['https://example.com'] }),
      fresh.supabase({ url: 'https://abcdefghijklmnop.supabase.co' }),
    ]
    for (const p of made) {
      p.createVerifier()
      p.resourceServer()
      expect(Object.isFrozen(p)).toBe(true)
      expect(p.jwks.jwks).toBeUndefined()
    }
    expect(calls).toEqual([])
    // The global fetch is the default: the first verification is the first request.
    await refused(made[4]!.verify(await signed(auth0Claims(), a.priv, 'RS256', { kid: KID })), 'ERR_JWKS_FETCH_FAILED')
    expect(calls).toEqual([AUTH0_KEYS])
  })

  it('the nine factories, and only those, are exported', () => {
    expect(Object.keys(providers).sort()).toEqual(['auth0', 'clerk', 'cognito', 'entraId', 'firebase', 'google', 'keycloak', 'okta', 'supabase'])
  })
})

describe('providers: createVerifier', () => {
  it('ready() loads the key set once; calls verify by the provider\'s rules', async () => {
    const { p, urls } = entra()
    const v = p.createVerifier({ requiredScopes: ['Orders.Read'] })
    await v.ready()
    expect(urls).toEqual([ENTRA_KEYS])
    expect((await v(await entraToken())).scopes).toEqual(['Orders.Read', 'Orders.Write'])
    await refused(v(await entraToken({ scp: 'Orders.Write' })), 'ERR_JWT_CLAIM_INVALID', 'scope', 'mismatch')
    expect(urls).toEqual([ENTRA_KEYS])
  })

  it('with a cache: frozen results, and the provider\'s rules and the time checked again on every hit', async () => {
    let now = NOW
    const s = serve({ [ENTRA_KEYS]: { keys: [{ ...a.pub, use: 'sig', kid: KID }] } })
    const p = entraId({ tenant: TENANT, audience: AUD, fetch: s.fetch, now: () => now })
    const v = p.createVerifier({ cache: 10 })
    const t = await entraToken({ exp: NOW_S + 60 })
    const first = await v(t)
    expect(Object.isFrozen(first) && Object.isFrozen(first.scopes) && Object.isFrozen(first.payload)).toBe(true)
    expect((await v(t)).payload).toBe(first.payload) // a hit
    now = new Date((NOW_S + 61) * 1000)
    await refused(v(t), 'ERR_JWT_EXPIRED')
    // A Graph token is refused on every call, hits included (the header rule runs in the resolver).
    now = NOW
    const graph = await entraToken({}, { nonce: 'n' })
    await refused(v(graph), 'ERR_JWS_SIGNATURE_INVALID')
  })
})

describe('providers: resourceServer', () => {
  const req = (token?: string) => new Request('https://api.example/orders', { headers: token ? { authorization: `Bearer ${token}` } : {} })

  it('Entra: the scopes are scp and roles; requiredScopes missing answers 403 insufficient_scope', async () => {
    const { p } = entra()
    const rs = p.resourceServer({ requiredScopes: ['Orders.Read'] })
    const ok = await rs.authenticate(req(await entraToken()))
    expect(ok.ok && [ok.scheme, ok.scopes, ok.payload.oid]).toEqual(['Bearer', ['Orders.Read', 'Orders.Write'], 'o-1'])
    const app = await rs.authenticate(req(await entraToken({ scp: undefined, roles: ['Orders.Read'] })))
    expect(app.ok && app.scopes).toEqual(['Orders.Read'])
    const denied = await rs.authenticate(req(await entraToken({ scp: 'Orders.Write' })))
    expect(!denied.ok && [denied.status, denied.headers['www-authenticate']]).toEqual([403,
      'Bearer error="insufficient_scope", error_description="ERR_JWT_CLAIM_INVALID", scope="Orders.Read", DPoP algs="ES256 EdDSA Ed25519 PS256 RS256"'])
  })

  it('Entra: a foreign tenant, a Graph token, a missing token: 401; the key set down: 503', async () => {
    const { p } = entra()
    const rs = p.resourceServer()
    const foreign = await rs.authenticate(req(await entraToken({ tid: 'cbb1a5ac-f33b-45fa-9bf5-f37db0fed422' })))
    expect(!foreign.ok && [foreign.status, foreign.error.code, foreign.error.claim]).toEqual([401, 'ERR_JWT_CLAIM_INVALID', 'tid'])
    const graph = await rs.authenticate(req(await entraToken({}, { nonce: 'n' })))
    expect(!graph.ok && [graph.status, graph.error.code]).toEqual([401, 'ERR_JWS_SIGNATURE_INVALID'])
    const none = await rs.authenticate(req())
    expect(!none.ok && [none.status, none.error.code]).toEqual([401, 'ERR_CREDENTIALS_MISSING'])
    const down = entraId({ tenant: TENANT, audience: AUD, now: NOW, fetch: serve({}).fetch }).resourceServer()
    const outage = await down.authenticate(req(await entraToken()))
    expect(!outage.ok && [outage.status, outage.error.code]).toEqual([503, 'ERR_JWKS_FETCH_FAILED'])
  })

  it('Okta: scopes from the scp array; Cognito access tokens (no aud) through client_id', async () => {
    const oktaKeys = 'https://example.okta.com/oauth2/default/v1/keys'
    const o = okta({ issuer: 'https://example.okta.com/oauth2/default', audience: AUD, fetch: serve({ [oktaKeys]: { keys: [{ ...a.pub, kid: KID }] } }).fetch, now: NOW })
    const ot = await signed({ iss: 'https://example.okta.com/oauth2/default', aud: AUD, sub: 'u', exp: NOW_S + 60, cid: 'c', scp: ['orders.read'] }, a.priv, 'RS256', { kid: KID })
    const okOkta = await o.resourceServer({ requiredScopes: ['orders.read'] }).authenticate(req(ot))
    expect(okOkta.ok && okOkta.scopes).toEqual(['orders.read'])
    const iss = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc'
    const c = cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_abc', clientId: 'app', tokenUse: 'access', fetch: serve({ [`${iss}/.well-known/jwks.json`]: { keys: [{ ...a.pub, kid: KID }] } }).fetch, now: NOW })
    const ct = await signed({ iss, sub: 'u', client_id: 'app', token_use: 'access', scope: 'orders/read', exp: NOW_S + 60 }, a.priv, 'RS256', { kid: KID })
    const okCognito = await c.resourceServer({ requiredScopes: ['orders/read'] }).authenticate(req(ct))
    expect(okCognito.ok && okCognito.scopes).toEqual(['orders/read'])
  })

  it('a schema, clockTolerance and the DPoP settings pass through', async () => {
    const { p } = entra()
    const rs = p.resourceServer({ schema: z.object({ oid: z.literal('o-2') }), dpop: 'off' })
    const bad = await rs.authenticate(req(await entraToken()))
    expect(!bad.ok && [bad.status, bad.error.reason, bad.headers['www-authenticate']]).toEqual([401, 'schema', 'Bearer error="invalid_token", error_description="ERR_JWT_CLAIM_INVALID"'])
    const late = await entra().p.resourceServer({ clockTolerance: 30 }).authenticate(req(await entraToken({ exp: NOW_S - 20 })))
    expect(late.ok).toBe(true)
  })
})

describe('providers: one engine, nine rule sets', () => {
  it('the provider\'s issuer check cannot be bypassed by an issuer the token spells with different case or spacing', async () => {
    const s = serve({ [AUTH0_KEYS]: { keys: [{ ...a.pub, kid: KID }] } })
    const p = auth0({ domain: 'example.eu.auth0.com', audience: AUD, fetch: s.fetch, now: NOW })
    for (const iss of ['https://EXAMPLE.eu.auth0.com/', 'https://example.eu.auth0.com/ ', ' https://example.eu.auth0.com/', 'https://example.eu.auth0.com//']) {
      await refused(p.verify(await signed(auth0Claims({ iss }), a.priv, 'RS256', { typ: 'JWT', kid: KID })), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    }
  })
})
