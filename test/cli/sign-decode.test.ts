// isojwt sign (checked by jose) and isojwt decode (dates, relative times, --json, stdin).
import * as jose from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { b64u, cliOnce, ensureBuilt, expectOneCleanLine, run, scratch } from './helpers.ts'

const now = () => Math.floor(Date.now() / 1000)

describe.runIf(cliOnce)('isojwt sign', () => {
  const s = scratch()
  let pub: CryptoKey
  let privFile: string
  let rsaPemFile: string
  let rsaPub: CryptoKey
  const secret = 'correct horse battery staple, 32+ bytes'
  let secretFile: string
  beforeAll(async () => {
    await ensureBuilt()
    const p = await jose.generateKeyPair('ES256', { extractable: true })
    pub = p.publicKey
    privFile = s.file('priv.json', JSON.stringify({ ...(await jose.exportJWK(p.privateKey)), kid: 'k1', alg: 'ES256' }))
    const r = await jose.generateKeyPair('PS256', { extractable: true, modulusLength: 2048 })
    rsaPub = r.publicKey
    rsaPemFile = s.file('rsa.pem', await jose.exportPKCS8(r.privateKey))
    secretFile = s.file('secret.txt', `${secret}\n`)
  }, 120_000)
  afterAll(() => s.cleanup())

  it('claims as JSON, name=value and name:=json; options for registered claims; --exp 15m', async () => {
    const r = await run(['sign', '--key', privFile, '--exp', '15m', '--iss', 'https://id.example', '--aud', 'a1', '--aud', 'a2', '--jti', 'j1',
      '{"roles":["x"],"n":1}', 'sub=user 1', 'count:=3', 'flag:=true', 'scope=read write'])
    expect(r.code, r.stderr).toBe(0)
    const { payload, protectedHeader } = await jose.jwtVerify(r.stdout.trim(), pub, { issuer: 'https://id.example', audience: 'a2' })
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' })
    expect(payload).toMatchObject({ roles: ['x'], n: 1, sub: 'user 1', count: 3, flag: true, scope: 'read write', aud: ['a1', 'a2'], jti: 'j1' })
    expect(payload.exp! - payload.iat!).toBe(900)
    expect(Math.abs(payload.iat! - now())).toBeLessThanOrEqual(5)
  })

  it('claims from stdin, --kid, --typ, --header, --no-iat, --nbf', async () => {
    const r = await run(['sign', '--key', privFile, '--kid', 'k9', '--typ', 'at+jwt', '--header', '{"x5t#S256":"abc"}', '--no-iat', '--nbf', '-30s', '-'], { input: '{"sub":"s"}' })
    expect(r.code, r.stderr).toBe(0)
    const { payload, protectedHeader } = await jose.jwtVerify(r.stdout.trim(), pub, { typ: 'at+jwt' })
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k9', 'x5t#S256': 'abc' })
    expect(payload).not.toHaveProperty('iat')
    expect(payload.nbf! - now()).toBeLessThanOrEqual(-25)
  })

  it('a PKCS#8 PEM with --alg PS256, an HMAC secret file with --alg HS256', async () => {
    const ps = await run(['sign', '--key', rsaPemFile, '--alg', 'PS256', 'sub=a'])
    expect(ps.code, ps.stderr).toBe(0)
    expect((await jose.jwtVerify(ps.stdout.trim(), rsaPub)).protectedHeader.alg).toBe('PS256')
    const hs = await run(['sign', '--secret', secretFile, '--alg', 'HS256', 'sub=a'])
    expect(hs.code, hs.stderr).toBe(0)
    // One trailing newline of the file is not part of the secret.
    await expect(jose.jwtVerify(hs.stdout.trim(), new TextEncoder().encode(secret))).resolves.toBeDefined()
  })

  it.each([
    [['sub=a', 'sub=b'], 1, /^ERR_USAGE: claim "sub" is given twice/],
    [['{"sub":"a"}', 'sub=b'], 1, /^ERR_USAGE: claim "sub" is given twice/],
    [['novalue'], 1, /^ERR_USAGE: "novalue" is not a claim/],
    [['n:=nope'], 1, /^ERR_USAGE: the value of claim "n" is not valid JSON/],
    [['[1]'], 1, /^ERR_USAGE: "\[1\]" is not a claim/],
    [['--exp', '60 parsecs'], 1, /^ERR_JOSE_INVALID_ARGUMENT: /],
    [['exp=soon'], 1, /^ERR_JOSE_INVALID_ARGUMENT: payload claim "exp" has the wrong type/],
    [['--exp', '1m', 'exp:=5'], 1, /^ERR_JOSE_INVALID_ARGUMENT: "exp" is given both/],
  ])('bad claims %j: exit %i', async (extra, exit, message) => {
    const r = await run(['sign', '--key', privFile, ...(extra as string[])])
    expect(r.code).toBe(exit)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
    expectOneCleanLine(r.stderr)
  })

  it('key errors: a PEM that needs --alg, a JWK Set, a secret that is too short', async () => {
    const noAlg = await run(['sign', '--key', rsaPemFile, 'sub=a'])
    expect(noAlg.code).toBe(1)
    expect(noAlg.stderr).toMatch(/^ERR_JOSE_INVALID_ARGUMENT: .*alg/)
    const set = await run(['sign', '--key', s.file('set.json', '{"keys":[]}'), 'sub=a'])
    expect(set.code).toBe(1)
    expect(set.stderr).toMatch(/^ERR_USAGE: .*JWK Set/)
    const short = await run(['sign', '--secret', s.file('short.txt', 'short'), '--alg', 'HS256'])
    expect(short.code).toBe(7)
    expect(short.stderr).toMatch(/^ERR_KEY_INVALID: HMAC keys must be at least/)
  })
})

describe.runIf(cliOnce)('isojwt decode', () => {
  beforeAll(ensureBuilt, 120_000)
  const unsigned = (payload: unknown, header: unknown = { alg: 'ES256', typ: 'JWT' }) => `${b64u(header)}.${b64u(payload)}.${b64u('sig')}`

  it('header, payload, time claims as dates and relative times, signature not verified', async () => {
    const t = now()
    const r = await run(['decode', unsigned({ sub: 'u1', iat: t - 600, exp: t + 15 * 60 - 30, nbf: t - 600 })])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('"sub": "u1"')
    expect(r.stdout).toContain('"alg": "ES256"')
    expect(r.stdout).toMatch(new RegExp(`exp +${new Date((t + 870) * 1000).toISOString().replace('.000Z', 'Z')} +expires in 14 min`))
    expect(r.stdout).toMatch(/iat +\S+Z +issued 10 min ago/)
    expect(r.stdout).toMatch(/nbf +\S+Z +valid since 10 min ago/)
    expect(r.stdout).toMatch(/Signature: 3 bytes, NOT verified/)
  })

  it('an expired token: "expired 3 h ago"; a future nbf; a non-number exp', async () => {
    const t = now()
    const r = await run(['decode', unsigned({ exp: t - 3 * 3600 - 100, nbf: t + 2 * 86_400 + 100 })])
    expect(r.stdout).toMatch(/exp +\S+Z +expired 3 h ago/)
    expect(r.stdout).toMatch(/nbf +\S+Z +not valid for another 2 d/)
    const bad = await run(['decode', unsigned({ exp: 'tomorrow' })])
    expect(bad.code).toBe(0)
    expect(bad.stdout).toMatch(/exp +not a NumericDate/)
  })

  it('--json and stdin', async () => {
    const tok = unsigned({ sub: 'u1' })
    const r = await run(['decode', '--json'], { input: `${tok}\n` })
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ header: { alg: 'ES256', typ: 'JWT' }, payload: { sub: 'u1' } })
  })

  it.each([
    ['garbage', 'not-a-token', 'ERR_JWS_INVALID'],
    ['padding in a segment', `${b64u({ alg: 'ES256' })}=.${b64u({})}.${b64u('s')}`, 'ERR_JWS_INVALID'],
    ['a header without alg', `${b64u({ typ: 'JWT' })}.${b64u({})}.${b64u('s')}`, 'ERR_JWS_INVALID'],
    ['a payload that is an array', `${b64u({ alg: 'ES256' })}.${b64u([1])}.${b64u('s')}`, 'ERR_JWT_INVALID'],
  ])('%s: exit 2 with %s', async (_what, tok, code) => {
    const r = await run(['decode', tok])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.startsWith(`${code}: `)).toBe(true)
    expectOneCleanLine(r.stderr)
  })

  it('no token at all: empty stdin is a usage error', async () => {
    const r = await run(['decode'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^ERR_USAGE: no token/)
  })
})
