/**
 * The shared verification core: header rules → algorithm policy → key (direct or from
 * a resolver) → signature. JWT and JWS verification both run through here, so claims
 * are only ever looked at after this returned.
 */
import { fail, isJoseError, quote, type JoseErrorDetails } from '../errors.ts'
import { checkHeader, type HeaderChecks } from '../jose/header.ts'
import { allows } from '../keys/policy.ts'
import { lookup, type AlgEntry } from '../jwa/registry.ts'
import { describeKey, type KeyDesc } from '../keys/describe.ts'
import { importFor } from '../keys/import.ts'
import type { Alg, JwsHeader, KeyInput, KeyResolver } from '../types.ts'
import type { CompactParts } from './compact.ts'
import { backendNow, verifyNow, verifyWith } from './signature.ts'

export interface VerifyCore extends HeaderChecks {
  algorithms: readonly Alg[] | undefined
  /** What a resolver sees as `token.payload` (parsed lazily, unverified). */
  resolverPayload: (parts: CompactParts) => unknown
  /** HS* only when `algorithms` lists it (a profile's policy flag). */
  hmacOnlyIfListed?: boolean | undefined
}

export interface Verified {
  header: JwsHeader
  entry: AlgEntry
  key: CryptoKey
  /** The description of the key that verified: what a verified-token cache compares a later key with. */
  desc: KeyDesc
}

/** Marks resolvers that are key sets (createLocalJwks, createRemoteJwks): candidates that
 * cannot be used are skipped, and a set left with none of them is ERR_JWKS_NO_MATCHING_KEY.
 * Registry symbols (Symbol.for), so a set made by one copy of the package (the CJS build,
 * another install) keeps its meaning in another (API.md, Key sets). */
export const KEY_SET: unique symbol = /* @__PURE__ */ Symbol.for('isojwt.keySet') as never

/** A resolver's own policy check, run with the caller's `algorithms` before its keys are
 * used (embeddedJwk's, src/jws/embedded.ts: API.md requires asymmetric algorithms with it). */
export const POLICY: unique symbol = /* @__PURE__ */ Symbol.for('isojwt.resolverPolicy') as never

/** At most this many candidate keys are tried per token (API.md, Key resolvers). */
const MAX_CANDIDATES = 3

const noKey = (why: string, details?: JoseErrorDetails): never => fail('ERR_JWKS_NO_MATCHING_KEY', why, details)

/** Runs a resolver once (API.md, Key resolvers): its candidate keys, at most MAX_CANDIDATES. */
export async function resolveKeys(key: KeyResolver, header: JwsHeader, payload: () => unknown): Promise<unknown[]> {
  let got: unknown
  try {
    got = await key(header, Object.freeze({ payload: payload() }))
  } catch (e) {
    if (isJoseError(e)) throw e
    noKey('the key resolver failed', { cause: e })
  }
  if (got == null || (Array.isArray(got) && got.length === 0)) noKey('the key resolver returned no key')
  if (!Array.isArray(got)) return [got]
  // The length first: a sparse array of 2^32 - 1 holes is not copied.
  if (got.length > MAX_CANDIDATES) noKey(`the key resolver returned over ${MAX_CANDIDATES} keys`)
  return [...(got as unknown[])]
}

const isKeySet = (key: unknown): boolean => typeof key === 'function' && (key as unknown as Record<symbol, unknown>)[KEY_SET] === true

/** describeKey, or undefined when the key does not describe. */
export const described = (key: unknown): KeyDesc | undefined => {
  try {
    return describeKey(key)
  } catch {
    return undefined
  }
}

/**
 * The description of the candidate verification would try first (describable, allowed
 * for `alg`), or undefined when it would stop before trying one. A verified-token cache
 * hit holds only when this key equals the one that verified (API.md, Prepared).
 */
export function firstTried(key: KeyResolver, list: readonly unknown[], algorithms: readonly Alg[] | undefined, alg: Alg): KeyDesc | undefined {
  for (const candidate of list) {
    const desc = described(candidate)
    if (desc ? allows(desc, algorithms, alg) : !isKeySet(key)) return desc
  }
  return undefined
}

const VERIFY: KeyUsage[] = ['verify']

/** Header rules and algorithm policy: the registry entry of the token's `alg`. */
function entryOf(header: JwsHeader, core: VerifyCore): AlgEntry {
  // The header is frozen (parseExplained) and its shape checked; crit, b64 and policy here.
  checkHeader(header, core)
  const entry = lookup(header.alg)
  const algorithms = core.algorithms
  // RFC 8725 §3.1: only algorithms the caller (and key) allow; "none" is not in the registry.
  // Without algorithms, RFC 9068 §4, RFC 8725 §3.1 (the access-token profile): a key that pins HS* is not enough.
  if (!entry || (algorithms ? !algorithms.includes(entry.alg) : core.hmacOnlyIfListed && entry.kty === 'oct')) {
    fail('ERR_JOSE_ALG_NOT_ALLOWED', `algorithm ${quote(header.alg)} is not allowed${algorithms ? ' by options.algorithms' : ''}`)
  }
  return entry
}

/**
 * `verifyParts` for a key given directly, without a promise, where the backend can
 * (`verifyNow`, ARCHITECTURE.md, The backend seam; undefined without one). It answers
 * undefined when it cannot, or when the key does not allow the alg: the caller then
 * awaits `verifyParts`, which starts over and says what is wrong. What it throws is
 * what `verifyParts` would throw.
 */
export const verifyPartsNow = backendNow && ((parts: CompactParts, key: KeyInput | KeyResolver, core: VerifyCore): Verified | undefined => {
  if (typeof key === 'function') return undefined
  const header = parts.header as JwsHeader
  const entry = entryOf(header, core)
  const desc = describeKey(key)
  if (!allows(desc, core.algorithms, entry.alg)) return undefined
  const cryptoKey = importFor(desc, entry, VERIFY)
  const ok = verifyNow!(entry, cryptoKey, parts, parts.signingInput)
  if (ok === undefined) return undefined
  if (!ok) fail('ERR_JWS_SIGNATURE_INVALID', 'the signature does not verify')
  return { header, entry, key: cryptoKey as CryptoKey, desc }
})

/**
 * Header rules, algorithm policy, key, signature. `answer`: the resolver's answer for
 * this token when it already ran on this call; `meanwhile`: work to do while a signature
 * is being checked (WebCrypto works off this thread), run once the check has started.
 */
export async function verifyParts(parts: CompactParts, key: KeyInput | KeyResolver, core: VerifyCore, answer?: unknown[], meanwhile?: () => void): Promise<Verified> {
  const header = parts.header as JwsHeader
  const entry = entryOf(header, core)
  const alg = entry.alg
  const algorithms = core.algorithms
  const direct = typeof key !== 'function'
  // A key given directly is a list of one whose errors are the caller's to see; key sets
  // skip keys that cannot be used (API.md, Key sets); other resolvers' keys must work.
  // A resolver with its own policy (embeddedJwk) checks the caller's algorithms before its keys are used.
  const list = direct ? [key] : ((key as unknown as Record<symbol, ((a: typeof algorithms) => void) | undefined>)[POLICY]?.(algorithms), answer ?? (await resolveKeys(key, header, () => core.resolverPayload(parts))))
  const keySet = isKeySet(key)
  let tried = 0
  let misfit = false
  let importError: unknown
  for (const candidate of list) {
    let desc: KeyDesc | undefined
    let cryptoKey: CryptoKey
    try {
      desc = describeKey(candidate)
      if (!allows(desc, algorithms, alg)) {
        misfit = true
        continue
      }
      cryptoKey = await importFor(desc, entry, VERIFY)
    } catch (e) {
      // Outside a key set, a key that does not describe is the caller's error, and so is
      // the failed import of a lone candidate.
      if (!keySet && (!desc || list.length === 1)) throw e
      importError ??= e
      continue
    }
    tried++
    const verdict = verifyWith(entry, cryptoKey, parts, parts.signingInput)
    meanwhile?.()
    if (await verdict) return { header, entry, key: cryptoKey, desc: desc! }
  }
  if (tried > 0) fail('ERR_JWS_SIGNATURE_INVALID', 'the signature does not verify')
  // A key set reports ERR_JWKS_NO_MATCHING_KEY only when import failures alone left nothing.
  if (importError && keySet && !misfit) noKey('no key in the set is usable', { cause: importError })
  if (importError && !keySet) throw importError
  // A key given directly was described in the loop (else it threw): describeKey answers from its cache.
  fail('ERR_JOSE_ALG_NOT_ALLOWED', direct
    ? `the key does not allow ${alg}${algorithms || describeKey(key).pinned.length ? '' : ': pass options.algorithms'}`
    : `no key from the resolver allows ${alg}`)
}
