/**
 * One HTTP fetch of a JWK Set, with the trust rules of API.md (Key sets): only 200, or
 * 304 to a conditional request; no redirects, even through a custom fetch that follows
 * them; the body read incrementally and abandoned past the size cap; a timeout through
 * AbortSignal. Freshness comes from Cache-Control and Age (RFC 9111 §4.2, §5.1). A
 * failure says what failed (status, timeout, network error code) and where.
 */
import { isJoseError, JoseError, scrub } from '../errors.ts'
import { concat } from '../encoding/bytes.ts'
import { parseObject } from '../jose/json.ts'
import type { Jwk } from '../types.ts'
import { readJwks } from './select.ts'

export interface FetchSettings {
  url: string
  /** The URL as messages show it: origin and path (no credentials, query or fragment). */
  label: string
  fetch: typeof fetch
  headers: Record<string, string>
  timeoutMs: number
  maxResponseBytes: number
  maxKeys: number
}

export interface Fetched {
  /** Undefined for a 304: the held set is still current. */
  keys?: Jwk[]
  etag?: string
  /** Seconds the response may be used (max-age − Age); 0 for no-store/no-cache; undefined when unstated. */
  freshFor?: number
}

/**
 * The error code a platform hangs on a failed fetch or its causes (Node's undici:
 * `cause.code` such as ECONNREFUSED, ENOTFOUND, DEPTH_ZERO_SELF_SIGNED_CERT,
 * UND_ERR_SOCKET; Bun: `code`). Only word characters: it goes into a message.
 */
function codeOf(e: unknown): string | undefined {
  try {
    for (let i = 0; i < 4 && Object(e) === e; i++, e = (e as Error).cause) {
      const code = (e as { code?: unknown }).code
      if (typeof code === 'string' && /^\w{1,40}$/.test(code)) return code
    }
  } catch {
    // a hostile error object from a custom fetch: no code
  }
  return undefined
}

/**
 * What went wrong, in the message and in `cause`: an Error with the platform error's
 * name (never its message, which may echo input), the same text, and `code` or `status`
 * when there is one.
 */
function problem(s: FetchSettings, why: string, e?: unknown, status?: number): JoseError {
  const code = codeOf(e)
  const text = code ? `${why} (${code})` : why
  const cause = Object.assign(scrub(e, text), code ? { code } : status ? { status } : {})
  return new JoseError('ERR_JWKS_FETCH_FAILED', `fetching the JWK Set from ${s.label} failed: ${text}`, { cause })
}

function failed(s: FetchSettings, why: string, e?: unknown, status?: number): never {
  throw problem(s, why, e, status)
}

/** Cache-Control (RFC 9111 §5.2) reduced to what a key set needs: how long it stays fresh. */
export function freshness(headers: Headers): number | undefined {
  const cc = headers.get('cache-control')
  if (!cc) return undefined
  let maxAge: number | undefined
  for (const part of cc.toLowerCase().split(',')) {
    const d = part.trim()
    if (d === 'no-store' || d === 'no-cache') return 0
    const m = /^max-age\s*=\s*"?(\d{1,10})"?$/.exec(d)
    if (m) maxAge = Number(m[1])
  }
  if (maxAge === undefined) return undefined
  const age = headers.get('age')?.trim() ?? ''
  return Math.max(0, maxAge - (/^\d{1,10}$/.test(age) ? Number(age) : 0))
}

/** Lets go of a response body that will not be read. */
const discard = (res: Response): Promise<void> | undefined => res.body?.cancel().catch(() => {})

async function readBody(res: Response, s: FetchSettings): Promise<Uint8Array> {
  const max = s.maxResponseBytes
  const tooLarge = `the response is larger than ${max} bytes`
  if (Number(res.headers.get('content-length')) > max) {
    await discard(res)
    failed(s, tooLarge)
  }
  if (!res.body) return new Uint8Array(await res.arrayBuffer())
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return concat(chunks)
    total += value.byteLength
    if (total > max) {
      await reader.cancel().catch(() => {})
      failed(s, tooLarge)
    }
    chunks.push(value)
  }
}

export async function fetchJwks(s: FetchSettings, etag: string | undefined): Promise<Fetched> {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  // The deadline also holds against a custom fetch (or body stream) that ignores the signal.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(problem(s, timedOut(s)))
    }, s.timeoutMs)
  })
  try {
    return await Promise.race([exchange(s, etag, controller.signal), deadline])
  } finally {
    clearTimeout(timer)
  }
}

const timedOut = (s: FetchSettings): string => `timed out after ${s.timeoutMs / 1000} s`

async function exchange(s: FetchSettings, etag: string | undefined, signal: AbortSignal): Promise<Fetched> {
  const headers: Record<string, string> = { ...s.headers, accept: 'application/jwk-set+json, application/json' }
  if (etag !== undefined) headers['if-none-match'] = etag
  let res: Response
  try {
    res = await s.fetch(s.url, { headers, redirect: 'manual', signal })
  } catch (e) {
    return failed(s, signal.aborted ? timedOut(s) : 'network error', e)
  }
  const status = res.status
  if (res.redirected || (status >= 300 && status < 400 && status !== 304) || res.type === 'opaqueredirect') {
    await discard(res)
    failed(s, 'redirects are not followed', undefined, status)
  }
  if (status === 304 && etag !== undefined) {
    await discard(res)
    return { freshFor: freshness(res.headers), etag: res.headers.get('etag') ?? etag }
  }
  if (status !== 200) {
    await discard(res)
    failed(s, `HTTP status ${status}`, undefined, status)
  }
  let doc: unknown
  try {
    doc = parseObject(await readBody(res, s), 'ERR_JWKS_FETCH_FAILED', `the JWK Set from ${s.label}`)
  } catch (e) {
    if (isJoseError(e)) throw e
    return failed(s, signal.aborted ? timedOut(s) : 'the body could not be read', e)
  }
  const keys = readJwks(doc, s.maxKeys, (why) => failed(s, why))
  return { keys, etag: res.headers.get('etag') ?? undefined, freshFor: freshness(res.headers) }
}
