/**
 * The shared core of the OAuth/OIDC profiles: the JWT pipeline (structure → header →
 * policy → key → signature → payload → claims) with a fixed `typ`, the profile's
 * required claims, and profile checks that run after the generic claim checks.
 */
import { fail, type ClaimFailureReason } from '../errors.ts'
import type { JsonObject } from '../jose/json.ts'
import { foreignHint, optString, optStrings, readOptions } from '../jose/options.ts'
import { checkAlgorithms } from '../jwa/policy.ts'
import { lookup, type AlgEntry } from '../jwa/registry.ts'
import { compileClaims } from '../jwt/claims.ts'
import { planFrom, shaped, verifyPlanned, type VerifyPlan } from '../jwt/verify.ts'
import type { JwsHeader, KeyInput, KeyResolver } from '../types.ts'

/** What a profile check sees: the verified header and payload, t (seconds) and the tolerance. */
export type ProfileCtx = { header: Readonly<JsonObject>; payload: JsonObject; t: number; tol: number }
export type ProfileCheck = (c: ProfileCtx) => void

/** A profile's plan is `verify`'s: the same pipeline, with its checks compiled in. */
export type ProfilePlan = VerifyPlan

export interface ProfileResult {
  header: JwsHeader
  payload: JsonObject
  key: CryptoKey
  entry: AlgEntry
}

/** A claim failure after the signature verified: carries the verified payload. */
export function claimFail(claim: string, reason: ClaimFailureReason, message: string, payload: unknown): never {
  fail('ERR_JWT_CLAIM_INVALID', message, { claim, reason, payload })
}

/** Reads a profile's options object: required, no unknown names. */
export function readProfileOptions<K extends string>(options: unknown, names: readonly K[]): ReturnType<typeof readOptions<K>> {
  if (options === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', 'options are required')
  return readOptions(options, names, foreignHint)
}

/** A required option: a non-empty string. */
export function requiredString(value: unknown, name: string): string {
  const s = optString(value, name)
  if (s === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', `${name} is required`)
  return s
}

/** A required option: a non-empty string or a non-empty array of them. */
export function requiredStrings(value: unknown, name: string): readonly string[] {
  const s = optStrings(value, name)
  if (s === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', `${name} is required`)
  return s
}

export interface ProfileSpec {
  algorithms: unknown
  maxTokenLength: unknown
  now: unknown
  clockTolerance: unknown
  issuer?: readonly string[]
  subject?: string
  audience?: readonly string[]
  /** The generic `typ` option (undefined = absent or JWT), or a check of its own. */
  typ: string | ProfileCheck | undefined
  required: readonly string[]
  checks: readonly ProfileCheck[]
  hmacOnlyIfListed?: boolean
  schema: unknown
}

/** Compiles a profile into `verify`'s plan, through the generic claim compiler (same order, same codes). */
export function planProfile(spec: ProfileSpec): ProfilePlan {
  const ownTyp = typeof spec.typ === 'function' ? spec.typ : undefined
  const claims = compileClaims({
    issuer: spec.issuer, subject: spec.subject, audience: spec.audience, now: spec.now,
    clockTolerance: spec.clockTolerance, requiredClaims: [...spec.required],
    typ: ownTyp ? false : spec.typ,
  }, spec.checks)
  // typ runs first (API.md, claim order): a profile's own typ rule replaces the no-op one.
  return planFrom(checkAlgorithms(spec.algorithms), spec.maxTokenLength, ownTyp ? { ...claims, checks: [ownTyp, ...claims.checks] } : claims,
    spec.schema, undefined, spec.hmacOnlyIfListed)
}

/** Verifies a token under a profile plan, as `verify` does; the caller runs any asynchronous checks after. */
export async function verifyProfile(plan: ProfilePlan, token: unknown, key: KeyInput | KeyResolver): Promise<ProfileResult> {
  const v = verifyPlanned(plan, token, key)
  const r = 'then' in v ? await v : v
  return { header: r.header, payload: r.payload, key: r.key, entry: lookup(r.alg)! }
}

/** The profile's result with `options.schema`'s output as its payload: run last, after the caller's asynchronous checks. */
export const withSchema = async <R extends { payload: unknown }>(plan: ProfilePlan, r: R): Promise<R> => shaped(plan, r)

/** Claim-type guard for profile claims (not RFC 7519 ones): a string, when present. */
export function stringClaim(payload: JsonObject, claim: string): string | undefined {
  if (!Object.hasOwn(payload, claim)) return undefined
  const v = payload[claim]
  if (typeof v !== 'string') claimFail(claim, 'invalid', `claim "${claim}" must be a string`, payload)
  return v
}
