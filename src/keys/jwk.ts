/**
 * JWK validation (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2): every member a signing key
 * uses is checked here, before WebCrypto sees the key, so the verdict does not depend on
 * a runtime's importer. Key types, curves and member sizes come from the registry. Only
 * the key members are handed on.
 */
import { fail, quote, keyInvalid } from '../errors.ts'
import { tryDecode } from '../encoding/base64url.ts'
import { ENTRIES, lookup, type Kty } from '../jwa/registry.ts'
import { bitLength } from './asn1.ts'
import type { Alg } from '../types.ts'
import { checkEd25519, checkExponent } from './weak.ts'

/** What a JWK says, as the key description takes it (src/keys/describe.ts). */
export interface JwkInfo {
  form: 'jwk'
  kty: Kty
  crv?: string | undefined
  /** RSA modulus or secret size. */
  bits?: number
  visibility: 'public' | 'private' | 'secret'
  /** The algorithm its "alg" pins. */
  pinned?: readonly Alg[] | undefined
  /** Usages key_ops permits (undefined: any). */
  ops?: ReadonlySet<string> | undefined
  /** The key members only, for WebCrypto. */
  material: Record<string, string>
  /** The names of the key members, alg, use and key_ops, and their values as read (`policyOf`). */
  policy: readonly [readonly string[], readonly unknown[]]
}

type Obj = Record<string, unknown>

/** Whether the JWK has its own member `name` (undefined counts as absent). */
const has = (jwk: Obj, name: string): boolean => Object.hasOwn(jwk, name) && jwk[name] !== undefined

/** RFC 7517 §4.2–4.3: "use" is "sig" (an "enc" key never verifies); key_ops holds unique strings. */
function checkUse(jwk: Obj): ReadonlySet<string> | undefined {
  if (has(jwk, 'use') && jwk.use !== 'sig') keyInvalid(`JWK "use" is ${quote(jwk.use)}, not "sig"`)
  if (!has(jwk, 'key_ops')) return undefined
  const ops = jwk.key_ops
  const set = Array.isArray(ops) && ops.every((op) => typeof op === 'string') ? new Set<string>(ops) : undefined
  if (!set || set.size !== (ops as string[]).length) keyInvalid('JWK "key_ops" must be an array of unique strings')
  return set
}

/**
 * An RSA JWK's members (RFC 7518 §6.3), read through the caller's `member` (which checks
 * each is base64url): the exponent's rules (weak.ts), no multi-prime keys, and all the
 * CRT members of a private key. Shared by the JWS and JWE key descriptions.
 */
export function rsaMembers(jwk: Obj, member: (name: string) => Uint8Array | undefined): { kty: 'RSA'; bits: number; visibility: 'private' | 'public' } {
  const n = member('n')!
  checkExponent(member('e')!)
  const d = has(jwk, 'd')
  if (d && has(jwk, 'oth')) fail('ERR_JOSE_NOT_SUPPORTED', 'JWK "oth" (multi-prime RSA) is not supported')
  if (d) for (const name of ['d', 'p', 'q', 'dp', 'dq', 'qi']) member(name)
  return { kty: 'RSA', bits: bitLength(n), visibility: d ? 'private' : 'public' }
}

/** Validates a JWK object and describes it. */
export function inspectJwk(jwk: Obj): JwkInfo {
  const { kty, crv } = jwk
  // RFC 7517 §5: a JWK Set is { keys: [...] }, not a key.
  if (typeof kty !== 'string') keyInvalid(Array.isArray(jwk.keys) ? 'use createLocalJwks for a JWK Set' : 'JWK "kty" must be a string')
  const ops = checkUse(jwk)
  const members: Record<string, string> = { kty }
  /** A base64url member, canonical, copied into `members`; its bytes (undefined when absent and optional). */
  const member = (name: string, required = true): Uint8Array | undefined => {
    if (!has(jwk, name) && !required) return undefined
    const v = jwk[name]
    const bytes = typeof v === 'string' ? tryDecode(v) : undefined
    if (!bytes) keyInvalid(`JWK "${name}" must be base64url`)
    members[name] = v as string
    return bytes
  }
  const types = ENTRIES.filter((e) => e.kty === kty)
  if (!types[0]) fail('ERR_JOSE_NOT_SUPPORTED', `JWK "kty" ${quote(kty)} is not supported`)
  let info: Pick<JwkInfo, 'kty' | 'crv' | 'bits' | 'visibility'> & { pinned?: Alg[] }
  if (kty === 'oct') {
    info = { kty, bits: member('k')!.length * 8, visibility: 'secret' }
  } else if (kty === 'RSA') {
    info = rsaMembers(jwk, member)
  } else {
    if (typeof crv !== 'string') keyInvalid('JWK "crv" must be a string')
    const size = types.find((e) => e.crv === crv)?.keyBytes
    if (!size) fail('ERR_JOSE_NOT_SUPPORTED', `JWK "crv" ${quote(crv)} is not supported`)
    members.crv = crv
    info = { kty: kty as Kty, crv, visibility: 'private' }
    // Each coordinate (EC x, y), public key (OKP x) and private key (d) is exactly `size` bytes.
    for (const name of kty === 'EC' ? ['x', 'y', 'd'] : ['x', 'd']) {
      const b = member(name, name !== 'd')
      if (!b) info.visibility = 'public'
      else if (b.length !== size) keyInvalid(`JWK "${name}" must be ${size} bytes for ${crv}`)
      else if (name === 'x' && crv === 'Ed25519') checkEd25519(b)
    }
  }
  if (has(jwk, 'alg')) {
    const e = lookup(jwk.alg)
    if (!e) keyInvalid(`JWK "alg" ${quote(jwk.alg)} is not supported`)
    if (e.kty !== kty || e.crv !== info.crv) keyInvalid(`JWK "alg" ${e.alg} does not fit a ${kty}${info.crv ? ` ${info.crv}` : ''} key`)
    info.pinned = [e.alg]
  }
  return { ...info, form: 'jwk', material: members, ops, policy: policyOf(jwk, members) }
}

/**
 * What decides how a JWK verifies: the names of its key members plus alg, use and
 * key_ops, and their values as read (key_ops copied: the caller's array may change).
 */
function policyOf(jwk: Obj, members: object): JwkInfo['policy'] {
  const names = [...Object.keys(members), 'alg', 'use', 'key_ops']
  return [names, names.map((k) => (Array.isArray(jwk[k]) ? [...(jwk[k] as unknown[])] : jwk[k]))]
}
