/** `options.schema` (API.md, JWT): a Standard Schema v1, run last on the verified payload. */
import { fail, type JoseErrorDetails } from '../errors.ts'
import type { StandardSchemaV1 } from '../types.ts'

/** What a plan keeps of a schema (checked by `planFrom`): its `~standard` member, read once. */
export type Standard = StandardSchemaV1['~standard']

/**
 * The schema's output for a payload that passed every other check. Issues fail as
 * ERR_JWT_CLAIM_INVALID (`reason: 'schema'`, `claim` the first issue's top-level key,
 * `issues`); a schema that throws or answers no result fails the same way, with `cause`
 * (one message for both: the details tell them apart).
 */
export async function runSchema(schema: Standard, payload: unknown): Promise<unknown> {
  const details: JoseErrorDetails = { reason: 'schema', payload }
  try {
    const r = await schema.validate(payload)
    if (!(details.issues = r.issues)) return r.value
    // A path step is a key or { key }: the claim is the first issue's top-level key, when it names one.
    const step = details.issues[0]?.path?.[0] as { key?: unknown } | undefined
    const claim = step?.key ?? step
    if (typeof claim === 'string') details.claim = claim.slice(0, 64)
  } catch (cause) {
    details.cause = cause
  }
  fail('ERR_JWT_CLAIM_INVALID', 'options.schema failed', details)
}
