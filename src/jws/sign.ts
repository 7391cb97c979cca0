/**
 * Producing a compact JWS (RFC 7515 §5.1) from a protected header built here: `alg`
 * first, then the caller's members. `none` cannot be produced: it is not in the registry.
 */
import { encode, encodeText } from '../encoding/base64url.ts'
import { checkCrit, STRING_MEMBERS } from '../jose/header.ts'
import { isPlainObject, stringify, type JsonObject } from '../jose/json.ts'
import { invalid, twice } from '../jose/options.ts'
import { signingAlg } from '../keys/policy.ts'
import type { AlgEntry } from '../jwa/registry.ts'
import { describeKey, type KeyDesc } from '../keys/describe.ts'
import { importFor } from '../keys/import.ts'
import { signNow, signText } from './signature.ts'

/**
 * Validates a caller's extra header members (API.md: no alg, b64, __proto__; crit only if
 * allowed), and refuses `typ` or `kid` given both there and in `options` (`given`).
 */
export function checkExtraHeader(value: unknown, allowCrit: boolean, given: { readonly typ?: unknown; readonly kid?: unknown }): JsonObject | undefined {
  if (value === undefined) return undefined
  if (!isPlainObject(value)) invalid('options.header must be a plain object')
  for (const name of ['alg', 'b64', '__proto__', ...(allowCrit ? [] : ['crit'])]) {
    if (Object.hasOwn(value, name)) invalid(`options.header may not set "${name}"`)
  }
  for (const name of STRING_MEMBERS) {
    if (Object.hasOwn(value, name) && typeof value[name] !== 'string') invalid(`options.header "${name}" must be a string`)
  }
  for (const name of ['typ', 'kid'] as const) if (given[name] !== undefined && Object.hasOwn(value, name)) twice(name, 'options.header', name)
  if (Object.hasOwn(value, 'crit')) checkCrit(value, 'ERR_JOSE_INVALID_ARGUMENT', 'options.header: ')
  // A copy: what was checked is what gets signed, even if the caller's object changes
  // later (createSigner keeps its plan). Spread defines own properties, no setters run.
  return { ...value }
}

/** What signCompact builds a header from (a JWT sign plan is one). */
export interface SignHead {
  alg: unknown
  /** Header `typ` (JWT only); undefined omits it. */
  typ?: string | undefined
  /** Header `kid`; defaults to the `kid` of a JWK key unless `extra` sets one. */
  kid?: string | undefined
  extra: JsonObject | undefined
}

/** The `kid` of a JWK key, used as the default header `kid`. */
function jwkKid(key: unknown): string | undefined {
  try {
    return isPlainObject(key) && Object.hasOwn(key, 'kid') && typeof key.kid === 'string' ? key.kid : undefined
  } catch {
    return undefined // a hostile key object: describeKey reports it
  }
}

/** A header already built and encoded for one key (createSigner reuses it per call), and the key once the backend signed with it at once (node). */
export interface HeaderMemo {
  entry: AlgEntry
  kid: string | undefined
  segment: string
  key?: CryptoKey | undefined
}

const SIGN: KeyUsage[] = ['sign']

/**
 * Signs a compact JWS over `payload`: bytes, or JSON text (well-formed: JSON.stringify
 * escapes lone surrogates) signed as UTF-8. With `memo` (a prepared signer's, or a remembered one-shot plan's),
 * the encoded header is built once per key description and reused while the key's
 * default `kid` is unchanged, and so is the key once the backend signed with it at once.
 */
export async function signCompact(req: SignHead, key: unknown, payload: Uint8Array | string, memo?: WeakMap<KeyDesc, HeaderMemo>): Promise<string> {
  const desc = describeKey(key)
  const extra = req.extra
  // checkExtraHeader refused a `kid` both in `extra` and in the options.
  const kid = req.kid ?? (extra && Object.hasOwn(extra, 'kid') ? undefined : jwkKid(key))
  let m = memo?.get(desc)
  if (!m || m.kid !== kid) {
    const entry = signingAlg(desc, req.alg)
    const header: JsonObject = Object.create(null)
    header.alg = entry.alg
    if (req.typ !== undefined && !(extra && Object.hasOwn(extra, 'typ'))) header.typ = req.typ
    if (kid !== undefined) header.kid = kid
    m = { entry, kid, segment: encodeText(stringify(Object.assign(header, extra), 'the header')) }
    memo?.set(desc, m)
  }
  const input = `${m.segment}.${typeof payload === 'string' ? encodeText(payload) : encode(payload)}`
  const entry = m.entry
  // The backend's synchronous path first (src/jws/signature.ts), else the awaited one.
  const k = m.key ?? importFor(desc, entry, SIGN)
  const now = signNow?.(entry, k, input)
  // In hand (signNow took it): importFor's answer for this description, which does not change.
  if (now !== undefined) m.key = k as CryptoKey
  return `${input}.${now ?? (await signText(entry, await k, input))}`
}
