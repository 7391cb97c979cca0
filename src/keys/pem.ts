/**
 * PEM (RFC 7468) for the labels we accept. Keys are told apart by label, never by
 * sniffing for substrings, and the DER inside is then read for the key type.
 */
import { keyInvalid } from '../errors.ts'
import { decodeStdPadded } from '../encoding/base64url.ts'
import { SHAPES, type PemLabel } from './der.ts'

export type { PemLabel }

/** Space, \t \n \v \f \r. */
const isAsciiSpace = (c: number): boolean => c === 0x20 || (c > 8 && c < 14)

/** After one leading U+FEFF and ASCII whitespace (API.md, String keys). */
export function trimKeyText(s: string): string {
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0
  let j = s.length
  while (i < j && isAsciiSpace(s.charCodeAt(i))) i++
  while (j > i && isAsciiSpace(s.charCodeAt(j - 1))) j--
  return s.slice(i, j)
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]{1,40})-----/

/**
 * Parses trimmed PEM text: one block, nothing around it. Line breaks may be real, the
 * literal `\n` escapes an environment variable carries, or absent.
 */
export function parsePem(pem: string): { label: PemLabel; der: Uint8Array } {
  // Each escape reads as whitespace (a space: smaller in the bundle than a line break).
  const text = trimKeyText(pem.replace(/\\[rn]/g, ' '))
  const blocks = text.split('-----BEGIN ').length - 1
  if (blocks > 1) keyInvalid(`the PEM holds ${blocks} blocks: pass one key or certificate`)
  const label = BEGIN.exec(text)?.[1]
  if (!label) keyInvalid('malformed PEM: no BEGIN line')
  if (!SHAPES.has(label)) {
    keyInvalid('unsupported PEM label: convert with `openssl pkcs8 -topk8 -nocrypt` or `ssh-keygen -p -m PKCS8`')
  }
  const footer = `-----END ${label}-----`
  if (!text.endsWith(footer)) keyInvalid(`malformed PEM: must end with "${footer}"`)
  const body = text.slice(label.length + 16, -footer.length)
  if (body.includes('-')) keyInvalid('malformed PEM: stray dashes')
  // RFC 7468 §3: base64 lines, whitespace between them.
  const der = decodeStdPadded(body.replace(/[ \t\r\n]+/g, ''))
  if (!der?.length) keyInvalid('malformed PEM: invalid base64')
  return { label: label as PemLabel, der }
}
