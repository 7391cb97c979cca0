/**
 * entraId (API.md, Identity providers): tokens in the shapes of Microsoft's "Access tokens in
 * the Microsoft identity platform" (v1.0 and v2.0 samples, app-only tokens with `roles`), its
 * keys documents (`…/discovery/v2.0/keys`, keys without `alg`, each with its `issuer`
 * member), Microsoft Graph tokens (header `nonce`), single- and multi-tenant apps.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { entraId, type EntraIdOptions } from '../../src/providers/index.ts'
import { certBody, edit, invalidArgument, NOW, NOW_S, refused, rsaKeys, serve, signed, type RsaKey } from './fixtures.ts'

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const OTHER = 'cbb1a5ac-f33b-45fa-9bf5-f37db0fed422'
const CONSUMER = '9188040d-6c67-4c5b-b112-36a304b66dad'
const AUD = '6e74172b-be56-4843-9ff4-e66a39bb12e3'
const KID = 'i6lGk3FZzxRcUb2C3nEQ7syHJlY'
const v2 = (tid: string) => `https://login.microsoftonline.com/${tid}/v2.0`
const v1 = (tid: string) => `https://sts.windows.net/${tid}/`
const KEYS = (tenant: string) => `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`

let a: RsaKey
let b: RsaKey
beforeAll(async () => {
  [a, b] = await rsaKeys()
})

/** A key as Entra publishes it: no `alg`, `use`, `x5t`, `x5c`, and its `issuer` (template or a tenant's). */
const entraKey = (issuer: string | undefined, key = a, kid = KID) =>
  edit({ ...key.pub, use: 'sig', kid, x5t: kid, x5c: [certBody(key.cert)], issuer }, {})
const keysDoc = (issuer: string | undefined = v2('{tenantid}')) => ({ keys: [entraKey(issuer)] })

/** The v2.0 access token of Microsoft's sample, for `tid`. */
const v2Claims = (tid = TENANT, over: Record<string, unknown> = {}) => edit({
  aud: AUD, iss: v2(tid), iat: NOW_S - 60, nbf: NOW_S - 60, exp: NOW_S + 3600,
  aio: 'AXQAi/8UAAAAqxsuB+R4D2rFQqOETO4YdXbLD9kZ8xfXadeAM0Q2NkNT5izfg3uwbWSXhuSSj6UT5hy2D6WqAp', azp: AUD, azpacr: '0',
  name: 'Abe Lincoln', oid: '690222be-ff1a-4d56-abd1-7e4f7d38e474', preferred_username: 'abeli@microsoft.com', rh: 'I',
  scp: 'access_as_user', sub: 'HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ', tid, uti: 'fqiBqXLPj0eQa82S-IYFAA', ver: '2.0',
}, over)
/** The v1.0 shape: `sts.windows.net` issuer, `appid`, `ver` 1.0. */
const v1Claims = (tid = TENANT, over: Record<string, unknown> = {}) => edit({
  aud: AUD, iss: v1(tid), iat: NOW_S - 60, nbf: NOW_S - 60, exp: NOW_S + 3600, appid: AUD, appidacr: '0',
  oid: '690222be-ff1a-4d56-abd1-7e4f7d38e474', scp: 'access_as_user', sub: 'HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ', tid, ver: '1.0',
}, over)
const token = (claims: Record<string, unknown>, header: Record<string, unknown> = {}, key = a) =>
  signed(claims, key.priv, 'RS256', edit({ typ: 'JWT', kid: KID, x5t: KID }, header))

function provider(o: Partial<EntraIdOptions> = {}, doc: unknown = keysDoc(), tenant = o.tenant ?? TENANT) {
  const served = serve({ [KEYS(tenant) + (o.appId ? `?appid=${o.appId}` : '')]: doc })
  return { p: entraId({ tenant: TENANT, audience: AUD, now: NOW, fetch: served.fetch, ...o } as EntraIdOptions), urls: served.urls }
}

describe('entraId: a single tenant (v2.0 tokens by default)', () => {
  it('accepts the v2.0 sample token; the key URL is the tenant\'s own, over https; scopes from scp', async () => {
    const { p, urls } = provider()
    const r = await p.verify(await token(v2Claims()))
    expect([r.payload.oid, r.scopes, urls]).toEqual(['690222be-ff1a-4d56-abd1-7e4f7d38e474', ['access_as_user'], [KEYS(TENANT)]])
    expect(p.issuer).toBe(v2(TENANT))
  })

  it('app-only tokens: the application permissions in roles are its scopes', async () => {
    const { p } = provider()
    const r = await p.verify(await token(v2Claims(TENANT, { scp: undefined, roles: ['Orders.Read.All', 'Orders.Write.All'] })), { requiredScopes: ['Orders.Read.All'] })
    expect(r.scopes).toEqual(['Orders.Read.All', 'Orders.Write.All'])
    await refused(p.verify(await token(v2Claims()), { requiredScopes: ['Orders.Read.All'] }), 'ERR_JWT_CLAIM_INVALID', 'scope', 'mismatch')
    await refused(p.verify(await token(v2Claims(TENANT, { scp: undefined })), { requiredScopes: ['Orders.Read.All'] }), 'ERR_JWT_CLAIM_INVALID', 'scope', 'missing')
  })

  it('each rule broken once is refused with its code', async () => {
    const { p } = provider()
    await refused(p.verify(await token(v2Claims(TENANT, { iss: v2(OTHER) }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(v2Claims(TENANT, { iss: v1(TENANT) }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(v2Claims(TENANT, { iss: `${v2(TENANT)}/` }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(v2Claims(TENANT, { iss: undefined }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'missing')
    await refused(p.verify(await token(v2Claims(TENANT, { aud: 'api://someone-else' }))), 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch')
    await refused(p.verify(await token(v2Claims(TENANT, { aud: undefined }))), 'ERR_JWT_CLAIM_INVALID', 'aud', 'missing')
    await refused(p.verify(await token(v2Claims(TENANT, { exp: NOW_S - 1 }))), 'ERR_JWT_EXPIRED')
    await refused(p.verify(await token(v2Claims(TENANT, { exp: undefined }))), 'ERR_JWT_CLAIM_INVALID', 'exp', 'missing')
    await refused(p.verify(await token(v2Claims(TENANT, { nbf: NOW_S + 60 }))), 'ERR_JWT_NOT_YET_VALID')
    await refused(p.verify(await token(v2Claims(TENANT, { tid: OTHER }))), 'ERR_JWT_CLAIM_INVALID', 'tid', 'mismatch')
    await refused(p.verify(await token(v2Claims(), { typ: 'at+jwt' })), 'ERR_JWT_CLAIM_INVALID', 'typ', 'mismatch')
    await refused(p.verify(await token(v2Claims(), {}, b)), 'ERR_JWS_SIGNATURE_INVALID')
    await refused(p.verify(await signed(v2Claims(), a.priv, 'PS256', { typ: 'JWT', kid: KID })), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await refused(p.verify(await signed(v2Claims(), a.priv, 'RS512', { typ: 'JWT', kid: KID })), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })

  it('a Microsoft Graph token (header nonce): ERR_JWS_SIGNATURE_INVALID saying what it is and what to ask for instead', async () => {
    const { p } = provider()
    const graph = await token(v2Claims(TENANT, { aud: '00000003-0000-0000-c000-000000000000', scp: 'User.Read' }), { nonce: 'AQABAAAAAAD--DLA3VO7QrddgJg7WevrRz' })
    const e = await refused(p.verify(graph), 'ERR_JWS_SIGNATURE_INVALID')
    expect(e.message).toMatch(/Microsoft Graph/)
    expect(e.message).toMatch(/token for your own API/)
    // Even a "nonce" on a token for this API: the rule is the header member, never a hash of it.
    await refused(p.verify(await token(v2Claims(), { nonce: 'x' })), 'ERR_JWS_SIGNATURE_INVALID')
  })

  it('a key whose own issuer member names another tenant never verifies this tenant\'s tokens', async () => {
    const { p } = provider({}, keysDoc(v2(OTHER)))
    const e = await refused(p.verify(await token(v2Claims())), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(e.message).toMatch(/issuer/)
    // The tenant's own issuer, or none: accepted.
    for (const issuer of [v2(TENANT), undefined]) expect((await provider({}, keysDoc(issuer)).p.verify(await token(v2Claims()))).payload.tid).toBe(TENANT)
  })

  it("version 'both' takes v1.0 and v2.0 tokens; version 1 only v1.0 (issuer https://sts.windows.net/{tid}/)", async () => {
    const both = provider({ version: 'both' }).p
    expect((await both.verify(await token(v1Claims()))).payload.ver).toBe('1.0')
    expect((await both.verify(await token(v2Claims()))).payload.ver).toBe('2.0')
    const one = provider({ version: 1 }).p
    expect(one.issuer).toBe(v1(TENANT))
    expect((await one.verify(await token(v1Claims()))).payload.ver).toBe('1.0')
    await refused(one.verify(await token(v2Claims())), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(provider().p.verify(await token(v1Claims())), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
  })

  it('a v1.0 token is verified by a key whose issuer member is the v2.0 issuer of its tenant (the keys document spells them so)', async () => {
    const { p } = provider({ version: 'both' }, keysDoc(v2(TENANT)))
    expect((await p.verify(await token(v1Claims()))).payload.iss).toBe(v1(TENANT))
    await refused(provider({ version: 'both' }, keysDoc(v2(OTHER))).p.verify(await token(v1Claims())), 'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('appId: the key URL of an app with its own signing keys (?appid=)', async () => {
    const appId = 'a2dfd48e-30d5-4b4b-8b2b-5ad3e9b8a9a5'
    const { p, urls } = provider({ appId })
    await p.verify(await token(v2Claims()))
    expect(urls).toEqual([`${KEYS(TENANT)}?appid=${appId}`])
  })
})

describe('entraId: multi-tenant apps (common, organizations, consumers)', () => {
  it('allowedTenants (or an explicit "*") is required; it must fit the tenant value', () => {
    for (const tenant of ['common', 'organizations', 'consumers']) invalidArgument(() => entraId({ tenant, audience: AUD }), /allowedTenants is required/)
    invalidArgument(() => entraId({ tenant: 'organizations', audience: AUD, allowedTenants: [TENANT, CONSUMER] }), /consumer tenant/)
    invalidArgument(() => entraId({ tenant: 'consumers', audience: AUD, allowedTenants: [TENANT] }), /consumer tenant/)
    invalidArgument(() => entraId({ tenant: 'common', audience: AUD, allowedTenants: [] }))
    invalidArgument(() => entraId({ tenant: 'common', audience: AUD, allowedTenants: ['contoso.onmicrosoft.com'] }))
    invalidArgument(() => entraId({ tenant: 'common', audience: AUD, allowedTenants: TENANT as never }))
    invalidArgument(() => entraId({ tenant: TENANT, audience: AUD, allowedTenants: [TENANT] }), /multi-tenant/)
  })

  it('common with allowedTenants: a listed tenant\'s token passes, another tenant\'s is refused (tid); keys from common', async () => {
    const { p, urls } = provider({ tenant: 'common', allowedTenants: [TENANT] })
    expect(p.issuer).toBe('https://login.microsoftonline.com/{tenantid}/v2.0')
    expect((await p.verify(await token(v2Claims()))).payload.tid).toBe(TENANT)
    expect(urls).toEqual([KEYS('common')])
    await refused(p.verify(await token(v2Claims(OTHER))), 'ERR_JWT_CLAIM_INVALID', 'tid', 'mismatch')
  })

  it("'*' accepts any tenant, still with an issuer that names the token's tid", async () => {
    const { p } = provider({ tenant: 'common', allowedTenants: '*' })
    expect((await p.verify(await token(v2Claims(OTHER)))).payload.tid).toBe(OTHER)
    // A tid that does not match the issuer: the issuer is not the tid's.
    await refused(p.verify(await token(v2Claims(OTHER, { iss: v2(TENANT) }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(v2Claims(TENANT, { tid: undefined }))), 'ERR_JWT_CLAIM_INVALID', 'tid', 'missing')
    await refused(p.verify(await token(v2Claims(TENANT, { tid: 'contoso' }))), 'ERR_JWT_CLAIM_INVALID', 'tid', 'invalid')
    await refused(p.verify(await token(v2Claims(TENANT, { iss: v2(TENANT.toUpperCase()) }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(v2Claims(TENANT, { iss: 'https://login.microsoftonline.com/{tenantid}/v2.0' }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
  })

  it('organizations refuses the consumer tenant; consumers requires it', async () => {
    const orgs = provider({ tenant: 'organizations', allowedTenants: '*' }).p
    expect((await orgs.verify(await token(v2Claims(OTHER)))).payload.tid).toBe(OTHER)
    await refused(orgs.verify(await token(v2Claims(CONSUMER))), 'ERR_JWT_CLAIM_INVALID', 'tid', 'mismatch')
    const personal = provider({ tenant: 'consumers', allowedTenants: '*' }).p
    expect((await personal.verify(await token(v2Claims(CONSUMER)))).payload.tid).toBe(CONSUMER)
    await refused(personal.verify(await token(v2Claims(TENANT))), 'ERR_JWT_CLAIM_INVALID', 'tid', 'mismatch')
    expect((await provider({ tenant: 'consumers', allowedTenants: [CONSUMER] }).p.verify(await token(v2Claims(CONSUMER)))).payload.tid).toBe(CONSUMER)
  })

  it('v1/v2 mixes: version 2 refuses a v1.0 token of an allowed tenant, both accepts it, version 1 refuses v2.0', async () => {
    const o = { tenant: 'common', allowedTenants: [TENANT, OTHER] }
    await refused(provider(o).p.verify(await token(v1Claims(OTHER))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    const both = provider({ ...o, version: 'both' }).p
    expect((await both.verify(await token(v1Claims(OTHER)))).payload.iss).toBe(v1(OTHER))
    expect((await both.verify(await token(v2Claims(OTHER)))).payload.iss).toBe(v2(OTHER))
    // The v1.0 issuer of one tenant with the tid of another.
    await refused(both.verify(await token(v1Claims(OTHER, { tid: TENANT }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    const one = provider({ ...o, version: 1 }).p
    expect(one.issuer).toBe('https://sts.windows.net/{tenantid}/')
    await refused(one.verify(await token(v2Claims(OTHER))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
  })

  it('each key\'s own issuer member: {tenantid} stands for the token\'s tid; a tenant-specific key verifies only its tenant', async () => {
    const doc = { keys: [entraKey(v2(OTHER), a, 'other-tenant-key'), entraKey(v2('{tenantid}'), b, 'common-key')] }
    const { p } = provider({ tenant: 'common', allowedTenants: '*', version: 'both' }, doc)
    const withKid = (claims: Record<string, unknown>, kid: string, key: RsaKey) => token(claims, { kid, x5t: kid }, key)
    expect((await p.verify(await withKid(v2Claims(OTHER), 'other-tenant-key', a))).payload.tid).toBe(OTHER)
    await refused(p.verify(await withKid(v2Claims(TENANT), 'other-tenant-key', a)), 'ERR_JWKS_NO_MATCHING_KEY')
    expect((await p.verify(await withKid(v2Claims(TENANT), 'common-key', b))).payload.tid).toBe(TENANT)
    expect((await p.verify(await withKid(v1Claims(TENANT), 'common-key', b))).payload.iss).toBe(v1(TENANT))
    // A key whose issuer member is not a string is never used.
    const odd = provider({ tenant: 'common', allowedTenants: '*' }, { keys: [{ ...entraKey(undefined), issuer: 42 }] }).p
    await refused(odd.verify(await token(v2Claims())), 'ERR_JWKS_NO_MATCHING_KEY')
  })
})

describe('entraId: options', () => {
  it('refuses what cannot be checked or is not Entra\'s', () => {
    invalidArgument(() => entraId({ tenant: 'contoso.onmicrosoft.com', audience: AUD }), /GUID/)
    invalidArgument(() => entraId({ tenant: TENANT.toUpperCase(), audience: AUD }))
    invalidArgument(() => entraId({ tenant: TENANT, audience: [] }))
    invalidArgument(() => entraId({ tenant: TENANT, audience: AUD, version: 3 as never }))
    invalidArgument(() => entraId({ tenant: TENANT, audience: AUD, appId: 'my-app' }))
    invalidArgument(() => entraId({ tenant: TENANT, audience: AUD, tenantId: TENANT } as never), /unknown option/)
    invalidArgument(() => entraId(undefined as never))
  })
})
