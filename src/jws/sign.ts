/**
 * Producing a compact JWS (RFC 7515 §5.1) from a protected header built here: `alg`
 * first, then the caller's members. `none` cannot be produced: it is not in the registry.
 */
import { fail } from '../errors.ts'
import { encode } from '../encoding/base64url.ts'
import { ascii, utf8 } from '../encoding/utf8.ts'
import { critProblem, STRING_MEMBERS } from '../jose/header.ts'
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
  for (const name of STRING_MEMBERS) {
    if (Object.hasOwn(value, name) && typeof value[name] !== 'string') fail('ERR_JOSE_INVALID_ARGUMENT', `options.header "${name}" must be a string`)
  }
  if (Object.hasOwn(value, 'crit')) {
    if (!allowCrit) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.header may not set "crit"')
    const problem = critProblem(value)
    if (problem) fail('ERR_JOSE_INVALID_ARGUMENT', `options.header: ${problem}`)
  }
  // A copy: what was checked is what gets signed, even if the caller's object changes
  // later (createSigner keeps its plan). Spread defines own properties, no setters run.
  return { ...value }
}

export interface SignRequest {
  key: unknown
  alg: unknown
  /** Header `typ` (JWT only); undefined omits it. */
  typ?: string | undefined
  /** Header `kid`; defaults to the `kid` of a JWK key unless `extra` sets one. */
  kid?: string | undefined
  extra: JsonObject | undefined
  payload: Uint8Array
}

/** The `kid` of a JWK key, used as the default header `kid`. */
function jwkKid(key: unknown): string | undefined {
  try {
    if (!isPlainObject(key) || !Object.hasOwn(key, 'kid')) return undefined
    return typeof key.kid === 'string' ? key.kid : undefined
  } catch {
    return undefined // a hostile key object: describeKey reports it
  }
}

export async function signCompact(req: SignRequest): Promise<string> {
  const desc = describeKey(req.key)
  const entry = signingAlg(desc, req.alg)
  const extra = req.extra
  const inExtra = (name: string): boolean => extra !== undefined && Object.hasOwn(extra, name)
  if (req.kid !== undefined && inExtra('kid')) fail('ERR_JOSE_INVALID_ARGUMENT', '"kid" is given both in options.header and options.kid')
  const header: JsonObject = Object.create(null)
  header.alg = entry.alg
  if (req.typ !== undefined && !inExtra('typ')) header.typ = req.typ
  const kid = req.kid ?? (inExtra('kid') ? undefined : jwkKid(req.key))
  if (kid !== undefined) header.kid = kid
  if (extra) for (const k of Object.keys(extra)) header[k] = extra[k]
  const input = `${encode(utf8(stringify(header, 'the header')))}.${encode(req.payload)}`
  const key = await importFor(desc, entry, ['sign'])
  const signature = await signWith(entry, key, ascii(input))
  return `${input}.${encode(signature)}`
}
