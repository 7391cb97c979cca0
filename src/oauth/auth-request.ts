/**
 * Reading what a resource server needs from a request, a Fetch `Request` or a Node-style
 * `{ method, url, headers }`: the method, the Authorization and DPoP header values (each
 * duplicate seen), the query's `access_token`, and the URL a DPoP proof must name.
 */
import { fail } from '../errors.ts'
import { normaliseHtu } from './htu.ts'

export interface ReadRequest {
  method: string
  authorization: string[]
  dpop: string[]
  /** RFC 6750 §2.3: a token in the query (refused: it ends up in logs). */
  queryToken: boolean
  /** The request URL for `htu`, normalised (RFC 9449 §4.3 item 9); throws ERR_REQUEST_INVALID. */
  target(): string
}

/** RFC 9110 §9.1: a method is a token. */
const METHOD = /^[!#$%&'*+.^`|~\w-]+$/
/** RFC 9112 §3.2.1 origin-form: exactly one leading `/` (a `//host` path would read as another authority). */
const ORIGIN_FORM = /^\/(?!\/)/

const bad = (message: string): never => fail('ERR_REQUEST_INVALID', message)

/**
 * Header values, one per field line. Fetch joins repeated fields with ", " and Node
 * joins unknown ones the same way; neither a token68 nor a compact JWS holds a comma, so
 * a comma means several (RFC 9110 §5.3). An empty field is no field.
 */
function fields(values: unknown[]): string[] {
  const out: string[] = []
  for (const v of values) {
    if (typeof v !== 'string') return bad('a header value is not a string')
    if (v.trim() !== '') for (const part of v.split(',')) out.push(part.trim())
  }
  return out
}

/** A Node-style request's values of one header: from headersDistinct, rawHeaders or headers, in that order. */
function nodeValues(req: Record<string, unknown>, name: string): unknown[] {
  const distinct = req.headersDistinct as Record<string, unknown> | undefined
  if (typeof distinct === 'object' && distinct !== null) {
    const v = Object.hasOwn(distinct, name) ? distinct[name] : undefined
    return v === undefined ? [] : Array.isArray(v) ? v : [v]
  }
  const out: unknown[] = []
  const raw = req.rawHeaders
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) if (typeof raw[i] === 'string' && raw[i].toLowerCase() === name) out.push(raw[i + 1])
    return out
  }
  const headers = req.headers
  if (typeof headers !== 'object' || headers === null) bad('the request has no headers')
  for (const k of Object.keys(headers as object)) {
    const v = (headers as Record<string, unknown>)[k]
    if (k.toLowerCase() === name && v !== undefined) out.push(...(Array.isArray(v) ? v : [v]))
  }
  return out
}

/** The path of an absolute URL (a Request's is one), or undefined. */
function pathOf(url: string): string | undefined {
  try {
    return new URL(url).pathname
  } catch {
    return undefined
  }
}

const queryOf = (url: string): string => url.replace(/#[^]*$/, '').replace(/^[^?]*\??/, '')

/** The `htu` of a request: `base` + the origin-form path, else the absolute URL itself. */
function targetOf(base: string | undefined, url: string, path: string | undefined): string {
  let htu = url
  if (base !== undefined) {
    if (path === undefined || !ORIGIN_FORM.test(path)) bad('the request path must start with exactly one "/"')
    htu = base + path
  }
  return normaliseHtu(htu.replace(/[?#][^]*$/, '')) ?? bad('the request URL is not a valid http(s) URL')
}

/**
 * Reads a request. A Node-style one needs `publicUrl` (its `url` is only a path): the
 * caller's programming error otherwise, ERR_JOSE_INVALID_ARGUMENT.
 */
export function readRequest(request: unknown, base: string | undefined): ReadRequest {
  if (typeof request !== 'object' || request === null) fail('ERR_JOSE_INVALID_ARGUMENT', 'authenticate needs a Request or a { method, url, headers } object')
  const req = request as Record<string, unknown>
  const headers = req.headers as { get?: unknown } | undefined
  if (typeof headers?.get === 'function') {
    // A Fetch Request: its URL is absolute and parsed.
    const r = request as Request
    const get = (name: string) => {
      const v = r.headers.get(name)
      return v === null ? [] : fields([v])
    }
    const url = String(r.url)
    return {
      method: String(r.method), authorization: get('authorization'), dpop: get('dpop'),
      queryToken: new URLSearchParams(queryOf(url)).has('access_token'),
      target: () => base === undefined ? targetOf(undefined, url, undefined) : targetOf(base, '', pathOf(url)),
    }
  }
  if (base === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.publicUrl is required to authenticate a Node-style request')
  const method = req.method
  const url = req.url
  if (typeof method !== 'string' || !METHOD.test(method)) bad('the request method is not an HTTP method')
  if (typeof url !== 'string') bad('the request has no URL')
  return {
    method: method as string, authorization: fields(nodeValues(req, 'authorization')), dpop: fields(nodeValues(req, 'dpop')),
    queryToken: new URLSearchParams(queryOf(url as string)).has('access_token'),
    target: () => targetOf(base, '', url as string),
  }
}
