/** `isojwt sign`: a JWT from claims given as JSON or `name=value` pairs. */
import { sign, type JwtPayload, type SignOptions } from '../../index.ts'
import { algArgs, ED25519_ALGS } from '../algs.ts'
import type { ParsedArgs } from '../args.ts'
import type { Command } from '../command.ts'
import { CliError } from '../errors.ts'
import { escapeText } from '../format.ts'
import { readText } from '../io.ts'
import { put, signingKey } from '../keys.ts'
import { durationArg } from './duration.ts'

const help = `Usage: isojwt sign (--key FILE | --secret FILE) [options] [CLAIMS…]

Signs a JWT and prints it. CLAIMS are merged into the payload, each one of:
  '{"sub":"u1","roles":["a"]}'  a JSON object
  -                             a JSON object read from stdin
  name=value                    a string claim
  name:=json                    a claim with a JSON value (scope:='"a b"', n:=3, ok:=true)
A claim given twice is an error.

Key (exactly one):
  --key FILE          a private key: PEM (PRIVATE KEY, PKCS#8) or JWK file
  --secret FILE       an HMAC secret: the file's bytes, one trailing newline removed

Options:
  --alg ALG           the algorithm; needed unless the key pins exactly one (a JWK with
                      "alg", an EC key). An Ed25519 key without "alg" pins
                      ${ED25519_ALGS}: name one
  --exp DURATION      expires after this long ("15m", "2h", "1d", or seconds)
  --nbf DURATION      not valid before now + DURATION ("-30s" or "30s ago" for the past)
  --iss ISSUER        the issuer
  --sub SUBJECT       the subject
  --aud AUDIENCE      the audience (repeatable: several audiences)
  --jti ID            the token id
  --kid KID           the header kid (default: the JWK's kid)
  --typ TYP           the header typ (default JWT)
  --header JSON       extra protected header members, as a JSON object
  --no-iat            do not set iat
  -h, --help          this help`

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new CliError('ERR_USAGE', `${what} is not valid JSON`)
  }
}

function jsonObject(text: string, what: string): Record<string, unknown> {
  const v = parseJson(text, what)
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CliError('ERR_USAGE', `${what} must be a JSON object`)
  return v as Record<string, unknown>
}

/** The payload from the CLAIMS arguments, claims given twice refused. */
export async function claimsFrom(positionals: readonly string[]): Promise<JwtPayload> {
  const payload: Record<string, unknown> = {}
  const add = (name: string, value: unknown) => {
    if (Object.hasOwn(payload, name)) throw new CliError('ERR_USAGE', `claim "${escapeText(name.slice(0, 64))}" is given twice`)
    put(payload, name, value)
  }
  for (const arg of positionals) {
    if (arg === '-' || arg.trimStart().startsWith('{')) {
      const what = arg === '-' ? 'the claims on stdin' : 'the claims argument'
      const obj = jsonObject(arg === '-' ? await readText('-') : arg, what)
      for (const name of Object.keys(obj)) add(name, obj[name])
      continue
    }
    const eq = arg.indexOf('=')
    if (eq <= 0 || (eq === 1 && arg[0] === ':')) throw new CliError('ERR_USAGE', `"${escapeText(arg.slice(0, 64))}" is not a claim: use name=value, name:=json or a JSON object`)
    if (arg[eq - 1] === ':') add(arg.slice(0, eq - 1), parseJson(arg.slice(eq + 1), `the value of claim "${escapeText(arg.slice(0, Math.min(eq - 1, 64)))}"`))
    else add(arg.slice(0, eq), arg.slice(eq + 1))
  }
  return payload
}

/** SignOptions from the flags; only the options given are set. */
function optionsFrom(args: ParsedArgs): SignOptions {
  const o: SignOptions = {}
  const set = <K extends keyof SignOptions>(k: K, v: SignOptions[K] | undefined) => {
    if (v !== undefined) o[k] = v
  }
  set('alg', algArgs(args.list('alg'))[0])
  set('expiresIn', durationArg(args.string('exp')))
  const nbf = args.string('nbf')
  set('notBefore', nbf !== undefined && /^-\d+(\.\d+)?$/.test(nbf) ? Number(nbf) : durationArg(nbf))
  set('issuer', args.string('iss'))
  set('subject', args.string('sub'))
  const aud = args.list('aud')
  set('audience', aud.length === 0 ? undefined : aud.length === 1 ? aud[0] : aud)
  set('jwtId', args.string('jti'))
  set('kid', args.string('kid'))
  set('typ', args.string('typ'))
  const header = args.string('header')
  if (header !== undefined) o.header = jsonObject(header, '--header')
  if (args.flag('no-iat')) o.issuedAt = false
  return o
}

/** `isojwt sign`. */
export const signCommand: Command = {
  name: 'sign',
  summary: 'sign a JWT',
  help,
  options: {
    key: { type: 'string', short: 'k' }, secret: { type: 'string' }, alg: { type: 'string' },
    exp: { type: 'string' }, nbf: { type: 'string' }, iss: { type: 'string' }, sub: { type: 'string' },
    aud: { type: 'string', multiple: true }, jti: { type: 'string' }, kid: { type: 'string' }, typ: { type: 'string' },
    header: { type: 'string' }, 'no-iat': { type: 'boolean' },
  },
  async run(args, io) {
    const stdinReads = args.positionals.filter((p) => p === '-').length + (args.string('key') === '-' || args.string('secret') === '-' ? 1 : 0)
    if (stdinReads > 1) throw new CliError('ERR_USAGE', 'stdin ("-") can be read once')
    const options = optionsFrom(args)
    const payload = await claimsFrom(args.positionals)
    const key = await signingKey({ key: args.string('key'), secret: args.string('secret') }, 'sign')
    io.out(await sign(payload, key, options))
    return 0
  },
}
