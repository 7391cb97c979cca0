/**
 * Key forms for the interop matrix: for one alg and one form, the key isojwt gets,
 * the options it needs, and the equivalent key jose gets.
 */
import * as jose from 'jose'
import type { Alg, Jwk, KeyInput } from '../../src/types.ts'
import {
  algInfo,
  allAsymKeys,
  b64u,
  cryptoKeyFor,
  secretFor,
  selfSignedCerts,
  stringSecret,
  utf8,
  type AsymKeys,
  type KeySet,
} from './helpers.ts'

export type Form =
  | 'jwk' // JWK with `alg`
  | 'jwk-noalg' // JWK without `alg`
  | 'pem' // SPKI (verify) / PKCS#8 (sign)
  | 'cert' // X.509 certificate PEM (verify only)
  | 'cryptokey' // a WebCrypto CryptoKey
  | 'bytes' // Uint8Array secret
  | 'string' // string secret

export const ASYM_FORMS: readonly Form[] = ['jwk', 'jwk-noalg', 'pem', 'cert', 'cryptokey']
export const HS_FORMS: readonly Form[] = ['jwk', 'jwk-noalg', 'bytes', 'string', 'cryptokey']

export interface Material {
  keys: KeySet
  certs: Partial<Record<keyof KeySet, string>> | undefined
  /** HS alg → secret bytes (exactly the minimum length). */
  secrets: Record<string, Uint8Array>
  /** HS alg → string secret (ASCII, minimum length). */
  strings: Record<string, string>
}

export interface FormKeys {
  iso: KeyInput
  jose: jose.CryptoKey | jose.JWK | Uint8Array
  /** Does this key pin a non-empty set (API.md table)? Unpinned keys need `algorithms`. */
  pins: boolean
}

const withAlg = (jwk: Jwk, alg: Alg | undefined): Jwk => {
  const copy: Jwk = { ...jwk }
  if (alg === undefined) delete copy.alg
  else copy.alg = alg
  return copy
}

/** Pinning per API.md "Which algorithms a key pins". */
function pins(alg: Alg, form: Form): boolean {
  const { family } = algInfo(alg)
  if (form === 'jwk' || form === 'cryptokey') return true
  if (family === 'HS' || family === 'RS' || family === 'PS') return false
  return true // EC / Ed25519 JWK without alg, PEM, certificate
}

export function formApplies(alg: Alg, form: Form, use: 'sign' | 'verify'): boolean {
  const hs = algInfo(alg).family === 'HS'
  if ((hs ? HS_FORMS : ASYM_FORMS).indexOf(form) < 0) return false
  if (form === 'cert' && use === 'sign') return false
  return true
}

export async function formKeys(m: Material, alg: Alg, form: Form, use: 'sign' | 'verify'): Promise<FormKeys> {
  const info = algInfo(alg)
  const p = pins(alg, form)
  if (info.family === 'HS') {
    const secret = form === 'string' ? utf8(m.strings[alg]!) : m.secrets[alg]!
    const octJwk: Jwk = { kty: 'oct', k: b64u(secret) }
    switch (form) {
      case 'jwk':
        return { iso: withAlg(octJwk, alg), jose: { ...octJwk, alg }, pins: p }
      case 'jwk-noalg':
        return { iso: octJwk, jose: octJwk, pins: p }
      case 'bytes':
        return { iso: secret, jose: secret, pins: p }
      case 'string':
        return { iso: m.strings[alg]!, jose: secret, pins: p }
      case 'cryptokey': {
        const ck = await cryptoKeyFor(alg, secret, use)
        return { iso: ck, jose: ck, pins: p }
      }
      default:
        throw new Error(`form ${form} does not apply to ${alg}`)
    }
  }
  const k: AsymKeys = m.keys[info.kind as keyof KeySet]
  const jwk = use === 'sign' ? k.privateJwk : k.publicJwk
  switch (form) {
    case 'jwk':
      return { iso: withAlg(jwk, alg), jose: withAlg(jwk, alg) as jose.JWK, pins: p }
    case 'jwk-noalg':
      return { iso: withAlg(jwk, undefined), jose: withAlg(jwk, undefined) as jose.JWK, pins: p }
    case 'pem':
      return use === 'sign'
        ? { iso: k.pkcs8, jose: await jose.importPKCS8(k.pkcs8, alg), pins: p }
        : { iso: k.spki, jose: await jose.importSPKI(k.spki, alg), pins: p }
    case 'cert': {
      const cert = m.certs?.[info.kind as keyof KeySet]
      if (cert === undefined) throw new Error('no certificate (openssl missing)')
      return { iso: cert, jose: await jose.importX509(cert, alg), pins: p }
    }
    case 'cryptokey': {
      const ck = await cryptoKeyFor(alg, k, use)
      return { iso: ck, jose: ck, pins: p }
    }
    default:
      throw new Error(`form ${form} does not apply to ${alg}`)
  }
}

/** All key material for the matrix: made once per test file, in beforeAll. */
export function makeMaterial(opts: { certs: boolean }): Material {
  const keys = allAsymKeys()
  const secrets: Record<string, Uint8Array> = {}
  const strings: Record<string, string> = {}
  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    secrets[alg] = secretFor(alg)
    strings[alg] = stringSecret(algInfo(alg).bits / 8)
  }
  return { keys, certs: opts.certs ? selfSignedCerts(keys) : undefined, secrets, strings }
}
