/**
 * JWE keys (API.md, JWE): any key input told apart as for JWS (src/keys/describe.ts: PEM
 * by label, key text refused as a secret), then described for key management: its key
 * type and curve, visibility, size, the `alg`s it pins and those it fits. Facts come from
 * the JWE rows of the registry (src/jwa/jwe.ts). A JWK here may say `use: "enc"`.
 */
import { fail, notSupported, quote, scrub, toJoseError, keyInvalid } from '../errors.ts'
import { tryDecode } from '../encoding/base64url.ts'
import { isBytes } from '../encoding/bytes.ts'
import { isWellFormed, utf8 } from '../encoding/utf8.ts'
import { isPlainObject } from '../jose/json.ts'
import { CURVES, JWE_ALGS, lookupAlg, lookupEnc, type JweAlgEntry } from '../jwa/jwe.ts'
import type { Kty } from '../jwa/registry.ts'
import type { JweAlg } from '../types.ts'
import { pemKey, type DerKey } from './der.ts'
import { rsaMembers } from './jwk.ts'
import { parsePem, trimKeyText } from './pem.ts'
import { refuseKeyBytes, refuseKeyText } from './text.ts'
import { checkExponent } from './weak.ts'

export interface JweKey {
  readonly form: 'cryptokey' | 'jwk' | 'spki' | 'pkcs8' | 'secret'
  readonly kty: Kty
  readonly crv?: string | undefined
  readonly visibility: 'public' | 'private' | 'secret'
  /** RSA modulus or secret size in bits. */
  readonly bits?: number | undefined
  /** What the key pins (a JWK's `alg`, a CryptoKey's algorithm, a curve key's ECDH-ES*); empty: nothing. */
  readonly pinned: readonly JweAlg[]
  /** `pinned`, or when it pins nothing, every `alg` of its key type. */
  readonly allowed: readonly JweAlg[]
  /** Usages it permits (JWK key_ops, CryptoKey usages); undefined = any. */
  readonly ops?: ReadonlySet<string> | undefined
  /** A CryptoKey, JWK members (RSA, EC, OKP), DER, or secret bytes (an `oct` JWK's `k`). */
  readonly material: CryptoKey | Record<string, string> | Uint8Array
}

type Facts = Omit<JweKey, 'pinned' | 'allowed'> & { pinned?: readonly JweAlg[] | undefined }

const ofKty = (kty: Kty): JweAlg[] => JWE_ALGS.filter((e) => e.kty.includes(kty)).map((e) => e.alg)

/** RSA ≥ 2048 bits as for JWS (RFC 7518 §4.3); curve keys pin ECDH-ES*; secrets and RSA keys pin nothing. */
function make(f: Facts): JweKey {
  if (f.kty === 'RSA' && f.bits! < 2048) keyInvalid('RSA keys must be at least 2048 bits (RFC 7518 §4.3)')
  if (f.bits === 0) keyInvalid('the secret is empty')
  if (f.crv !== undefined && CURVES.get(f.crv)?.[0] !== f.kty) keyInvalid(`${quote(f.crv)} keys cannot encrypt (ECDH-ES takes P-256, P-384, P-521 or X25519)`)
  const compatible = ofKty(f.kty)
  const pinned = f.pinned ?? (f.crv ? compatible : [])
  return { ...f, pinned, allowed: pinned.length ? pinned : compatible }
}

const has = (o: Record<string, unknown>, k: string): boolean => Object.hasOwn(o, k) && o[k] !== undefined

/** RFC 7517 §4.2–4.3: `use` is "enc" or absent; key_ops unique strings. */
function opsOf(jwk: Record<string, unknown>): ReadonlySet<string> | undefined {
  if (has(jwk, 'use') && jwk.use !== 'enc') keyInvalid(`JWK "use" is ${quote(jwk.use)}, not "enc"`)
  if (!has(jwk, 'key_ops')) return undefined
  const ops = jwk.key_ops
  const set = new Set(Array.isArray(ops) ? (ops as unknown[]) : [0])
  if (!Array.isArray(ops) || set.size !== ops.length || ops.some((op) => typeof op !== 'string')) keyInvalid('JWK "key_ops" must be an array of unique strings (RFC 7517 §4.3)')
  return set as Set<string>
}

/** An RSA, EC, OKP (X25519) or oct JWK, every member checked before WebCrypto sees it. */
function fromJwk(jwk: Record<string, unknown>): JweKey {
  const { kty, crv } = jwk
  if (kty !== 'oct' && kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') fail(typeof kty === 'string' ? 'ERR_JOSE_NOT_SUPPORTED' : 'ERR_KEY_INVALID', `JWK key type ${quote(kty)} is not supported`)
  const ops = opsOf(jwk)
  const members: Record<string, string> = { kty }
  const member = (name: string, required = true): Uint8Array | undefined => {
    if (!required && !has(jwk, name)) return undefined
    const bytes = typeof jwk[name] === 'string' ? tryDecode(jwk[name] as string) : undefined
    if (!bytes) keyInvalid(`JWK member "${name}" must be a base64url string`)
    members[name] = jwk[name] as string
    return bytes
  }
  let f: Facts
  if (kty === 'oct') {
    const k = member('k')!
    f = { form: 'secret', kty, visibility: 'secret', bits: k.length * 8, material: k, ops }
  } else if (kty === 'RSA') {
    f = { form: 'jwk', ...rsaMembers(jwk, member), material: members, ops }
  } else {
    const size = typeof crv === 'string' && CURVES.get(crv)?.[0] === kty ? CURVES.get(crv)![1] : 0
    if (!size) fail('ERR_JOSE_NOT_SUPPORTED', `JWK curve ${quote(crv)} is not supported for ECDH-ES`)
    members.crv = crv as string
    let visibility: JweKey['visibility'] = 'private'
    for (const name of kty === 'EC' ? ['x', 'y', 'd'] : ['x', 'd']) {
      const b = member(name, name !== 'd')
      if (!b) visibility = 'public'
      else if (b.length !== size) keyInvalid(`JWK "${name}" must be ${size} bytes for ${crv as string}`)
    }
    f = { form: 'jwk', kty, crv: crv as string, visibility, material: members, ops }
  }
  // RFC 7520 §5.6 gives a `dir` key the `enc` as its `alg`: it pins `dir`.
  if (has(jwk, 'alg') && kty === 'oct' && lookupEnc(jwk.alg)) f.pinned = ['dir']
  else if (has(jwk, 'alg')) {
    const e = lookupAlg(jwk.alg)
    if (!e) keyInvalid(`JWK "alg" ${quote(jwk.alg)} is not a supported JWE algorithm`)
    if (!e.kty.includes(kty)) keyInvalid(`JWK "alg" ${e.alg} does not fit a ${kty} key`)
    f.pinned = [e.alg]
  }
  return make(f)
}

/** A CryptoKey pins what its algorithm says: RSA-OAEP and its hash, AES-KW or AES-GCM and their length, ECDH and its curve. */
function fromCryptoKey(key: CryptoKey): JweKey {
  const a = key.algorithm as KeyAlgorithm & { hash?: { name?: string }; namedCurve?: string; length?: number; modulusLength?: number; publicExponent?: Uint8Array }
  const base = { form: 'cryptokey', visibility: key.type, material: key, ops: new Set(key.usages) } as const
  if (a.name === 'RSA-OAEP') {
    checkExponent(a.publicExponent!)
    const hash = a.hash?.name
    return make({ ...base, kty: 'RSA', bits: a.modulusLength, pinned: JWE_ALGS.filter((e) => e.family === 'RSA-OAEP' && e.hash === hash).map((e) => e.alg) })
  }
  if (a.name === 'ECDH' || a.name === 'X25519') {
    const crv = a.namedCurve ?? a.name
    return make({ ...base, kty: CURVES.get(crv)?.[0] ?? 'EC', crv })
  }
  if (a.name === 'AES-KW' || a.name === 'AES-GCM') {
    const family = a.name === 'AES-KW' ? 'AES-KW' : 'GCMKW'
    return make({ ...base, kty: 'oct', pinned: JWE_ALGS.filter((e) => e.family === family && e.kwBits === a.length).map((e) => e.alg) })
  }
  fail('ERR_JOSE_NOT_SUPPORTED', `CryptoKey algorithm ${String(a.name).slice(0, 32)} is not a supported JWE key`)
}

/**
 * RFC 8410 §4, §7: an X25519 SPKI or (v1) PKCS#8 key is one fixed encoding before its 32
 * bytes (id-X25519, 1.3.101.110, no parameters). Matched here, not in der.ts: no JWS
 * algorithm takes X25519, so sign/verify bundles carry none of it. WebCrypto checks the rest.
 */
const X25519_DER: ReadonlyMap<string, string> = /* @__PURE__ */ new Map([['PUBLIC KEY', '302a300506032b656e032100'], ['PRIVATE KEY', '302e020100300506032b656e04220420']])

function x25519Pem({ label, der }: ReturnType<typeof parsePem>): DerKey | undefined {
  const prefix = X25519_DER.get(label)
  if (prefix && der.length === prefix.length / 2 + 32 && Array.from(der.subarray(0, prefix.length / 2), (b) => b.toString(16).padStart(2, '0')).join('') === prefix) {
    const spki = label === 'PUBLIC KEY'
    return { form: spki ? 'spki' : 'pkcs8', visibility: spki ? 'public' : 'private', material: der, kty: 'OKP', crv: 'X25519' }
  }
}

function fromString(s: string): JweKey {
  const text = trimKeyText(s)
  if (text.startsWith('-----BEGIN ')) {
    const pem = parsePem(text)
    return make(x25519Pem(pem) ?? pemKey(pem))
  }
  refuseKeyText(text)
  if (!isWellFormed(s)) keyInvalid('a secret string must be well-formed Unicode')
  return secret(utf8(s))
}

const secret = (b: Uint8Array): JweKey => make({ form: 'secret', kty: 'oct', visibility: 'secret', material: b.slice(), bits: b.length * 8 })

const isCryptoKey = (x: unknown): x is CryptoKey => typeof CryptoKey === 'function' && x instanceof CryptoKey

/** Describes any key input for JWE, or throws ERR_KEY_INVALID / ERR_JOSE_NOT_SUPPORTED. */
export function describeJweKey(input: unknown): JweKey {
  try {
    if (typeof input === 'string') return fromString(input)
    if (isCryptoKey(input)) return fromCryptoKey(input)
    const bytes = isBytes(input) ? input : input instanceof ArrayBuffer ? new Uint8Array(input) : undefined
    if (bytes) return (refuseKeyBytes(bytes), secret(bytes))
    if (isPlainObject(input)) return fromJwk(input)
  } catch (e) {
    throw toJoseError(e, 'ERR_KEY_INVALID', 'the key could not be read')
  }
  keyInvalid('a key is a CryptoKey, a JWK, a Uint8Array secret or a string')
}

/**
 * The key's fit for `entry` and one usage (encrypting: the public or secret side;
 * decrypting: the private or secret side), key_ops, and exact secret sizes (a wrap key
 * is the wrap size, RFC 7518 §4.4, §4.7). `dir`'s size is checked against `enc` by the caller.
 */
export function checkJweFit(key: JweKey, entry: JweAlgEntry, decrypting: boolean): void {
  const usage = entry.usages[decrypting ? 0 : 1]
  if (key.visibility !== 'secret' && key.visibility !== (decrypting ? 'private' : 'public')) keyInvalid(`a ${key.visibility} key cannot ${decrypting ? 'decrypt' : 'encrypt'}`)
  // Public ECDH keys have no usages in WebCrypto (their private peer derives).
  if (key.ops && !(key.form === 'cryptokey' && key.visibility === 'public' && entry.family === 'ECDH-ES') && !key.ops.has(usage) && !(key.form !== 'cryptokey' && key.ops.has(decrypting ? 'decrypt' : 'encrypt'))) {
    keyInvalid(`the key does not permit "${usage}" (key_ops / usages)`)
  }
  if (key.kty === 'oct' && entry.kwBits && entry.family !== 'PBES2' && key.bits !== undefined && key.bits !== entry.kwBits) keyInvalid(`${entry.alg} needs a key of exactly ${entry.kwBits / 8} bytes`)
}

/** A CryptoKey for `params` and `usages` from the key's material (a caller's CryptoKey as is). */
export async function importJwe(key: JweKey, params: Algorithm | RsaHashedImportParams | EcKeyImportParams, usages: KeyUsage[]): Promise<CryptoKey> {
  if (key.form === 'cryptokey') return key.material as CryptoKey
  const form = key.form === 'secret' ? 'raw' : key.form
  try {
    return await crypto.subtle.importKey(form as 'raw', (form === 'jwk' ? { ...(key.material as object), ext: true } : key.material) as BufferSource, params, false, usages)
  } catch (e) {
    // A secret's size was checked (checkJweFit; PBKDF2 takes any password): a refused raw
    // import is the runtime's gap (Chromium refuses 192-bit AES keys with an OperationError).
    if (form === 'raw' || notSupported(e)) {
      fail('ERR_JOSE_NOT_SUPPORTED', `this runtime cannot import ${params.name} keys${form === 'raw' ? ` of ${key.bits} bits` : ''}`, { cause: scrub(e, 'import not supported') })
    }
    fail('ERR_KEY_INVALID', `the key could not be imported for ${params.name}`, { cause: scrub(e, 'key import failed') })
  }
}
