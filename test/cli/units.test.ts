// The CLI's pure helpers, in-process: argument parsing, escaping, relative times, colour choice.
import { describe, expect, it } from 'vitest'
import { parseArgs } from '../../src/cli/args.ts'
import { CliError, EXIT_FAMILIES, exitCodeOf, flagNames, toReport } from '../../src/cli/errors.ts'
import { colourEnabled, escapeText, isoDate, relative, safeJson, span } from '../../src/cli/format.ts'
import { pastedToken } from '../../src/cli/io.ts'
import { oneLine } from '../../src/cli/printer.ts'
import { durationArg } from '../../src/cli/commands/duration.ts'
import { JoseError } from '../../src/index.ts'
import { cliOnce } from './helpers.ts'

describe.runIf(cliOnce)('CLI helpers', () => {
  it('parseArgs: long, inline, short, repeated, flags, "--", "-" as positional', () => {
    const specs = { alg: { type: 'string', multiple: true }, key: { type: 'string', short: 'k' }, json: { type: 'boolean' } } as const
    const a = parseArgs(['tok', '--alg', 'RS256,PS256', '--alg=ES256', '-k', 'f.pem', '--json', '-', '--', '--not-an-option'], specs, 'x')
    expect(a.split('alg')).toEqual(['RS256', 'PS256', 'ES256'])
    expect(a.list('alg')).toEqual(['RS256,PS256', 'ES256'])
    expect(a.string('key')).toBe('f.pem')
    expect(a.flag('json')).toBe(true)
    expect(a.given('key')).toBe(true)
    expect(a.given('help')).toBe(false)
    expect(a.positionals).toEqual(['tok', '-', '--not-an-option'])
    // A value may start with one dash (a negative duration), not with two.
    expect(parseArgs(['--key', '-30s'], specs, 'x').string('key')).toBe('-30s')
  })

  it.each([
    [['--nope'], /unknown option --nope \(see isojwt x --help\)/],
    [['--key'], /--key needs a value/],
    [['--key', '--json'], /--key needs a value/],
    [['--key', 'a', '--key', 'b'], /--key is given more than once/],
    [['--json=yes'], /--json takes no value/],
    [['-z'], /unknown option -z/],
    [['--\u001b[31m=1'], /unknown option --\\u001b\[31m/],
  ])('parseArgs refuses %j', (argv, message) => {
    const specs = { key: { type: 'string' }, json: { type: 'boolean' } } as const
    let err: unknown
    try {
      parseArgs(argv, specs, 'x')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(CliError)
    expect((err as CliError).code).toBe('ERR_USAGE')
    expect((err as CliError).message).toMatch(message)
  })

  it('pastedToken: quotes, "Bearer ", an Authorization header and whitespace around or inside are taken away', () => {
    const t = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln'
    for (const text of [t, ` ${t}\n`, `"${t}"`, `'${t}'`, `\`${t}\``, `Bearer ${t}`, `BEARER\t${t}`, `"Bearer ${t}"`, `Bearer "${t}"`,
      `Authorization: Bearer ${t}`, `${t.slice(0, 10)}\n${t.slice(10, 30)}\r\n  ${t.slice(30)}`]) expect(pastedToken(text), JSON.stringify(text)).toBe(t)
    expect(pastedToken(`"${t}'`)).toBe(`"${t}'`)
    expect(pastedToken('Bearer')).toBe('')
    expect(pastedToken(`Bearerx ${t}`)).toBe(`Bearerx${t}`)
  })

  it('flagNames: options.* and camelCase option names become flags; quoted text and other words stay', () => {
    expect(flagNames('options.expiresIn is not a duration')).toBe('--exp is not a duration')
    expect(flagNames('pass options.algorithms (or options.alg); maxAge needs "auth_time"')).toBe('pass --alg (or --alg); --max-age needs "auth_time"')
    expect(flagNames('https: only, or with allowHttp')).toBe('https: only, or with --allow-http')
    expect(flagNames('unexpected "iss" "options.issuer maxAge"')).toBe('unexpected "iss" "options.issuer maxAge"')
    expect(flagNames('options.now threw; use createLocalJwks')).toBe('options.now threw; use createLocalJwks')
  })

  it('oneLine: JSON on one line, cut after the limit', () => {
    expect(oneLine(['a', { b: 1 }])).toBe('["a",{"b": 1}]')
    expect(oneLine('\u001b'.repeat(10), 12)).toBe('"\\u001b…')
    expect(oneLine('\u001b'.repeat(10), 14)).toBe('"\\u001b\\u001b…')
    expect(oneLine('x'.repeat(100))).toHaveLength(81)
  })

  it('escapeText escapes C0, DEL, C1, bidi, zero-width, separators and lone surrogates; keeps other text', () => {
    expect(escapeText('a\u001b[2Jb\u0007\n\t')).toBe('a\\u001b[2Jb\\u0007\\u000a\\u0009')
    expect(escapeText('\u007f\u0085\u009b')).toBe('\\u007f\\u0085\\u009b')
    expect(escapeText('x\u202ey\u2066z\u200b\u2028\ufeff')).toBe('x\\u202ey\\u2066z\\u200b\\u2028\\ufeff')
    expect(escapeText('\ud800x\udc00')).toBe('\\ud800x\\udc00')
    expect(escapeText('héllo 😀 日本 €')).toBe('héllo 😀 日本 €')
  })

  it('safeJson stays valid JSON with the same value and keeps its newlines', () => {
    const v = { 'k\u202e': 'a\u009bb\u2029', n: [1, '\u0000'] }
    const text = safeJson(v)
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u009b\u202e\u2029]/)
    expect(text.split('\n').length).toBeGreaterThan(3)
    expect(JSON.parse(text)).toEqual(v)
  })

  it('span and relative: the largest readable unit, past and future per claim', () => {
    expect([span(0), span(59), span(60), span(899), span(3599), span(3600), span(47 * 3600 + 3599), span(2 * 86_400), span(400 * 86_400)])
      .toEqual(['0 s', '59 s', '1 min', '14 min', '59 min', '1 h', '47 h', '2 d', '1 y'])
    const now = 1_000_000
    expect(relative('exp', now + 899, now)).toBe('expires in 14 min')
    expect(relative('exp', now - 3 * 3600 - 5, now)).toBe('expired 3 h ago')
    expect(relative('exp', now, now)).toBe('expired 0 s ago') // exp ≤ now is expired (RFC 7519 §4.1.4)
    expect(relative('nbf', now + 120, now)).toBe('not valid for another 2 min')
    expect(relative('iat', now - 30, now)).toBe('issued 30 s ago')
  })

  it('isoDate: whole seconds without milliseconds; non-numbers and out-of-range values undefined', () => {
    expect(isoDate(0)).toBe('1970-01-01T00:00:00Z')
    expect(isoDate(1.5)).toBe('1970-01-01T00:00:01.500Z')
    expect(isoDate('1')).toBeUndefined()
    expect(isoDate(1e300)).toBeUndefined()
    expect(isoDate(Number.NaN)).toBeUndefined()
  })

  it('colourEnabled: FORCE_COLOR, NO_COLOR, TERM=dumb, else the TTY', () => {
    expect(colourEnabled(true, {})).toBe(true)
    expect(colourEnabled(false, {})).toBe(false)
    expect(colourEnabled(undefined, {})).toBe(false)
    expect(colourEnabled(true, { NO_COLOR: '1' })).toBe(false)
    expect(colourEnabled(true, { NO_COLOR: '' })).toBe(true)
    expect(colourEnabled(true, { TERM: 'dumb' })).toBe(false)
    expect(colourEnabled(false, { FORCE_COLOR: '1' })).toBe(true)
    expect(colourEnabled(false, { FORCE_COLOR: '' })).toBe(true)
    expect(colourEnabled(true, { FORCE_COLOR: '0' })).toBe(false)
    expect(colourEnabled(true, { FORCE_COLOR: 'false' })).toBe(false)
  })

  it('durationArg: a bare number is seconds, anything else goes to the library as is', () => {
    expect(durationArg('60')).toBe(60)
    expect(durationArg('1.5')).toBe(1.5)
    expect(durationArg('15m')).toBe('15m')
    expect(durationArg('-5')).toBe('-5')
    expect(durationArg(undefined)).toBeUndefined()
  })

  it('exit codes: one per family, every JoseError code mapped, others internal; reports never carry foreign messages', () => {
    const exits = EXIT_FAMILIES.map((f) => f.exit)
    expect(new Set(exits).size).toBe(exits.length)
    const jose = ['ERR_JOSE_INVALID_ARGUMENT', 'ERR_JWS_INVALID', 'ERR_JWT_INVALID', 'ERR_JWS_SIGNATURE_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED',
      'ERR_JWT_EXPIRED', 'ERR_JWT_NOT_YET_VALID', 'ERR_JWT_CLAIM_INVALID', 'ERR_KEY_INVALID', 'ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_FETCH_FAILED']
    for (const c of jose) expect([1, 2, 3, 4, 5, 6, 7, 8], c).toContain(exitCodeOf(c))
    expect(exitCodeOf('ERR_JOSE_INVALID_ARGUMENT')).toBe(1)
    expect(exitCodeOf('ERR_SOMETHING_NEW')).toBe(70)
    expect(toReport(new SyntaxError('Unexpected token "d":"SECRET" in JSON'))).toEqual({ code: 'ERR_INTERNAL', message: 'unexpected SyntaxError', exit: 70 })
    expect(toReport(new JoseError('ERR_JWT_EXPIRED', 'the token has expired', { expiredAt: new Date(Date.now() - 7200_000) })).message).toMatch(/^the token has expired \(expired 2 h ago, at .*Z\)$/)
    expect(toReport(new CliError('ERR_USAGE', 'bad \u001b[31m')).message).toBe('bad \\u001b[31m')
  })
})
