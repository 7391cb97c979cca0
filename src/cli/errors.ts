/**
 * Exit codes and the one-line error report. One exit code per error family, so scripts
 * can branch on `$?` without parsing text; the code name is printed for humans.
 */
import { isJoseError, type JoseError } from '../index.ts'
import { escapeText, isoDate, span } from './format.ts'

/** Codes the CLI raises itself, besides the library's JoseError codes. */
export type CliCode = 'ERR_USAGE' | 'ERR_INPUT' | 'ERR_KEY_INVALID' | 'ERR_INTERNAL'

/** An error the CLI raises itself (bad arguments, unreadable files). */
export class CliError extends Error {
  /** The code printed before the message; it also selects the exit code. */
  readonly code: CliCode
  constructor(code: CliCode, message: string) {
    super(message)
    this.code = code
  }
}

/** Exit code per family, in the order `isojwt --help` and docs/cli.md list them. */
export const EXIT_FAMILIES: readonly { exit: number; family: string; codes: readonly string[] }[] = [
  { exit: 0, family: 'success (verify: the token is valid)', codes: [] },
  { exit: 1, family: 'usage or input', codes: ['ERR_USAGE', 'ERR_INPUT', 'ERR_JOSE_INVALID_ARGUMENT'] },
  { exit: 2, family: 'malformed token', codes: ['ERR_JWS_INVALID', 'ERR_JWT_INVALID'] },
  { exit: 3, family: 'bad signature', codes: ['ERR_JWS_SIGNATURE_INVALID'] },
  { exit: 4, family: 'algorithm or feature refused', codes: ['ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED'] },
  { exit: 5, family: 'expired or not yet valid', codes: ['ERR_JWT_EXPIRED', 'ERR_JWT_NOT_YET_VALID'] },
  { exit: 6, family: 'claim check failed', codes: ['ERR_JWT_CLAIM_INVALID'] },
  { exit: 7, family: 'key unusable', codes: ['ERR_KEY_INVALID'] },
  { exit: 8, family: 'key set: no matching key or fetch failed', codes: ['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_FETCH_FAILED'] },
  { exit: 70, family: 'internal error (a bug: please report it)', codes: ['ERR_INTERNAL'] },
]

const EXIT_BY_CODE: ReadonlyMap<string, number> = new Map(EXIT_FAMILIES.flatMap((f) => f.codes.map((c) => [c, f.exit] as const)))

/** The exit code for an error code; unknown codes count as internal errors. */
export function exitCodeOf(code: string): number {
  return EXIT_BY_CODE.get(code) ?? 70
}

/** The exit-code table as text, for `--help`. */
export function exitTable(): string {
  return EXIT_FAMILIES.map((f) => `  ${String(f.exit).padStart(2)}  ${f.family}${f.codes.length ? `: ${f.codes.join(', ')}` : ''}`).join('\n')
}

/** A failure reduced to what may be printed: code, one escaped line, exit code. */
export interface Report {
  code: string
  message: string
  exit: number
}

/**
 * Reduces anything thrown to a printable report. Messages of errors that are neither
 * CliError nor JoseError (JSON.parse, fs, WebCrypto) can echo input, so only their name
 * is kept; no stack is ever printed.
 */
export function toReport(e: unknown): Report {
  if (e instanceof CliError) return { code: e.code, message: escapeText(e.message), exit: exitCodeOf(e.code) }
  if (isJoseError(e)) return { code: e.code, message: escapeText(flagNames(e.message) + details(e)), exit: exitCodeOf(e.code) }
  const name = e instanceof Error && typeof e.name === 'string' ? e.name.slice(0, 40) : typeof e
  return { code: 'ERR_INTERNAL', message: `unexpected ${escapeText(name)}`, exit: 70 }
}

/** Library option names and the flags that set them (`options.maxAge` is `--max-age` here). */
const FLAGS: ReadonlyMap<string, string> = new Map(Object.entries({
  alg: 'alg', algorithms: 'alg', expiresIn: 'exp', notBefore: 'nbf', issuer: 'iss', subject: 'sub', audience: 'aud',
  jwtId: 'jti', kid: 'kid', typ: 'typ', header: 'header', issuedAt: 'no-iat', maxAge: 'max-age', clockTolerance: 'tolerance',
  requiredClaims: 'require', maxTokenLength: 'max-token-length', clientId: 'client-id', nonce: 'nonce',
  accessToken: 'access-token', code: 'code', maxLifetime: 'max-lifetime', requiredScopes: 'scope', allowHttp: 'allow-http',
}))

/**
 * A library message in the CLI's words: `options.alg` and bare camelCase option names
 * (`maxAge`, `allowHttp`) become the flags (`--alg`, `--max-age`, `--allow-http`). Quoted
 * text (a claim value) is left as it is.
 */
export function flagNames(message: string): string {
  // Key text given to --secret: the library's advice (a string from readFileSync) is --key here.
  if (/ not an HMAC secret: /.test(message)) message = message.replace(/ not an HMAC secret: .*$/, ' not an HMAC secret: pass a key file with --key')
  return message.replace(/"[^"]*"|\boptions\.(\w+)|\b[a-z]+[A-Z]\w*/g, (m, name: string | undefined) => {
    const flag = m.startsWith('"') ? undefined : FLAGS.get(name ?? m)
    return flag === undefined ? m : `--${flag}`
  })
}

/** When, from the error's own fields: "(expired 3 h ago, at …)". */
function details(e: JoseError): string {
  const now = Date.now()
  const at = (d: Date) => isoDate(d.getTime() / 1000) ?? 'an invalid date'
  if (e.expiredAt instanceof Date) return ` (expired ${span((now - e.expiredAt.getTime()) / 1000)} ago, at ${at(e.expiredAt)})`
  if (e.notBefore instanceof Date) return ` (valid in ${span((e.notBefore.getTime() - now) / 1000)}, at ${at(e.notBefore)})`
  return ''
}
