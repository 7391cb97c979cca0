/**
 * Key management (RFC 7518 §4): how the CEK is made and carried for each family of
 * `alg`. Encrypting returns the CEK, the encrypted key and the header members the
 * family adds; decrypting returns a CEK of the `enc` size always: after any failed
 * unwrap a random one, so the failure shows only at the tag like any other (RFC 7516 §11.5).
 */
import { fail } from '../errors.ts'
import { encode, tryDecode } from '../encoding/base64url.ts'
import { concat } from '../encoding/bytes.ts'
import { utf8 } from '../encoding/utf8.ts'
import type { JweAlgEntry, JweEncEntry } from '../jwa/jwe.ts'
import { importJwe, type JweKey } from '../keys/jwe.ts'
import { deriveForRecipient, deriveFromEpk } from './ecdh.ts'
import { missing, subtle } from './failure.ts'

export interface Wrapped {
  cek: Uint8Array
  encryptedKey: Uint8Array
  /** Members the family adds to the protected header: epk, iv/tag, p2s/p2c. */
  members: Record<string, unknown>
}

/** The CEK stands in for a key WebCrypto can wrap: an extractable HMAC key of its bytes. */
const CEK_AS_KEY = { name: 'HMAC', hash: 'SHA-256' } as const

const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n))

/** A derived AES key of the exact wrap size: a refusal is the runtime's gap (AES-192 in Chromium). */
async function rawKey(bytes: Uint8Array, name: string, usage: KeyUsage): Promise<CryptoKey> {
  try {
    return await subtle().importKey('raw', bytes as BufferSource, name, false, [usage])
  } catch (e) {
    return missing(e, `${name} with ${bytes.length * 8}-bit keys`)
  }
}

/** RFC 3394 key wrap with `kek` (§4.4). */
async function kwWrap(kek: CryptoKey, cek: Uint8Array): Promise<Uint8Array> {
  const k = await subtle().importKey('raw', cek as BufferSource, CEK_AS_KEY, true, ['sign'])
  return new Uint8Array(await subtle().wrapKey('raw', k, kek, 'AES-KW'))
}

async function kwUnwrap(kek: CryptoKey, wrapped: Uint8Array): Promise<Uint8Array> {
  const k = await subtle().unwrapKey('raw', wrapped as BufferSource, kek, 'AES-KW', CEK_AS_KEY, true, ['sign'])
  return new Uint8Array(await subtle().exportKey('raw', k))
}

/** PBES2 (§4.8): the wrap key from PBKDF2 over the password, salted with the alg name, 0x00 and p2s. */
async function pbes2Key(key: JweKey, entry: JweAlgEntry, p2s: Uint8Array, p2c: number, usage: KeyUsage): Promise<CryptoKey> {
  const password = await importJwe(key, { name: 'PBKDF2' }, ['deriveBits'])
  const salt = concat([utf8(entry.alg), new Uint8Array(1), p2s])
  const bits = await subtle().deriveBits({ name: 'PBKDF2', hash: entry.hash!, salt, iterations: p2c } as Pbkdf2Params, password, entry.kwBits)
  return rawKey(new Uint8Array(bits), 'AES-KW', usage)
}

/** The CEK and how it travels, for encrypting. `header` holds the caller's apu/apv; `p2c` PBES2's count. */
export async function wrapCek(entry: JweAlgEntry, enc: JweEncEntry, key: JweKey, header: Record<string, unknown>, p2c: number): Promise<Wrapped> {
  const f = entry.family
  if (f === 'dir') return { cek: key.material as Uint8Array, encryptedKey: new Uint8Array(0), members: {} }
  if (f === 'ECDH-ES') {
    // §4.6.2: AlgorithmID is `enc` for direct agreement, else the `alg`.
    const { epk, derived } = await deriveForRecipient(key, entry.kwBits ? entry.alg : enc.enc, header, entry.kwBits || enc.keyBytes * 8)
    if (!entry.kwBits) return { cek: derived, encryptedKey: new Uint8Array(0), members: { epk } }
    const cek = random(enc.keyBytes)
    return { cek, encryptedKey: await kwWrap(await rawKey(derived, 'AES-KW', 'wrapKey'), cek), members: { epk } }
  }
  const cek = random(enc.keyBytes)
  if (f === 'AES-KW') return { cek, encryptedKey: await kwWrap(await importJwe(key, { name: 'AES-KW' }, ['wrapKey']), cek), members: {} }
  if (f === 'PBES2') {
    const p2s = random(16)
    return { cek, encryptedKey: await kwWrap(await pbes2Key(key, entry, p2s, p2c, 'wrapKey'), cek), members: { p2s: encode(p2s), p2c } }
  }
  if (f === 'GCMKW') {
    const iv = random(12)
    const k = await importJwe(key, { name: 'AES-GCM' }, ['encrypt'])
    const out = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, tagLength: 128 } as unknown as AesGcmParams, k, cek as BufferSource))
    return { cek, encryptedKey: out.slice(0, -16), members: { iv: encode(iv), tag: encode(out.subarray(-16)) } }
  }
  const k = await importJwe(key, { name: 'RSA-OAEP', hash: entry.hash! } as RsaHashedImportParams, ['encrypt'])
  return { cek, encryptedKey: new Uint8Array(await subtle().encrypt('RSA-OAEP', k, cek as BufferSource)), members: {} }
}

/** A header member that must be canonical base64url of exactly (or at least) `n` bytes, else ERR_JWE_INVALID. */
export function sized(header: Record<string, unknown>, name: string, n: number, atLeast = false): Uint8Array {
  const v = header[name]
  const b = typeof v === 'string' && Object.hasOwn(header, name) ? tryDecode(v) : undefined
  if (!b || (atLeast ? b.length < n : b.length !== n)) fail('ERR_JWE_INVALID', `header "${name}" must be base64url of ${atLeast ? 'at least ' : ''}${n} bytes`)
  return b
}

/**
 * The structure a family needs, checked before any cryptography (ERR_JWE_INVALID):
 * an empty encrypted key for `dir` and ECDH-ES (RFC 7516 §5.2 step 10), GCMKW's iv and
 * tag (§4.7.1), PBES2's p2s (≥ 8 bytes) and p2c (1 000 … `maxP2c`), §4.8.1.
 */
export function checkMembers(entry: JweAlgEntry, header: Record<string, unknown>, encryptedKey: Uint8Array, maxP2c: number): void {
  const f = entry.family
  if ((f === 'dir' || (f === 'ECDH-ES' && !entry.kwBits)) && encryptedKey.length) fail('ERR_JWE_INVALID', `the encrypted key must be empty for ${entry.alg}`)
  if (f === 'GCMKW') (sized(header, 'iv', 12), sized(header, 'tag', 16))
  if (f === 'PBES2') {
    sized(header, 'p2s', 8, true)
    const c = header.p2c
    if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 1000 || c > maxP2c) fail('ERR_JWE_INVALID', `header "p2c" must be an integer from 1000 to ${maxP2c} (options.maxPbes2Count)`)
  }
}

/**
 * The CEK for decrypting: `dir`'s key, ECDH-ES's derived key, or the unwrapped one.
 * An unwrap that fails, or gives a CEK of the wrong size, yields a random CEK instead.
 */
export async function unwrapCek(entry: JweAlgEntry, enc: JweEncEntry, key: JweKey, header: Record<string, unknown>, encryptedKey: Uint8Array): Promise<Uint8Array> {
  const f = entry.family
  if (f === 'dir') {
    const cek = key.material as Uint8Array
    // API.md: a `dir` key is exactly the `enc` key size.
    if (cek.length !== enc.keyBytes) fail('ERR_JWE_INVALID', `a dir key for ${enc.enc} must be ${enc.keyBytes} bytes`)
    return cek
  }
  if (f === 'ECDH-ES' && !entry.kwBits) return deriveFromEpk(key, enc.enc, header, enc.keyBytes * 8)
  // Imports and derivations that do not depend on the encrypted key come first: their errors are the caller's.
  const kek = f === 'ECDH-ES' ? await rawKey(await deriveFromEpk(key, entry.alg, header, entry.kwBits), 'AES-KW', 'unwrapKey')
    : f === 'PBES2' ? await pbes2Key(key, entry, tryDecode(header.p2s as string)!, header.p2c as number, 'unwrapKey')
    : f === 'AES-KW' ? await importJwe(key, { name: 'AES-KW' }, ['unwrapKey'])
    : f === 'GCMKW' ? await importJwe(key, { name: 'AES-GCM' }, ['decrypt'])
    : await importJwe(key, { name: 'RSA-OAEP', hash: entry.hash! } as RsaHashedImportParams, ['decrypt'])
  let cek: Uint8Array | undefined
  try {
    cek = f === 'GCMKW'
      ? new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: tryDecode(header.iv as string)!, tagLength: 128 } as AesGcmParams, kek, concat([encryptedKey, tryDecode(header.tag as string)!]) as BufferSource))
      : f === 'RSA-OAEP' ? new Uint8Array(await subtle().decrypt('RSA-OAEP', kek, encryptedKey as BufferSource))
      : await kwUnwrap(kek, encryptedKey)
  } catch {}
  // RFC 7516 §11.5: carry on with a random CEK, so that a bad unwrap looks like a bad tag.
  return cek?.length === enc.keyBytes ? cek : random(enc.keyBytes)
}

