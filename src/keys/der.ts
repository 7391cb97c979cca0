/**
 * What a DER key is: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), PKCS#8 PrivateKeyInfo
 * (RFC 5208 §5) or the SPKI inside an X.509 certificate. Reads the algorithm OID, the
 * curve, the RSA modulus size and exponent and the Ed25519 point; WebCrypto does the
 * rest of the parsing on import.
 */
import { fail } from '../errors.ts'
import { concat } from '../encoding/bytes.ts'
import type { Kty } from '../jwa/registry.ts'
import { BIT_STRING, INTEGER, OCTET_STRING, OID, SEQUENCE, bad, bitLength, children, expect, hex, read, type Tlv } from './asn1.ts'
import type { PemLabel } from './pem.ts'
import { checkEd25519, checkExponent } from './weak.ts'

export interface DerKeyInfo {
  kty: Kty
  crv?: string
  /** RSA modulus size in bits. */
  rsaBits?: number
}

const RSA = '2a864886f70d010101' // 1.2.840.113549.1.1.1 rsaEncryption
const EC = '2a8648ce3d0201' // 1.2.840.10045.2.1 id-ecPublicKey
const ED25519 = '2b6570' // 1.3.101.112 (RFC 8410)
const CURVES: ReadonlyMap<string, string> = /* @__PURE__ */ new Map([
  ['2a8648ce3d030107', 'P-256'], // 1.2.840.10045.3.1.7
  ['2b81040022', 'P-384'], // 1.3.132.0.34
  ['2b81040023', 'P-521'], // 1.3.132.0.35
])
const UNSUPPORTED: ReadonlyMap<string, string> = /* @__PURE__ */ new Map([
  ['2a864886f70d01010a', 'RSASSA-PSS-restricted keys (id-RSASSA-PSS)'],
  ['2b656e', 'X25519 keys'], ['2b6571', 'Ed448 keys'], ['2b656f', 'X448 keys'],
])

/** AlgorithmIdentifier → key type and curve. */
function algorithm(der: Uint8Array, algId: Tlv, what: string): DerKeyInfo {
  const parts = children(der, algId, what)
  const oid = parts[0]
  if (!oid || oid.tag !== OID) bad(what)
  const id = hex(der, oid)
  if (id === RSA) return { kty: 'RSA' }
  if (id === ED25519) return { kty: 'OKP', crv: 'Ed25519' }
  if (id === EC) {
    const param = parts[1]
    const crv = param && param.tag === OID ? CURVES.get(hex(der, param)) : undefined
    if (!crv) fail('ERR_JOSE_NOT_SUPPORTED', 'unsupported EC curve (supported: P-256, P-384, P-521)')
    return { kty: 'EC', crv }
  }
  const known = UNSUPPORTED.get(id)
  fail('ERR_JOSE_NOT_SUPPORTED', `unsupported key algorithm${known ? `: ${known}` : ''}`)
}

/** The first child of `parent`, which must have tag `tag`. */
const firstChild = (der: Uint8Array, parent: Tlv, tag: number, what: string): Tlv => expect(der, parent.start, parent.end, tag, what)

/** Bit length of an INTEGER's value (non-negative in keys). */
const intBits = (der: Uint8Array, t: Tlv): number => bitLength(der, t.start, t.end)

/** The INTEGER after `prev` inside `seq`: RFC 8017 A.1.1/A.1.2 publicExponent follows the modulus. */
const exponentAfter = (der: Uint8Array, prev: Tlv, seq: Tlv): void => {
  const e = expect(der, prev.end, seq.end, INTEGER, 'RSA key')
  checkExponent(der.subarray(e.start, e.end))
}

/** The outermost SEQUENCE, which must span the whole input. */
function outer(der: Uint8Array, what: string): Tlv {
  const top = expect(der, 0, der.length, SEQUENCE, what)
  if (top.end !== der.length) fail('ERR_KEY_INVALID', `trailing bytes after ${what}`)
  return top
}

export function spkiInfo(der: Uint8Array): DerKeyInfo {
  const what = 'SubjectPublicKeyInfo'
  const top = outer(der, what)
  const algId = firstChild(der, top, SEQUENCE, what)
  const key = expect(der, algId.end, top.end, BIT_STRING, what)
  const info = algorithm(der, algId, what)
  if (info.kty === 'RSA') {
    if (der[key.start] !== 0) bad(what)
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1)
    const seq = expect(der, key.start + 1, key.end, SEQUENCE, 'RSA public key')
    const n = firstChild(der, seq, INTEGER, 'RSA public key')
    info.rsaBits = intBits(der, n)
    exponentAfter(der, n, seq)
  } else if (info.crv === 'Ed25519') {
    // RFC 8410 §4: no unused bits, then the 32-byte public key.
    if (der[key.start] !== 0) bad(what)
    checkEd25519(der.subarray(key.start + 1, key.end))
  }
  return info
}

export function pkcs8Info(der: Uint8Array): DerKeyInfo {
  const what = 'PKCS#8 PrivateKeyInfo'
  const top = outer(der, what)
  const version = firstChild(der, top, INTEGER, what)
  const algId = expect(der, version.end, top.end, SEQUENCE, what)
  const key = expect(der, algId.end, top.end, OCTET_STRING, what)
  const info = algorithm(der, algId, what)
  if (info.kty === 'RSA') {
    // RSAPrivateKey ::= SEQUENCE { version, modulus, … } (RFC 8017 A.1.2)
    const seq = firstChild(der, key, SEQUENCE, 'RSA private key')
    const v = firstChild(der, seq, INTEGER, 'RSA private key')
    const n = expect(der, v.end, seq.end, INTEGER, 'RSA private key')
    info.rsaBits = intBits(der, n)
    exponentAfter(der, n, seq)
  }
  return info
}

/** The SubjectPublicKeyInfo DER of an X.509 certificate (RFC 5280 §4.1). */
export function certificateSpki(der: Uint8Array): Uint8Array {
  const what = 'X.509 certificate'
  const cert = outer(der, what)
  const tbs = firstChild(der, cert, SEQUENCE, what)
  let pos = tbs.start
  const first = read(der, pos, tbs.end, what)
  if (first.tag === 0xa0) pos = first.end // [0] EXPLICIT version
  // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo
  const serial = expect(der, pos, tbs.end, INTEGER, what)
  pos = serial.end
  for (let i = 0; i < 4; i++) pos = expect(der, pos, tbs.end, SEQUENCE, what).end
  return der.slice(pos, expect(der, pos, tbs.end, SEQUENCE, what).end)
}

/** The outer SEQUENCE's children, by tag, for each DER key structure a PEM label names. */
const SHAPES: ReadonlyArray<readonly [RegExp, PemLabel]> = [
  [/^3003$/, 'PUBLIC KEY'], // SPKI: AlgorithmIdentifier, BIT STRING
  [/^303003$/, 'CERTIFICATE'], // tbsCertificate, signatureAlgorithm, signature
  [/^023004(a0)?(81|a1)?$/, 'PRIVATE KEY'], // PKCS#8 / OneAsymmetricKey (RFC 5958 §2)
  [/^0202$/, 'RSA PUBLIC KEY'], // PKCS#1 RSAPublicKey (RFC 8017 A.1.1)
  [/^(02){9}(30)?$/, 'RSA PRIVATE KEY'], // PKCS#1 RSAPrivateKey (A.1.2)
  [/^0204(a0)?(a1)?$/, 'EC PRIVATE KEY'], // SEC1 ECPrivateKey (RFC 5915 §3)
]

/**
 * The key structure that `b` is, in full (one outer SEQUENCE spanning it, children of
 * the right tags spanning that), or undefined: random secrets never have this shape.
 */
export function derLabel(b: Uint8Array): PemLabel | undefined {
  if (b[0] !== SEQUENCE) return undefined // most secrets: no exception thrown and caught
  try {
    const tags = children(b, outer(b, 'DER'), 'DER').map((t) => t.tag.toString(16).padStart(2, '0')).join('')
    return SHAPES.find(([shape]) => shape.test(tags))?.[1]
  } catch {
    return undefined
  }
}

const unhex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16))

/** One DER element (X.690 §8.1.3: short length form below 128, else long form). */
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(parts)
  const len: number[] = []
  for (let n = body.length; n > 0; n = Math.floor(n / 256)) len.unshift(n % 256)
  return concat([Uint8Array.of(tag, ...(body.length < 128 ? [body.length] : [0x80 | len.length, ...len])), body])
}

/** SEC1 parameters [0]: the named curve's OID element (RFC 5915 §3). */
function namedCurve(der: Uint8Array): Uint8Array {
  const p = children(der, outer(der, 'SEC1'), 'SEC1').find((t) => t.tag === 0xa0)
  const oid = p && read(der, p.start, p.end, 'SEC1')
  if (!oid || oid.tag !== OID || oid.end !== p.end) fail('ERR_KEY_INVALID', 'an EC PRIVATE KEY needs a named curve (RFC 5915 §3)')
  return der.subarray(p.start, p.end)
}

/**
 * The SPKI or PKCS#8 DER of a PEM block: a certificate's SPKI; PKCS#1 and SEC1 keys
 * wrapped by our own DER code (RFC 5280 §4.1.2.7, RFC 5208 §5).
 */
export function pemKey({ label, der }: { label: PemLabel; der: Uint8Array }): { form: 'spki' | 'pkcs8'; der: Uint8Array } {
  if (label === 'CERTIFICATE') return { form: 'spki', der: certificateSpki(der) }
  if (label === 'PUBLIC KEY' || label === 'PRIVATE KEY') return { form: label === 'PUBLIC KEY' ? 'spki' : 'pkcs8', der }
  if (derLabel(der) !== label) bad(label)
  const rsaAlg = unhex(`300d0609${RSA}0500`)
  if (label === 'RSA PUBLIC KEY') return { form: 'spki', der: tlv(SEQUENCE, rsaAlg, tlv(BIT_STRING, Uint8Array.of(0), der)) }
  const alg = label === 'RSA PRIVATE KEY' ? rsaAlg : tlv(SEQUENCE, unhex(`0607${EC}`), namedCurve(der))
  return { form: 'pkcs8', der: tlv(SEQUENCE, unhex('020100'), alg, tlv(OCTET_STRING, der)) }
}
