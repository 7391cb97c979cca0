// What the CLI prints on hostile or broken input: escaped control characters, colour only
// on a terminal, one line and no stack trace on errors, never key material; --help.
import * as jose from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { b64u, CLI, cliOnce, ensureBuilt, expectOneCleanLine, isExecutable, run, scratch } from './helpers.ts'

// Characters that must never reach a terminal raw from a token.
const RAW_DANGER = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/

describe.runIf(cliOnce)('isojwt output safety', () => {
  const s = scratch()
  let privateJwk: jose.JWK
  beforeAll(async () => {
    await ensureBuilt()
    const p = await jose.generateKeyPair('ES256', { extractable: true })
    privateJwk = await jose.exportJWK(p.privateKey)
  }, 120_000)
  afterAll(() => s.cleanup())

  const hostile = {
    name: '\u001b[31mred\u001b[0m\u001b]0;title\u0007',
    file: 'evil\u202egnp.exe',
    lines: 'a\nb\rc\u2028d',
    c1: '\u009b31m',
    zw: 'x\u200by\ufeff',
    ['\u001b[2Jkey']: 1,
  }
  const tok = `${b64u({ alg: 'ES256', kid: '\u001b[5mk' })}.${b64u(hostile)}.${b64u('s')}`

  it('decode escapes control characters and bidi overrides in claims and header', async () => {
    for (const args of [['decode', tok], ['decode', '--json', tok]]) {
      const r = await run(args)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).not.toMatch(RAW_DANGER)
      expect(r.stdout).toContain('\\u001b[31mred\\u001b[0m')
      expect(r.stdout).toContain('evil\\u202egnp.exe')
      expect(r.stdout).toContain('\\u009b31m')
      expect(r.stdout).toContain('x\\u200by\\ufeff')
      expect(r.stdout).toContain('a\\nb\\rc\\u2028d')
      expect(r.stdout).toContain('"\\u001b[2Jkey": 1')
    }
    // Still JSON, with the original values.
    const json = JSON.parse((await run(['decode', '--json', tok])).stdout)
    expect(json.payload).toEqual(hostile)
    expect(json.header.kid).toBe('\u001b[5mk')
  })

  it('no ANSI colour when stdout is not a terminal; colour with FORCE_COLOR, none with NO_COLOR', async () => {
    const plain = await run(['decode', tok])
    expect(plain.stdout).not.toContain('\u001b')
    const forced = await run(['decode', tok], { env: { FORCE_COLOR: '1' } })
    expect(forced.stdout).toMatch(/\u001b\[1mHeader\u001b\[0m/)
    // Colour comes only from the CLI's own styles: every ESC starts one of them.
    expect(forced.stdout.match(/\u001b(?!\[(?:0|1|2|31|32|33|36)m)/g)).toBeNull()
    expect(forced.stdout).toContain('\\u001b[31mred')
    const off = await run(['decode', tok], { env: { NO_COLOR: '1' } })
    expect(off.stdout).not.toContain('\u001b')
    const zero = await run(['decode', tok], { env: { FORCE_COLOR: '0' } })
    expect(zero.stdout).not.toContain('\u001b')
  })

  it('a private JWK file with a syntax error: one line, exit 7, no key material anywhere', async () => {
    const text = JSON.stringify(privateJwk).replace('"d":', '"d" ')
    const file = s.file('broken.json', text)
    const secrets = [privateJwk.d!, privateJwk.x!, privateJwk.y!]
    for (const args of [['sign', '--key', file, 'sub=a'], ['verify', 'a.b.c', '--key', file, '--aud', 'x'], ['thumbprint', file], ['jwks', file]]) {
      const r = await run(args)
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(7)
      expect(r.stderr).toMatch(/^ERR_KEY_INVALID: key file '.*broken\.json' is not valid JSON\n$/)
      for (const m of secrets) {
        expect(r.stderr).not.toContain(m)
        expect(r.stdout).not.toContain(m)
        expect(r.stderr).not.toContain(m.slice(0, 12))
      }
      expectOneCleanLine(r.stderr)
    }
  })

  it('a private key the library refuses (d of the wrong length): the message names the member, not its value', async () => {
    const d = `${privateJwk.d!}AAAA`
    const r = await run(['sign', '--key', s.file('long-d.json', JSON.stringify({ ...privateJwk, d })), 'sub=a'])
    expect(r.code).toBe(7)
    expect(r.stderr).not.toContain(d.slice(0, 12))
    expectOneCleanLine(r.stderr)
  })

  it.each([
    ['a directory as key file', () => ['verify', 'a.b.c', '--key', s.dir], 1],
    ['a PEM with a broken body', () => ['thumbprint', s.file('b.pem', '-----BEGIN PUBLIC KEY-----\n%%%%\n-----END PUBLIC KEY-----\n')], 7],
    ['an EC PRIVATE KEY PEM', () => ['sign', '--key', s.file('ec.pem', '-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n')], 7],
    ['a key file that is not UTF-8', () => ['thumbprint', s.file('bin.key', new Uint8Array([0xff, 0xfe, 0x00, 0x80]))], 1],
    ['a key file of plain text', () => ['thumbprint', s.file('t.txt', 'hello')], 7],
    ['a JWKS whose keys is not an array', () => ['thumbprint', s.file('k.json', '{"keys":1}')], 7],
    ['an insecure JWKS URL (a configuration error)', () => ['verify', 'a.b.c', '--key', 'http://example.com/jwks'], 1],
    ['a malformed JWKS URL', () => ['verify', 'a.b.c', '--aud', 'x', '--key', 'http://[::1'], 1],
    ['an option without its value', () => ['verify', 'a.b.c', '--aud', 'x', '--key'], 1],
    ['an option given twice', () => ['sign', '--alg', 'ES256', '--alg', 'ES384'], 1],
    ['the key and the token both from stdin', () => ['verify', '--key', '-'], 1],
    ['the key and the claims both from stdin', () => ['sign', '--key', '-', '-'], 1],
    ['an unknown command with control characters', () => ['\u001b[31mx'], 1],
    ['a token with control characters', () => ['decode', '\u001b[31m.\u0007.x'], 2],
  ])('%s: one clean line on stderr', async (_what, args, exit) => {
    const r = await run(args())
    expect(r.code, r.stderr).toBe(exit)
    expectOneCleanLine(r.stderr)
    expect(r.stderr).not.toMatch(RAW_DANGER)
    expect(r.stderr).toMatch(/^ERR_[A-Z_]+: /)
  })

  it('--help for the tool and each command (exit 0); no command prints help and exits 1', async () => {
    const top = await run(['--help'])
    expect(top.code).toBe(0)
    for (const c of ['decode', 'verify', 'sign', 'keygen', 'thumbprint', 'jwks']) {
      expect(top.stdout).toMatch(new RegExp(`^  ${c} `, 'm'))
      const r = await run([c, '--help'])
      expect(r.code, c).toBe(0)
      expect(r.stdout.startsWith(`Usage: isojwt ${c}`)).toBe(true)
    }
    const verifyHelp = (await run(['verify', '--help'])).stdout
    expect((await run(['help', 'verify'])).stdout).toBe(verifyHelp)
    expect((await run(['verify', '-h'])).stdout).toBe(verifyHelp)
    const none = await run([])
    expect(none.code).toBe(1)
    expect(none.stdout).toBe(top.stdout)
  })

  it('the bin is executable, starts with a node shebang and imports the library build instead of bundling it', async () => {
    const { readFileSync } = await import('node:fs')
    const text = readFileSync(CLI, 'utf8')
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true)
    expect(isExecutable(CLI)).toBe(true)
    expect(text).toMatch(/from ["']\.\/node\.js["']/)
    // The library's own code (e.g. the JWS compact parser) is not in the CLI file.
    expect(text).not.toContain('the token needs exactly three segments')
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(pkg.bin).toEqual({ isojwt: './dist/cli.js' })
  })
})
