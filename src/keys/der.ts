/**
 * DER keys: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), PKCS#8 (RFC 5208 §5), the SPKI in
 * an X.509 certificate (RFC 5280 §4.1), PKCS#1 and SEC1 keys (wrapped here into SPKI or
 * PKCS#8 for WebCrypto). Reads what the key checks need (key type and curve from the
 * registry's OIDs, RSA modulus size and exponent, the Ed25519 point); WebCrypto parses
 * the rest on import.
 */
import { fail } from '../errors.ts'
import { ENTRIES, type Kty } from '../jwa/registry.ts'
import { OID, SEQUENCE, bad, bitLength, hex, kids, type Tlv } from './asn1.ts'
import { checkEd25519, checkExponent } from './weak.ts'

/** A DER key as the key descriptions take it (src/keys/describe.ts, jwe.ts): the facts read, the DER as the material. */
export interface DerKey {
  form: 'spki' | 'pkcs8'
  visibility: 'public' | 'private'
  material: Uint8Array
  kty: Kty
  crv?: string | undefined
  /** RSA modulus size in bits. */
  bits?: number
}

export type PemLabel = 'PUBLIC KEY' | 'PRIVATE KEY' | 'CERTIFICATE' | 'RSA PUBLIC KEY' | 'RSA PRIVATE KEY' | 'EC PRIVATE KEY'

/** The PEM labels we accept (RFC 7468), each with its key structure: the tags of its outer SEQUENCE's children. */
export const SHAPES: ReadonlyMap<string, RegExp> = /* @__PURE__ */ new Map([
  ['PUBLIC KEY', /^3003$/], // SPKI: AlgorithmIdentifier, BIT STRING
  ['CERTIFICATE', /^303003$/], // tbsCertificate, signatureAlgorithm, signature
  ['PRIVATE KEY', /^023004(a0)?(81|a1)?$/], // PKCS#8 / OneAsymmetricKey (RFC 5958 §2)
  ['RSA PUBLIC KEY', /^0202$/], // PKCS#1 RSAPublicKey: modulus, publicExponent (RFC 8017 A.1.1)
  ['RSA PRIVATE KEY', /^(02){9}(30)?$/], // PKCS#1 RSAPrivateKey: version, modulus, publicExponent, … (A.1.2)
  ['EC PRIVATE KEY', /^0204(a0)?(a1)?$/], // SEC1 ECPrivateKey (RFC 5915 §3)
])

const EC = '2a8648ce3d0201' // 1.2.840.10045.2.1 id-ecPublicKey
const RSA_PSS = '2a864886f70d01010a' // 1.2.840.113549.1.1.10 id-RSASSA-PSS, a common surprise

/** The children of the one SEQUENCE that fills `within` (default: all of `der`), shaped as `label`. */
function body(der: Uint8Array, label: PemLabel, what: string = label, within = { start: 0, end: der.length }): Tlv[] {
  return kids(der, kids(der, within, what, /^30$/)[0]!, what, SHAPES.get(label)!)
}

/** The label of the key structure that `b` is in full, or undefined: random secrets never have such a shape. */
export function derLabel(b: Uint8Array): PemLabel | undefined {
  if (b[0] !== SEQUENCE) return undefined // most secrets: no exception thrown and caught
  for (const [label] of SHAPES as ReadonlyMap<PemLabel, RegExp>) {
    try {
      body(b, label)
      return label
    } catch {}
  }
}

/** AlgorithmIdentifier → the registry entry's key type and curve (RFC 5480 §2.1.1, RFC 8410 §3). */
function algorithm(der: Uint8Array, algId: Tlv, what: string): Pick<DerKey, 'kty' | 'crv'> {
  const [oid, param] = kids(der, algId, what, /^06/)
  let id = hex(der, oid!)
  const ec = id === EC
  if (ec) id = param?.tag === OID ? hex(der, param) : ''
  const e = ENTRIES.find((e) => e.oid === id && (e.kty === 'EC') === ec)
  if (!e) fail('ERR_JOSE_NOT_SUPPORTED', ec ? 'unsupported EC curve' : `unsupported key algorithm${id === RSA_PSS ? ' id-RSASSA-PSS' : ''}`)
  return { kty: e.kty, crv: e.crv }
}

/** SPKI (or PKCS#8) DER, read and checked. */
function keyInfo(der: Uint8Array, form: DerKey['form']): DerKey {
  const spki = form === 'spki'
  const what = spki ? 'SPKI' : 'PKCS#8'
  // Children from the algorithm on: a private key's come after its version.
  const skip = spki ? 0 : 1
  const [algId, key] = body(der, spki ? 'PUBLIC KEY' : 'PRIVATE KEY', what).slice(skip) as [Tlv, Tlv]
  const info: DerKey = { form, visibility: spki ? 'public' : 'private', material: der, ...algorithm(der, algId, what) }
  // A BIT STRING starts with its count of unused bits: none in keys (RFC 8410 §4).
  if (spki && der[key.start] !== 0) bad(what)
  const inner = { start: key.start + +spki, end: key.end }
  if (info.kty === 'RSA') {
    // The PKCS#1 key inside: modulus and publicExponent, after a private key's version.
    const label = spki ? 'RSA PUBLIC KEY' : 'RSA PRIVATE KEY'
    const [n, e] = body(der, label, label, inner).slice(skip) as [Tlv, Tlv]
    checkExponent(der.subarray(e.start, e.end))
    info.bits = bitLength(der, n.start, n.end)
  } else if (spki && info.crv === 'Ed25519') checkEd25519(der.subarray(inner.start, key.end))
  return info
}

/**
 * The SPKI or PKCS#8 DER of a PEM block, read and checked: a certificate's SPKI; PKCS#1
 * and SEC1 keys wrapped by our own DER code (RFC 5280 §4.1.2.7, RFC 5208 §5).
 */
export function pemKey({ label, der }: { label: PemLabel; der: Uint8Array }): DerKey {
  if (label === 'CERTIFICATE') {
    // tbsCertificate: [0] version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, …
    const tbs = kids(der, body(der, label)[0]!, label, /^(a0)?02(30){5}/)
    const spki = tbs[tbs[0]!.tag === 0xa0 ? 6 : 5]!
    return keyInfo(der.slice(spki.at, spki.end), 'spki')
  }
  const spki = label.includes('PUBLIC')
  // RSA PUBLIC KEY, RSA PRIVATE KEY, EC PRIVATE KEY: the labels longer than PRIVATE KEY, wrapped
  // into SPKI / PKCS#8, which keyInfo then reads whole (the PKCS#1 key inside included).
  if (label.length > 11) {
    // One DER element (X.690 §8.1.3): the short length form below 128, else 81 or 82 and the
    // length. Bytes are stored mod 256: a length of 64 KiB or more (no real key's) comes out
    // wrong in the outer SEQUENCE, the longest, which keyInfo's reader then refuses.
    const tlv = (tag: number, b: number[] | Uint8Array, n = b.length): number[] => [tag, ...(n < 128 ? [] : n < 256 ? [0x81] : [0x82, n >> 8]), n, ...b]
    // The AlgorithmIdentifier's content: rsaEncryption, NULL (RFC 8017 A.1).
    let alg = [6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 13, 1, 1, 1, 5, 0]
    if (label === 'EC PRIVATE KEY') {
      // RFC 5915 §3: parameters [0], after version and privateKey, hold the named curve's OID and nothing else.
      // Without [0], an empty range: no children, which /^06$/ refuses too.
      const p = body(der, label)[2]
      kids(der, p?.tag === 0xa0 ? p : { start: 0, end: 0 }, 'EC PRIVATE KEY: needs a named curve', /^06$/)
      // id-ecPublicKey (RFC 5480 §2.1.1), the curve
      alg = [6, 7, 0x2a, 0x86, 0x48, 0xce, 0x3d, 2, 1, ...der.subarray(p!.start, p!.end)]
    }
    der = Uint8Array.from(tlv(0x30, spki ? [...tlv(0x30, alg), ...tlv(3, [0, ...der])] : [2, 1, 0, ...tlv(0x30, alg), ...tlv(4, der)]))
  }
  return keyInfo(der, spki ? 'spki' : 'pkcs8')
}
