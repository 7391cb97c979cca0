/** Reading the options of `createDpopProof` and `verifyDpopProof` (API.md, Protecting an API). */
import { fail } from '../errors.ts'
import { encode } from '../encoding/base64url.ts'
import { utf8 } from '../encoding/utf8.ts'
import { optString, readOptions, stringList } from '../jose/options.ts'
import { checkAlgorithms } from '../jwa/policy.ts'
import { lookup } from '../jwa/registry.ts'
import { checkNow, parseDuration } from '../jose/time.ts'
import type { Alg, Now } from '../types.ts'
import { checkHashInput } from './hash-claims.ts'
import { normaliseHtu } from './htu.ts'
import type { ReplayStore } from './types.ts'
import type { DpopNonceCheck, VerifyDpopProofOptions } from './dpop-types.ts'

/** RFC 9449 §5: default algorithms a server accepts (asymmetric, widely deployed). */
export const DPOP_ALGORITHMS: readonly Alg[] = ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256']

const VERIFY_NAMES = ['htm', 'htu', 'accessToken', 'jkt', 'nonce', 'algorithms', 'maxAge', 'replayStore', 'clockTolerance', 'now'] as const

/** RFC 9110 §9.1: a method is a token. */
const METHOD = /^[!#$%&'*+.^`|~\w-]+$/

/** base64url(SHA-256(text)): `ath` (RFC 9449 §4.2) and the replay key. */
export async function sha256Text(text: string): Promise<string> {
  return encode(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text) as BufferSource)))
}

/** `htm`: an HTTP method, compared as sent (methods are case-sensitive, RFC 9110 §9.1). */
export function checkMethod(value: unknown): string {
  if (typeof value !== 'string' || !METHOD.test(value)) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.htm must be an HTTP method')
  return value
}

/**
 * `htu` given by the caller: an http(s) URL, without query and fragment (RFC 9449 §4.2);
 * `sent` is the URL parser's spelling (what most servers compare), `normal` ours.
 */
export function checkTarget(value: unknown): { sent: string; normal: string } {
  const raw = typeof value === 'string' || value instanceof URL ? String(value) : ''
  const normal = normaliseHtu(raw.replace(/[?#][^]*$/, ''))
  if (normal === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.htu must be an absolute http: or https: URL')
  const u = new URL(raw)
  return { sent: u.origin + u.pathname, normal }
}

export interface DpopPlan {
  htm: string
  htu: string
  accessToken: string | undefined
  jkt: string | undefined
  nonce: DpopNonceCheck | undefined
  algorithms: readonly Alg[]
  maxAge: number
  tol: number
  store: ReplayStore | undefined
  now: Now | undefined
}

function checkNonceOption(value: unknown): DpopNonceCheck | undefined {
  if (value === undefined || typeof value === 'function') return value as DpopNonceCheck | undefined
  const list = typeof value === 'string' ? [value] : stringList(value, 'options.nonce', 1)
  if (list.includes('')) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.nonce must be a non-empty string, a list of them, or a function')
  return (n: string) => list.includes(n)
}

export function checkStore(value: unknown): ReplayStore | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null || typeof (value as ReplayStore).add !== 'function')) {
    fail('ERR_JOSE_INVALID_ARGUMENT', 'options.replayStore must have an add(key, until) method')
  }
  return value as ReplayStore | undefined
}

/** The caller's `algorithms`, asymmetric only (RFC 9449 §4.3 item 5: never a MAC). */
export function checkDpopAlgorithms(value: unknown): readonly Alg[] {
  const algs = checkAlgorithms(value) ?? DPOP_ALGORITHMS
  if (algs.some((a) => lookup(a)!.kty === 'oct')) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.algorithms must list asymmetric algorithms only')
  return algs
}

/** The options of `verifyDpopProof`, checked (throws ERR_JOSE_INVALID_ARGUMENT). */
export function planVerify(options: VerifyDpopProofOptions): DpopPlan {
  if (options === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', 'options are required')
  const o = readOptions(options, VERIFY_NAMES)
  return {
    htm: checkMethod(o.htm),
    htu: checkTarget(o.htu).normal,
    accessToken: checkHashInput(o.accessToken, 'options.accessToken'),
    jkt: optString(o.jkt, 'options.jkt'),
    nonce: checkNonceOption(o.nonce),
    algorithms: checkDpopAlgorithms(o.algorithms),
    maxAge: o.maxAge === undefined ? 60 : parseDuration(o.maxAge, 'options.maxAge'),
    tol: o.clockTolerance === undefined ? 0 : parseDuration(o.clockTolerance, 'options.clockTolerance'),
    store: checkStore(o.replayStore),
    now: checkNow(o.now),
  }
}
