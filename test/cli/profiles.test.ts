// isojwt verify --profile: RFC 9068 access tokens, OIDC ID tokens, RFC 7523 client assertions.
import { createHash } from 'node:crypto'
import * as jose from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOnce, ensureBuilt, expectOneCleanLine, run, scratch } from './helpers.ts'

const AS = 'https://as.example'
const API = 'https://api.example'
const now = () => Math.floor(Date.now() / 1000)

describe.runIf(cliOnce)('isojwt verify --profile', () => {
  const s = scratch()
  let priv: CryptoKey
  let pubFile: string
  const sign = (claims: jose.JWTPayload, typ?: string) =>
    new jose.SignJWT(claims).setProtectedHeader({ alg: 'ES256', ...(typ ? { typ } : {}) }).sign(priv)
  const accessClaims = () => ({ iss: AS, aud: API, sub: 'u1', client_id: 'app', iat: now(), exp: now() + 300, jti: 'j1', scope: 'read write' })
  const idClaims = () => ({ iss: AS, aud: 'app', sub: 'u1', iat: now(), exp: now() + 300, nonce: 'n1', auth_time: now() - 60 })
  const assertionClaims = () => ({ iss: 'app', sub: 'app', aud: AS, iat: now(), exp: now() + 60, jti: 'a1' })

  beforeAll(async () => {
    await ensureBuilt()
    const p = await jose.generateKeyPair('ES256', { extractable: true })
    priv = p.privateKey
    pubFile = s.file('pub.json', JSON.stringify(await jose.exportJWK(p.publicKey)))
  }, 120_000)
  afterAll(() => s.cleanup())

  it('access-token: at+jwt with the RFC 9068 claims; scopes printed; a missing scope is exit 6', async () => {
    const t = await sign(accessClaims(), 'at+jwt')
    const r = await run(['verify', t, '--key', pubFile, '--profile', 'access-token', '--iss', AS, '--aud', API, '--scope', 'read'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toMatchObject({ header: { typ: 'at+jwt' }, payload: { client_id: 'app' }, scopes: ['read', 'write'] })
    const admin = await run(['verify', t, '--key', pubFile, '--profile', 'access-token', '--iss', AS, '--aud', API, '--scope', 'read,admin'])
    expect(admin.code).toBe(6)
    expect(admin.stderr).toMatch(/^ERR_JWT_CLAIM_INVALID: /)
    // A plain JWT is not an access token (RFC 9068 §4: typ must be at+jwt).
    const plain = await run(['verify', await sign(accessClaims(), 'JWT'), '--key', pubFile, '--profile', 'access-token', '--iss', AS, '--aud', API])
    expect(plain.code).toBe(6)
    const { client_id: _, ...noClient } = accessClaims()
    const missing = await run(['verify', await sign(noClient, 'at+jwt'), '--key', pubFile, '--profile', 'access-token', '--iss', AS, '--aud', API])
    expect(missing.code).toBe(6)
  })

  it('id-token: client id as audience, nonce, max_age, at_hash', async () => {
    const accessToken = 'access-token-value'
    const digest = createHash('sha256').update(accessToken).digest()
    const atHash = digest.subarray(0, 16).toString('base64url')
    const t = await sign({ ...idClaims(), at_hash: atHash })
    const base = ['verify', t, '--key', pubFile, '--profile', 'id-token', '--iss', AS, '--client-id', 'app']
    const r = await run([...base, '--nonce', 'n1', '--max-age', '10m', '--access-token', accessToken])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout).payload.sub).toBe('u1')
    expect((await run([...base, '--nonce', 'other'])).code).toBe(6)
    expect((await run([...base, '--access-token', 'another-token'])).code).toBe(6)
    expect((await run([...base, '--max-age', '30s'])).code).toBe(6)
    const wrongClient = await run(['verify', t, '--key', pubFile, '--profile', 'id-token', '--iss', AS, '--client-id', 'other'])
    expect(wrongClient.code).toBe(6)
  })

  it('client-assertion: iss = sub = client id, one audience, lifetime bounded', async () => {
    const t = await sign(assertionClaims())
    const base = ['verify', t, '--key', pubFile, '--profile', 'client-assertion', '--aud', AS]
    const r = await run([...base, '--client-id', 'app'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).payload.iss).toBe('app')
    expect((await run([...base, '--client-id', 'other'])).code).toBe(6)
    const long = await sign({ ...assertionClaims(), exp: now() + 3600 })
    expect((await run(['verify', long, '--key', pubFile, '--profile', 'client-assertion', '--aud', AS, '--client-id', 'app'])).code).toBe(6)
    expect((await run(['verify', long, '--key', pubFile, '--profile', 'client-assertion', '--aud', AS, '--client-id', 'app', '--max-lifetime', '2h'])).code).toBe(0)
  })

  it.each([
    [['--profile', 'refresh-token'], /^ERR_USAGE: unknown profile "refresh-token"/],
    [['--profile', 'access-token', '--aud', API], /^ERR_USAGE: --profile access-token needs --iss/],
    [['--profile', 'access-token', '--iss', AS, '--aud', API, '--typ', 'JWT'], /^ERR_USAGE: --profile access-token does not take --typ/],
    [['--profile', 'id-token', '--iss', AS, '--client-id', 'app', '--aud', 'app'], /^ERR_USAGE: --profile id-token does not take --aud/],
    [['--profile', 'client-assertion', '--client-id', 'app'], /^ERR_USAGE: --profile client-assertion needs --aud/],
    [['--profile', 'id-token', '--iss', AS, '--client-id', 'a', '--client-id', 'b'], /^ERR_USAGE: --client-id takes one value/],
    [['--nonce', 'n1', '--aud', API], /^ERR_USAGE: --nonce needs --profile/],
  ])('%j is a usage error', async (extra, message) => {
    const r = await run(['verify', 'a.b.c', '--key', pubFile, ...extra])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(message)
    expectOneCleanLine(r.stderr)
  })
})
