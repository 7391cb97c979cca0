/**
 * One HTTP fetch of a JWK Set, with the trust rules of API.md (Key sets): only 200, or
 * 304 to a conditional request; no redirects, even through a custom fetch that follows
 * them; the body read incrementally and abandoned past the size cap; a timeout through
 * AbortSignal. Freshness comes from Cache-Control and Age (RFC 9111 §4.2, §5.1).
 */
import { fail, isJoseError, JoseError, scrub } from '../errors.ts'
import { concat } from '../encoding/bytes.ts'
import { parseObject } from '../jose/json.ts'
import type { Jwk } from '../types.ts'
import { readJwks } from './select.ts'

export interface FetchSettings {
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

function failed(why: string, cause?: unknown): never {
  fail('ERR_JWKS_FETCH_FAILED', `fetching the JWK Set failed: ${why}`, cause === undefined ? undefined : { cause: scrub(cause, why) })
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

async function readBody(res: Response, max: number): Promise<Uint8Array> {
  const declared = res.headers.get('content-length')
  if (declared !== null && Number(declared) > max) {
    await discard(res)
    failed(`the response is larger than ${max} bytes`)
  }
  if (!res.body) return new Uint8Array(await res.arrayBuffer())
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > max) {
      await reader.cancel().catch(() => {})
      failed(`the response is larger than ${max} bytes`)
    }
    chunks.push(value)
  }
  return concat(chunks)
}

export async function fetchJwks(url: string, s: FetchSettings, etag: string | undefined): Promise<Fetched> {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  // The deadline also holds against a custom fetch (or body stream) that ignores the signal.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new JoseError('ERR_JWKS_FETCH_FAILED', 'fetching the JWK Set failed: timed out'))
    }, s.timeoutMs)
  })
  try {
    return await Promise.race([exchange(url, s, etag, controller), deadline])
  } finally {
    clearTimeout(timer)
  }
}

async function exchange(url: string, s: FetchSettings, etag: string | undefined, controller: AbortController): Promise<Fetched> {
  const headers: Record<string, string> = { ...s.headers, accept: 'application/jwk-set+json, application/json' }
  if (etag !== undefined) headers['if-none-match'] = etag
  let res: Response
  try {
    res = await s.fetch(url, { headers, redirect: 'manual', signal: controller.signal })
  } catch (e) {
    return failed(controller.signal.aborted ? 'timed out' : 'network error', e)
  }
  if (res.redirected || (res.status >= 300 && res.status < 400 && res.status !== 304) || res.type === 'opaqueredirect') {
    await discard(res)
    failed('redirects are not followed')
  }
  if (res.status === 304 && etag !== undefined) {
    await discard(res)
    return { freshFor: freshness(res.headers), etag: res.headers.get('etag') ?? etag }
  }
  if (res.status !== 200) {
    await discard(res)
    failed(`HTTP status ${res.status}`)
  }
  let doc: unknown
  try {
    doc = parseObject(await readBody(res, s.maxResponseBytes), 'ERR_JWKS_FETCH_FAILED', 'the JWK Set')
  } catch (e) {
    if (isJoseError(e)) throw e
    return failed(controller.signal.aborted ? 'timed out' : 'the body could not be read', e)
  }
  const keys = readJwks(doc, s.maxKeys)
  if (typeof keys === 'string') failed(keys)
  return { keys, etag: res.headers.get('etag') ?? undefined, freshFor: freshness(res.headers) }
}
