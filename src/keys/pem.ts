/**
 * PEM (RFC 7468) for the three labels we accept. Keys are told apart by label, never
 * by sniffing for substrings, and the DER inside is then read for the key type.
 */
import { fail } from '../errors.ts'
import { decodeStdPadded } from '../encoding/base64url.ts'

export type PemLabel = 'PUBLIC KEY' | 'PRIVATE KEY' | 'CERTIFICATE'

const CONVERSIONS: ReadonlyMap<string, string> = /* @__PURE__ */ new Map([
  ['RSA PUBLIC KEY', 'PKCS#1 public keys are not accepted; convert with `openssl rsa -RSAPublicKey_in -pubout`'],
  ['RSA PRIVATE KEY', 'PKCS#1 private keys are not accepted; convert with `openssl pkcs8 -topk8 -nocrypt`'],
  ['EC PRIVATE KEY', 'SEC1 EC private keys are not accepted; convert with `openssl pkcs8 -topk8 -nocrypt`'],
  ['ENCRYPTED PRIVATE KEY', 'encrypted private keys are not accepted; decrypt with `openssl pkcs8 -topk8 -nocrypt`'],
  ['PRIVATE KEY', ''], ['PUBLIC KEY', ''], ['CERTIFICATE', ''],
])

/** After one leading U+FEFF and ASCII whitespace (API.md, String keys). */
export function trimKeyText(s: string): string {
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0
  while (i < s.length && isAsciiSpace(s.charCodeAt(i))) i++
  let j = s.length
  while (j > i && isAsciiSpace(s.charCodeAt(j - 1))) j--
  return s.slice(i, j)
}

function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) // space, \t \n \v \f \r
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]{1,40})-----(?:\r?\n|\r)/

/** Parses trimmed PEM text. One block only; anything around it is refused. */
export function parsePem(text: string): { label: PemLabel; der: Uint8Array } {
  const m = BEGIN.exec(text)
  if (!m) fail('ERR_KEY_INVALID', 'malformed PEM: the "-----BEGIN …-----" line is not valid')
  const label = m[1]!
  const conversion = CONVERSIONS.get(label)
  if (conversion === undefined) fail('ERR_KEY_INVALID', `unsupported PEM label; use PUBLIC KEY (SPKI), PRIVATE KEY (PKCS#8) or CERTIFICATE. Convert with \`openssl pkcs8 -topk8 -nocrypt\` (private) or \`openssl rsa -RSAPublicKey_in -pubout\` (public)`)
  if (conversion !== '') fail('ERR_KEY_INVALID', conversion)
  const footer = `-----END ${label}-----`
  if (!text.endsWith(footer)) fail('ERR_KEY_INVALID', `malformed PEM: expected a single block ending in "${footer}"`)
  const body = text.slice(m[0].length, text.length - footer.length)
  if (body.includes('-')) fail('ERR_KEY_INVALID', 'malformed PEM: more than one block or stray dashes')
  // RFC 7468 §3: base64 lines, whitespace between them.
  const der = decodeStdPadded(body.replace(/[ \t\r\n]+/g, ''))
  if (der === undefined || der.length === 0) fail('ERR_KEY_INVALID', 'malformed PEM: the body is not valid base64')
  return { label: label as PemLabel, der }
}
