/**
 * Prepared signers and verifiers (API.md, the fast path): options validated once, keys
 * imported on first use, and an optional per-verifier cache of verified tokens.
 */
import { fail, toJoseError } from '../errors.ts'
import { deepFreeze } from '../jose/json.ts'
import { readOptions } from '../jose/options.ts'
import { CURRENT_KEYS } from '../jws/verify.ts'
import type { JwtPayload, KeyInput, KeyResolver, SignOptions, VerifyOptions, VerifyResult } from '../types.ts'
import { planSign, signPlanned } from './sign.ts'
import { epochSeconds, parseDuration } from './time.ts'
import { planVerify, verifyPlanned, type VerifyPlan } from './verify.ts'

/**
 * A signer for one key and one set of options, validated now (a bad option throws a
 * JoseError synchronously); the key is imported on first use, the clock read per call.
 *
 * @param key - private key or secret, as for `sign`
 * @param options - as for `sign`; `expiresIn` and `notBefore` count from each call's time
 * @returns a function that signs one payload
 *
 * @example
 * ```ts
 * import { createSigner, type Jwk } from 'isojwt'
 * declare const privateJwk: Jwk
 * const signAccess = createSigner(privateJwk, { issuer: 'https://id.example', audience: 'api', expiresIn: '15m' })
 * const token = await signAccess({ sub: 'user-42' })
 * ```
 */
export function createSigner(key: KeyInput, options: SignOptions): (payload: JwtPayload) => Promise<string> {
  let plan
  try {
    plan = planSign(options)
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'invalid signer options')
  }
  const p = { ...plan, headers: new WeakMap() }
  return async (payload) => {
    try {
      const token = signPlanned(p, payload, key)
      return typeof token === 'string' ? token : await token
    } catch (e) {
      throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'signing failed')
    }
  }
}

/** Tokens longer than this are never cached (API.md). */
const MAX_CACHED_TOKEN = 4096

interface Entry {
  result: VerifyResult<unknown>
  storedAt: number
  exp: number | undefined
  nbf: number | undefined
  iat: number | undefined
  /** The JWK object of a remote set that verified it. */
  candidate: unknown
}

type VerifierOptions = VerifyOptions & { cache?: number; cacheTtl?: number | string }

/** Whether a cached result still holds: time claims now, and its key still in the set. */
function stillValid(e: Entry, plan: VerifyPlan, ttlMs: number, key: unknown): boolean {
  const t = epochSeconds(plan.claims.now)
  const { tol, maxAge } = plan.claims
  if (e.exp !== undefined && e.exp <= t - tol) return false
  if (e.nbf !== undefined && e.nbf > t + tol) return false
  if (maxAge !== undefined && e.iat !== undefined && (t - e.iat > maxAge + tol || e.iat > t + tol)) return false
  if (t * 1000 - e.storedAt >= ttlMs) return false
  const current = typeof key === 'function' ? (key as unknown as Record<symbol, unknown>)[CURRENT_KEYS] : undefined
  return typeof current !== 'function' || (current() as unknown[]).includes(e.candidate)
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined)

/**
 * A verifier for one key (or resolver) and one set of options, validated now (a bad
 * option throws a JoseError synchronously). With `cache: n`, the last n verified tokens
 * are remembered (exact token match, never failures, not tokens over 4 096 characters),
 * re-checked against the clock on every hit, for at most `cacheTtl` (60 s); cached
 * results are deep-frozen.
 *
 * @param key - public key or secret, or a key resolver such as `createRemoteJwks(url)`
 * @param options - `VerifyOptions`, plus `cache` (entries, default 0: off) and `cacheTtl` (a Duration, default 60 s)
 * @returns a function that verifies one token, as `verify` does
 *
 * @example
 * ```ts
 * import { createVerifier, createRemoteJwks } from 'isojwt'
 * declare const token: string
 * const verifyToken = createVerifier(createRemoteJwks('https://id.example/.well-known/jwks.json'), {
 *   issuer: 'https://id.example', audience: 'api', algorithms: ['RS256'], cache: 1000,
 * })
 * const { payload } = await verifyToken(token)
 * ```
 */
export function createVerifier<P = JwtPayload>(key: KeyInput | KeyResolver, options?: VerifierOptions): (token: string) => Promise<VerifyResult<P>> {
  let plan: VerifyPlan
  let size = 0
  let ttlMs = 60_000
  try {
    plan = planVerify(options, ['cache', 'cacheTtl'])
    const o = readOptions(options, ['cache', 'cacheTtl'] as const, 'options', true)
    if (o.cache !== undefined && (typeof o.cache !== 'number' || !Number.isSafeInteger(o.cache) || o.cache < 0)) {
      fail('ERR_JOSE_INVALID_ARGUMENT', 'options.cache must be a non-negative integer')
    }
    size = (o.cache as number | undefined) ?? 0
    if (o.cacheTtl !== undefined) ttlMs = parseDuration(o.cacheTtl, 'options.cacheTtl') * 1000
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'invalid verifier options')
  }
  const cache = new Map<string, Entry>()
  const p = plan
  return async (token) => {
    try {
      const cacheable = size > 0 && typeof token === 'string' && token.length <= MAX_CACHED_TOKEN
      if (cacheable) {
        const hit = cache.get(token)
        if (hit) {
          cache.delete(token)
          if (stillValid(hit, p, ttlMs, key)) {
            cache.set(token, hit) // most recently used last
            return hit.result as VerifyResult<P>
          }
        }
      }
      const v = verifyPlanned(p, token, key)
      const r = 'then' in v ? await v : v
      const result: VerifyResult<P> = { header: r.header, payload: r.payload as P, key: r.key }
      if (!cacheable) return result
      deepFreeze(r.payload)
      Object.freeze(result)
      cache.set(token as string, {
        result, storedAt: r.t * 1000, exp: num(r.payload.exp), nbf: num(r.payload.nbf), iat: num(r.payload.iat), candidate: r.candidate,
      })
      if (cache.size > size) cache.delete(cache.keys().next().value as string)
      return result
    } catch (e) {
      throw toJoseError(e, 'ERR_JWS_INVALID', 'verification failed')
    }
  }
}
