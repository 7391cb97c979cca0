/**
 * Test-side DER and key-text builders for the issue 12 hardening tests: just enough to
 * make a certificate around any SPKI, an SPKI with any RSA exponent or Ed25519 point, an
 * OpenSSH key line, without the library under test.
 */
import { createPublicKey } from 'node:crypto'

/** One DER element (X.690 §8.1.3). */
export function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts)
  const n = body.length
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 255]
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...len]), body]))
}

const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'))

/** RFC 7468 text: the label, base64 at 64 columns. */
export function pemOf(label: string, body: Uint8Array): string {
  const b64 = Buffer.from(body).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`
}

/** The DER body of a one-block PEM. */
export const pemBody = (pem: string): Uint8Array => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'))

/**
 * An X.509 certificate (RFC 5280 §4.1) around `spki`: the structure only, signed by
 * nobody (isojwt reads a certificate's SPKI and never its signature).
 */
export function certificateOf(spki: Uint8Array): Uint8Array {
  const sha256WithRsa = der(0x30, hex('06092a864886f70d01010b0500'))
  const name = der(0x30, der(0x31, der(0x30, hex('0603550403'), der(0x0c, Buffer.from('isojwt test')))))
  const validity = der(0x30, der(0x17, Buffer.from('260101000000Z')), der(0x17, Buffer.from('360101000000Z')))
  const tbs = der(0x30, der(0xa0, hex('020102')), hex('020101'), sha256WithRsa, name, validity, name, spki)
  return der(0x30, tbs, sha256WithRsa, der(0x03, hex('00'), new Uint8Array(32)))
}

/** An RSA SPKI (DER) with modulus `n` and exponent `e`, both big-endian unsigned. */
export function rsaSpki(n: Uint8Array, e: Uint8Array): Uint8Array {
  const int = (v: Uint8Array) => der(0x02, ...(v[0]! & 0x80 ? [hex('00')] : []), v)
  return der(0x30, der(0x30, hex('06092a864886f70d0101010500')), der(0x03, hex('00'), der(0x30, int(n), int(e))))
}

/** An Ed25519 SPKI (DER, RFC 8410 §4) for a 32-byte public key. */
export const ed25519Spki = (x: Uint8Array): Uint8Array => der(0x30, der(0x30, hex('06032b6570')), der(0x03, hex('00'), x))

/** An OpenSSH public key line (RFC 4253 §6.6, RFC 8709 §4) for an Ed25519 public key. */
export function opensshLine(x: Uint8Array, type = 'ssh-ed25519'): string {
  const str = (b: Uint8Array) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b])
  return `${type} ${Buffer.concat([str(Buffer.from(type)), str(x)]).toString('base64')} user@host`
}

/** The modulus of an RSA public key, big-endian. */
export const modulusOf = (spkiPem: string): Uint8Array =>
  new Uint8Array(Buffer.from(createPublicKey(spkiPem).export({ format: 'jwk' }).n as string, 'base64url'))
