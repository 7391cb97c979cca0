/**
 * ECDH-ES (RFC 7518 §4.6): an ephemeral key agreed with the recipient's key on P-256,
 * P-384, P-521 or X25519 (RFC 8037 §3.2), and the Concat KDF of NIST SP 800-56A
 * §5.8.1 with SHA-256 (§4.6.2).
 */
import { fail } from '../errors.ts'
import { tryDecode } from '../encoding/base64url.ts'
import { concat } from '../encoding/bytes.ts'
import { utf8 } from '../encoding/utf8.ts'
import { isPlainObject } from '../jose/json.ts'
import { CURVES } from '../jwa/jwe.ts'
import { importJwe, type JweKey } from '../keys/jwe.ts'
import { decryptionFailed, subtle, unsupported } from './failure.ts'

const params = (crv: string): EcKeyImportParams | Algorithm => (crv === 'X25519' ? { name: 'X25519' } : { name: 'ECDH', namedCurve: crv })
/** Z's size in bits: the field size, rounded up to bytes (P-521: 66 bytes). */
const zBits = (crv: string): number => CURVES.get(crv)![1] * 8

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n)
  return b
}
const prefixed = (b: Uint8Array): Uint8Array => concat([u32(b.length), b])

/**
 * §4.6.2: OtherInfo = AlgorithmID ‖ PartyUInfo ‖ PartyVInfo ‖ SuppPubInfo, each datum
 * length-prefixed, SuppPubInfo the key length in bits; the key is the first `bits` of
 * SHA-256(counter ‖ Z ‖ OtherInfo) for counter = 1, 2, …
 */
async function concatKdf(z: Uint8Array, algId: string, apu: Uint8Array, apv: Uint8Array, bits: number): Promise<Uint8Array> {
  const info = concat([prefixed(utf8(algId)), prefixed(apu), prefixed(apv), u32(bits)])
  const rounds: Uint8Array[] = []
  for (let i = 1; i <= Math.ceil(bits / 256); i++) rounds.push(new Uint8Array(await subtle().digest('SHA-256', concat([u32(i), z, info]) as BufferSource)))
  return concat(rounds).slice(0, bits / 8)
}

/** `apu`/`apv` of a header: base64url text, else ERR_JWE_INVALID (the caller's own header on encrypt is checked the same way). */
function party(header: Record<string, unknown>, name: 'apu' | 'apv'): Uint8Array {
  if (!Object.hasOwn(header, name)) return new Uint8Array(0)
  const v = header[name]
  const b = typeof v === 'string' ? tryDecode(v) : undefined
  if (!b) fail('ERR_JWE_INVALID', `header "${name}" must be base64url`)
  return b
}

/**
 * Z, as bits of a WebCrypto agreement. For X25519 an all-zero Z (a small-order point) is a
 * failure (RFC 7748 §6.1); P-256/384/521 have no such points (WebCrypto refuses points off
 * the curve), and a shared point with x = 0 is a valid one there (Wycheproof tcId 2).
 */
async function agree(priv: CryptoKey, pub: CryptoKey, crv: string): Promise<Uint8Array> {
  let z: Uint8Array
  try {
    z = new Uint8Array(await subtle().deriveBits({ name: priv.algorithm.name, public: pub } as EcdhKeyDeriveParams, priv, zBits(crv)))
  } catch (e) {
    unsupported(e, crv)
    return decryptionFailed(e)
  }
  if (crv === 'X25519' && z.every((b) => b === 0)) decryptionFailed()
  return z
}

/** The sender's side: an ephemeral pair, its public JWK for the header, and the derived key. */
export async function deriveForRecipient(key: JweKey, algId: string, header: Record<string, unknown>, bits: number): Promise<{ epk: Record<string, string>; derived: Uint8Array }> {
  const p = params(key.crv!)
  const recipient = await importJwe(key, p, [])
  let eph: CryptoKeyPair
  try {
    eph = await subtle().generateKey(p, true, ['deriveBits']) as CryptoKeyPair
  } catch (e) {
    unsupported(e, key.crv!)
    throw e
  }
  const { kty, crv, x, y } = await subtle().exportKey('jwk', eph.publicKey)
  const epk: Record<string, string> = y ? { kty: kty!, crv: crv!, x: x!, y } : { kty: kty!, crv: crv!, x: x! }
  const z = await agree(eph.privateKey, recipient, key.crv!)
  return { epk, derived: await concatKdf(z, algId, party(header, 'apu'), party(header, 'apv'), bits) }
}

/**
 * The recipient's side. The `epk` must be a public key of the recipient key's type and
 * curve, with members of the exact size (else ERR_JWE_INVALID); a point WebCrypto
 * refuses (off the curve) or a small-order point is a decryption failure.
 */
export async function deriveFromEpk(key: JweKey, algId: string, header: Record<string, unknown>, bits: number): Promise<Uint8Array> {
  const epk = header.epk
  const size = CURVES.get(key.crv!)![1]
  const ok = isPlainObject(epk) && epk.kty === key.kty && epk.crv === key.crv && !Object.hasOwn(epk, 'd') &&
    (key.kty === 'EC' ? ['x', 'y'] : ['x']).every((m) => typeof epk[m] === 'string' && tryDecode(epk[m] as string)?.length === size)
  if (!ok) fail('ERR_JWE_INVALID', `header "epk" must be a public ${key.crv!} key`)
  const jwk = { kty: epk.kty, crv: epk.crv, x: epk.x, ...(key.kty === 'EC' ? { y: epk.y } : {}) } as JsonWebKey
  const apu = party(header, 'apu')
  const apv = party(header, 'apv')
  const p = params(key.crv!)
  const priv = await importJwe(key, p, ['deriveBits'])
  let pub: CryptoKey
  try {
    pub = await subtle().importKey('jwk', jwk, p, true, [])
  } catch (e) {
    unsupported(e, key.crv!)
    return decryptionFailed(e)
  }
  return concatKdf(await agree(priv, pub, key.crv!), algId, apu, apv, bits)
}

