/**
 * JWS JSON Serialization (RFC 7515 §7.2): the flattened form for one signer, the general
 * form for several. Each signature becomes a record like parseExplained's and goes through
 * verifyParts, so every compact rule (header shape, crit, b64, policy, key) holds per
 * signature; the first one that verifies wins and its index is reported.
 */
import { fail, quote, toJoseError } from '../errors.ts'
import { decodeCanonical, encode, isCanonical } from '../encoding/base64url.ts'
import { fromUtf8, utf8 } from '../encoding/utf8.ts'
import { checkCrit, checkCritOption, checkHeaderShape } from '../jose/header.ts'
import { deepFreeze, isPlainObject, parseObject, stringify, type JsonObject } from '../jose/json.ts'
import { readOptions, validating } from '../jose/options.ts'
import { checkAlgorithms } from '../jwa/policy.ts'
import type { FlattenedJws, GeneralJws, JwsHeader, JwsJsonSigner, KeyInput, KeyResolver, VerifyJwsJsonOptions, VerifyJwsJsonResult } from '../types.ts'
import { checkMaxLength, DEFAULT_MAX_JWS, readHeader } from './compact.ts'
import { contentBytes, flag, record, signUnencoded } from './content.ts'
import { checkExtraHeader, signCompact } from './sign.ts'
import { verifyParts } from './verify.ts'

/** API.md: at most this many signatures, read or written. */
const MAX_SIGNATURES = 8
/** Members that only the protected header may carry (API.md; RFC 7515 §4.1.11, RFC 7797 §6). */
const PROTECTED_ONLY = ['alg', 'crit', 'b64']

const bad = (message: string): never => fail('ERR_JWS_INVALID', message)
const has = (o: JsonObject, k: string): boolean => Object.hasOwn(o, k)

/** The unprotected header of one entry: an object disjoint from the protected one (RFC 7515 §7.2.1). */
function unprotectedOf(value: unknown, header: JsonObject, fault: (m: string) => never): JsonObject | undefined {
  if (value === undefined) return undefined
  if (!isPlainObject(value)) fault('"header" must be a JSON object')
  for (const k of Object.keys(value)) {
    if (PROTECTED_ONLY.includes(k) || k === '__proto__') fault(`${quote(k)} may only be in the protected header`)
    if (has(header, k)) fault(`${quote(k)} is in both the protected and the unprotected header`)
  }
  return value
}

interface Entry {
  index: number
  protectedHeader: JwsHeader
  unprotectedHeader: JsonObject | undefined
  joined: Readonly<JsonObject>
  segment: string
  signature: string
}

/** One entry of `signatures` (or the flattened object itself), checked in structure. */
function entryOf(e: JsonObject, index: number): Entry {
  if (!isPlainObject(e)) bad('a signature entry must be a JSON object')
  const { protected: p, signature: s } = e
  // alg must be protected, so the protected header is required here.
  if (typeof p !== 'string' || !p) bad('"protected" must be a non-empty string')
  if (typeof s !== 'string' || !isCanonical(s)) bad('"signature" must be canonical base64url')
  const header = deepFreeze(readHeader(p as string))
  // What crit lists must be integrity protected too (RFC 7515 §4.1.11), not only crit itself.
  if (has(header, 'crit')) checkCrit(header, 'ERR_JWS_INVALID')
  const unprotectedHeader = unprotectedOf(has(e, 'header') ? e.header : undefined, header, bad)
  const joined = deepFreeze({ ...unprotectedHeader, ...header })
  checkHeaderShape(joined)
  return { index, protectedHeader: header as JwsHeader, unprotectedHeader, joined, segment: p as string, signature: s as string }
}

/** The object or JSON text → its entries and the payload member, structure only. */
function readJws(jws: unknown, maxLength: number): { entries: Entry[]; payload: unknown } {
  if (typeof jws !== 'string' && !isPlainObject(jws)) bad('the JWS must be a JSON object or its text')
  const text = typeof jws === 'string' ? jws : validating(() => stringify(jws, 'the JWS'))
  if (text.length > maxLength) bad(`the JWS is longer than ${maxLength} characters`)
  const o = parseObject(utf8(text), 'ERR_JWS_INVALID', 'the JWS')
  // A member JSON cannot carry (undefined, a function) would vanish in the text: refused, not ignored.
  if (typeof jws !== 'string' && validating(() => Object.keys(jws as object).length) !== Object.keys(o).length) bad('the JWS has a member that is not JSON')
  const general = has(o, 'signatures')
  // RFC 7515 §7.2.2: the flattened form has no "signatures", the general no "signature".
  if (general && ['protected', 'header', 'signature'].some((k) => has(o, k))) bad('a general JWS has its signatures in "signatures" only')
  const list = general ? o.signatures : [o]
  if (!Array.isArray(list) || !list.length || list.length > MAX_SIGNATURES) bad(`"signatures" must hold 1 to ${MAX_SIGNATURES} entries`)
  const payload = has(o, 'payload') ? o.payload : undefined
  if (payload !== undefined && typeof payload !== 'string') bad('"payload" must be a string')
  return { entries: (list as JsonObject[]).map(entryOf), payload }
}

/**
 * The payload bytes: the caller's detached content, else the member, base64url or, when
 * `b64` is false (RFC 7797 §5.2), its UTF-8 text. Every entry must agree on `b64` (§6).
 */
function payloadOf(entries: Entry[], member: unknown, content: Uint8Array | undefined): Uint8Array {
  const b64 = entries[0]!.protectedHeader.b64 !== false
  if (entries.some((e) => (e.protectedHeader.b64 !== false) !== b64)) bad('the signatures disagree on "b64"')
  if (content) return member ? bad('options.payload is given but the JWS carries a payload') : content
  if (member === undefined) bad('the JWS has no "payload" (detached content: pass options.payload)')
  if (!b64) return utf8(member as string)
  return isCanonical(member as string) ? decodeCanonical(member as string) : bad('"payload" is not canonical base64url')
}

/**
 * Verifies a JWS in the JSON serialization (RFC 7515 §7.2), flattened or general, given as
 * an object or its JSON text. It succeeds when one signature (at most 8) verifies under
 * the policy, and says which (`index`). `alg`, `crit` and `b64` must be in the protected
 * header; an unencoded payload (`b64: false`) needs `crit: { b64: true }`.
 *
 * @param jws - the flattened or general JWS object, or its JSON text
 * @param key - public key or secret, or a key resolver
 * @param options - `algorithms`, `crit`, `payload` (detached content), `maxTokenLength` (of the JSON text, default 1 MiB)
 *
 * @example
 * ```ts
 * import { verifyJwsJson, type Jwk } from 'isojwt'
 * declare const jws: string, publicJwk: Jwk
 * const { payload, index } = await verifyJwsJson(jws, publicJwk, { algorithms: ['ES256'] })
 * ```
 */
export async function verifyJwsJson(jws: FlattenedJws | GeneralJws | string, key: KeyInput | KeyResolver, options?: VerifyJwsJsonOptions): Promise<VerifyJwsJsonResult> {
  try {
    const { algorithms, understood, maxLength, content } = validating(() => {
      const o = readOptions(options, ['algorithms', 'crit', 'payload', 'maxTokenLength'] as const)
      return {
        algorithms: checkAlgorithms(o.algorithms), understood: checkCritOption(o.crit), maxLength: checkMaxLength(o.maxTokenLength, DEFAULT_MAX_JWS),
        content: o.payload === undefined ? undefined : contentBytes(o.payload, 'options.payload'),
      }
    })
    const { entries, payload: member } = readJws(jws, maxLength)
    const payload = payloadOf(entries, member, content)
    let first: unknown
    for (const e of entries) {
      try {
        const v = await verifyParts(record(e.joined, e.segment, payload, e.signature), key, {
          algorithms, understood, b64FalseCode: understood?.b64 ? undefined : 'ERR_JOSE_NOT_SUPPORTED', resolverPayload: () => new Uint8Array(payload),
        })
        return { protectedHeader: e.protectedHeader, ...(e.unprotectedHeader && { unprotectedHeader: e.unprotectedHeader }), payload: new Uint8Array(payload), key: v.key, index: e.index }
      } catch (err) {
        first ??= err
      }
    }
    throw first
  } catch (e) {
    throw toJoseError(e, 'ERR_JWS_INVALID', 'verification failed')
  }
}

/** One signer's entry: the compact signature's header and signature segments, and the unprotected header. */
async function signOne(signer: unknown, payload: Uint8Array, b64: boolean): Promise<JsonObject> {
  const s = validating(() => readOptions(signer, ['key', 'alg', 'kid', 'header', 'unprotected'] as const))
  const { kid, extra } = validating(() => {
    const kid = s.kid === undefined || typeof s.kid === 'string' ? s.kid : fail('ERR_JOSE_INVALID_ARGUMENT', 'signer kid must be a string')
    const extra = checkExtraHeader(s.header, true, s)
    // RFC 7797 §6: b64 is always listed in crit.
    return { kid, extra: b64 ? extra : { ...extra, b64: false, crit: [...((extra?.crit as string[]) ?? []), 'b64'] } }
  })
  const req = { key: s.key, alg: s.alg, kid, extra }
  const jws = b64 ? await signCompact(req, req.key, payload) : await signUnencoded(req, payload)
  const segment = jws.slice(0, jws.indexOf('.'))
  const header = parseObject(decodeCanonical(segment), 'ERR_JOSE_INVALID_ARGUMENT', 'the header')
  const unprotected = unprotectedOf(s.unprotected, header, (m) => fail('ERR_JOSE_INVALID_ARGUMENT', `signer unprotected: ${m}`))
  return { protected: segment, ...(unprotected && { header: { ...unprotected } }), signature: jws.slice(jws.lastIndexOf('.') + 1) }
}

/**
 * Signs a payload in the JWS JSON serialization (RFC 7515 §7.2): the flattened form for
 * one signer, the general form for several (at most 8). `b64: false` makes an unencoded
 * payload (RFC 7797, always with `crit: ["b64"]`, the payload must then be UTF-8 text
 * unless detached); `detached: true` leaves the payload out.
 *
 * @param payload - the bytes to sign, or a string (its UTF-8 bytes)
 * @param signers - per signer: `key`, `alg`, `kid`, protected `header` members, `unprotected` members
 * @param options - `b64` (default true), `detached` (default false)
 *
 * @example
 * ```ts
 * import { signJwsJson, generateKeyPair } from 'isojwt'
 * const a = await generateKeyPair('ES256'), b = await generateKeyPair('EdDSA')
 * const jws = await signJwsJson('hello', [{ key: a.privateKey, kid: 'a' }, { key: b.privateKey, unprotected: { kid: 'b' } }])
 * ```
 */
export async function signJwsJson(payload: Uint8Array | string, signers: JwsJsonSigner[], options?: { b64?: boolean; detached?: boolean }): Promise<FlattenedJws | GeneralJws> {
  try {
    const { b64, detached, bytes, list } = validating(() => {
      const o = readOptions(options ?? {}, ['b64', 'detached'] as const)
      const list = Array.isArray(signers) && signers.length > 0 && signers.length <= MAX_SIGNATURES ? [...signers] : fail('ERR_JOSE_INVALID_ARGUMENT', `signers must be an array of 1 to ${MAX_SIGNATURES} signers`)
      return { b64: flag(o.b64, 'b64') ?? true, detached: flag(o.detached, 'detached') ?? false, bytes: contentBytes(payload, 'the payload'), list }
    })
    // RFC 7797 §5.2: an unencoded payload in JSON is a JSON string, so it must be text.
    const member = detached ? undefined : b64 ? undefined : validating(() => fromUtf8(bytes))
    const entries: JsonObject[] = []
    for (const s of list) entries.push(await signOne(s, bytes, b64))
    const body = detached ? {} : { payload: member ?? encode(bytes) }
    return (entries.length === 1 ? { ...body, ...entries[0] } : { ...body, signatures: entries }) as FlattenedJws | GeneralJws
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'signing failed')
  }
}
