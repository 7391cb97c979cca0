/**
 * The JOSE Header (RFC 7515 §4): member types, `crit` (§4.1.11) and `b64` (RFC 7797).
 * jku, x5u, jwk, x5c, x5t and x5t#S256 are carried but never used to obtain a key.
 */
import { fail, quote, type JoseErrorCode } from '../errors.ts'
import { isObject, type JsonObject } from './json.ts'
import { invalid } from './options.ts'

/** Registered members whose value must be a string (RFC 7515 §4.1). */
export const STRING_MEMBERS = ['typ', 'kid', 'cty', 'jku', 'x5u', 'x5t', 'x5t#S256'] as const

/** Header parameter names registered by RFC 7515, 7516, 7518 and 7519 (the string members and these); never valid in `crit`. */
const REGISTERED = /* @__PURE__ */ (() => new Set([...STRING_MEMBERS, ...'alg jwk x5c crit enc zip epk apu apv iv tag p2s p2c iss sub aud'.split(' ')]))()

/**
 * RFC 7515 §4.1.11 well-formedness of a header's `crit`: throws `code` (ERR_JWS_INVALID
 * for a received header, ERR_JOSE_INVALID_ARGUMENT for the caller's own) after `prefix`.
 */
export function checkCrit(header: JsonObject, code: JoseErrorCode, prefix = ''): void {
  const bad = (message: string): never => fail(code, `${prefix}"crit" ${message}`)
  const crit = header.crit
  if (!Array.isArray(crit) || !crit.length || crit.some((n) => typeof n !== 'string')) bad('must be a non-empty array of strings')
  const seen = new Set<unknown>()
  for (const name of crit as unknown[]) {
    if (seen.has(name)) bad(`lists ${quote(name)} twice`)
    seen.add(name)
    if (REGISTERED.has(name as string)) bad(`may not list registered ${quote(name)}`)
    if (!Object.hasOwn(header, name as string)) bad(`lists ${quote(name)}, not in the header`)
  }
}

export interface HeaderChecks {
  /** Extension names the caller processes itself (options.crit). */
  understood?: Record<string, true> | undefined
  /**
   * The code for `b64: false`: ERR_JWT_INVALID for JWTs, ERR_JOSE_NOT_SUPPORTED for JWS;
   * undefined accepts it (verifyJws/verifyJwsJson with the caller's crit { b64: true }).
   */
  b64FalseCode: 'ERR_JWT_INVALID' | 'ERR_JOSE_NOT_SUPPORTED' | undefined
}

/** Structural header checks shared by decode and verify: `alg` and the registered string members are strings. */
export function checkHeaderShape(header: JsonObject): void {
  for (const m of ['alg', ...STRING_MEMBERS]) {
    if ((m === 'alg' || Object.hasOwn(header, m)) && typeof header[m] !== 'string') fail('ERR_JWS_INVALID', `header "${m}" must be a string`)
  }
}

/** Verification-time header checks, `crit` and `b64`, on a header parseExplained has shape-checked. */
export function checkHeader(header: JsonObject, checks: HeaderChecks): void {
  const crit = Object.hasOwn(header, 'crit') ? (checkCrit(header, 'ERR_JWS_INVALID'), header.crit as string[]) : []
  if (Object.hasOwn(header, 'b64')) {
    if (typeof header.b64 !== 'boolean') fail('ERR_JWS_INVALID', 'header "b64" must be a boolean')
    // RFC 7797 §6: b64 must be listed in crit.
    if (!crit.includes('b64')) fail('ERR_JWS_INVALID', 'header "b64" must be listed in "crit"')
    const code = checks.b64FalseCode
    if (!header.b64 && code) fail(code, `"b64": false is not ${code === 'ERR_JWT_INVALID' ? 'allowed in a JWT' : 'supported'}`)
  }
  // understood is checkCritOption's record (null prototype, every value true) or undefined.
  for (const name of crit) {
    if (name !== 'b64' && !checks.understood?.[name]) {
      fail('ERR_JOSE_NOT_SUPPORTED', `"crit" extension ${quote(name)} is not understood`)
    }
  }
}

/** Validates an `options.crit` record: own properties whose value is `true`. */
export function checkCritOption(crit: unknown): Record<string, true> | undefined {
  if (crit === undefined) return undefined
  const bad = (): never => invalid('options.crit must map names to true')
  if (!isObject(crit)) bad()
  const out: Record<string, true> = Object.create(null)
  for (const k of Object.keys(crit as JsonObject)) out[k] = (crit as JsonObject)[k] === true || bad()
  return out
}
