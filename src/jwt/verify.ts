/** `verify` (API.md, JWT): structure → header → policy → key → signature → payload → claims. */
import { toJoseError } from '../errors.ts'
import { checkCritOption } from '../jose/header.ts'
import { parseObject, type JsonObject } from '../jose/json.ts'
import { readOptions } from '../jose/options.ts'
import { checkAlgorithms } from '../jwa/policy.ts'
import { checkMaxLength, DEFAULT_MAX_TOKEN, parseCompact, type CompactParts } from '../jws/compact.ts'
import { verifyParts } from '../jws/verify.ts'
import type { JwtPayload, KeyInput, KeyResolver, VerifyOptions, VerifyResult } from '../types.ts'
import { CLAIM_OPTIONS, checkClaims, compileClaims } from './claims.ts'

const VERIFY_OPTIONS = [...CLAIM_OPTIONS, 'algorithms', 'crit', 'maxTokenLength'] as const

/** The payload as a resolver may see it: parsed when it is a JSON object, else undefined. */
function peekPayload(parts: CompactParts): unknown {
  try {
    return parseObject(parts.payload, 'ERR_JWT_INVALID', 'the payload')
  } catch {
    return undefined
  }
}

/**
 * Verifies a JWT: signature first, then claims. Keys that pin no algorithm (RSA PEM,
 * secrets) need `algorithms`.
 *
 * @example
 * ```ts
 * import { verify } from 'isojwt'
 * const { payload } = await verify(token, publicJwk, { issuer: 'https://id.example', audience: 'api' })
 * ```
 */
export async function verify<P = JwtPayload>(token: string, key: KeyInput | KeyResolver, options?: VerifyOptions): Promise<VerifyResult<P>> {
  try {
    const o = readOptions(options, VERIFY_OPTIONS)
    const algorithms = checkAlgorithms(o.algorithms)
    const understood = checkCritOption(o.crit)
    const maxLength = checkMaxLength(o.maxTokenLength, DEFAULT_MAX_TOKEN)
    const policy = compileClaims(o)
    const parts = parseCompact(token, maxLength)
    const v = await verifyParts(parts, key, { algorithms, understood, b64FalseCode: 'ERR_JWT_INVALID', resolverPayload: peekPayload })
    const payload: JsonObject = parseObject(parts.payload, 'ERR_JWT_INVALID', 'the JWT payload')
    checkClaims(policy, v.header, payload)
    return { header: v.header, payload: payload as P, key: v.key }
  } catch (e) {
    throw toJoseError(e, 'ERR_JWS_INVALID', 'verification failed')
  }
}
