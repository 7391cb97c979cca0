/**
 * Producing a compact JWS (RFC 7515 §5.1) from a protected header built here: `alg`
 * first, then the caller's members. `none` cannot be produced: it is not in the registry.
 */
import { fail } from '../errors.ts'
import { encode } from '../encoding/base64url.ts'
import { utf8 } from '../encoding/utf8.ts'
import { critProblem } from '../jose/header.ts'
import { isPlainObject, stringify, type JsonObject } from '../jose/json.ts'
import { signingAlg } from '../jwa/policy.ts'
import { describeKey } from '../keys/describe.ts'
import { importFor } from '../keys/import.ts'
import { signWith } from './signature.ts'

/** Header members a caller may never set through `header`. */
const RESERVED = ['alg', 'b64', '__proto__']

/** Validates a caller's extra header members (API.md: no alg, b64, __proto__; crit only if allowed). */
export function checkExtraHeader(value: unknown, allowCrit: boolean): JsonObject | undefined {
  if (value === undefined) return undefined
  if (!isPlainObject(value)) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.header must be a plain object')
  for (const name of RESERVED) {
    if (Object.hasOwn(value, name)) fail('ERR_JOSE_INVALID_ARGUMENT', `options.header may not set "${name}"`)
  }
  if (Object.hasOwn(value, 'crit')) {
    if (!allowCrit) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.header may not set "crit"')
    const problem = critProblem(value)
    if (problem) fail('ERR_JOSE_INVALID_ARGUMENT', `options.header: ${problem}`)
  }
  return value
}

export interface SignRequest {
  key: unknown
  alg: unknown
  /** Members after alg, in order; undefined values are skipped. */
  members: readonly (readonly [string, unknown])[]
  extra: JsonObject | undefined
  payload: Uint8Array
}

export async function signCompact(req: SignRequest): Promise<string> {
  const desc = describeKey(req.key)
  const entry = signingAlg(desc, req.alg)
  const header: JsonObject = Object.create(null)
  header.alg = entry.alg
  for (const [k, v] of req.members) if (v !== undefined) header[k] = v
  if (req.extra) for (const k of Object.keys(req.extra)) header[k] = req.extra[k]
  const input = `${encode(utf8(stringify(header, 'the header')))}.${encode(req.payload)}`
  const key = await importFor(desc, entry, ['sign'])
  const signature = await signWith(entry, key, utf8(input))
  return `${input}.${encode(signature)}`
}
