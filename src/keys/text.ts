/**
 * Key text is never an HMAC secret (API.md, String keys): a string or bytes that hold a
 * key in another form are refused before any algorithm is looked at, with what they look
 * like and what to pass instead. (A public key's bytes taken as an HMAC secret let anyone
 * forge tokens: the algorithm-confusion attack of RFC 8725 §2.1.)
 */
import { keyInvalid } from '../errors.ts'
import { decodeStd } from '../encoding/base64url.ts'
import { fromUtf8 } from '../encoding/utf8.ts'
import { derLabel } from './der.ts'
import { trimKeyText, type PemLabel } from './pem.ts'

const ARMOUR = /-----(BEGIN|END)/

/** `is` says what the key text is ('PEM text'), `instead` what to pass. */
const refuse = (is: string, instead: string): never => keyInvalid(`${is}, not an HMAC secret: ${instead}`)

/** Base64 (standard or URL alphabet, line breaks, optional padding) of a DER key structure. */
function base64Der(text: string): PemLabel | undefined {
  const s = text.replace(/[ \t\r\n]+/g, '')
  const bytes = /^[\w+/-]+={0,2}$/.test(s) ? decodeStd(s) : undefined
  return bytes && derLabel(bytes)
}

/** Throws when `s` (a string, or bytes read as UTF-8) is key text. */
export function refuseKeyText(s: string, bytes?: boolean): void {
  const text = trimKeyText(s)
  if (ARMOUR.test(text)) refuse('PEM text', bytes ? 'pass the PEM as a string' : 'pass the PEM block alone')
  if (/^[{[]/.test(text)) refuse('JSON', 'pass a JWK as an object, a JWK Set to createLocalJwks')
  if (/^(ssh-|ecdsa-sha2-|sk-)\S+ /.test(text)) refuse('an OpenSSH key', 'convert with `ssh-keygen -e -m PKCS8`')
  if (/^https?:\/\//i.test(text)) refuse('a URL', 'use createRemoteJwks')
  const label = base64Der(text)
  if (label) refuse(`base64 DER (${label})`, `wrap it in -----BEGIN/END ${label}----- lines`)
}

/** Throws when bytes are key text: a DER key, PEM armour anywhere, or key text in UTF-8. */
export function refuseKeyBytes(b: Uint8Array): void {
  const label = derLabel(b)
  if (label) refuse(`DER (${label})`, 'pass it as PEM text or a JWK')
  // Latin-1, one character per byte (after a UTF-8 BOM, which the text rules skip): ASCII
  // armour is found whatever the other bytes are, and the other rules, which look at how
  // the text starts or need it all ASCII, read it as UTF-8 would.
  let text = ''
  for (let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0; i < b.length; i += 4096) text += String.fromCharCode(...b.subarray(i, i + 4096))
  if (ARMOUR.test(text)) refuseKeyText(text, true)
  try {
    fromUtf8(b)
  } catch {
    return // the other rules apply to bytes that are UTF-8 text only (API.md, String keys)
  }
  refuseKeyText(text, true)
}
