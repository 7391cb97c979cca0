/**
 * The OAuth/OIDC profiles on `verify`'s one pipeline: a profile compiles into a
 * `VerifyPlan` (its `typ`, required claims and checks in the claim policy, run after the
 * generic ones; its HS*-only-if-listed rule as a flag of the JWS core), and tokens go
 * through `verifyPlanned` and `shaped`, as for `verify`.
 */
import { fail } from '../errors.ts'
import type { JsonObject } from '../jose/json.ts'
import { foreignHint, optString, optStrings, readOptions } from '../jose/options.ts'
import { checkAlgorithms } from '../jwa/policy.ts'
import { claimError, compileClaims, optIssuer, type Check } from '../jwt/claims.ts'
import { planFrom, type VerifyPlan } from '../jwt/verify.ts'
import type { IssuerFunction } from '../types.ts'

/** Reads a profile's options object: required, no unknown names. */
export function readProfileOptions<K extends string>(options: unknown, names: readonly K[]): ReturnType<typeof readOptions<K>> {
  if (options === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', 'options are required')
  return readOptions(options, names, foreignHint)
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', `${name} is required`)
  return value
}

/** A required option: a non-empty string. */
export const requiredString = (value: unknown, name: string): string => required(optString(value, name), name)

/** A required option: a non-empty string or a non-empty array of them. */
export const requiredStrings = (value: unknown, name: string): readonly string[] => required(optStrings(value, name), name)

/** The required `options.issuer` of a profile: a string, a list, or an `IssuerFunction` (API.md, JWT). */
export const requiredIssuer = (value: unknown): readonly string[] | IssuerFunction => required(optIssuer(value), 'options.issuer')

export interface ProfileSpec {
  algorithms: unknown
  maxTokenLength: unknown
  now: unknown
  clockTolerance: unknown
  issuer?: readonly string[] | IssuerFunction
  subject?: string
  audience?: readonly string[]
  /** The generic `typ` option (undefined = absent or JWT), or a check of its own. */
  typ: string | Check | undefined
  required: readonly string[]
  checks: readonly Check[]
  hmacOnlyIfListed?: boolean
  schema: unknown
}

/** Compiles a profile into `verify`'s plan, through the generic claim compiler (same order, same codes). */
export function planProfile(spec: ProfileSpec): VerifyPlan {
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

/** Claim-type guard for profile claims (not RFC 7519 ones): a string, when present. */
export function stringClaim(payload: JsonObject, claim: string): string | undefined {
  if (!Object.hasOwn(payload, claim)) return undefined
  const v = payload[claim]
  if (typeof v !== 'string') claimError(claim, 'invalid', `claim "${claim}" must be a string`, payload)
  return v
}
