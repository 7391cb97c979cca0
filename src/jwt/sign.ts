/** `sign` (API.md, JWT): a JWT from a plain-object payload and options; the payload is never modified. */
import { fail, toJoseError } from '../errors.ts'
import { utf8 } from '../encoding/utf8.ts'
import { isPlainObject, stringify, type JsonObject } from '../jose/json.ts'
import { optString, optStrings, readOptions } from '../jose/options.ts'
import { checkExtraHeader, signCompact } from '../jws/sign.ts'
import type { JwtPayload, KeyInput, SignOptions } from '../types.ts'
import { typeProblem } from './claims.ts'
import { checkNow, epochSeconds, parseDuration } from './time.ts'

const SIGN_OPTIONS = ['alg', 'kid', 'typ', 'header', 'expiresIn', 'notBefore', 'issuedAt', 'issuer', 'subject', 'audience', 'jwtId', 'now'] as const

/** Option → the claim it sets; giving both is ambiguous and refused. */
const CLAIM_OF: readonly (readonly [(typeof SIGN_OPTIONS)[number], string])[] = [
  ['issuer', 'iss'], ['subject', 'sub'], ['audience', 'aud'], ['jwtId', 'jti'], ['expiresIn', 'exp'], ['notBefore', 'nbf'],
]

function claimsFrom(payload: JsonObject, o: ReturnType<typeof readSignOptions>): JsonObject {
  for (const [opt, claim] of CLAIM_OF) {
    if (o[opt] !== undefined && Object.hasOwn(payload, claim)) fail('ERR_JOSE_INVALID_ARGUMENT', `"${claim}" is given both in the payload and as options.${opt}`)
  }
  // Spread defines own properties (no __proto__ setter runs), so the copy is faithful.
  const claims: JsonObject = { ...payload }
  const issuer = optString(o.issuer, 'options.issuer')
  const subject = optString(o.subject, 'options.subject')
  const audience = o.audience === undefined ? undefined : optStrings(o.audience, 'options.audience')
  const jwtId = optString(o.jwtId, 'options.jwtId')
  const expiresIn = o.expiresIn === undefined ? undefined : parseDuration(o.expiresIn, 'options.expiresIn')
  const notBefore = o.notBefore === undefined ? undefined : parseDuration(o.notBefore, 'options.notBefore', true)
  if (o.issuedAt !== undefined && typeof o.issuedAt !== 'boolean') fail('ERR_JOSE_INVALID_ARGUMENT', 'options.issuedAt must be a boolean')
  const now = checkNow(o.now)
  const needsTime = expiresIn !== undefined || notBefore !== undefined || (o.issuedAt !== false && !Object.hasOwn(payload, 'iat'))
  const t = needsTime ? epochSeconds(now) : 0
  if (issuer !== undefined) claims.iss = issuer
  if (subject !== undefined) claims.sub = subject
  if (audience !== undefined) claims.aud = typeof o.audience === 'string' ? audience[0] : audience
  if (jwtId !== undefined) claims.jti = jwtId
  if (o.issuedAt !== false && !Object.hasOwn(payload, 'iat')) claims.iat = t
  if (notBefore !== undefined) claims.nbf = Math.floor(t + notBefore)
  if (expiresIn !== undefined) claims.exp = Math.floor(t + expiresIn)
  return claims
}

function readSignOptions(options: unknown) {
  return readOptions(options, SIGN_OPTIONS)
}

/**
 * Signs a JWT. `iat` is set unless the payload has one; `typ` is `JWT` unless given.
 *
 * @example
 * ```ts
 * import { sign, generateKeyPair } from 'isojwt'
 * const { privateKey } = await generateKeyPair('ES256')
 * const token = await sign({ sub: 'user-1' }, privateKey, { issuer: 'https://id.example', audience: 'api', expiresIn: '15m' })
 * ```
 */
export async function sign(payload: JwtPayload, key: KeyInput, options?: SignOptions): Promise<string> {
  try {
    if (!isPlainObject(payload)) fail('ERR_JOSE_INVALID_ARGUMENT', 'the payload must be a plain object')
    const o = readSignOptions(options)
    const bad = typeProblem(payload)
    if (bad) fail('ERR_JOSE_INVALID_ARGUMENT', `payload claim "${bad}" has the wrong type (RFC 7519 §4.1)`)
    const typ = o.typ === null ? undefined : o.typ === undefined ? 'JWT' : optString(o.typ, 'options.typ')
    const kid = optString(o.kid, 'options.kid')
    const extra = checkExtraHeader(o.header, false)
    if (o.typ !== undefined && extra && Object.hasOwn(extra, 'typ')) fail('ERR_JOSE_INVALID_ARGUMENT', '"typ" is given both in options.header and options.typ')
    const body = utf8(stringify(claimsFrom(payload, o), 'the payload'))
    return await signCompact({ key, alg: o.alg, typ, kid, extra, payload: body })
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'signing failed')
  }
}
