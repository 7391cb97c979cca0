/**
 * cognito (API.md, Identity providers): ID and access tokens in the shapes of the Amazon
 * Cognito Developer Guide ("Understanding the identity (ID) token", "Understanding the
 * access token", "Verifying a JSON Web Token"): ID tokens carry `aud`, access tokens
 * `client_id` and no `aud`, both `token_use`; the pool's jwks.json.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { cognito, type CognitoOptions } from '../../src/providers/index.ts'
import { edit, invalidArgument, NOW, NOW_S, refused, rsaKeys, serve, signed, type RsaKey } from './fixtures.ts'

const REGION = 'us-east-1'
const POOL = 'us-east-1_example'
const CLIENT = '1example23456789'
const ISS = `https://cognito-idp.${REGION}.amazonaws.com/${POOL}`
const KEYS = `${ISS}/.well-known/jwks.json`
const KID = 'abcdefghijklmnopqrsexample='

let a: RsaKey
let b: RsaKey
beforeAll(async () => {
  [a, b] = await rsaKeys()
})

/** The ID token of the guide's example. */
const idClaims = (over: Record<string, unknown> = {}) => edit({
  sub: 'aaaaaaaa-bbbb-cccc-dddd-example', aud: CLIENT, email_verified: true, token_use: 'id', auth_time: NOW_S - 60, iss: ISS,
  'cognito:username': 'anaya', exp: NOW_S + 3540, given_name: 'Anaya', iat: NOW_S - 60, email: 'anaya@example.com', jti: 'd7a2d5f1-example', origin_jti: 'aaaaaaaa-example',
}, over)
/** The access token of the guide's example. */
const accessClaims = (over: Record<string, unknown> = {}) => edit({
  sub: 'aaaaaaaa-bbbb-cccc-dddd-example', 'cognito:groups': ['admin'], iss: ISS, version: 2, client_id: CLIENT, origin_jti: 'aaaaaaaa-example',
  event_id: 'cccccccc-example', token_use: 'access', scope: 'phone openid profile resourceserver.1/appclient2 email', auth_time: NOW_S - 60,
  exp: NOW_S + 3540, iat: NOW_S - 60, jti: 'bbbbbbbbb-example', username: 'anaya',
}, over)
const token = (c: Record<string, unknown>, key = a) => signed(c, key.priv, 'RS256', { kid: KID })
function provider(o: Partial<CognitoOptions> = {}) {
  const s = serve({ [KEYS]: { keys: [{ ...a.pub, alg: 'RS256', use: 'sig', kid: KID }] } })
  return { p: cognito({ region: REGION, userPoolId: POOL, clientId: CLIENT, tokenUse: 'id', fetch: s.fetch, now: NOW, ...o } as CognitoOptions), urls: s.urls }
}

describe('cognito: ID tokens', () => {
  it('accepts the ID token (aud, token_use id); the key URL is the pool\'s jwks.json over https', async () => {
    const { p, urls } = provider()
    expect(p.issuer).toBe(ISS)
    const r = await p.verify(await token(idClaims()))
    expect([r.payload.email, r.scopes, urls]).toEqual(['anaya@example.com', [], [KEYS]])
  })

  it('each rule broken once is refused; an access token given to the ID verifier is refused', async () => {
    const { p } = provider()
    await refused(p.verify(await token(accessClaims())), 'ERR_JWT_CLAIM_INVALID', 'aud', 'missing')
    await refused(p.verify(await token(accessClaims({ aud: CLIENT }))), 'ERR_JWT_CLAIM_INVALID', 'token_use', 'mismatch')
    await refused(p.verify(await token(idClaims({ token_use: 'access' }))), 'ERR_JWT_CLAIM_INVALID', 'token_use', 'mismatch')
    await refused(p.verify(await token(idClaims({ token_use: undefined }))), 'ERR_JWT_CLAIM_INVALID', 'token_use', 'missing')
    await refused(p.verify(await token(idClaims({ aud: 'another-client' }))), 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch')
    await refused(p.verify(await token(idClaims({ iss: `https://cognito-idp.${REGION}.amazonaws.com/us-east-1_other` }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(idClaims({ iss: `${ISS}/` }))), 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch')
    await refused(p.verify(await token(idClaims({ exp: NOW_S - 1 }))), 'ERR_JWT_EXPIRED')
    await refused(p.verify(await token(idClaims(), b)), 'ERR_JWS_SIGNATURE_INVALID')
    await refused(p.verify(await signed(idClaims(), a.priv, 'PS256', { kid: KID })), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })
})

describe('cognito: access tokens', () => {
  it('accepts the access token (client_id, token_use access, no aud); scopes from scope', async () => {
    const { p } = provider({ tokenUse: 'access' })
    const r = await p.verify(await token(accessClaims()), { requiredScopes: ['resourceserver.1/appclient2'] })
    expect(r.scopes).toEqual(['phone', 'openid', 'profile', 'resourceserver.1/appclient2', 'email'])
  })

  it('each rule broken once is refused; an ID token given to the access verifier is refused', async () => {
    const { p } = provider({ tokenUse: 'access' })
    await refused(p.verify(await token(idClaims())), 'ERR_JWT_CLAIM_INVALID', 'client_id', 'missing')
    await refused(p.verify(await token(idClaims({ client_id: CLIENT }))), 'ERR_JWT_CLAIM_INVALID', 'token_use', 'mismatch')
    await refused(p.verify(await token(accessClaims({ client_id: 'another-client' }))), 'ERR_JWT_CLAIM_INVALID', 'client_id', 'mismatch')
    await refused(p.verify(await token(accessClaims({ client_id: 7 }))), 'ERR_JWT_CLAIM_INVALID', 'client_id', 'mismatch')
    await refused(p.verify(await token(accessClaims({ token_use: 'id' }))), 'ERR_JWT_CLAIM_INVALID', 'token_use', 'mismatch')
    await refused(p.verify(await token(accessClaims()), { requiredScopes: ['admin'] }), 'ERR_JWT_CLAIM_INVALID', 'scope', 'mismatch')
    await refused(p.verify(await token(accessClaims({ exp: NOW_S - 1 }))), 'ERR_JWT_EXPIRED')
  })

  it('several app clients: any one of them', async () => {
    const { p } = provider({ tokenUse: 'access', clientId: ['web-client', CLIENT] })
    expect((await p.verify(await token(accessClaims()))).payload.client_id).toBe(CLIENT)
  })
})

describe('cognito: options', () => {
  it('refuses a region, pool id, client id or token use that is not Cognito\'s', () => {
    const ok = { region: REGION, userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' } as const
    invalidArgument(() => cognito({ ...ok, region: 'us east 1' }))
    invalidArgument(() => cognito({ ...ok, userPoolId: 'eu-west-1_example' }), /region us-east-1/)
    invalidArgument(() => cognito({ ...ok, userPoolId: 'example' }))
    invalidArgument(() => cognito({ ...ok, clientId: [] }))
    invalidArgument(() => cognito({ ...ok, tokenUse: 'both' as never }))
    invalidArgument(() => cognito({ ...ok, tokenUse: undefined as never }))
  })
})
