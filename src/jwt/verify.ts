/** `verify` (API.md, JWT): structure → header → policy → key → signature → payload → claims. */
import { toJoseError } from '../errors.ts'
import { checkCritOption } from '../jose/header.ts'
import { parseObject, type JsonObject } from '../jose/json.ts'
import { invalid, reusePlan, type Options, type PlanSlot } from '../jose/options.ts'
import { checkAlgorithms } from '../jwa/policy.ts'
import { checkMaxLength, DEFAULT_MAX_TOKEN, parseExplained, type CompactParts } from '../jws/compact.ts'
import { verifyParts, verifyPartsNow, type VerifyCore } from '../jws/verify.ts'
import { BACKEND } from '../backend/index.ts'
import { backendNow } from '../jws/signature.ts'
import type { KeyDesc } from '../keys/describe.ts'
import type { Alg, InferOutput, JwtPayload, KeyInput, KeyResolver, StandardSchemaV1, VerifyOptions, VerifyResult } from '../types.ts'
import { CLAIM_OPTIONS, checkClaims, compileClaims, type ClaimPolicy } from './claims.ts'
import { runSchema, type Standard } from './schema.ts'

// Built in a pure call: a top-level spread would keep both lists in bundles that never verify.
export const VERIFY_OPTIONS = /* @__PURE__ */ (() => [...CLAIM_OPTIONS, 'algorithms', 'crit', 'maxTokenLength', 'schema'] as const)()

const parsePayload = (parts: CompactParts): JsonObject => parseObject(parts.payload, 'ERR_JWT_INVALID', 'the JWT payload')

/** The payload as a resolver may see it: parsed when it is a JSON object, else undefined. */
function peekPayload(parts: CompactParts): JsonObject | undefined {
  try {
    return parsePayload(parts)
  } catch {
    return undefined
  }
}

/** Verify options, validated once (createVerifier validates at creation). */
export interface VerifyPlan {
  maxLength: number
  claims: ClaimPolicy
  /** What the JWS layer checks, built once per plan. */
  core: VerifyCore
  /** `options.schema`'s `~standard` member, run after every other check. */
  schema?: Standard | undefined
}

/**
 * A plan from checked parts: `verify`'s, and the OAuth profiles' (their claim checks
 * compiled into `claims`, their policy flag into the core): one pipeline for both.
 */
export function planFrom(algorithms: readonly Alg[] | undefined, maxTokenLength: unknown, claims: ClaimPolicy,
  schema: unknown, understood?: Record<string, true>, hmacOnlyIfListed?: boolean): VerifyPlan {
  // options.schema: undefined, or an object with a version 1 `~standard` whose `validate` is a function (kept in the plan).
  const s = (schema as Partial<StandardSchemaV1> | undefined)?.['~standard']
  return {
    schema: schema === undefined || (s?.version === 1 && typeof s.validate === 'function') ? s : invalid('options.schema must be a Standard Schema'),
    maxLength: checkMaxLength(maxTokenLength, DEFAULT_MAX_TOKEN),
    claims,
    core: { algorithms, understood, b64FalseCode: 'ERR_JWT_INVALID', resolverPayload: peekPayload, hmacOnlyIfListed },
  }
}

/** The plan for option values read by readOptions or reusePlan; run under `validating` (reusePlan runs it so). */
export function planVerify(o: Options<(typeof VERIFY_OPTIONS)[number]>): VerifyPlan {
  return planFrom(checkAlgorithms(o.algorithms), o.maxTokenLength, compileClaims(o), o.schema, checkCritOption(o.crit))
}

export interface VerifiedJwt extends VerifyResult<JsonObject> {
  /** The description of the key that verified, and the algorithm. */
  desc: KeyDesc
  alg: Alg
  /** The time (seconds) the claims were checked at: the one read of the clock. */
  t: number
}

/** The result's payload: `options.schema`'s output when there is one (run last), else the payload itself. */
export async function shaped<R extends { payload: unknown }>(plan: VerifyPlan, r: R): Promise<R> {
  return plan.schema ? { ...r, payload: await runSchema(plan.schema, r.payload) } : r
}

/**
 * The node build's synchronous path (ARCHITECTURE.md, The backend seam): the whole
 * verification when the backend verified at once (src/jws/signature.ts), the payload
 * parsed without the closure the awaited path needs; undefined when it must be awaited.
 * `t` is a promise only with an issuer function. Undefined in the WebCrypto build.
 */
const verifiedNow = backendNow && ((plan: VerifyPlan, parts: CompactParts, key: KeyInput | KeyResolver, t?: number): (Omit<VerifiedJwt, 't'> & { t: number | Promise<number> }) | undefined => {
  const now = verifyPartsNow!(parts, key, plan.core)
  if (!now) return undefined
  const payload = parsePayload(parts)
  return { header: now.header, payload, key: now.key, desc: now.desc, alg: now.entry.alg, t: checkClaims(plan.claims, now.header, payload, t) }
})

/**
 * Verifies one token under a validated plan. A caching verifier passes the time it read
 * and the resolver's answer, when it has them; one-shot `verify` in the node build, the
 * parts it made when `verifiedNow` could not answer.
 */
export async function verifyPlanned(plan: VerifyPlan, token: unknown, key: KeyInput | KeyResolver, t?: number, answer?: unknown[], parsed?: CompactParts): Promise<VerifiedJwt> {
  // (backendNow first in each test: the WebCrypto bundle drops both at build time)
  const parts = (backendNow && parsed) || parseExplained(token, plan.maxLength)
  if (backendNow && !parsed) {
    const now = verifiedNow!(plan, parts, key, t)
    if (now) return typeof now.t === 'number' ? now as VerifiedJwt : { ...now, t: await now.t }
  }
  // The payload is parsed once the signature check has started (under WebCrypto, while it
  // runs off this thread), but what the parse found is only looked at once the signature
  // verified: a bad signature is reported before a bad payload, and claims after both.
  let payload: JsonObject | undefined
  const v = await verifyParts(parts, key, plan.core, answer, () => (payload ??= peekPayload(parts)))
  // A payload the early parse refused is parsed again, to throw what it found.
  payload ??= parsePayload(parts)
  const at = checkClaims(plan.claims, v.header, payload, t)
  // A promise only with an issuer function: the common path takes no extra turn.
  return { header: v.header, payload, key: v.key, desc: v.desc, alg: v.entry.alg, t: typeof at === 'number' ? at : await at }
}

/** The one-shot plan of the options seen last (see reusePlan). */
const PLANS: PlanSlot<VerifyPlan> = { memo: undefined }
// VERIFY_OPTIONS' Reader, in the node build only (src/jose/options.ts, Reader).
if (backendNow) PLANS.read = (o: Options<(typeof VERIFY_OPTIONS)[number]> = Object.create(null)) =>
  [o.issuer, o.audience, o.subject, o.typ, o.maxAge, o.clockTolerance, o.requiredClaims, o.now, o.algorithms, o.crit, o.maxTokenLength, o.schema]

/**
 * Verifies a JWT: structure, header, algorithm policy, key, signature, then claims. Keys
 * that pin no algorithm (RSA PEM, secrets) need `algorithms`; the header `alg` never
 * decides. Pass `issuer` and `audience`.
 *
 * @param token - the compact JWT
 * @param key - public key or secret, or a key resolver such as `createRemoteJwks(url)`
 * @param options - `algorithms`, `issuer`, `audience`, `clockTolerance`, …
 * @returns the verified `header` and `payload`, and the CryptoKey that verified
 *
 * @example
 * ```ts
 * import { verify, type Jwk } from 'isojwt'
 * declare const token: string, publicJwk: Jwk
 * const { payload } = await verify(token, publicJwk, { issuer: 'https://id.example', audience: 'api' })
 * ```
 */
export function verify<P = JwtPayload>(token: string, key: KeyInput | KeyResolver, options?: VerifyOptions & { schema?: undefined }): Promise<VerifyResult<P>>
export function verify<S extends StandardSchemaV1>(token: string, key: KeyInput | KeyResolver, options: Omit<VerifyOptions, 'schema'> & { schema: S }): Promise<VerifyResult<InferOutput<S>>>
export function verify<P = JwtPayload>(token: string, key: KeyInput | KeyResolver, options?: VerifyOptions): Promise<VerifyResult<P>>
export async function verify(token: string, key: KeyInput | KeyResolver, options?: VerifyOptions): Promise<VerifyResult<unknown>> {
  try {
    const plan = reusePlan(PLANS, options, VERIFY_OPTIONS, planVerify, arguments[3])
    // The node build's way past verifyPlanned's promise (bench/README.md, item 14): a key
    // given directly that the backend verified at once is verified here, with no second
    // async function; else verifyPlanned, given the parts made here, takes the awaited
    // path (a key still importing, a caller's own CryptoKey) or says what is wrong.
    // Tested on BACKEND: the WebCrypto bundle drops the body (a test of backendNow or
    // verifiedNow left 3–10 B more in it).
    let r: Omit<VerifiedJwt, 't'>
    if ((BACKEND as string) === 'node' && typeof key !== 'function') {
      const parts = parseExplained(token, plan.maxLength)
      const now = verifiedNow!(plan, parts, key)
      if (now && typeof now.t !== 'number') await now.t // an issuer function
      r = now || (await verifyPlanned(plan, token, key, undefined, undefined, parts))
    } else r = await verifyPlanned(plan, token, key)
    // The payload is options.schema's output when there is one (run last).
    return { header: r.header, payload: plan.schema ? await runSchema(plan.schema, r.payload) : r.payload, key: r.key }
  } catch (e) {
    throw toJoseError(e, 'ERR_JWS_INVALID', 'verification failed')
  }
}
