/**
 * Content encryption (RFC 7518 §5): AES-GCM (§5.3) and AES-CBC with HMAC-SHA-2
 * (§5.2). The CEK is raw bytes; the AAD is the ASCII of the protected header segment
 * (RFC 7516 §5.1 step 14).
 */
import { concat } from '../encoding/bytes.ts'
import type { JweEncEntry } from '../jwa/jwe.ts'
import { decryptionFailed, missing, subtle } from './failure.ts'

export interface Sealed {
  iv: Uint8Array
  ciphertext: Uint8Array
  tag: Uint8Array
}

type Usage = 'encrypt' | 'decrypt'

/** The CEK (or its AES half) as a key: its size is the `enc`'s, so a refusal is the runtime's gap (AES-192 in Chromium). */
async function aesKey(bytes: Uint8Array, name: string, usage: KeyUsage, enc: string): Promise<CryptoKey> {
  try {
    return await subtle().importKey('raw', bytes as BufferSource, name, false, [usage])
  } catch (e) {
    return missing(e, enc)
  }
}

/** §5.2.2.1 step 4: AL, the AAD length in bits as a 64-bit big-endian integer. */
function al(aad: Uint8Array): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setUint32(0, Math.floor(aad.length / 0x20000000))
  new DataView(out.buffer).setUint32(4, (aad.length * 8) >>> 0)
  return out
}

/** §5.2.2.1 step 5: the tag is the first half (T_LEN bytes) of HMAC(MAC_KEY, A ‖ IV ‖ E ‖ AL). */
async function cbcTag(enc: JweEncEntry, macKey: Uint8Array, aad: Uint8Array, iv: Uint8Array, ct: Uint8Array): Promise<Uint8Array> {
  const k = await subtle().importKey('raw', macKey as BufferSource, { name: 'HMAC', hash: enc.hash! }, false, ['sign'])
  return new Uint8Array(await subtle().sign('HMAC', k, concat([aad, iv, ct, al(aad)]) as BufferSource), 0, enc.tagBytes)
}

/** Constant-time comparison of equal-length byte strings (the lengths were checked as structure). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  let d = a.length ^ b.length
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!
  return d === 0
}

/** Encrypts with a fresh random IV. */
export async function seal(enc: JweEncEntry, cek: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(enc.ivBytes))
  if (enc.family === 'GCM') {
    const key = await aesKey(cek, 'AES-GCM', 'encrypt', enc.enc)
    const out = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 } as unknown as AesGcmParams, key, plaintext as BufferSource))
    return { iv, ciphertext: out.subarray(0, out.length - 16), tag: out.subarray(out.length - 16) }
  }
  // §5.2.2.1 step 1: MAC_KEY is the first half of the CEK, ENC_KEY the second.
  const half = cek.length / 2
  const key = await aesKey(cek.subarray(half), 'AES-CBC', 'encrypt', enc.enc)
  const ciphertext = new Uint8Array(await subtle().encrypt({ name: 'AES-CBC', iv }, key, plaintext as BufferSource))
  return { iv, ciphertext, tag: await cbcTag(enc, cek.subarray(0, half), aad, iv, ciphertext) }
}

/**
 * Decrypts, or throws the one decryption failure. CBC-HS checks the tag, in constant
 * time, before it decrypts (§5.2.2.2), so a padding error is only ever reached with a
 * valid tag: there is no padding oracle.
 */
export async function open(enc: JweEncEntry, cek: Uint8Array, aad: Uint8Array, { iv, ciphertext, tag }: Sealed): Promise<Uint8Array> {
  const usage: Usage = 'decrypt'
  if (enc.family === 'GCM') {
    const key = await aesKey(cek, 'AES-GCM', usage, enc.enc)
    try {
      return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 } as unknown as AesGcmParams, key, concat([ciphertext, tag]) as BufferSource))
    } catch (e) {
      return decryptionFailed(e)
    }
  }
  const half = cek.length / 2
  const key = await aesKey(cek.subarray(half), 'AES-CBC', usage, enc.enc)
  if (!same(await cbcTag(enc, cek.subarray(0, half), aad, iv, ciphertext), tag)) decryptionFailed()
  try {
    return new Uint8Array(await subtle().decrypt({ name: 'AES-CBC', iv: iv as BufferSource }, key, ciphertext as BufferSource))
  } catch (e) {
    return decryptionFailed(e)
  }
}
