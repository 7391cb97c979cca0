/**
 * A fetch wrapper for DPoP clients (RFC 9449 §7.1, §8): each request gets a fresh proof
 * (with `ath` when an access token is given), the server's nonce is remembered per
 * origin, and a `use_dpop_nonce` answer is retried once when the body can be sent again.
 */
import { isPlainObject } from '../jose/json.ts'
import { fail, toJoseError } from '../errors.ts'
import { invalid, readOptions, validating } from '../jose/options.ts'
import { createDpopProof, keyOf } from './dpop-proof.ts'
import type { DpopFetch } from './resource-types.ts'

/** RFC 9449 §8, §9: a resource server's 401 challenge, or an authorization server's 400 JSON error. */
async function askedForNonce(res: Response): Promise<boolean> {
  if (res.status === 401) return /\berror="use_dpop_nonce"/.test(res.headers.get('www-authenticate') ?? '')
  if (res.status !== 400) return false
  try {
    return ((await res.clone().json()) as { error?: unknown } | null)?.error === 'use_dpop_nonce'
  } catch {
    return false
  }
}

/** Init members Request would otherwise convert at length (see the call). */
const strings = (xs: unknown[]): boolean => xs.every((x) => typeof x === 'string')
const okHeaders = (h: unknown): boolean => h === undefined || h instanceof Headers
  || (Array.isArray(h) ? h.every((p) => Array.isArray(p) && p.length === 2 && strings(p)) : isPlainObject(h) && strings(Object.values(h)))
const okBody = (b: unknown): boolean => b == null || typeof b === 'string' || ArrayBuffer.isView(b) || b instanceof ArrayBuffer
  || b instanceof Blob || b instanceof FormData || b instanceof URLSearchParams || b instanceof ReadableStream

/** Bodies fetch can serialise again; a stream is read once. */
const replayable = (req: Request, body: unknown): boolean =>
  req.body === null || (body != null && !(typeof ReadableStream === 'function' && body instanceof ReadableStream))

/**
 * Wraps `fetch` for DPoP (RFC 9449): adds `DPoP` (a proof for the method and URL without
 * query and fragment) and, with `accessToken`, `Authorization: DPoP <token>` and `ath`.
 * Nonces from `dpop-nonce` answers are kept per origin; on `use_dpop_nonce` (a 401
 * challenge, or a 400 JSON body) carrying a new nonce, the request is sent once more
 * when its body can be (none, a string, bytes, a form; not a stream).
 *
 * @example
 * ```ts
 * import { createDpopFetch, generateKeyPair } from 'isojwt'
 * const dpopFetch = createDpopFetch(await generateKeyPair('ES256'))
 * const res = await dpopFetch('https://api.example/orders', { accessToken: 'eyJ…' })
 * ```
 */
export function createDpopFetch(keyPair: CryptoKeyPair, options?: { fetch?: typeof fetch }): DpopFetch {
  const f = validating(() => {
    keyOf(keyPair, 'privateKey')
    keyOf(keyPair, 'publicKey')
    const o = readOptions(options, ['fetch'] as const)
    if (o.fetch !== undefined && typeof o.fetch !== 'function') fail('ERR_JOSE_INVALID_ARGUMENT', 'options.fetch must be a function')
    return (o.fetch as typeof fetch | undefined) ?? ((r: Request) => fetch(r))
  })
  const nonces = new Map<string, string>()
  return async (input, init) => {
    let base: Request
    let origin: string
    let accessToken: string | undefined
    let body: unknown
    try {
      if (init !== undefined && (typeof init !== 'object' || init === null)) fail('ERR_JOSE_INVALID_ARGUMENT', 'init must be an object')
      const { accessToken: at, ...rest } = init ?? {}
      // Request stringifies what it does not expect (an array 1e5 deep, recursively, for a
      // second) and checks a method over its whole length: refused here at once instead.
      if (!(typeof input === 'string' || input instanceof URL || input instanceof Request)) invalid('the input must be a URL string, a URL or a Request')
      if (rest.method !== undefined && !(typeof rest.method === 'string' && /^[!#$%&'*+.^_`|~\w-]{1,32}$/.test(rest.method))) invalid('init.method must be an HTTP method')
      if (!okHeaders(rest.headers)) invalid('init.headers must be a Headers, [name, value] string pairs or an object of strings')
      if (!okBody(rest.body)) invalid('init.body must be a string, bytes, a Blob, FormData, URLSearchParams or a ReadableStream')
      ;(accessToken = at), (body = rest.body)
      base = new Request(input, rest)
      origin = new URL(base.url).origin
    } catch (e) {
      throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'the request could not be made')
    }
    const send = async (req: Request): Promise<[Response, boolean]> => {
      const nonce = nonces.get(origin)
      const proof = await createDpopProof(keyPair, {
        htm: req.method, htu: req.url, ...(accessToken !== undefined && { accessToken }), ...(nonce !== undefined && { nonce }),
      })
      req.headers.set('dpop', proof)
      if (accessToken !== undefined) req.headers.set('authorization', `DPoP ${accessToken}`)
      const res = await f(req)
      const next = res.headers.get('dpop-nonce')
      if (next) nonces.set(origin, next)
      return [res, !!next && next !== nonce]
    }
    const again = replayable(base, body)
    const [res, fresh] = await send(again ? base.clone() : base)
    if (!(again && fresh && (await askedForNonce(res)))) return res
    // The challenge is answered: its body is cancelled (not awaited), not left to hold the connection.
    res.body?.cancel().catch(() => undefined)
    return (await send(base))[0]
  }
}
