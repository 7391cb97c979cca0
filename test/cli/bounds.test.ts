// Issue 12, point 8: a token cannot make the CLI misbehave. Output is bounded whatever the
// claims (deep nesting, huge strings, arrays, objects), stays valid JSON in the JSON modes,
// exits 0; every invisible or format character is printed as \uXXXX.
//
// Tokens deeper than ~6,000 levels are longer than the default maxTokenLength (16,384
// characters: each level costs two JSON characters, 8/3 in base64url), so the growth
// tests pass --max-token-length; the huge ones (up to 4 MB, the CLI's input cap) go on stdin.
import { createHmac, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { b64u, cliOnce, ensureBuilt, expectOneCleanLine, run, scratch } from './helpers.ts'

/** The documented hard cap (docs/cli.md): 256 KiB per command's stdout. */
const CAP = 256 * 1024
const bytes = (s: string) => Buffer.byteLength(s)

describe.runIf(cliOnce)('hardening 8: CLI output is bounded', () => {
  const s = scratch()
  const secret = randomBytes(32).toString('hex')
  let secretFile: string
  beforeAll(async () => {
    await ensureBuilt()
    secretFile = s.file('secret.txt', secret)
  }, 120_000)
  afterAll(() => s.cleanup())

  /** An HS256 token over the payload JSON text (hand-made: the text can be deeper than JSON.stringify goes). */
  const token = (payloadJson: string, header: Record<string, unknown> = { alg: 'HS256' }): string => {
    const input = `${b64u(header)}.${Buffer.from(payloadJson).toString('base64url')}`
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
  }
  const now = Math.floor(Date.now() / 1000)
  const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
  const big = ['--max-token-length', '5000000']

  // 1,000,000 levels: near the 4 MB input cap, far past any stack.
  it.each([1_000, 2_000, 4_000, 8_000, 16_000, 1_000_000])('a claim %i arrays deep: decode, decode --json and verify print < 256 KiB, say how deep, exit 0', async (depth) => {
    const tok = token(`{"sub":"u","aud":"api","exp":${now + 600},"deep":${deep(depth)}}`)
    // The payload is level 1 and "deep" level 2: levels past 20 are one placeholder.
    const placeholder = `"… array ${depth - 19} levels deep"`
    const text = await run(['decode', ...big], { input: tok })
    expect(text.code, text.stderr).toBe(0)
    expect(bytes(text.stdout)).toBeLessThan(4096)
    expect(text.stdout).toContain(placeholder)
    expect(text.stdout).toContain('Summarised: nesting deeper than 20 levels')
    for (const args of [['decode', '--json', ...big], ['verify', '--secret', secretFile, '--alg', 'HS256', '--aud', 'api', ...big]]) {
      const r = await run(args, { input: tok })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toBe('')
      expect(bytes(r.stdout)).toBeLessThan(4096)
      expect(r.stdout).toContain(placeholder)
      const json = JSON.parse(r.stdout)
      expect(json.summarised).toEqual(['nesting deeper than 20 levels'])
      expect(json.payload.sub).toBe('u')
      let level = json.payload.deep
      for (let i = 2; i < 20; i++) level = level[0]
      expect(level).toEqual([`… array ${depth - 19} levels deep`])
    }
  })

  it('a profile (access-token) and the header are bounded the same way', async () => {
    // The profile functions take no maxTokenLength: 4,000 levels fit in the default 16,384.
    const header = { alg: 'HS256', typ: 'at+jwt' }
    const claims = `"iss":"https://as.example","sub":"u","aud":"api","client_id":"c","jti":"j","iat":${now},"exp":${now + 600}`
    const r = await run(['verify', '--secret', secretFile, '--alg', 'HS256', '--profile', 'access-token', '--iss', 'https://as.example', '--aud', 'api'],
      { input: token(`{${claims},"deep":${deep(4_000)}}`, header) })
    expect(r.code, r.stderr).toBe(0)
    expect(bytes(r.stdout)).toBeLessThan(4096)
    const json = JSON.parse(r.stdout)
    expect(json.summarised).toEqual(['nesting deeper than 20 levels'])
    expect(json.scopes).toEqual([])
    // The header is printed the same way.
    const tok = `${Buffer.from(`{"alg":"HS256","x":${deep(16_000)}}`).toString('base64url')}.${b64u({ sub: 'u' })}.${b64u('s')}`
    const d = await run(['decode', '--json', ...big], { input: tok })
    expect(d.code, d.stderr).toBe(0)
    expect(JSON.parse(d.stdout).header.x).toBeDefined()
    expect(bytes(d.stdout)).toBeLessThan(4096)
  })

  it.each([
    ['a flat array of 1,000,000 items', `{"a":[${'0,'.repeat(999_999)}0]}`, 'arrays or objects of more than 1000 items', '"… 999000 more items"'],
    ['an object of 200,000 members', `{${Array.from({ length: 200_000 }, (_, i) => `"k${i}":1`).join(',')}}`, 'arrays or objects of more than 1000 items', '"…": "199000 more members"'],
    ['a string of 2,000,000 characters', `{"s":"${'x'.repeat(2_000_000)}"}`, 'strings longer than 4096 characters', '… (1995904 more characters)"'],
    ['a key of 2,000,000 characters', `{"${'k'.repeat(2_000_000)}":1}`, 'strings longer than 4096 characters', '… (1995904 more characters)": 1'],
    // The worst item: key and value past 4,096 characters of U+200B, 24 KB each once
    // escaped; 110 of them, 5.4 MB: printing stops past 192 KiB, the item being printed ends.
    ['5.4 MB of escapes', `{${Array.from({ length: 110 }, (_, i) => `"${i}${'\u200b'.repeat(4100)}":"${'\u200b'.repeat(4100)}"`).join(',')}}`, 'output past 192 KiB', ' more members"'],
  ])('%s: under the cap, valid JSON saying what was summarised, exit 0', async (_what, payload, why, marker) => {
    const tok = token(payload)
    expect(tok.length).toBeLessThan(4 * 1024 * 1024)
    for (const args of [['decode', ...big], ['decode', '--json', ...big], ['verify', '--secret', secretFile, '--alg', 'HS256', ...big]]) {
      const r = await run(args, { input: tok })
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0)
      expect(bytes(r.stdout)).toBeLessThan(CAP)
      expect(r.stdout).toContain(marker)
      if (args.includes('--json') || args[0] === 'verify') expect(JSON.parse(r.stdout).summarised).toContain(why)
      else expect(r.stdout).toMatch(new RegExp(`^Summarised: .*${why}`, 'm'))
    }
  }, 60_000)

  it('--max-token-length: the default refuses a 16,000-deep token (exit 2); a bad value is a usage error (exit 1)', async () => {
    const tok = token(`{"deep":${deep(16_000)}}`)
    const r = await run(['decode'], { input: tok })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^ERR_JWS_INVALID: the token is longer than 16384 characters/)
    for (const v of ['0', '-1', 'x', '1.5']) {
      const bad = await run(['decode', '--max-token-length', v, tok.slice(0, 100)])
      expect(bad.code, v).toBe(1)
      expectOneCleanLine(bad.stderr)
      expect(bad.stderr).toMatch(/^ERR_USAGE: --max-token-length/)
    }
  })

  // Every listed class: Cc, Cf, Co, Cn, Cs (lone surrogates), Zl, Zp, Zs other than the
  // space, tag characters, Hangul fillers, variation selectors, U+2800, U+FFFC.
  const INVISIBLE: readonly [string, readonly number[]][] = [
    ['Cc', [0x01, 0x1b, 0x7f, 0x85, 0x9b]],
    ['Cf', [0xad, 0x600, 0x61c, 0x6dd, 0x180e, 0x200b, 0x200e, 0x202e, 0x2066, 0xfeff, 0xfff9, 0x110bd, 0x1d173]],
    ['Co', [0xe000, 0xf8ff, 0xf0000, 0x10fffd]],
    ['Cn', [0x378, 0xfdd0, 0xfffe, 0xffff, 0x1fffe, 0xe0080]],
    ['Cs', [0xd800, 0xdbff, 0xdc00, 0xdfff]],
    ['Zl', [0x2028]],
    ['Zp', [0x2029]],
    ['Zs', [0xa0, 0x1680, 0x2000, 0x200a, 0x202f, 0x205f, 0x3000]],
    ['tag', [0xe0000, 0xe0001, 0xe0020, 0xe0041, 0xe007f]],
    ['Hangul filler', [0x115f, 0x1160, 0x3164, 0xffa0]],
    ['variation selector', [0xfe00, 0xfe0f, 0xe0100, 0xe01ef]],
    ['braille blank', [0x2800]],
    ['object replacement', [0xfffc]],
  ]
  const char = (cp: number) => (cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp))
  const escape = (ch: string) => [...Array(ch.length).keys()].map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')

  it('each invisible character class is printed as \\uXXXX (astral: the surrogate pair) by decode, decode --json and verify', async () => {
    const payload: Record<string, string> = { space: 'a b', visible: 'é😀' }
    const cases: [name: string, ch: string][] = []
    for (const [cls, cps] of INVISIBLE) {
      for (const cp of cps) {
        const name = `${cls} U+${cp.toString(16).toUpperCase()}`
        payload[name] = `a${char(cp)}b`
        cases.push([name, char(cp)])
      }
    }
    const tok = token(JSON.stringify(payload), { alg: 'HS256', kid: `k${char(0xe0041)}${char(0x3164)}` })
    const failures: string[] = []
    for (const args of [['decode'], ['decode', '--json'], ['verify', '--secret', secretFile, '--alg', 'HS256']]) {
      const r = await run([...args, tok])
      expect(r.code, r.stderr).toBe(0)
      for (const [name, ch] of cases) {
        if (!r.stdout.includes(`"${name}": "a${escape(ch)}b"`)) failures.push(`${args.join(' ')}: ${name} not escaped as ${escape(ch)}`)
        if (ch.length === 2 ? r.stdout.includes(ch) : r.stdout.includes(`a${ch}b`)) failures.push(`${args.join(' ')}: ${name} printed raw`)
      }
      if (!r.stdout.includes('"kid": "k\\udb40\\udc41\\u3164"')) failures.push(`${args.join(' ')}: header kid not escaped`)
      // The space and visible characters stay as they are.
      expect(r.stdout).toContain('"space": "a b"')
      expect(r.stdout).toContain('"visible": "é😀"')
      if (args.length > 1) expect(JSON.parse(r.stdout).payload).toEqual(payload)
    }
    expect(failures).toEqual([])
  })

  it('error messages escape them too', async () => {
    const r = await run([`x${char(0xe0041)}${char(0x2800)}${char(0xa0)}${char(0xfe0f)}`])
    expect(r.code).toBe(1)
    expectOneCleanLine(r.stderr)
    expect(r.stderr).toContain('unknown command "x\\udb40\\udc41\\u2800\\u00a0\\ufe0f"')
  })
})
