/**
 * Public values that make a key worthless, refused in every form the key bytes can be
 * read from (JWK, PEM, DER, certificate, CryptoKey): API.md, String keys.
 */
import { keyInvalid } from '../errors.ts'
import { bitLength } from './asn1.ts'

/**
 * RFC 8017 §3.1: e is odd and at least 3. With e = 1 every PKCS#1 v1.5 encoded message
 * is its own signature; an even e is not an RSA exponent at all.
 */
export function checkExponent(e: Uint8Array): void {
  if (bitLength(e) < 2 || !(e[e.length - 1]! & 1)) keyInvalid('the RSA public exponent must be odd and ≥ 3')
}

const P = 2n ** 255n - 19n
/** y of the order-8 points: the encoding c7176a70…ac037a, read little-endian. */
const Y8 = 0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n

/**
 * An Ed25519 public key that is a point of order dividing 8 verifies forged signatures
 * (the identity: R = identity, S = 0 for any message). Those points have y ∈ {0, 1, p−1,
 * y8, p−y8} with either sign bit; y ≥ p is not canonical (RFC 8032 §5.1.3) and covers
 * y = p, p+1, encodings of 0 and 1 again.
 */
export function checkEd25519(x: Uint8Array): void {
  let y = 0n
  // RFC 8032 §5.1.2: little-endian, the top bit of byte 31 is the sign of x.
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt((x[i] ?? 0) & (i === 31 ? 0x7f : 0xff))
  if (x.length !== 32 || y < 2n || y >= P - 1n || y === Y8 || y === P - Y8) {
    keyInvalid('small-order or non-canonical Ed25519 public key')
  }
}
