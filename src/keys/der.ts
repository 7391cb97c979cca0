/**
 * What a DER key is: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), PKCS#8 PrivateKeyInfo
 * (RFC 5208 §5) or the SPKI inside an X.509 certificate. Reads the algorithm OID, the
 * curve, and the RSA modulus size; WebCrypto does the rest of the parsing on import.
 */
import { fail } from '../errors.ts'
import type { Kty } from '../jwa/registry.ts'
import { BIT_STRING, INTEGER, OCTET_STRING, OID, SEQUENCE, bad, bitLength, children, expect, hex, read, type Tlv } from './asn1.ts'

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
    info.rsaBits = intBits(der, firstChild(der, seq, INTEGER, 'RSA public key'))
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
    info.rsaBits = intBits(der, expect(der, v.end, seq.end, INTEGER, 'RSA private key'))
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
