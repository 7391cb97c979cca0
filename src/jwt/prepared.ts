/**
 * Prepared signers and verifiers (API.md, the fast path): options validated once, keys
 * imported on first use, and an optional per-verifier cache of verified tokens.
 */
import { fail, toJoseError } from '../errors.ts'
import { remember } from '../jose/bounded.ts'
import { deepFreeze } from '../jose/json.ts'
import { foreignHint, readOptions, validating } from '../jose/options.ts'
import type { JsonObject } from '../jose/json.ts'
import { ENTRIES } from '../jwa/registry.ts'
import { described, firstTried, resolveKeys } from '../jws/verify.ts'
import { describeKey, sameKey, type KeyDesc } from '../keys/describe.ts'
import { importFor } from '../keys/import.ts'
import { allows, signingAlg } from '../keys/policy.ts'
import type { Alg, InferOutput, JwtPayload, KeyInput, KeyResolver, SignOptions, StandardSchemaV1, VerifyOptions, VerifyResult } from '../types.ts'
import { checkClaims } from './claims.ts'
import { planSign, signPlanned } from './sign.ts'
import { epochSeconds, parseDuration } from '../jose/time.ts'
import { planVerify, shaped, VERIFY_OPTIONS, verifyPlanned, type VerifyPlan } from './verify.ts'

/**
 * What `createSigner` and `createVerifier` return: the function, and `ready()`, which
 * imports the key now, so a server with a bad key fails at startup (API.md, Prepared).
 *
 * @example
 * ```ts
 * import { createVerifier, type Prepared, type VerifyResult } from 'isojwt'
 * declare const publicPem: string
 * const check: Prepared<(token: string) => Promise<VerifyResult>> = createVerifier(publicPem, { algorithms: ['ES256'] })
 * await check.ready()
 * ```
 */
export type Prepared<F> = F & { ready(): Promise<void> }

/** `ready()`: rejects (never throws) with a JoseError; the imports it makes are the ones calls reuse. */
function withReady<F extends object>(f: F, prepare: () => unknown): Prepared<F> {
  const ready = async (): Promise<void> => {
    try {
      await prepare()
    } catch (e) {
      throw toJoseError(e, 'ERR_KEY_INVALID', 'the key could not be prepared')
    }
  }
  return Object.assign(f, { ready })
}

/**
 * A verifier's key made ready: a key given directly is imported for every algorithm the
 * options allow it; a remote set (it has `reload`) is loaded once; other resolvers are
 * ready at once (a local set was read when it was made).
 */
async function readyVerify(key: unknown, algorithms: readonly Alg[] | undefined): Promise<void> {
  if (typeof key === 'function') {
    const set = key as { reload?: unknown; jwks?: unknown }
    if (typeof set.reload === 'function' && set.jwks === undefined) await set.reload()
    return
  }
  const desc = describeKey(key)
  const entries = ENTRIES.filter((e) => allows(desc, algorithms, e.alg))
  if (entries.length === 0) fail('ERR_JOSE_ALG_NOT_ALLOWED', 'the key allows no algorithm here (RSA and secret keys need options.algorithms)')
  await Promise.all(entries.map((e) => importFor(desc, e, ['verify'])))
}

/**
 * A signer for one key and one set of options, validated now (a bad option throws a
 * JoseError synchronously), and so is the key's form (no crypto yet); the key is imported
 * on first use, or by `ready()` (await it at startup to fail there), the clock read per call.
 *
 * @param key - private key or secret, as for `sign`
 * @param options - as for `sign`; `expiresIn` and `notBefore` count from each call's time
 * @returns a function that signs one payload, with `ready()`: imports the key for `alg`
 *
 * @example
 * ```ts
 * import { createSigner, type Jwk } from 'isojwt'
 * declare const privateJwk: Jwk
 * const signAccess = createSigner(privateJwk, { issuer: 'https://id.example', audience: 'api', expiresIn: '15m' })
 * const token = await signAccess({ sub: 'user-42' })
 * ```
 */
export function createSigner(key: KeyInput, options: SignOptions): Prepared<(payload: JwtPayload) => Promise<string>> {
  let plan
  try {
    plan = planSign(options)
    describeKey(key) // its form now (API.md, Prepared): no crypto, a JoseError thrown at creation
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'invalid signer options')
  }
  const p = { ...plan, headers: new WeakMap() }
  const signer = async (payload: JwtPayload): Promise<string> => {
    try {
      return await signPlanned(p, payload, key)
    } catch (e) {
      throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'signing failed')
    }
  }
  return withReady(signer, () => {
    const desc = describeKey(key)
    return importFor(desc, signingAlg(desc, p.alg), ['sign'])
  })
}

/** Tokens longer than this are never cached (API.md). */
const MAX_CACHED_TOKEN = 4096

/** A verified token: its frozen result, when (ms, the verifier's clock), and the key and algorithm that verified it. */
interface Entry {
  result: VerifyResult<unknown>
  storedAt: number
  desc: KeyDesc
  alg: Alg
}

/**
 * `createVerifier`'s options: `verify`'s, and the opt-in cache of verified tokens, `cache`
 * (how many) and `cacheTtl` (at most how long a hit is kept; API.md, Prepared).
 *
 * @example
 * ```ts
 * import { createVerifier, type VerifierOptions } from 'isojwt'
 * declare const publicPem: string
 * const options: VerifierOptions = { algorithms: ['ES256'], issuer: 'https://id.example', audience: 'api', cache: 1000, cacheTtl: '5m' }
 * const check = createVerifier(publicPem, options)
 * ```
 */
export type VerifierOptions = VerifyOptions & { cache?: number; cacheTtl?: number | string }

/**
 * A verifier for one key (or resolver) and one set of options, validated now (a bad
 * option, or a key given directly whose form is wrong, throws a JoseError synchronously);
 * `ready()` imports that key for the algorithms the options allow, or loads a remote set
 * once, rejecting with the JoseError a call would give. With `cache: n`, the last n verified tokens
 * are remembered (exact token match, never failures, not tokens over 4 096 characters)
 * for at most `cacheTtl` (60 s); a hit skips only the signature: the resolver runs, the
 * key must equal the one that verified, and the claims are checked again. Every result
 * of a caching verifier is deep-frozen.
 *
 * @param key - public key or secret, or a key resolver such as `createRemoteJwks(url)`
 * @param options - `VerifyOptions`, plus `cache` (entries, default 0: off) and `cacheTtl` (a Duration, default 60 s)
 * @returns a function that verifies one token, as `verify` does, with `ready()`
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
export function createVerifier<P = JwtPayload>(key: KeyInput | KeyResolver, options?: VerifierOptions & { schema?: undefined }): Prepared<(token: string) => Promise<VerifyResult<P>>>
export function createVerifier<S extends StandardSchemaV1>(key: KeyInput | KeyResolver, options: Omit<VerifierOptions, 'schema'> & { schema: S }): Prepared<(token: string) => Promise<VerifyResult<InferOutput<S>>>>
export function createVerifier<P = JwtPayload>(key: KeyInput | KeyResolver, options?: VerifierOptions): Prepared<(token: string) => Promise<VerifyResult<P>>>
export function createVerifier(key: KeyInput | KeyResolver, options?: VerifierOptions): Prepared<(token: string) => Promise<VerifyResult<unknown>>> {
  let plan: VerifyPlan
  let size = 0
  let ttlMs = 60_000
  try {
    const o = readOptions(options, [...VERIFY_OPTIONS, 'cache', 'cacheTtl'] as const, foreignHint)
    plan = validating(() => planVerify(o))
    if (o.cache !== undefined && !(Number.isSafeInteger(o.cache) && (o.cache as number) >= 0)) {
      fail('ERR_JOSE_INVALID_ARGUMENT', 'options.cache must be a non-negative integer')
    }
    size = (o.cache as number | undefined) ?? 0
    if (o.cacheTtl !== undefined) ttlMs = parseDuration(o.cacheTtl, 'options.cacheTtl') * 1000
    if (typeof key !== 'function') describeKey(key) // its form now, as createSigner
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'invalid verifier options')
  }
  const cache = new Map<string, Entry>()
  const p = plan
  return withReady(async (token: string): Promise<VerifyResult<unknown>> => {
    try {
      const cacheable = size > 0 && typeof token === 'string' && token.length <= MAX_CACHED_TOKEN
      const e = cacheable ? cache.get(token) : undefined
      let t: number | undefined
      let answer: unknown[] | undefined
      let result: VerifyResult<unknown> | undefined
      if (e) {
        // A hit skips only the signature (API.md, Prepared): the resolver runs, the key must
        // equal the one that verified, and every claim is checked again at this call's time.
        cache.delete(token)
        t = epochSeconds(p.claims.now)
        if (t * 1000 - e.storedAt < ttlMs) {
          const { header, payload } = e.result
          let now: KeyDesc | undefined
          if (typeof key === 'function') {
            answer = await resolveKeys(key, header, () => payload)
            now = firstTried(key, answer, p.core.algorithms, e.alg)
          } else now = described(key)
          if (now && sameKey(now, e.desc)) {
            const checked = checkClaims(p.claims, header, payload as JsonObject, t, p.claims.again)
            if (typeof checked !== 'number') await checked // an issuer function, run on hits too
            cache.set(token, e) // most recently used last
            result = e.result
          }
        }
      }
      if (!result) {
        const r = await verifyPlanned(p, token, key, t, answer)
        // Every result of a caching verifier is deep-frozen (API.md, Prepared).
        result = size ? Object.freeze({ header: r.header, payload: deepFreeze(r.payload), key: r.key }) : { header: r.header, payload: r.payload, key: r.key }
        if (cacheable) remember(cache, token, { result, storedAt: r.t * 1000, desc: r.desc, alg: r.alg }, size)
      }
      // The schema runs on every call, cache hits included (API.md, Prepared); its output is left as it made it.
      if (!p.schema) return result
      const shapedResult = await shaped(p, result)
      return size ? Object.freeze(shapedResult) : shapedResult
    } catch (e) {
      throw toJoseError(e, 'ERR_JWS_INVALID', 'verification failed')
    }
  }, () => readyVerify(key, p.core.algorithms))
}
