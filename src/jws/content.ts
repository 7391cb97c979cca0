/**
 * Payload handling shared by the compact and JSON forms: the caller's payload as bytes,
 * detached content (RFC 7515 App. F) and unencoded payloads (RFC 7797 §3), where the
 * signing input is `BASE64URL(protected) '.' payload` with the payload's own bytes.
 */
import { fail } from '../errors.ts'
import { decodeCanonical, encode } from '../encoding/base64url.ts'
import { concat, isBytes } from '../encoding/bytes.ts'
import { isWellFormed, utf8 } from '../encoding/utf8.ts'
import type { JsonObject } from '../jose/json.ts'
import type { CompactParts } from './compact.ts'
import { importFor } from '../keys/import.ts'
import type { KeyDesc } from '../keys/describe.ts'
import { signCompact, type HeaderMemo, type SignHead } from './sign.ts'
import { signText } from './signature.ts'

/** A payload argument or option: bytes, or a string as its UTF-8 bytes. */
export function contentBytes(payload: unknown, what: string): Uint8Array {
  const text = typeof payload === 'string'
  if (text ? !isWellFormed(payload) : !isBytes(payload)) {
    fail('ERR_JOSE_INVALID_ARGUMENT', text ? `${what} string is not well-formed Unicode` : `${what} must be a Uint8Array or a string`)
  }
  return text ? utf8(payload) : (payload as Uint8Array)
}

/** An optional boolean option. */
export function flag(value: unknown, name: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') fail('ERR_JOSE_INVALID_ARGUMENT', `options.${name} must be a boolean`)
  return value
}

/** The signing input of `payload` under a protected header segment (RFC 7515 §5.1 step 5, RFC 7797 §3). */
export const signingInput = (segment: string, payload: Uint8Array, b64: boolean): string | Uint8Array =>
  b64 ? `${segment}.${encode(payload)}` : concat([utf8(`${segment}.`), payload])

/** One signature as a record for verifyParts; `signature` must already be canonical base64url. */
export function record(header: Readonly<JsonObject>, segment: string, payload: Uint8Array, signature: string): CompactParts {
  return {
    header, payload, signatureSegment: signature, payloadSegment: '',
    signature: decodeCanonical(signature),
    signingInput: signingInput(segment, payload, header.b64 !== false),
  }
}

/**
 * A detached compact JWS over an unencoded payload (RFC 7797 §3): `header..signature`.
 * signCompact builds and checks the header (and signs an empty payload, discarded), so
 * the sign bundle carries none of this; the memo hands back the header and the key.
 */
export async function signUnencoded(req: SignHead & { key: unknown }, payload: Uint8Array): Promise<string> {
  let got: [KeyDesc, HeaderMemo] | undefined
  await signCompact(req, req.key, new Uint8Array(0), { get: () => undefined, set: (d: KeyDesc, m: HeaderMemo) => (got = [d, m]) } as never)
  const [desc, { entry, segment }] = got!
  return `${segment}..${await signText(entry, await importFor(desc, entry, ['sign']), signingInput(segment, payload, false))}`
}
