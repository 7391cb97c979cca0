/**
 * `discover` (API.md, Identity providers and discovery): an authorization server's
 * metadata, from OpenID Connect Discovery 1.0 §4 (`/.well-known/openid-configuration`
 * appended to the issuer), else RFC 8414 §3 (`/.well-known/oauth-authorization-server`
 * inserted before its path). A document counts only when its `issuer` is exactly the one
 * asked for (OIDC Discovery §4.3, RFC 8414 §3.3) and its `jwks_uri` passes the key sets'
 * URL rule. Fetching has the remote key set's rules (fetch.ts); the result is kept for
 * its Cache-Control lifetime, in memory and in an optional `cacheStore`.
 */
import { fail, quote, toJoseError, type JoseError } from '../errors.ts'
import { remember } from '../jose/bounded.ts'
import { deepFreeze, isPlainObject, type JsonObject } from '../jose/json.ts'
import { invalid, readOptions, validating } from '../jose/options.ts'
import { checkNow, epochSeconds } from '../jose/time.ts'
import type { Now } from '../types.ts'
import { INSECURE, MAX_BYTES, MAX_TTL_MS, MIN_TTL_MS, checkShared, globalFetch, isSecure, ms, parseUrl } from './config.ts'
import { failed, fetchDocument, lifetime, type FetchSettings } from './fetch.ts'
import { isWorkerd } from './remote.ts'
import { readEntry, reject, writeEntry } from './store.ts'
import type { AuthorizationServerMetadata, DiscoverOptions, JwksCacheStore } from './types.ts'

const NAMES = ['fetch', 'timeout', 'allowHttp', 'cacheStore', 'now'] as const

interface Discovery {
  issuer: string
  /** OIDC Discovery §4.1, then RFC 8414 §3.1: the URLs tried, in order. The first also names the cacheStore entry. */
  urls: readonly [string, string]
  fetch: typeof fetch | undefined
  timeoutMs: number
  allowHttp: boolean
  store: JwksCacheStore | undefined
  now: Now | undefined
}

/** Metadata and when it stops being fresh (ms, the caller's clock). */
interface Held {
  doc: AuthorizationServerMetadata
  expiresAt: number
}

function configure(issuer: unknown, options: unknown): Discovery {
  const o = readOptions(options, NAMES)
  const store = o.cacheStore as JwksCacheStore | undefined
  checkShared(o.fetch, o.allowHttp, store)
  // OIDC Discovery §2 / RFC 8414 §2: a URL with a scheme and host, optionally a port and
  // a path, no query or fragment. Written as a URL parser writes it (lower-case host, no
  // default port, no dot segments, no spaces), else no document could match it exactly.
  const u = typeof issuer === 'string' ? parseUrl(issuer) : undefined
  if (!u || /[?#]/.test(issuer as string) || u.username || u.password || (issuer !== u.href && `${issuer}/` !== u.href)) {
    invalid('the issuer must be an absolute URL without query, fragment or credentials, written as a URL parser writes it (such as "https://id.example" or "https://id.example/tenant/")')
  }
  if (!isSecure(u, o.allowHttp)) invalid(`the issuer ${INSECURE}`)
  // One trailing "/" removed (OIDC Discovery §4.1, RFC 8414 §3.1).
  const path = u.pathname.replace(/\/$/, '')
  return {
    issuer: issuer as string,
    urls: [`${u.origin}${path}/.well-known/openid-configuration`, `${u.origin}/.well-known/oauth-authorization-server${path}`],
    fetch: o.fetch as typeof fetch | undefined,
    timeoutMs: ms(o.timeout ?? 5, 'timeout'),
    allowHttp: o.allowHttp === true,
    store,
    now: checkNow(o.now),
  }
}

const clock = (d: Discovery): number => epochSeconds(d.now) * 1000

/**
 * A fetched (or stored) document checked: `issuer` identical to the one asked for (OIDC
 * Discovery §4.3, RFC 8414 §3.3), `jwks_uri` a URL the key sets would fetch. Deep-frozen.
 */
function checked(d: Discovery, doc: JsonObject, bad: (why: string) => never): AuthorizationServerMetadata {
  const iss = doc.issuer
  if (typeof iss !== 'string') bad('the document has no "issuer"')
  if (iss !== d.issuer) {
    const slash = iss.replace(/\/$/, '') === d.issuer.replace(/\/$/, '') ? ' (they differ by a trailing "/": pass the issuer exactly as the provider writes it)' : ''
    bad(`the document's "issuer" is ${quote(iss)}, not the issuer asked for${slash}`)
  }
  const jwks = typeof doc.jwks_uri === 'string' ? parseUrl(doc.jwks_uri) : undefined
  if (!jwks) bad('the document has no "jwks_uri" URL')
  if (!isSecure(jwks, d.allowHttp)) bad(`the document's "jwks_uri" ${INSECURE}`)
  return deepFreeze(doc) as AuthorizationServerMetadata
}

/** A stored entry for the same issuer's URL, still fresh at `t`, checked as a fetched one; else undefined. */
const fromStore = (d: Discovery, t: number): Promise<Held | undefined> =>
  readEntry(d.store!, d.urls[0], d.timeoutMs, (raw) => raw.expiresAt <= t || !isPlainObject(raw.metadata) ? undefined : {
    // A copy: the store's own object is neither frozen nor trusted.
    doc: checked(d, JSON.parse(JSON.stringify(raw.metadata)) as JsonObject, reject),
    expiresAt: Math.min(raw.expiresAt, t + MAX_TTL_MS),
  })

/** One discovery: a fresh stored entry, else the OIDC URL, else the RFC 8414 one. */
async function load(d: Discovery): Promise<Held> {
  if (d.store) {
    const stored = await fromStore(d, clock(d))
    if (stored) return stored
  }
  const errors: JoseError[] = []
  for (const url of d.urls) {
    const s: FetchSettings = {
      url, label: url, fetch: d.fetch ?? globalFetch, headers: {},
      timeoutMs: d.timeoutMs, maxResponseBytes: MAX_BYTES, maxKeys: 0, what: 'the discovery document',
    }
    try {
      const { doc, freshFor } = await fetchDocument(s, undefined)
      const held = { doc: checked(d, doc!, (why) => failed(s, why)), expiresAt: clock(d) + lifetime(freshFor, MIN_TTL_MS, MAX_TTL_MS) }
      if (d.store) writeEntry(d.store, { url: d.urls[0], metadata: held.doc, expiresAt: held.expiresAt })
      return held
    } catch (e) {
      errors.push(toJoseError(e, 'ERR_JWKS_FETCH_FAILED', `fetching the discovery document from ${url} failed`))
    }
  }
  return fail('ERR_JWKS_FETCH_FAILED', `discovering ${d.issuer} failed: ${errors[0]!.message}; then ${errors[1]!.message}`, { cause: errors[0] })
}

/**
 * Documents held in memory, per `fetch` (the global one under a key of its own) and then
 * per issuer (and `allowHttp`): the request in flight, shared by concurrent callers except
 * on workerd, then the metadata until its lifetime ends. Failures are not kept.
 */
const MEMORY = /* @__PURE__ */ new WeakMap<object, Map<string, Held | Promise<Held>>>()
const GLOBAL_FETCH = {}

/**
 * An authorization server's metadata, by OpenID Connect Discovery 1.0 §4 (the issuer
 * with one trailing `/` removed, then `/.well-known/openid-configuration`), else RFC 8414
 * §3 (`/.well-known/oauth-authorization-server` before the issuer's path). The document's
 * `issuer` must be exactly the argument, and its `jwks_uri` https (http only to loopback or
 * with `allowHttp`). Requests follow the remote key set's rules (200 only, no redirects,
 * 512 KiB, `timeout` each); the result is deep-frozen and kept for its `Cache-Control`
 * lifetime (60 s to 600 s), in memory and in `cacheStore`. Nothing is fetched at import.
 * A bad argument is `ERR_JOSE_INVALID_ARGUMENT`; anything the server does wrong (network,
 * status, body, a document that fails the issuer or `jwks_uri` rule) is `ERR_JWKS_FETCH_FAILED`.
 *
 * @param issuer - the issuer identifier, exactly as the provider writes it (its trailing `/` or none)
 * @param options - `fetch`, `timeout`, `allowHttp`, `cacheStore`, `now`
 * @returns the metadata, with `issuer` and `jwks_uri` checked
 *
 * @example
 * ```ts
 * import { createRemoteJwks, discover, verify } from 'isojwt'
 * declare const token: string
 * const issuer = 'https://id.example'
 * const { jwks_uri } = await discover(issuer)
 * const { payload } = await verify(token, createRemoteJwks(jwks_uri), { issuer, audience: 'api', algorithms: ['RS256'] })
 * ```
 */
export async function discover(issuer: string, options?: DiscoverOptions): Promise<AuthorizationServerMetadata> {
  try {
    const d = validating(() => configure(issuer, options))
    const key = `${d.allowHttp ? 1 : 0}${d.issuer}`
    const scope = d.fetch ?? GLOBAL_FETCH
    const held = MEMORY.get(scope) ?? new Map<string, Held | Promise<Held>>()
    MEMORY.set(scope, held)
    const hit = held.get(key)
    if (hit instanceof Promise) return (await hit).doc
    if (hit && clock(d) < hit.expiresAt) return hit.doc
    const p = load(d)
    // workerd cannot share a promise between requests (src/jwks/remote.ts).
    if (!isWorkerd()) remember(held, key, p, 32)
    try {
      const got = await p
      remember(held, key, got, 32)
      return got.doc
    } catch (e) {
      if (held.get(key) === p) held.delete(key)
      throw e
    }
  } catch (e) {
    throw toJoseError(e, 'ERR_JWKS_FETCH_FAILED', 'discovery failed')
  }
}
