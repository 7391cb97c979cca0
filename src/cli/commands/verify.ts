/** `isojwt verify`: signature and claims, with the exit code naming the failure family. */
import { verify, type KeyInput, type KeyResolver, type VerifyOptions } from '../../index.ts'
import { algArgs, ED25519_ALGS } from '../algs.ts'
import { lengthArg, type ParsedArgs } from '../args.ts'
import type { Command } from '../command.ts'
import { CliError, exitTable } from '../errors.ts'
import { readToken } from '../io.ts'
import { verificationKey } from '../keys.ts'
import { LIMITS, resultJson } from '../printer.ts'
import { durationArg } from './duration.ts'
import { withValues } from './mismatch.ts'
import { checkProfile, PROFILES, verifyProfile } from './profiles.ts'

/** Options only a profile takes. */
const PROFILE_ONLY = ['scope', 'client-id', 'nonce', 'access-token', 'code', 'max-lifetime']

const help = `Usage: isojwt verify [TOKEN | -] (--key FILE|URL | --secret FILE) [--profile NAME] [options]

Verifies a token's signature, then its claims. On success prints the verified header and
payload as JSON and exits 0; on failure prints "CODE: message" on stderr and exits with
the code of the failure's family (below). Reads the token from stdin when TOKEN is "-"
or absent.

Key (exactly one):
  --key FILE|URL      a public key: PEM (PUBLIC KEY or CERTIFICATE) or JWK file, a JWK
                      Set file, or a JWKS URL (https:, or http: on loopback hosts)
  --secret FILE       an HMAC secret: the file's bytes, one trailing newline removed
  --allow-http        allow a JWKS URL on http: to any host (a test server)

Checks:
  --alg ALG           allowed algorithms (repeat or comma-separate); required for RSA
                      keys without "alg" and for secrets. An Ed25519 key without "alg"
                      pins ${ED25519_ALGS}: --alg narrows it to one
  --iss ISSUER        expected issuer (repeatable: any of them)
  --aud AUDIENCE      expected audience (repeatable: any of them). Without it, tokens
                      minted for any audience are accepted (a valid token then gets a
                      warning on stderr)
  --sub SUBJECT       expected subject
  --typ TYP           expected header typ (repeatable); default: absent or JWT
  --max-age DURATION  iat at most this old ("15m", "2h", or seconds)
  --tolerance DURATION  clock skew allowed for exp, nbf and iat (default 0)
  --require CLAIM     claims that must be present (repeat or comma-separate)
  --max-token-length N  refuse longer tokens (default 16384 characters)
  -h, --help          this help

Profiles (--profile NAME fixes typ and the required claims; only the options listed):
  access-token        RFC 9068 JWT access token (typ at+jwt): --iss and --aud required,
                      --scope SCOPE… (required scopes, whole words); prints "scopes" too
  id-token            OpenID Connect ID token: --iss and --client-id required, --nonce,
                      --max-age (OIDC max_age, needs auth_time), --access-token TOKEN
                      (at_hash), --code CODE (c_hash)
  client-assertion    RFC 7523 client assertion: --client-id and --aud (the
                      authorization server) required, --max-lifetime DURATION
                      (default 5m). Replay (jti) tracking is the server's job.
  All profiles take --alg and --tolerance (not --max-token-length).

The token may be pasted as it comes: in quotes, after "Bearer ", wrapped over lines.
A claim that does not match shows the expected value and the token's.

Output is bounded as in "isojwt decode" (nesting deeper than ${LIMITS.depth} levels, strings longer
than ${LIMITS.chars} characters, more than ${LIMITS.items} items, past ${LIMITS.kib} KiB): what is summarised is
listed in a last "summarised" member.

Exit codes:
${exitTable()}`

/** VerifyOptions from the flags; only the options given are set. */
function optionsFrom(args: ParsedArgs): VerifyOptions {
  const o: VerifyOptions = {}
  const algs = algArgs(args.split('alg'))
  if (algs.length > 0) o.algorithms = algs
  const iss = args.list('iss')
  if (iss.length > 0) o.issuer = iss.length === 1 ? iss[0]! : iss
  const aud = args.list('aud')
  if (aud.length > 0) o.audience = aud.length === 1 ? aud[0]! : aud
  const sub = args.string('sub')
  if (sub !== undefined) o.subject = sub
  const typ = args.list('typ')
  if (typ.length > 0) o.typ = typ.length === 1 ? typ[0]! : typ
  const maxAge = durationArg(args.string('max-age'))
  if (maxAge !== undefined) o.maxAge = maxAge
  const tolerance = durationArg(args.string('tolerance'))
  if (tolerance !== undefined) o.clockTolerance = tolerance
  const required = args.split('require')
  if (required.length > 0) o.requiredClaims = required
  const maxTokenLength = lengthArg(args)
  if (maxTokenLength !== undefined) o.maxTokenLength = maxTokenLength
  return o
}

/** `isojwt verify`. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify a token\'s signature and claims',
  help,
  positionals: 1,
  options: {
    key: { type: 'string', short: 'k' }, secret: { type: 'string' }, 'allow-http': { type: 'boolean' },
    alg: { type: 'string', multiple: true }, iss: { type: 'string', multiple: true }, aud: { type: 'string', multiple: true },
    sub: { type: 'string' }, typ: { type: 'string', multiple: true }, 'max-age': { type: 'string' }, tolerance: { type: 'string' },
    require: { type: 'string', multiple: true }, profile: { type: 'string' }, scope: { type: 'string', multiple: true },
    'client-id': { type: 'string', multiple: true }, nonce: { type: 'string' }, 'access-token': { type: 'string' }, code: { type: 'string' },
    'max-lifetime': { type: 'string' }, 'max-token-length': { type: 'string' },
  },
  async run(args, io) {
    const name = args.string('profile')
    const profile = name === undefined ? undefined : checkProfile(name, args)
    const stray = PROFILE_ONLY.find((o) => args.given(o))
    if (profile === undefined && stray) throw new CliError('ERR_USAGE', `--${stray} needs --profile (${PROFILES.join(', ')})`)
    const keyFromStdin = args.string('key') === '-' || args.string('secret') === '-'
    if (keyFromStdin && (args.positionals[0] ?? '-') === '-') throw new CliError('ERR_USAGE', 'stdin can be read once: give the token as an argument when the key comes from stdin')
    const options = optionsFrom(args)
    const src = { key: args.string('key'), secret: args.string('secret'), allowHttp: args.flag('allow-http') }
    const key: KeyInput | KeyResolver = await verificationKey(src, 'verify')
    const token = await readToken(args.positionals[0], 'verify')
    try {
      if (profile !== undefined) {
        io.out(resultJson(await verifyProfile(profile, token, key, args)))
        return 0
      }
      const { header, payload } = await verify(token, key, options)
      io.out(resultJson({ header, payload }))
      // After success only: a rejected token gets its one error line. Every profile
      // checks the audience (an ID token's is the client id), so this is plain verify's.
      if (options.audience === undefined) io.err('warning: no --aud: tokens minted for any audience are accepted')
      return 0
    } catch (e) {
      throw withValues(e, token, profile ?? 'verify', args)
    }
  },
}
