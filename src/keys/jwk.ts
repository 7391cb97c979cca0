/**
 * JWK validation (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2): every member a signing key
 * uses is checked here, before WebCrypto sees the key, so the verdict does not depend on
 * a runtime's importer. Only the key members are handed on.
 */
import { fail, quote } from '../errors.ts'
import { tryDecode } from '../encoding/base64url.ts'
import { lookup, type Kty } from '../jwa/registry.ts'
import { bitLength } from './asn1.ts'
import type { Alg } from '../types.ts'
import { checkEd25519, checkExponent } from './weak.ts'

export interface JwkInfo {
  kty: Kty
  crv?: string
  rsaBits?: number
  secretBytes?: number
  visibility: 'public' | 'private' | 'secret'
  alg?: Alg
  /** Usages key_ops/use permit (undefined: any). */
  ops?: ReadonlySet<string>
  /** The key members only, for WebCrypto. */
  members: Record<string, string>
}

/** Key members' byte length by key type and curve (RFC 7518 §6.2.1.2, RFC 8037 §2). */
const SIZES: ReadonlyMap<string, number> = /* @__PURE__ */ new Map([['EC P-256', 32], ['EC P-384', 48], ['EC P-521', 66], ['OKP Ed25519', 32]])
const RSA_PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const

type Obj = Record<string, unknown>

/** Whether the JWK has its own member `name` (undefined counts as absent). */
const has = (jwk: Obj, name: string): boolean => Object.hasOwn(jwk, name) && jwk[name] !== undefined

/** A base64url member: present, a string, canonical; copies it into `m` and returns its bytes. */
function member(jwk: Obj, name: string, required: boolean, m: Record<string, string>): Uint8Array | undefined {
  if (!has(jwk, name)) {
    if (required) fail('ERR_KEY_INVALID', `JWK member "${name}" is missing`)
    return undefined
  }
  const v = jwk[name]
  const bytes = typeof v === 'string' ? tryDecode(v) : undefined
  if (bytes === undefined) fail('ERR_KEY_INVALID', `JWK member "${name}" is not a base64url string`)
  m[name] = v as string
  return bytes
}

/** `RSA`, `EC P-256`, … as messages name a kind of key. */
export const keyKind = (kty: string, crv: string | undefined): string => `${kty}${crv ? ` ${crv}` : ''}`

function checkUse(jwk: Obj): ReadonlySet<string> | undefined {
  // RFC 7517 §4.2: "sig" for signatures; an "enc" key is never used to verify.
  if (has(jwk, 'use') && jwk.use !== 'sig') fail('ERR_KEY_INVALID', `JWK "use" is ${quote(jwk.use)}, not "sig"`)
  if (!has(jwk, 'key_ops')) return undefined
  const ops = jwk.key_ops
  if (!Array.isArray(ops)) fail('ERR_KEY_INVALID', 'JWK "key_ops" must be an array')
  const set = new Set<string>()
  for (const op of ops as unknown[]) {
    if (typeof op !== 'string' || set.has(op)) fail('ERR_KEY_INVALID', 'JWK "key_ops" must hold unique strings (RFC 7517 §4.3)')
    set.add(op)
  }
  return set
}

function checkAlg(jwk: Obj, kty: Kty, crv: string | undefined): Alg | undefined {
  if (!has(jwk, 'alg')) return undefined
  const entry = lookup(jwk.alg)
  if (!entry) fail('ERR_KEY_INVALID', `JWK "alg" ${quote(jwk.alg)} is not a supported JWS algorithm`)
  if (entry.kty !== kty || (entry.crv !== undefined && entry.crv !== crv)) {
    fail('ERR_KEY_INVALID', `JWK "alg" ${entry.alg} does not fit a ${keyKind(kty, crv)} key`)
  }
  return entry.alg
}

function rsa(jwk: Obj, m: Record<string, string>): Pick<JwkInfo, 'rsaBits' | 'visibility'> {
  const n = member(jwk, 'n', true, m)!
  checkExponent(member(jwk, 'e', true, m)!)
  const rsaBits = bitLength(n)
  if (!has(jwk, 'd')) return { rsaBits, visibility: 'public' }
  if (has(jwk, 'oth')) fail('ERR_JOSE_NOT_SUPPORTED', 'multi-prime RSA keys ("oth") are not supported')
  for (const name of RSA_PRIVATE) member(jwk, name, true, m)
  return { rsaBits, visibility: 'private' }
}

/** EC (x, y, d) and OKP (x, d) members: each exactly `size` bytes. */
function curveKey(jwk: Obj, crv: string, size: number, names: readonly string[], m: Record<string, string>): JwkInfo['visibility'] {
  for (const name of names) {
    const b = member(jwk, name, name !== 'd', m)
    if (b === undefined) return 'public'
    if (b.length !== size) fail('ERR_KEY_INVALID', `JWK "${name}" must be ${size} bytes for ${crv}`)
    if (name === 'x' && crv === 'Ed25519') checkEd25519(b)
  }
  return 'private'
}

/** Validates a JWK object and describes it. */
export function inspectJwk(jwk: Obj): JwkInfo {
  const kty = jwk.kty
  if (typeof kty !== 'string') {
    // RFC 7517 §5: a JWK Set is { keys: [...] }, not a key.
    fail('ERR_KEY_INVALID', Array.isArray(jwk.keys) ? 'a JWK Set is not a key: use createLocalJwks(set)' : 'JWK "kty" must be a string')
  }
  const ops = checkUse(jwk)
  const members: Record<string, string> = { kty }
  let info: Omit<JwkInfo, 'ops' | 'members' | 'alg'>
  if (kty === 'RSA') {
    info = { kty, ...rsa(jwk, members) }
  } else if (kty === 'EC' || kty === 'OKP') {
    const crv = jwk.crv
    if (typeof crv !== 'string') fail('ERR_KEY_INVALID', 'JWK "crv" must be a string')
    const size = SIZES.get(`${kty} ${crv}`)
    if (!size) fail('ERR_JOSE_NOT_SUPPORTED', `JWK curve ${quote(crv)} is not supported`)
    members.crv = crv
    info = { kty, crv, visibility: curveKey(jwk, crv, size, kty === 'EC' ? ['x', 'y', 'd'] : ['x', 'd'], members) }
  } else if (kty === 'oct') {
    info = { kty, secretBytes: member(jwk, 'k', true, members)!.length, visibility: 'secret' }
  } else {
    fail('ERR_JOSE_NOT_SUPPORTED', `JWK key type ${quote(kty)} is not supported`)
  }
  const alg = checkAlg(jwk, info.kty, info.crv)
  return { ...info, members, ...(alg ? { alg } : {}), ...(ops ? { ops } : {}) }
}
