/**
 * The shared verification core: header rules → algorithm policy → key (direct or from
 * a resolver) → signature. JWT and JWS verification both run through here, so claims
 * are only ever looked at after this returned.
 */
import { fail, isJoseError, quote } from '../errors.ts'
import { checkHeader, type HeaderChecks } from '../jose/header.ts'
import { allows } from '../keys/policy.ts'
import { lookup, type AlgEntry } from '../jwa/registry.ts'
import { describeKey, type KeyDesc } from '../keys/describe.ts'
import { importFor } from '../keys/import.ts'
import type { Alg, JwsHeader, KeyInput, KeyResolver } from '../types.ts'
import type { CompactParts } from './compact.ts'
import { verifyWith } from './signature.ts'

export interface VerifyCore extends HeaderChecks {
  algorithms: readonly Alg[] | undefined
  /** What a resolver sees as `token.payload` (parsed lazily, unverified). */
  resolverPayload: (parts: CompactParts) => unknown
  /** HS* only when `algorithms` lists it (a profile's policy flag). */
  hmacOnlyIfListed?: boolean
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

/** At most this many candidate keys are tried per token (API.md, Key resolvers). */
const MAX_CANDIDATES = 3

/** Runs a resolver once (API.md, Key resolvers): its candidate keys, at most MAX_CANDIDATES. */
export async function resolveKeys(key: KeyResolver, header: JwsHeader, payload: () => unknown): Promise<unknown[]> {
  let got: unknown
  try {
    got = await key(header, Object.freeze({ payload: payload() }))
  } catch (e) {
    if (isJoseError(e)) throw e
    fail('ERR_JWKS_NO_MATCHING_KEY', 'the key resolver failed', { cause: e })
  }
  if (got === undefined || got === null) fail('ERR_JWKS_NO_MATCHING_KEY', 'the key resolver returned no key')
  if (!Array.isArray(got)) return [got]
  if (got.length === 0) fail('ERR_JWKS_NO_MATCHING_KEY', 'the key resolver returned no key')
  if (got.length > MAX_CANDIDATES) fail('ERR_JWKS_NO_MATCHING_KEY', `the key resolver returned more than ${MAX_CANDIDATES} candidate keys`)
  return [...(got as unknown[])]
}

const isKeySet = (key: KeyResolver): boolean => (key as unknown as Record<symbol, unknown>)[KEY_SET] === true

/**
 * The description of the candidate verification would try first (describable, allowed
 * for `alg`), or undefined when it would stop before trying one. A verified-token cache
 * hit holds only when this key equals the one that verified (API.md, Prepared).
 */
export function firstTried(key: KeyResolver, list: readonly unknown[], algorithms: readonly Alg[] | undefined, alg: Alg): KeyDesc | undefined {
  for (const candidate of list) {
    let desc: KeyDesc
    try {
      desc = describeKey(candidate)
    } catch {
      if (isKeySet(key)) continue
      return undefined
    }
    if (allows(desc, algorithms, alg)) return desc
  }
  return undefined
}

function notAllowed(entry: AlgEntry, fromResolver: boolean, pinsNothing: boolean, core: VerifyCore): never {
  fail('ERR_JOSE_ALG_NOT_ALLOWED', fromResolver
    ? `no key from the resolver allows ${entry.alg}`
    : `this key does not allow ${entry.alg}${pinsNothing && !core.algorithms ? ' (this key pins no algorithm: pass options.algorithms)' : ''}`)
}

/**
 * One key given directly (not a resolver): its errors are the caller's to see.
 * Synchronous when the key is already imported and the backend answers at once (node):
 * the hot path then allocates no promise of its own.
 */
function verifyDirect(parts: CompactParts, key: unknown, header: JwsHeader, entry: AlgEntry, core: VerifyCore): Verified | Promise<Verified> {
  const desc = describeKey(key)
  if (!allows(desc, core.algorithms, entry.alg)) notAllowed(entry, false, desc.pinned.length === 0, core)
  const cryptoKey = importFor(desc, entry, VERIFY)
  if ('then' in cryptoKey) return cryptoKey.then((k) => checkSignature(parts, desc, header, entry, k))
  return checkSignature(parts, desc, header, entry, cryptoKey)
}

function checkSignature(parts: CompactParts, desc: KeyDesc, header: JwsHeader, entry: AlgEntry, key: CryptoKey): Verified | Promise<Verified> {
  const verdict = (ok: boolean): Verified => {
    if (!ok) fail('ERR_JWS_SIGNATURE_INVALID', 'the signature does not verify')
    return { header, entry, key, desc }
  }
  const ok = verifyWith(entry, key, parts, parts.signingInput)
  return typeof ok === 'boolean' ? verdict(ok) : ok.then(verdict)
}

const VERIFY: KeyUsage[] = ['verify']

/**
 * Header rules, algorithm policy, key, signature. Throws synchronously or rejects, alike.
 * `answer`: the resolver's answer for this token when it already ran on this call.
 */
export function verifyParts(parts: CompactParts, key: KeyInput | KeyResolver, core: VerifyCore, answer?: unknown[]): Verified | Promise<Verified> {
  // The header is frozen (parseCompact) and its shape checked; crit, b64 and policy here.
  const header = parts.header as JwsHeader
  checkHeader(header, core)
  const entry = lookup(header.alg)
  // RFC 8725 §3.1: only algorithms the caller (and key) allow; "none" is not in the registry.
  if (!entry) fail('ERR_JOSE_ALG_NOT_ALLOWED', `algorithm ${quote(header.alg)} is not allowed`)
  if (core.algorithms && !core.algorithms.includes(entry.alg)) fail('ERR_JOSE_ALG_NOT_ALLOWED', `algorithm ${entry.alg} is not in options.algorithms`)
  // RFC 9068 §4, RFC 8725 §3.1 (the access-token profile): a key that pins HS* is not enough.
  if (core.hmacOnlyIfListed && !core.algorithms && entry.kty === 'oct') fail('ERR_JOSE_ALG_NOT_ALLOWED', `algorithm ${entry.alg} is allowed only when options.algorithms lists it`)
  return typeof key === 'function' ? verifyResolved(parts, key, header, entry, core, answer) : verifyDirect(parts, key, header, entry, core)
}

async function verifyResolved(parts: CompactParts, key: KeyResolver, header: JwsHeader, entry: AlgEntry, core: VerifyCore, answer?: unknown[]): Promise<Verified> {
  const list = answer ?? (await resolveKeys(key, header, () => core.resolverPayload(parts)))
  // Key sets skip keys that cannot be used (API.md, Key sets); other resolvers' keys must work.
  const keySet = isKeySet(key)
  let tried = 0
  let pinsNothing = false
  let misfit = false
  let importError: unknown
  for (const candidate of list) {
    let desc: KeyDesc
    try {
      desc = describeKey(candidate)
    } catch (e) {
      if (!keySet) throw e
      importError ??= e
      continue
    }
    pinsNothing ||= desc.pinned.length === 0
    if (!allows(desc, core.algorithms, entry.alg)) {
      misfit = true
      continue
    }
    let cryptoKey: CryptoKey
    try {
      cryptoKey = await importFor(desc, entry, VERIFY)
    } catch (e) {
      if (!keySet && list.length === 1) throw e
      importError ??= e
      continue
    }
    tried++
    if (await verifyWith(entry, cryptoKey, parts, parts.signingInput)) return { header, entry, key: cryptoKey, desc }
  }
  if (tried > 0) fail('ERR_JWS_SIGNATURE_INVALID', 'the signature does not verify')
  // A key set reports ERR_JWKS_NO_MATCHING_KEY only when import failures alone left nothing.
  if (importError && keySet && !misfit) fail('ERR_JWKS_NO_MATCHING_KEY', 'no usable key in the set fits the token', { cause: importError })
  if (importError && !keySet) throw importError
  notAllowed(entry, true, pinsNothing, core)
}
