/**
 * JWK validation (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2): every member a signing key
 * uses is checked here, before WebCrypto sees the key, so the verdict does not depend on
 * a runtime's importer. Only the key members are handed on.
 */
import { fail, quote } from '../errors.ts'
import { tryDecode } from '../encoding/base64url.ts'
import { lookup, type Kty } from '../jwa/registry.ts'
import type { Alg } from '../types.ts'

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

const COORD: ReadonlyMap<string, number> = /* @__PURE__ */ new Map([['P-256', 32], ['P-384', 48], ['P-521', 66]])
const RSA_PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const

type Obj = Record<string, unknown>

/** A base64url member: present, a string, canonical; returns its bytes. */
function member(jwk: Obj, name: string, required: boolean): Uint8Array | undefined {
  if (!Object.hasOwn(jwk, name) || jwk[name] === undefined) {
    if (required) fail('ERR_KEY_INVALID', `JWK member "${name}" is missing`)
    return undefined
  }
  const v = jwk[name]
  const bytes = typeof v === 'string' ? tryDecode(v) : undefined
  if (bytes === undefined) fail('ERR_KEY_INVALID', `JWK member "${name}" is not a base64url string`)
  return bytes
}

function bitLength(b: Uint8Array): number {
  let i = 0
  while (i < b.length && b[i] === 0) i++
  return i === b.length ? 0 : (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]!))
}

function checkUse(jwk: Obj): ReadonlySet<string> | undefined {
  if (Object.hasOwn(jwk, 'use') && jwk.use !== undefined) {
    // RFC 7517 §4.2: "sig" for signatures; an "enc" key is never used to verify.
    if (jwk.use !== 'sig') fail('ERR_KEY_INVALID', `JWK "use" is ${quote(jwk.use)}, not "sig"`)
  }
  if (!Object.hasOwn(jwk, 'key_ops') || jwk.key_ops === undefined) return undefined
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
  if (!Object.hasOwn(jwk, 'alg') || jwk.alg === undefined) return undefined
  const entry = lookup(jwk.alg)
  if (!entry) fail('ERR_KEY_INVALID', `JWK "alg" ${quote(jwk.alg)} is not a supported JWS algorithm`)
  if (entry.kty !== kty || (entry.crv !== undefined && entry.crv !== crv)) {
    fail('ERR_KEY_INVALID', `JWK "alg" ${entry.alg} does not fit a ${kty}${crv ? ` ${crv}` : ''} key`)
  }
  return entry.alg
}

function rsa(jwk: Obj, m: Record<string, string>): Pick<JwkInfo, 'rsaBits' | 'visibility'> {
  const n = member(jwk, 'n', true)!
  const e = member(jwk, 'e', true)!
  if (bitLength(e) < 2) fail('ERR_KEY_INVALID', 'JWK RSA exponent is invalid')
  m.n = jwk.n as string
  m.e = jwk.e as string
  const rsaBits = bitLength(n)
  if (!Object.hasOwn(jwk, 'd') || jwk.d === undefined) return { rsaBits, visibility: 'public' }
  if (Object.hasOwn(jwk, 'oth') && jwk.oth !== undefined) fail('ERR_JOSE_NOT_SUPPORTED', 'multi-prime RSA keys ("oth") are not supported')
  for (const name of RSA_PRIVATE) {
    member(jwk, name, true)
    m[name] = jwk[name] as string
  }
  return { rsaBits, visibility: 'private' }
}

function ec(jwk: Obj, crv: string, m: Record<string, string>): JwkInfo['visibility'] {
  const size = COORD.get(crv)!
  for (const name of ['x', 'y'] as const) {
    if (member(jwk, name, true)!.length !== size) fail('ERR_KEY_INVALID', `JWK "${name}" has the wrong length for ${crv}`)
    m[name] = jwk[name] as string
  }
  const d = member(jwk, 'd', false)
  if (d === undefined) return 'public'
  if (d.length !== size) fail('ERR_KEY_INVALID', `JWK "d" has the wrong length for ${crv}`)
  m.d = jwk.d as string
  return 'private'
}

function okp(jwk: Obj, m: Record<string, string>): JwkInfo['visibility'] {
  if (member(jwk, 'x', true)!.length !== 32) fail('ERR_KEY_INVALID', 'JWK "x" must be 32 bytes for Ed25519')
  m.x = jwk.x as string
  const d = member(jwk, 'd', false)
  if (d === undefined) return 'public'
  if (d.length !== 32) fail('ERR_KEY_INVALID', 'JWK "d" must be 32 bytes for Ed25519')
  m.d = jwk.d as string
  return 'private'
}

function curve(jwk: Obj, supported: (c: string) => boolean): string {
  const crv = jwk.crv
  if (typeof crv !== 'string') fail('ERR_KEY_INVALID', 'JWK "crv" must be a string')
  if (!supported(crv)) fail('ERR_JOSE_NOT_SUPPORTED', `JWK curve ${quote(crv)} is not supported`)
  return crv
}

/** Validates a JWK object and describes it. */
export function inspectJwk(jwk: Obj): JwkInfo {
  const kty = jwk.kty
  if (typeof kty !== 'string') fail('ERR_KEY_INVALID', 'JWK "kty" must be a string')
  const ops = checkUse(jwk)
  const members: Record<string, string> = { kty }
  let info: Omit<JwkInfo, 'ops' | 'members' | 'alg'>
  if (kty === 'RSA') {
    info = { kty, ...rsa(jwk, members) }
  } else if (kty === 'EC') {
    const crv = curve(jwk, (c) => COORD.has(c))
    members.crv = crv
    info = { kty, crv, visibility: ec(jwk, crv, members) }
  } else if (kty === 'OKP') {
    const crv = curve(jwk, (c) => c === 'Ed25519')
    members.crv = crv
    info = { kty, crv, visibility: okp(jwk, members) }
  } else if (kty === 'oct') {
    const k = member(jwk, 'k', true)!
    members.k = jwk.k as string
    info = { kty, secretBytes: k.length, visibility: 'secret' }
  } else {
    fail('ERR_JOSE_NOT_SUPPORTED', `JWK key type ${quote(kty)} is not supported`)
  }
  const alg = checkAlg(jwk, info.kty, info.crv)
  return { ...info, members, ...(alg ? { alg } : {}), ...(ops ? { ops } : {}) }
}
