/**
 * Certificate maps (API.md, Identity providers: `createRemoteJwks(url, { format:
 * 'x509-map' })`): the JSON object Google publishes for its ID tokens and Firebase for
 * its session and ID tokens, each member a `kid` and an X.509 certificate in PEM. Every
 * certificate goes through the key layer's own reading of certificates (src/keys/der.ts,
 * with every check any certificate gets: the RSA minimum of 2048 bits and the exponent,
 * the curve, Ed25519 small-order points) and becomes the public JWK of its key with that
 * `kid`, so selection, freshness and the cacheStore are the JWK Set's own.
 */
import { fail, isJoseError, quote } from '../errors.ts'
import { isPlainObject } from '../jose/json.ts'
import { kids } from '../keys/asn1.ts'
import { describeKey } from '../keys/describe.ts'
import { parsePem } from '../keys/pem.ts'
import type { Jwk } from '../types.ts'
import type { KeyReader } from './fetch.ts'

const SPKI = 'SubjectPublicKeyInfo'

/**
 * Bytes → base64url without padding (RFC 4648 §5), through `btoa`: the encoding layer's
 * `encode` (src/encoding/base64url.ts) is not in a bundle that only verifies, and this
 * reader is in every remote key set's bundle (its `format` is a runtime string), where
 * the table-driven encoder cost about 116 B min+gzip more. Only our own DER bytes pass here.
 */
const encode = (b: Uint8Array): string => btoa(String.fromCharCode(...b)).replace(/=+$/, '').replace(/[+/]/g, (c) => (c === '+' ? '-' : '_'))

/** The children of the one SEQUENCE that is all of `b`, shaped as `shape` says. */
const children = (b: Uint8Array, shape: RegExp) => kids(b, kids(b, { start: 0, end: b.length }, SPKI, /^30$/)[0]!, SPKI, shape)

/** An unsigned DER INTEGER's content as a JWK member: without leading zero bytes (RFC 7518 §6.3.1.1). */
function unsigned(b: Uint8Array, t: { start: number; end: number }): string {
  let i = t.start
  while (i < t.end - 1 && b[i] === 0) i++
  return encode(b.subarray(i, t.end))
}

/**
 * The public JWK of a certificate's key, with `kid`. The certificate is described as a
 * key string is (so refused for what `verify` would refuse it for), then its checked
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) is read into JWK members (RFC 7518 §6.2–6.3,
 * RFC 8037 §2).
 */
function certificateJwk(kid: string, pem: unknown): Jwk {
  if (typeof pem !== 'string' || parsePem(pem).label !== 'CERTIFICATE') fail('ERR_KEY_INVALID', 'not a CERTIFICATE PEM')
  const { kty, crv, material } = describeKey(pem)
  const der = material as Uint8Array
  const [, bits] = children(der, /^3003$/)
  // The BIT STRING's first byte counts unused bits (none, checked by der.ts).
  const key = der.subarray(bits!.start + 1, bits!.end)
  if (kty === 'RSA') {
    // RFC 8017 A.1.1: RSAPublicKey ::= SEQUENCE { modulus, publicExponent }
    const [n, e] = children(key, /^0202$/)
    return { kty, kid, n: unsigned(key, n!), e: unsigned(key, e!) }
  }
  if (kty === 'OKP') return { kty, kid, crv, x: encode(key) }
  // RFC 5480 §2.2: an uncompressed point, 0x04 ‖ x ‖ y (a JWK cannot hold a compressed one).
  const half = (key.length - 1) / 2
  if (key[0] !== 4 || !Number.isInteger(half)) fail('ERR_KEY_INVALID', 'the EC point is not uncompressed')
  return { kty, kid, crv, x: encode(key.subarray(1, 1 + half)), y: encode(key.subarray(1 + half)) }
}

/**
 * A certificate map as keys: a JSON object of at most `maxKeys` members, each a `kid` and
 * a certificate PEM. Anything else (a value that is not a string, not a certificate, or a
 * certificate whose key is refused) makes the whole document unusable, as a malformed
 * JWK Set is: the provider's statement of its keys is taken whole or not at all.
 */
export const readX509Map: KeyReader = (doc, maxKeys, bad) => {
  if (!isPlainObject(doc) || Object.hasOwn(doc, 'keys')) bad('a certificate map must be a JSON object of certificates by "kid"')
  const entries = Object.entries(doc as Record<string, unknown>)
  if (entries.length > maxKeys) bad(`the certificate map has more than ${maxKeys} certificates`)
  return entries.map(([kid, pem]) => {
    try {
      return Object.freeze(certificateJwk(kid, pem))
    } catch (e) {
      return bad(`the certificate of "kid" ${quote(kid)} is refused: ${isJoseError(e) ? e.message : 'it could not be read'}`, e)
    }
  })
}
