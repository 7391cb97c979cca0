// Issue 15, "The CLI and the package": what a person types or pastes. --version, --allow-http,
// tokens pasted with "Bearer ", quotes or line breaks, messages in flag names, and claim
// mismatches that show the expected and the actual value. All through dist/cli.js.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import * as jose from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, cliOnce, ensureBuilt, expectOneCleanLine, ROOT, run, scratch } from './helpers.ts'

const ISS = 'https://id.example'
const AUD = 'orders-api'
const now = () => Math.floor(Date.now() / 1000)

/** An address of this machine that is not loopback (the library allows http: to loopback without --allow-http). */
function otherHost(): string {
  const v4 = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)
  // 0.0.0.0 reaches this machine on Linux and macOS, and is not a loopback name to the library.
  return v4?.address ?? '0.0.0.0'
}

describe.runIf(cliOnce)('isojwt for people (issue 15)', () => {
  const s = scratch()
  let priv: CryptoKey
  let pubFile: string
  let rsaPemFile: string
  let rsaPrivFile: string
  let server: Server
  let jwksUrl: string
  const token = (claims: jose.JWTPayload = {}, header: Partial<jose.JWTHeaderParameters> = {}) =>
    new jose.SignJWT({ iss: ISS, aud: AUD, sub: 'u1', exp: now() + 600, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', ...header } as jose.JWTHeaderParameters)
      .sign(priv)

  beforeAll(async () => {
    await ensureBuilt()
    const p = await jose.generateKeyPair('ES256', { extractable: true })
    priv = p.privateKey
    const pub = { ...(await jose.exportJWK(p.publicKey)), kid: 'k1' }
    pubFile = s.file('pub.json', JSON.stringify(pub))
    const r = await jose.generateKeyPair('PS256', { extractable: true, modulusLength: 2048 })
    rsaPemFile = s.file('rsa.pub.pem', await jose.exportSPKI(r.publicKey))
    rsaPrivFile = s.file('rsa.pem', await jose.exportPKCS8(r.privateKey))
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ keys: [pub] }))
    })
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve))
    jwksUrl = `http://${otherHost()}:${(server.address() as AddressInfo).port}/jwks.json`
  }, 120_000)
  afterAll(async () => {
    s.cleanup()
    await new Promise((r) => server?.close(r))
  })

  describe('--version', () => {
    it('prints the version of package.json, exit 0', async () => {
      const r = await run(['--version'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`)
      expect(r.stderr).toBe('')
      expect((await run(['--help'])).stdout).toContain('--version')
    })

    it('reads the package.json of the package it runs from (as installed from the tarball)', async () => {
      // The tarball's layout: package.json beside dist/cli.js and dist/node.js.
      const pkg = join(s.dir, 'pkg')
      mkdirSync(join(pkg, 'dist'), { recursive: true })
      s.file('pkg/package.json', JSON.stringify({ name: 'isojwt', version: '9.8.7-test', type: 'module' }))
      copyFileSync(CLI, join(pkg, 'dist/cli.js'))
      copyFileSync(join(ROOT, 'dist/node.js'), join(pkg, 'dist/node.js'))
      const { spawnSync } = await import('node:child_process')
      const r = spawnSync(process.execPath, [join(pkg, 'dist/cli.js'), '--version'], { encoding: 'utf8', cwd: s.dir })
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toBe('9.8.7-test\n')
    })
  })

  describe('--allow-http', () => {
    it('a key-set URL on http: to another host: refused without it (naming the flag), verified with it', async () => {
      const t = await token()
      const refused = await run(['verify', t, '--key', jwksUrl, '--aud', AUD])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(/^ERR_JOSE_INVALID_ARGUMENT: the JWK Set URL must use https: .*--allow-http/)
      expect(refused.stderr).not.toContain('allowHttp')
      expectOneCleanLine(refused.stderr)
      const r = await run(['verify', t, '--key', jwksUrl, '--allow-http', '--aud', AUD])
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout).payload.sub).toBe('u1')
    })

    it('is for a URL only: with a key file or a secret it is a usage error', async () => {
      for (const key of [['--key', pubFile], ['--secret', s.file('secret.txt', 'correct horse battery staple, 32+ bytes')]]) {
        const r = await run(['verify', await token(), ...key, '--allow-http', '--aud', AUD])
        expect(r.code).toBe(1)
        expect(r.stderr).toMatch(/^ERR_USAGE: --allow-http needs a key-set URL/)
        expectOneCleanLine(r.stderr)
      }
    })
  })

  describe('a token as people paste it', () => {
    const wrap = (t: string, width: number, eol = '\n') => t.replace(new RegExp(`.{${width}}`, 'g'), `$&${eol}`)
    const pasted: [string, (t: string) => string][] = [
      ['after "Bearer "', (t) => `Bearer ${t}`],
      ['after "bearer" and a tab', (t) => `bearer\t${t}`],
      ['as an Authorization header', (t) => `Authorization: Bearer ${t}`],
      ['in double quotes', (t) => `"${t}"`],
      ['in single quotes', (t) => `'${t}'`],
      ['in backticks', (t) => `\`${t}\``],
      ['a quoted "Bearer …"', (t) => `"Bearer ${t}"`],
      ['"Bearer" then a quoted token', (t) => `Bearer '${t}'`],
      ['wrapped at 64 columns', (t) => wrap(t, 64)],
      ['wrapped with CRLF and indented', (t) => `  ${wrap(t, 40, '\r\n    ')}\n`],
      ['with spaces inside', (t) => t.replace(/\./g, ' . ')],
    ]

    it.each(pasted)('%s: decode and verify read it, as an argument and on stdin', async (_what, paste) => {
      const text = paste(await token())
      for (const args of [['decode', '--json'], ['verify', '--key', pubFile, '--aud', AUD]]) {
        const fromArg = await run([...args, text])
        expect(fromArg.code, `${args[0]}: ${fromArg.stderr}`).toBe(0)
        expect(JSON.parse(fromArg.stdout).payload.sub).toBe('u1')
        const fromStdin = await run(args, { input: text })
        expect(fromStdin.code, `${args[0]} (stdin): ${fromStdin.stderr}`).toBe(0)
        expect(JSON.parse(fromStdin.stdout).payload.sub).toBe('u1')
      }
    })

    it('only what surrounds a token is taken away: unmatched quotes and a changed token still fail', async () => {
      const t = await token()
      const unmatched = await run(['decode', `"${t}'`])
      expect(unmatched.code).toBe(2)
      expectOneCleanLine(unmatched.stderr)
      const [h, p, sig] = t.split('.')
      const tampered = await run(['verify', `Bearer ${h}.${p}.${sig!.slice(0, -4)}AAAA`, '--key', pubFile, '--aud', AUD])
      expect(tampered.code).toBe(3)
      const empty = await run(['decode'], { input: '  "Bearer "  \n' })
      expect(empty.code).toBe(1)
      expect(empty.stderr).toMatch(/^ERR_USAGE: no token/)
    })
  })

  describe('messages name flags, not library options', () => {
    const cases: [string, () => Promise<string[]>, RegExp, number?][] = [
      ['sign --exp that is not a duration', async () => ['sign', '--key', s.file('k.json', JSON.stringify(await jose.exportJWK(priv))), '--alg', 'ES256', '--exp', '60 parsecs'], /^ERR_JOSE_INVALID_ARGUMENT: --exp is not a duration/],
      ['sign --nbf that is not a duration', async () => ['sign', '--key', rsaPrivFile, '--alg', 'PS256', '--nbf', 'soon'], /^ERR_JOSE_INVALID_ARGUMENT: --nbf is not a duration/],
      ['sign without --alg for a key that pins none', async () => ['sign', '--key', rsaPrivFile, 'sub=a'], /^ERR_JOSE_INVALID_ARGUMENT: --alg is required/],
      ['verify --max-age that is not a duration', async () => ['verify', await token(), '--key', pubFile, '--max-age', 'soon'], /^ERR_JOSE_INVALID_ARGUMENT: --max-age is not a duration/],
      ['verify --tolerance that is not a duration', async () => ['verify', await token(), '--key', pubFile, '--tolerance', 'a bit'], /^ERR_JOSE_INVALID_ARGUMENT: --tolerance is not a duration/],
      ['verify with an RSA PEM and no --alg', async () => ['verify', await new jose.SignJWT({}).setProtectedHeader({ alg: 'PS256' }).sign((await jose.generateKeyPair('PS256')).privateKey), '--key', rsaPemFile], /^ERR_JOSE_ALG_NOT_ALLOWED: .*pass --alg\b/, 4],
    ]
    it.each(cases)('%s', async (_what, args, message, exit = 1) => {
      const r = await run(await args())
      expect(r.code).toBe(exit)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/options\.|\b(expiresIn|notBefore|maxAge|clockTolerance|allowHttp)\b/)
      expectOneCleanLine(r.stderr)
    })
  })

  describe('a claim that does not match shows the expected and the actual value', () => {
    const rows: [string, () => Promise<string>, string[], string][] = [
      ['iss', () => token({ iss: 'https://evil.example' }), ['--iss', ISS], `(--iss expects "${ISS}"; the token has "https://evil.example")`],
      ['several --iss', () => token({ iss: 'https://evil.example' }), ['--iss', ISS, '--iss', 'https://b.example'], `(--iss expects "${ISS}" or "https://b.example"; the token has "https://evil.example")`],
      ['aud', () => token({ aud: ['billing', 'mail'] }), [], `(--aud expects "${AUD}"; the token has ["billing","mail"])`],
      ['sub', () => token({ sub: 'u2' }), ['--sub', 'u1'], '(--sub expects "u1"; the token has "u2")'],
      ['typ with --typ', () => token({}, { typ: 'JWT' }), ['--typ', 'at+jwt'], '(--typ expects "at+jwt"; the token has "JWT")'],
      ['typ without --typ', () => token({}, { typ: 'dpop+jwt' }), [], '(without --typ, typ must be absent or "JWT"; the token has "dpop+jwt")'],
    ]
    it.each(rows)('%s', async (_what, make, extra, shown) => {
      const r = await run(['verify', await make(), '--key', pubFile, '--aud', AUD, ...extra])
      expect(r.code).toBe(6)
      expect(r.stderr).toMatch(/^ERR_JWT_CLAIM_INVALID: /)
      expect(r.stderr).toContain(shown)
      expectOneCleanLine(r.stderr)
    })

    it('profiles: the flag that sets the expectation (access-token --scope, id-token --client-id and --nonce)', async () => {
      const at = await token({ client_id: 'c', jti: 'j', iat: now(), scope: 'read' }, { typ: 'at+jwt' })
      const scope = await run(['verify', at, '--key', pubFile, '--profile', 'access-token', '--iss', ISS, '--aud', AUD, '--scope', 'read,admin'])
      expect(scope.code).toBe(6)
      expect(scope.stderr).toContain('(--scope expects "read" and "admin"; the token has "read")')
      const id = await token({ aud: 'app', iat: now(), nonce: 'n1' })
      const nonce = await run(['verify', id, '--key', pubFile, '--profile', 'id-token', '--iss', ISS, '--client-id', 'app', '--nonce', 'n2'])
      expect(nonce.code).toBe(6)
      expect(nonce.stderr).toContain('(--nonce expects "n2"; the token has "n1")')
      const aud = await run(['verify', id, '--key', pubFile, '--profile', 'id-token', '--iss', ISS, '--client-id', 'other'])
      expect(aud.code).toBe(6)
      expect(aud.stderr).toContain('(--client-id expects "other"; the token has "app")')
    })

    it('the values are escaped and bounded: one short line whatever the claim holds', async () => {
      const iss = `\u001b[31m${'x'.repeat(10_000)}`
      const r = await run(['verify', await token({ iss }), '--key', pubFile, '--aud', AUD, '--iss', `\u202e${'y'.repeat(5000)}`])
      expect(r.code).toBe(6)
      expectOneCleanLine(r.stderr)
      expect(r.stderr.length).toBeLessThan(600)
      expect(r.stderr).not.toMatch(/[\u001b\u202e]/)
      expect(r.stderr).toMatch(/--iss expects "\\u202eyyyy+…; the token has "\\u001b\[31mxxxx+…\)$/m)
    })
  })
})
