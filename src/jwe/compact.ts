/**
 * The compact JWE (RFC 7516 §7.1): five base64url segments, the protected header a JSON
 * object. Everything here is structure: ERR_JWE_INVALID, before any key is looked at.
 */
import { fail, quote } from '../errors.ts'
import { decode } from '../encoding/base64url.ts'
import { checkCrit, STRING_MEMBERS } from '../jose/header.ts'
import { deepFreeze, parseObject, type JsonObject } from '../jose/json.ts'
import { lookupEnc, type JweEncEntry } from '../jwa/jwe.ts'

export interface JweParts {
  /** The protected header segment: its ASCII is the AAD (§5.1 step 14). */
  segment: string
  header: Readonly<JsonObject>
  encryptedKey: Uint8Array
  iv: Uint8Array
  ciphertext: Uint8Array
  tag: Uint8Array
}

const invalid = (message: string): never => fail('ERR_JWE_INVALID', message)

/** Splits and decodes a compact JWE of at most `max` characters. */
export function parseJwe(jwe: unknown, max: number): JweParts {
  if (typeof jwe !== 'string') invalid('a JWE must be a string')
  const s = jwe as string
  if (s.length > max) invalid(`the JWE is longer than maxTokenLength (${max})`)
  const parts = s.split('.', 6)
  if (parts.length !== 5) invalid('a compact JWE has exactly five segments')
  const [h, k, iv, c, t] = parts as [string, string, string, string, string]
  const header = deepFreeze(parseObject(decode(h, 'ERR_JWE_INVALID', 'the protected header'), 'ERR_JWE_INVALID', 'the JWE header'))
  const seg = (x: string, what: string): Uint8Array => decode(x, 'ERR_JWE_INVALID', what)
  return { segment: h, header, encryptedKey: seg(k, 'the encrypted key'), iv: seg(iv, 'the IV'), ciphertext: seg(c, 'the ciphertext'), tag: seg(t, 'the tag') }
}

/**
 * Member types, `crit` (RFC 7515 §4.1.11, which RFC 7516 §4.1.13 adopts) and the
 * `enc`'s exact IV and tag sizes (API.md, JWE). `alg` and `enc` are strings here; whether
 * they are allowed is the policy's question.
 */
export function checkJweHeader(p: JweParts, understood: Record<string, true> | undefined): JweEncEntry | undefined {
  const { header } = p
  if (typeof header.alg !== 'string') invalid('header "alg" must be a string')
  if (typeof header.enc !== 'string') invalid('header "enc" must be a string')
  for (const m of STRING_MEMBERS) if (Object.hasOwn(header, m) && typeof header[m] !== 'string') invalid(`header "${m}" must be a string`)
  if (Object.hasOwn(header, 'crit')) {
    checkCrit(header, 'ERR_JWE_INVALID')
    for (const name of header.crit as string[]) {
      if (!understood || !Object.hasOwn(understood, name)) fail('ERR_JOSE_NOT_SUPPORTED', `"crit" extension ${quote(name)} is not understood`)
    }
  }
  if (Object.hasOwn(header, 'zip') && header.zip !== 'DEF') fail('ERR_JOSE_NOT_SUPPORTED', `header "zip" ${quote(header.zip)} is not supported (only "DEF")`)
  const enc = lookupEnc(header.enc)
  if (enc && (p.iv.length !== enc.ivBytes || p.tag.length !== enc.tagBytes)) invalid(`${enc.enc} takes a ${enc.ivBytes}-byte IV and a ${enc.tagBytes}-byte tag`)
  return enc
}
