/** `encrypt` and `decrypt`: compact JWE (RFC 7516, RFC 7518 §4–5; API.md, JWE). */
import { fail, isJoseError, toJoseError } from '../errors.ts'
import { encode, encodeText, ownBytes } from '../encoding/base64url.ts'
import { isBytes } from '../encoding/bytes.ts'
import { isWellFormed, utf8 } from '../encoding/utf8.ts'
import { stringify } from '../jose/json.ts'
import { lookupAlg, type JweAlgEntry, type JweEncEntry } from '../jwa/jwe.ts'
import { checkJweFit, describeJweKey, type JweKey } from '../keys/jwe.ts'
import type { DecryptOptions, DecryptResult, EncryptOptions, JweHeader, KeyInput, KeyResolver } from '../types.ts'
import { checkJweHeader, parseJwe, type JweParts } from './compact.ts'
import { open, seal } from './content.ts'
import { checkMembers, unwrapCek, wrapCek } from './keymgmt.ts'
import { decryptPlan, encryptPlan, isPublicKeyAlg, type DecryptPlan } from './options.ts'
import { deflate, inflate } from './zip.ts'

function plaintextBytes(p: unknown): Uint8Array {
  if (typeof p === 'string' ? !isWellFormed(p) : !isBytes(p)) {
    fail('ERR_JOSE_INVALID_ARGUMENT', typeof p === 'string' ? 'the plaintext string is not well-formed Unicode' : 'the plaintext must be a Uint8Array or a string')
  }
  return typeof p === 'string' ? utf8(p) : p as Uint8Array
}

/**
 * Encrypts bytes (or a string, as UTF-8) as a compact JWE. The key is the recipient's
 * public key (RSA-OAEP*, ECDH-ES*) or a shared secret (`dir`: exactly the `enc` key size;
 * A*KW, A*GCMKW: the wrap size; PBES2: a password).
 *
 * @param plaintext - the bytes to encrypt, or a string (its UTF-8 bytes)
 * @param key - public key or secret: a JWK, PEM, `Uint8Array`, string or CryptoKey
 * @param options - `alg`, `enc`, and `kid`, `cty`, `typ`, extra `header` members, `zip`, `p2c`
 * @returns the compact JWE
 *
 * @example
 * ```ts
 * import { encrypt } from 'isojwt'
 * const secret = crypto.getRandomValues(new Uint8Array(32))
 * const jwe = await encrypt('hello', secret, { alg: 'dir', enc: 'A256GCM' })
 * ```
 */
export async function encrypt(plaintext: Uint8Array | string, key: KeyInput, options: EncryptOptions): Promise<string> {
  try {
    const plan = encryptPlan(options)
    const data = plaintextBytes(plaintext)
    const desc = describeJweKey(key)
    const { alg, enc } = plan
    if (!desc.allowed.includes(alg.alg)) fail('ERR_KEY_INVALID', `this key cannot encrypt with ${alg.alg} (it allows ${desc.allowed.join(', ')})`)
    checkJweFit(desc, alg, false)
    if (alg.family === 'dir' && (desc.material as Uint8Array).length !== enc.keyBytes) fail('ERR_KEY_INVALID', `a dir key for ${enc.enc} must be ${enc.keyBytes} bytes`)
    const { cek, encryptedKey, members } = await wrapCek(alg, enc, desc, plan.header, plan.p2c)
    const segment = encodeText(stringify({ alg: alg.alg, enc: enc.enc, ...plan.header, ...members }, 'the JWE header'))
    const { iv, ciphertext, tag } = await seal(enc, cek, utf8(segment), plan.zip ? await deflate(data) : data)
    return `${segment}.${encode(encryptedKey)}.${encode(iv)}.${encode(ciphertext)}.${encode(tag)}`
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'encryption failed')
  }
}

/** RFC 8725 §3.1: the `alg` comes from the caller's list and the key, never from the header alone. */
function allowedFor(desc: JweKey, plan: DecryptPlan, alg: JweAlgEntry): boolean {
  return plan.algorithms ? plan.algorithms.includes(alg.alg) && desc.allowed.includes(alg.alg) : desc.pinned.includes(alg.alg)
}

/** The header's `alg` and `enc`, each known and allowed by the options, before any key is looked at. */
function policy(p: JweParts, plan: DecryptPlan): [JweAlgEntry, JweEncEntry] {
  const enc = checkJweHeader(p, plan.understood)
  const alg = lookupAlg(p.header.alg)
  if (!alg || (plan.algorithms && !plan.algorithms.includes(alg.alg))) fail('ERR_JOSE_ALG_NOT_ALLOWED', 'the JWE "alg" is not allowed')
  // API.md: PBES2 only when `algorithms` lists it, whatever the key pins.
  if (!plan.publicKey && isPublicKeyAlg(alg)) fail('ERR_JOSE_ALG_NOT_ALLOWED', `${alg.alg} needs options.publicKeyEncryption: true (anyone with the public key can make such a token)`)
  if (alg.family === 'PBES2' && !plan.algorithms) fail('ERR_JOSE_ALG_NOT_ALLOWED', 'PBES2 must be listed in options.algorithms')
  if (!enc || (plan.encryptions && !plan.encryptions.includes(enc.enc))) fail('ERR_JOSE_ALG_NOT_ALLOWED', 'the JWE "enc" is not allowed')
  checkMembers(alg, p.header, p.encryptedKey, plan.maxP2c)
  return [alg, enc]
}

/** The candidates: the key itself, or a resolver's answer (at most 3, API.md, Key resolvers). */
async function candidates(key: unknown, header: Readonly<JweHeader>): Promise<unknown[]> {
  if (typeof key !== 'function') return [key]
  let got: unknown
  try {
    got = await (key as KeyResolver)(header as never, Object.freeze({ payload: undefined }))
  } catch (e) {
    if (isJoseError(e)) throw e
    fail('ERR_JWKS_NO_MATCHING_KEY', 'the key resolver failed', { cause: e })
  }
  if (got == null || (Array.isArray(got) && got.length === 0)) fail('ERR_JWKS_NO_MATCHING_KEY', 'the key resolver returned no key')
  if (!Array.isArray(got)) return [got]
  if (got.length > 3) fail('ERR_JWKS_NO_MATCHING_KEY', 'the key resolver returned more than 3 candidate keys')
  return [...(got as unknown[])]
}

/** One key's attempt: the CEK, then the content. */
async function attempt(p: JweParts, desc: JweKey, alg: JweAlgEntry, enc: JweEncEntry): Promise<Uint8Array> {
  checkJweFit(desc, alg, true)
  const cek = await unwrapCek(alg, enc, desc, p.header, p.encryptedKey)
  return open(enc, cek, utf8(p.segment), p)
}

/**
 * Decrypts a compact JWE and returns its protected header and plaintext. Every
 * cryptographic failure is `ERR_JWE_DECRYPTION_FAILED` with one message; structure is
 * `ERR_JWE_INVALID`. Keys that pin nothing (secrets, RSA keys without `alg`) need
 * `algorithms`; PBES2 is accepted only when `algorithms` lists it.
 *
 * @param jwe - the compact JWE
 * @param key - private key or secret, or a key resolver
 * @param options - `algorithms`, `encryptions`, `crit`, `maxTokenLength`, `maxPbes2Count`, `maxDecompressedLength`
 *
 * @example
 * ```ts
 * import { decrypt } from 'isojwt'
 * declare const jwe: string, secret: Uint8Array
 * const { plaintext } = await decrypt(jwe, secret, { algorithms: ['dir'], encryptions: ['A256GCM'] })
 * new TextDecoder().decode(plaintext)
 * ```
 */
export async function decrypt(jwe: string, key: KeyInput | KeyResolver, options?: DecryptOptions): Promise<DecryptResult> {
  try {
    return await decryptPlanned(decryptPlan(options), jwe, key)
  } catch (e) {
    throw toJoseError(e, 'ERR_JWE_INVALID', 'decryption failed')
  }
}

/** Decrypts under a validated plan (decrypt's, or decryptJwt's). */
export async function decryptPlanned(plan: DecryptPlan, jwe: unknown, key: unknown): Promise<DecryptResult> {
  const p = parseJwe(jwe, plan.maxLength)
  const [alg, enc] = policy(p, plan)
  const header = p.header as JweHeader
  let tried = 0
  let failure: unknown
  for (const candidate of await candidates(key, header)) {
    const desc = describeJweKey(candidate)
    if (!allowedFor(desc, plan, alg)) continue
    tried++
    try {
      const out = await attempt(p, desc, alg, enc)
      return { header, plaintext: ownBytes(header.zip === 'DEF' ? await inflate(out, plan.maxInflated) : out) }
    } catch (e) {
      if (!isJoseError(e) || e.code !== 'ERR_JWE_DECRYPTION_FAILED') throw e
      failure = e
    }
  }
  if (!tried) fail('ERR_JOSE_ALG_NOT_ALLOWED', `no key allows ${alg.alg}${plan.algorithms ? '' : ' (keys that pin nothing need options.algorithms)'}`)
  throw failure
}
