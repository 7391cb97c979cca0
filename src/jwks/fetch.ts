/**
 * One HTTP fetch of a JSON document (a JWK Set, a certificate map, a discovery document),
 * with the trust rules of API.md (Key sets): only 200, or 304 to a conditional request;
 * no redirects, even through a custom fetch that follows them; the body read
 * incrementally and abandoned past the size cap; a timeout through AbortSignal.
 * Freshness comes from Cache-Control and Age (RFC 9111 §4.2, §5.1). A failure says what
 * failed (status, timeout, network error code) and where.
 */
import { isJoseError, JoseError, scrub } from '../errors.ts'
import { parseObject, type JsonObject } from '../jose/json.ts'
import type { Jwk } from '../types.ts'
import { readJwks } from './select.ts'

/** Reads a fetched document into keys; `bad` throws (with the error that made it fail, when there is one). */
export type KeyReader = (doc: unknown, maxKeys: number, bad: (why: string, e?: unknown) => never) => Jwk[]

export interface FetchSettings {
  url: string
  /** The URL as messages show it: origin and path (no credentials, query or fragment). */
  label: string
  fetch: typeof fetch
  headers: Record<string, string>
  timeoutMs: number
  maxResponseBytes: number
  maxKeys: number
  /** What the document is, for messages and the Accept header. Default: a JWK Set. */
  what?: 'the discovery document' | 'the certificate map'
  /** The key set's format: JWKS by default (readJwks), or a certificate map (x509.ts). */
  read?: KeyReader
}

export interface Fetched {
  /** Undefined for a 304: the held set is still current. */
  keys?: Jwk[]
  etag?: string
  /** Seconds the response may be used (max-age − Age); 0 for no-store/no-cache; undefined when unstated. */
  freshFor?: number
}

/** What one exchange gave: the document (undefined for a 304), its ETag and freshness. */
export interface FetchedDocument {
  doc?: JsonObject
  etag?: string
  freshFor?: number
}

/** For promises whose failure is of no interest (a body let go of, a listener, a store write). */
export const noop = (): void => {}

/** What the document is and where it comes from, as messages say it. */
const source = (s: FetchSettings): string => `${s.what ?? 'the JWK Set'} from ${s.label}`

/**
 * Fails with what went wrong, in the message and in `cause`: an Error with the platform
 * error's name (never its message, which may echo input), the same text, and `code` or
 * `status` when there is one. The code is the one a platform hangs on a failed fetch or
 * its causes (Node's undici: `cause.code` such as ECONNREFUSED, ENOTFOUND,
 * DEPTH_ZERO_SELF_SIGNED_CERT, UND_ERR_SOCKET; Bun: `code`), only word characters: it
 * goes into the message.
 */
export function failed(s: FetchSettings, why: string, e?: unknown, status?: number): never {
  let code: unknown
  try {
    code = (e as { code?: unknown }).code ?? ((e as Error).cause as { code?: unknown } | undefined)?.code
  } catch {
    // a hostile error object from a custom fetch (or none at all): no code
  }
  if (typeof code !== 'string' || !/^\w{1,40}$/.test(code)) code = undefined
  const text = code ? `${why} (${code})` : why
  const cause = Object.assign(scrub(e, text), code ? { code } : status ? { status } : {})
  throw new JoseError('ERR_JWKS_FETCH_FAILED', `fetching ${source(s)} failed: ${text}`, { cause })
}

/** How long a document is held, in ms: its Cache-Control lifetime clamped to [minTtl, maxTtl], maxTtl without one (API.md, Key sets). */
export const lifetime = (freshFor: number | undefined, minTtl: number, maxTtl: number): number =>
  freshFor === undefined ? maxTtl : Math.min(maxTtl, Math.max(minTtl, freshFor * 1000))

/**
 * Cache-Control (RFC 9111 §5.2) reduced to what a key set needs: how long it stays
 * fresh. Of several max-age directives the first counts (RFC 9111 §4.2.1).
 */
export function freshness(headers: Headers): number | undefined {
  const cc = headers.get('cache-control')?.toLowerCase() ?? ''
  if (/(?:^|,)\s*no-(?:store|cache)\s*(?:,|$)/.test(cc)) return 0
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d{1,10})"?\s*(?:,|$)/.exec(cc)
  const age = /^\s*(\d{1,10})\s*$/.exec(headers.get('age') ?? '')
  return m ? Math.max(0, +m[1]! - (age ? +age[1]! : 0)) : undefined
}

/** The body, read until `maxResponseBytes` and abandoned past it (a declared length is not trusted either way). */
async function readBody(res: Response, s: FetchSettings): Promise<Uint8Array> {
  const reader = res.body?.getReader()
  const chunks: BlobPart[] = []
  let total = 0
  const tooLarge = (): never => failed(s, `the response is larger than ${s.maxResponseBytes} bytes`)
  for (let r; reader && !(r = await reader.read()).done;) {
    if ((total += r.value.byteLength) > s.maxResponseBytes) {
      await reader.cancel().catch(noop)
      tooLarge()
    }
    chunks.push(r.value)
  }
  // Without a body stream (a custom fetch's response), the whole body at once, held to the same cap.
  const body = new Uint8Array(await (reader ? new Blob(chunks) : res).arrayBuffer())
  return body.length > s.maxResponseBytes ? tooLarge() : body
}

/**
 * `p`, or what `late()` gives once `ms` have passed (a rejected promise to fail). The
 * deadline also holds against a custom fetch, body stream or store that never settles.
 */
export async function within<T>(p: T | Promise<T>, ms: number, late: () => T | Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    // Timers hold 32 bits of milliseconds (about 24.8 days): longer would fire at once, with a warning.
    return await Promise.race([p, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(late()), Math.min(ms, 2 ** 31 - 1))))])
  } finally {
    clearTimeout(timer)
  }
}

const timedOut = (s: FetchSettings): string => `timed out after ${s.timeoutMs / 1000} s`

/** One JSON document: a JSON object, or for a 304 to `etag` none. */
export function fetchDocument(s: FetchSettings, etag: string | undefined): Promise<FetchedDocument> {
  const controller = new AbortController()
  return within(exchange(s, etag, controller.signal), s.timeoutMs, async () => {
    controller.abort()
    return failed(s, timedOut(s))
  })
}

/** A key set: the document read by its format (a JWK Set unless `read` says otherwise). */
export async function fetchJwks(s: FetchSettings, etag: string | undefined): Promise<Fetched> {
  const got = await fetchDocument(s, etag)
  return { ...got, keys: got.doc && (s.read ?? readJwks as KeyReader)(got.doc, s.maxKeys, (why, e) => failed(s, why, e)) }
}

async function exchange(s: FetchSettings, etag: string | undefined, signal: AbortSignal): Promise<FetchedDocument> {
  const headers: Record<string, string> = { ...s.headers, accept: s.what ? 'application/json' : 'application/jwk-set+json, application/json' }
  if (etag !== undefined) headers['if-none-match'] = etag
  let res: Response
  try {
    res = await s.fetch(s.url, { headers, redirect: 'manual', signal })
  } catch (e) {
    return failed(s, signal.aborted ? timedOut(s) : 'network error', e)
  }
  const status = res.status
  let doc: JsonObject | undefined
  if (res.redirected || status !== 200) {
    // The body will not be read: let go of it. A 304 answers a conditional request only.
    await res.body?.cancel().catch(noop)
    if (status !== 304 || etag === undefined || res.redirected) {
      const redirect = res.redirected || res.type === 'opaqueredirect' || (status > 299 && status < 400 && status !== 304)
      failed(s, `HTTP status ${status}${redirect ? ' (redirects are not followed)' : ''}`, undefined, status)
    }
  } else {
    try {
      doc = parseObject(await readBody(res, s), 'ERR_JWKS_FETCH_FAILED', source(s))
    } catch (e) {
      if (isJoseError(e)) throw e
      failed(s, signal.aborted ? timedOut(s) : 'the body could not be read', e)
    }
  }
  // A 304 without an ETag keeps the one it answered.
  return { doc, etag: res.headers.get('etag') ?? (doc ? undefined : etag), freshFor: freshness(res.headers) }
}
