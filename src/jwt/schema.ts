/** `options.schema` (API.md, JWT): a Standard Schema v1, run last on the verified payload. */
import { fail, quote } from '../errors.ts'
import { invalid } from '../jose/options.ts'
import type { StandardSchemaV1 } from '../types.ts'

/** Plan time: undefined, or an object with a version 1 `~standard` whose `validate` is a function. */
export function checkSchema(value: unknown): StandardSchemaV1 | undefined {
  const s = (value as Partial<StandardSchemaV1> | undefined)?.['~standard']
  return value === undefined || (s?.version === 1 && typeof s.validate === 'function') ? value as StandardSchemaV1 | undefined : invalid('options.schema must be a Standard Schema')
}

/**
 * The schema's output for a payload that passed every other check. Issues fail as
 * ERR_JWT_CLAIM_INVALID (`reason: 'schema'`, `claim` the first issue's top-level key,
 * `issues`); a schema that throws or answers no result fails the same way, with `cause`.
 */
export async function runSchema(schema: StandardSchemaV1, payload: unknown): Promise<unknown> {
  let issues, claim
  try {
    const r = await schema['~standard'].validate(payload)
    if (!r.issues) return r.value
    issues = r.issues
    // A path step is a key or { key }: the claim is the first issue's top-level key, when it names one.
    const first = issues[0]?.path?.[0] as { key?: unknown } | undefined
    claim = ([first?.key, first].find((k) => typeof k === 'string') as string | undefined)?.slice(0, 64)
  } catch (cause) {
    fail('ERR_JWT_CLAIM_INVALID', 'options.schema failed', { reason: 'schema', cause, payload })
  }
  fail('ERR_JWT_CLAIM_INVALID', `the payload does not match options.schema${claim ? ` at ${quote(claim)}` : ''}`, { claim, reason: 'schema', issues, payload })
}
