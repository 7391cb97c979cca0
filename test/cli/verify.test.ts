// isojwt verify: tokens made by jose, one exit code per error family, key files, JWKS URLs.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as jose from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOnce, ensureBuilt, expectOneCleanLine, run, scratch } from './helpers.ts'

const ISS = 'https://id.example'
const AUD = 'orders-api'
const now = () => Math.floor(Date.now() / 1000)

describe.runIf(cliOnce)('isojwt verify', () => {
  const s = scratch()
  let priv: CryptoKey
  let otherPriv: CryptoKey
  let rsaPriv: CryptoKey
  let pubFile: string
  let rsaPemFile: string
  let jwksFile: string
  let secretFile: string
  const secret = 'correct horse battery staple, 32+ bytes'
  let server: Server
  let origin: string
  let jwksBody = ''
  let jwksStatus = 200

  /** A token from jose, ES256 with kid k1 unless told otherwise. */
  const token = (claims: jose.JWTPayload = {}, header: Partial<jose.JWTHeaderParameters> = {}, key: CryptoKey | Uint8Array = priv) =>
    new jose.SignJWT({ iss: ISS, aud: AUD, sub: 'u1', exp: now() + 600, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', ...header } as jose.JWTHeaderParameters)
      .sign(key)

  beforeAll(async () => {
    await ensureBuilt()
    const p = await jose.generateKeyPair('ES256', { extractable: true })
    priv = p.privateKey
    otherPriv = (await jose.generateKeyPair('ES256')).privateKey
    const pub = { ...(await jose.exportJWK(p.publicKey)), kid: 'k1' }
    pubFile = s.file('pub.json', JSON.stringify(pub))
    jwksFile = s.file('jwks.json', JSON.stringify({ keys: [pub] }))
    const r = await jose.generateKeyPair('PS256', { extractable: true, modulusLength: 2048 })
    rsaPriv = r.privateKey
    rsaPemFile = s.file('rsa.pub.pem', await jose.exportSPKI(r.publicKey))
    secretFile = s.file('secret.txt', `${secret}\n`)
    jwksBody = JSON.stringify({ keys: [pub] })
    server = createServer((_req, res) => {
      res.writeHead(jwksStatus, { 'content-type': 'application/json' })
      res.end(jwksBody)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }, 120_000)
  afterAll(async () => {
    s.cleanup()
    await new Promise((r) => server?.close(r))
  })

  it('a valid token: exit 0, the verified header and payload as JSON, no warning with --aud', async () => {
    const t = await token({ role: 'admin' })
    const r = await run(['verify', t, '--key', pubFile, '--iss', ISS, '--aud', AUD])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout)
    expect(out.header).toEqual({ alg: 'ES256', kid: 'k1' })
    expect(out.payload).toMatchObject({ iss: ISS, aud: AUD, sub: 'u1', role: 'admin' })
  })

  it('reads the token from stdin, with "-" or without an argument', async () => {
    const t = await token()
    for (const args of [['verify', '-', '--key', pubFile, '--aud', AUD], ['verify', '--key', pubFile, '--aud', AUD]]) {
      const r = await run(args, { input: `${t}\n` })
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout).payload.sub).toBe('u1')
    }
  })

  it('warns on stderr when --aud is missing, and still verifies; a rejected token gets only its error', async () => {
    const r = await run(['verify', await token(), '--key', pubFile])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^warning: no --aud: tokens minted for any audience are accepted\n$/)
    const bad = await run(['verify', await token({}, {}, otherPriv), '--key', pubFile])
    expect(bad.code).toBe(3)
    expectOneCleanLine(bad.stderr)
    expect(bad.stderr).not.toContain('warning')
  })

  it('a JWK Set file, a PEM with --alg, an HMAC secret file', async () => {
    expect((await run(['verify', await token(), '--key', jwksFile, '--aud', AUD])).code).toBe(0)
    const ps = await new jose.SignJWT({ aud: AUD }).setProtectedHeader({ alg: 'PS256' }).sign(rsaPriv)
    expect((await run(['verify', ps, '--key', rsaPemFile, '--alg', 'PS256', '--aud', AUD])).code).toBe(0)
    const hs = await new jose.SignJWT({ aud: AUD }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret))
    const r = await run(['verify', hs, '--secret', secretFile, '--alg', 'HS256', '--aud', AUD])
    expect(r.code, r.stderr).toBe(0)
  })

  it('a JWKS URL on a loopback http server', async () => {
    jwksStatus = 200
    const r = await run(['verify', await token(), '--key', `${origin}/jwks.json`, '--iss', ISS, '--aud', AUD])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).payload.iss).toBe(ISS)
  })

  it('--tolerance, --max-age, --typ, --require, several --aud', async () => {
    const late = await token({ exp: now() - 20 })
    expect((await run(['verify', late, '--key', pubFile, '--aud', AUD])).code).toBe(5)
    expect((await run(['verify', late, '--key', pubFile, '--aud', AUD, '--tolerance', '60'])).code).toBe(0)
    expect((await run(['verify', late, '--key', pubFile, '--aud', AUD, '--tolerance', '1m'])).code).toBe(0)
    const old = await token({ iat: now() - 7200 })
    expect((await run(['verify', old, '--key', pubFile, '--aud', AUD, '--max-age', '1h'])).code).toBe(6)
    expect((await run(['verify', old, '--key', pubFile, '--aud', AUD, '--max-age', '3h'])).code).toBe(0)
    const at = await token({}, { typ: 'at+jwt' })
    expect((await run(['verify', at, '--key', pubFile, '--aud', AUD])).code).toBe(6)
    expect((await run(['verify', at, '--key', pubFile, '--aud', AUD, '--typ', 'at+jwt'])).code).toBe(0)
    expect((await run(['verify', await token(), '--key', pubFile, '--aud', AUD, '--require', 'jti'])).code).toBe(6)
    expect((await run(['verify', await token(), '--key', pubFile, '--aud', 'x', '--aud', AUD])).code).toBe(0)
  })

  // One row per error family: [what, exit code, printed code, token, extra args].
  const families: [string, number, string, () => Promise<string>, () => string[]][] = [
    ['not three segments', 2, 'ERR_JWS_INVALID', async () => 'abc.def', () => ['--key', pubFile]],
    ['a payload that is not a JSON object', 2, 'ERR_JWT_INVALID', async () => new jose.CompactSign(new TextEncoder().encode('[1]')).setProtectedHeader({ alg: 'ES256' }).sign(priv), () => ['--key', pubFile]],
    ['signed by another key', 3, 'ERR_JWS_SIGNATURE_INVALID', () => token({}, {}, otherPriv), () => ['--key', pubFile]],
    ['an HS256 token for an ES256 key', 4, 'ERR_JOSE_ALG_NOT_ALLOWED', () => new jose.SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret)), () => ['--key', pubFile]],
    ['an RSA PEM without --alg', 4, 'ERR_JOSE_ALG_NOT_ALLOWED', () => new jose.SignJWT({}).setProtectedHeader({ alg: 'PS256' }).sign(rsaPriv), () => ['--key', rsaPemFile]],
    ['expired', 5, 'ERR_JWT_EXPIRED', () => token({ exp: now() - 3 * 3600 - 60 }), () => ['--key', pubFile]],
    ['not yet valid', 5, 'ERR_JWT_NOT_YET_VALID', () => token({ nbf: now() + 3600 }), () => ['--key', pubFile]],
    ['another audience', 6, 'ERR_JWT_CLAIM_INVALID', () => token({ aud: 'billing' }), () => ['--key', pubFile]],
    ['another issuer', 6, 'ERR_JWT_CLAIM_INVALID', () => token({ iss: 'https://evil.example' }), () => ['--key', pubFile, '--iss', ISS]],
    ['a key file that is not a key', 7, 'ERR_KEY_INVALID', () => token(), () => ['--key', s.file('notkey.json', '{"kty":"EC","crv":"P-256","x":"AA"}')]],
    ['no key in the set with that kid', 8, 'ERR_JWKS_NO_MATCHING_KEY', () => token({}, { kid: 'k2' }), () => ['--key', jwksFile]],
    ['a JWKS URL answering 500', 8, 'ERR_JWKS_FETCH_FAILED', async () => { jwksStatus = 500; return token() }, () => ['--key', `${origin}/down.json`]],
    ['an unknown option', 1, 'ERR_USAGE', () => token(), () => ['--key', pubFile, '--audience', AUD]],
    ['no key', 1, 'ERR_USAGE', () => token(), () => []],
    ['a missing key file', 1, 'ERR_INPUT', () => token(), () => ['--key', `${s.dir}/nope.json`]],
    ['--alg none', 1, 'ERR_JOSE_INVALID_ARGUMENT', () => token(), () => ['--key', pubFile, '--alg', 'none']],
    ['--max-age that is not a duration', 1, 'ERR_JOSE_INVALID_ARGUMENT', () => token(), () => ['--key', pubFile, '--max-age', 'soon']],
  ]

  it.each(families)('%s: exit %i, %s', async (_what, exit, code, make, extra) => {
    const r = await run(['verify', await make(), '--aud', AUD, ...extra()])
    jwksStatus = 200
    expect(r.code, r.stderr).toBe(exit)
    expect(r.stdout).toBe('')
    expect(r.stderr.startsWith(`${code}: `), r.stderr).toBe(true)
    expectOneCleanLine(r.stderr)
  })

  it('says how long ago a token expired, and hints at --alg', async () => {
    const r = await run(['verify', await token({ exp: now() - 3 * 3600 - 60 }), '--key', pubFile, '--aud', AUD])
    expect(r.stderr).toMatch(/^ERR_JWT_EXPIRED: .*\(expired 3 h ago, at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\n$/)
    const rsa = await run(['verify', await new jose.SignJWT({}).setProtectedHeader({ alg: 'PS256' }).sign(rsaPriv), '--key', rsaPemFile, '--aud', AUD])
    expect(rsa.stderr).toContain('--alg')
  })

  it('every family has its own exit code, listed in isojwt --help', async () => {
    const help = (await run(['--help'])).stdout
    const codes = new Set(families.map((f) => f[1]))
    expect(codes).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8]))
    for (const [, exit, code] of families) expect(help).toMatch(new RegExp(`^ +${exit} .*${code}`, 'm'))
  })
})
