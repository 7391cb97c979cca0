/**
 * A resource server (API.md, Protecting an API): the credentials of a request (RFC 6750
 * §2.1, RFC 9449 §7), the access token under its profile, the DPoP proof and binding, and
 * an outcome with the status and headers to send (RFC 6750 §3, RFC 9449 §7.1). Whatever
 * the request carries becomes an outcome; only the caller's own mistakes reject.
 */
import { fail, isJoseError, JoseError, toJoseError } from '../errors.ts'
import { isPlainObject, type JsonObject } from '../jose/json.ts'
import { invalid, optStrings, readOptions, validating } from '../jose/options.ts'
import { checkAlgorithms } from '../jwa/policy.ts'
import { decode } from '../jwt/decode.ts'
import { checkNow, parseDuration } from '../jose/time.ts'
import { verify } from '../jwt/verify.ts'
import type { Alg, IssuerFunction, JwsHeader, JwtPayload, KeyInput, KeyResolver, Now } from '../types.ts'
import { checkRequiredScopes, scopesOf, verifyAccessToken } from './access-token.ts'
import { readRequest } from './auth-request.ts'
import { checkDpopAlgorithms, checkStore } from './dpop-options.ts'
import { verifyDpopProof } from './dpop.ts'
import { normaliseHtu } from './htu.ts'
import { createDpopNonces, type DpopNonces } from './nonce.ts'
import { memoryReplayStore } from './replay.ts'
import type { AuthOutcome, NodeLikeRequest, ResourceServer, ResourceServerOptions, ResourceServerVerifierOptions } from './resource-types.ts'
import type { ReplayStore } from './types.ts'
import { challenges, type Scheme } from './www-authenticate.ts'

const NAMES = ['issuer', 'audience', 'jwks', 'algorithms', 'requiredScopes', 'profile', 'dpop', 'dpopAlgorithms', 'dpopNonce',
  'replayStore', 'proofMaxAge', 'publicUrl', 'realm', 'schema', 'clockTolerance', 'now', 'maxTokenLength', 'verifier'] as const
/** What `verifier` replaces: it verifies the token by its own rules (an identity provider's, isojwt/providers). */
const VERIFIER_OWNS = ['issuer', 'audience', 'jwks', 'algorithms', 'profile', 'schema'] as const
type Keys = KeyInput | KeyResolver
type Verifier = (token: string) => Promise<unknown>

/** RFC 7235 §2.1 auth-scheme, one or more spaces, RFC 7235 token68 (RFC 6750 §2.1). */
const CREDENTIALS = /^([^ ]+)(?: +([^]*))?$/
const TOKEN68 = /^[\w.~+/-]+=*$/
/** A quoted-string without `"` and `\` (RFC 9110 §5.6.4), printable ASCII: a realm. */
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/
/** Seconds a client should wait after a 503 (key set or store down). */
const RETRY_AFTER = '5'
const SCHEMES = new Map<string, Scheme[]>([['allowed', ['Bearer', 'DPoP']], ['required', ['DPoP']], ['off', ['Bearer']]])

interface Server {
  issuers: readonly string[] | undefined
  issuerFn: IssuerFunction | undefined
  audience: readonly string[]
  keys: Keys | undefined
  byIssuer: Map<string, Keys> | undefined
  algorithms: readonly Alg[] | undefined
  scopes: readonly string[]
  jwtProfile: boolean
  schemes: Scheme[]
  dpopAlgs: readonly Alg[]
  nonces: DpopNonces | undefined
  store: ReplayStore
  maxAge: number
  base: string | undefined
  realm: string | undefined
  schema: unknown
  tol: number
  now: Now | undefined
  maxTokenLength: number | undefined
  verifier: Verifier | undefined
}

/**
 * `jwks`: one key set, or (a plain object without `kty`, so not a JWK) a record of them by
 * issuer. With an issuer function the record's names are the issuers a token may name,
 * each checked with its own set, and the function must accept the token too.
 */
function readJwks(value: unknown, issuers: readonly string[] | undefined): Pick<Server, 'keys' | 'byIssuer'> {
  if (value === undefined || value === null) invalid('options.jwks is required')
  if (!isPlainObject(value) || Object.hasOwn(value, 'kty')) return { keys: value as Keys, byIssuer: undefined }
  if (Array.isArray(value.keys)) invalid('options.jwks: pass a JWK Set document through createLocalJwks')
  const byIssuer = new Map(Object.entries(value) as Array<[string, Keys]>)
  if (byIssuer.size === 0 || [...byIssuer.values()].some((k) => k === undefined || k === null)) invalid('options.jwks as a record needs a key set for each issuer')
  // One set per listed issuer, no set for an issuer the server does not accept.
  if (issuers && (issuers.some((i) => !byIssuer.has(i)) || byIssuer.size !== new Set(issuers).size)) invalid('options.jwks as a record must have exactly one key set per issuer in options.issuer')
  return { keys: undefined, byIssuer }
}

function readPublicUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || /[?#]/.test(value) || normaliseHtu(value) === undefined) invalid('options.publicUrl must be an absolute http(s) URL without query or fragment')
  return (value as string).replace(/\/$/, '')
}

type TokenRules = Pick<Server, 'issuers' | 'issuerFn' | 'audience' | 'keys' | 'byIssuer' | 'algorithms' | 'jwtProfile' | 'verifier'>

/**
 * How the access token is verified: by the server's issuer, audience, key sets and profile,
 * or by the caller's `verifier`, which then owns all of them (one source of rules, never two).
 */
function tokenRules(o: Record<string, unknown>): TokenRules {
  if (o.verifier !== undefined) {
    if (typeof o.verifier !== 'function') invalid('options.verifier must be a function (token) => Promise<VerifyResult>')
    const both = VERIFIER_OWNS.find((n) => o[n] !== undefined)
    if (both) invalid(`options.${both} cannot be given with options.verifier, which verifies the token by its own rules`)
    return { issuers: undefined, issuerFn: undefined, audience: [], keys: undefined, byIssuer: undefined, algorithms: undefined, jwtProfile: true, verifier: o.verifier as Verifier }
  }
  if (o.profile !== undefined && o.profile !== 'at+jwt' && o.profile !== 'jwt') invalid("options.profile must be 'at+jwt' or 'jwt'")
  const issuerFn = typeof o.issuer === 'function' ? o.issuer as IssuerFunction : undefined
  const issuers = issuerFn ? undefined : optStrings(o.issuer, 'options.issuer') ?? invalid('options.issuer is required')
  return {
    issuers, issuerFn, audience: optStrings(o.audience, 'options.audience') ?? invalid('options.audience is required'),
    ...readJwks(o.jwks, issuers), algorithms: checkAlgorithms(o.algorithms), jwtProfile: o.profile === 'jwt', verifier: undefined,
  }
}

function plan(options: unknown): Server {
  if (options === undefined) invalid('options are required')
  const o = readOptions(options, NAMES)
  const schemes = SCHEMES.get(o.dpop === undefined ? 'allowed' : o.dpop as string) ?? invalid("options.dpop must be 'allowed', 'required' or 'off'")
  if (o.realm !== undefined && (typeof o.realm !== 'string' || !REALM.test(o.realm))) invalid('options.realm must be printable ASCII without " or \\')
  const ml = o.maxTokenLength
  if (ml !== undefined && !(Number.isSafeInteger(ml) && (ml as number) > 0)) invalid('options.maxTokenLength must be a positive integer')
  if (o.schema !== undefined && (typeof o.schema !== 'object' && typeof o.schema !== 'function' || o.schema === null)) invalid('options.schema must be a Standard Schema')
  const now = checkNow(o.now)
  const dn = o.dpopNonce === undefined ? undefined : readOptions(o.dpopNonce, ['secret', 'lifetime'] as const, () => '.dpopNonce')
  return {
    ...tokenRules(o),
    scopes: checkRequiredScopes(o.requiredScopes),
    schemes, dpopAlgs: checkDpopAlgorithms(o.dpopAlgorithms),
    nonces: dn && createDpopNonces({ secret: dn.secret, lifetime: dn.lifetime, now }),
    // API.md: without a store each server keeps its own, bounded, never dropping a live jti.
    store: checkStore(o.replayStore) ?? memoryReplayStore(10_000, now),
    maxAge: o.proofMaxAge === undefined ? 60 : parseDuration(o.proofMaxAge, 'options.proofMaxAge'),
    base: readPublicUrl(o.publicUrl), realm: o.realm as string | undefined, schema: o.schema,
    tol: o.clockTolerance === undefined ? 0 : parseDuration(o.clockTolerance, 'options.clockTolerance'),
    now, maxTokenLength: ml as number | undefined,
  }
}

interface Token {
  header: JwsHeader
  payload: JwtPayload
  key: CryptoKey
  /** The payload as signed (before any schema): the binding and scopes are read here. */
  raw: JsonObject
  /** The scopes a `verifier` read, wherever its rules keep them; else the `scope` claim is read. */
  scopes?: string[]
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')

/** The caller's `verifier`: its result must be a verification's (a programming error otherwise, which rejects). */
async function verifiedBy(verifier: Verifier, token: string, raw: JsonObject): Promise<Token> {
  const r = await verifier(token) as { header?: unknown; payload?: unknown; key?: unknown; scopes?: unknown } | undefined
  if (!isPlainObject(r?.header) || typeof r.payload !== 'object' || r.payload === null || r.key === undefined || (r.scopes !== undefined && !isStrings(r.scopes))) {
    invalid('options.verifier must resolve to a verification result ({ header, payload, key, scopes? })')
  }
  return { header: r!.header as JwsHeader, payload: r!.payload as JwtPayload, key: r!.key as CryptoKey, raw, ...(r!.scopes !== undefined && { scopes: [...r!.scopes as string[]] }) }
}

/**
 * The access token under the server's profile. With a record of key sets, the set is
 * picked by the token's unverified `iss`: once the signature verified, that `iss` is the
 * verified one, and it must be an accepted issuer (the record's names equal
 * `options.issuer`), so a key from another issuer's set never verifies. An issuer
 * function runs inside the verification, at the `iss` step, after the signature.
 */
async function verifyToken(s: Server, token: string): Promise<Token> {
  const raw = decode(token, s.maxTokenLength === undefined ? undefined : { maxTokenLength: s.maxTokenLength }).payload as JsonObject
  if (s.verifier) return verifiedBy(s.verifier, token, raw)
  const iss = typeof raw.iss === 'string' && raw.iss !== '' ? raw.iss : undefined
  const keys = s.byIssuer ? (iss !== undefined && s.byIssuer.get(iss)) || fail('ERR_JWKS_NO_MATCHING_KEY', 'no key set for the token issuer') : s.keys!
  const common = {
    audience: [...s.audience], now: s.now, clockTolerance: s.tol,
    ...(s.algorithms && { algorithms: [...s.algorithms] }), ...(s.maxTokenLength && { maxTokenLength: s.maxTokenLength }),
    ...(s.schema !== undefined && { schema: s.schema as never }),
  }
  const issuer = s.issuerFn ?? [...s.issuers!]
  const r = s.jwtProfile ? await verify(token, keys, { ...common, issuer }) : await verifyAccessToken(token, keys, { ...common, issuer })
  return { header: r.header, payload: r.payload, key: r.key, raw }
}

const unbound = (reason: 'missing' | 'invalid' | 'mismatch', message: string, payload: unknown): never =>
  fail('ERR_DPOP_INVALID', message, { claim: 'cnf', reason, payload })

/**
 * RFC 9449 §6, §7.2: a DPoP request needs a token bound by `cnf.jkt`; a bound token is
 * never a Bearer token; a confirmation method we do not check (`x5t#S256`, …) is refused.
 */
function binding(raw: JsonObject, scheme: Scheme): string | undefined {
  if (!Object.hasOwn(raw, 'cnf')) return scheme === 'DPoP' ? unbound('missing', 'the access token is not DPoP-bound (no "cnf")', raw) : undefined
  const cnf = raw.cnf
  if (!isPlainObject(cnf) || Object.keys(cnf).some((k) => k !== 'jkt') || typeof cnf.jkt !== 'string') {
    unbound('invalid', 'the access token "cnf" holds a confirmation method this server does not check', raw)
  }
  if (scheme === 'Bearer') unbound('mismatch', 'a DPoP-bound access token cannot be used as a Bearer token', raw)
  return (cnf as JsonObject).jkt as string
}

/** The outcome of a failure: status, the RFC 6750 §3.1 / RFC 9449 §7.1 error and where it goes. */
function failure(s: Server, e: JoseError, used: Scheme, extra: Record<string, string> = {}, scope?: string): AuthOutcome {
  const c = e.code
  let status: 400 | 401 | 403 | 503 = 401
  let error: string | undefined = 'invalid_token'
  let on = used
  if (scope !== undefined) (status = 403), (error = 'insufficient_scope')
  else if (c === 'ERR_REQUEST_INVALID') (status = 400), (error = 'invalid_request')
  else if (c === 'ERR_CREDENTIALS_MISSING') error = undefined
  else if (c === 'ERR_JWKS_FETCH_FAILED' || c === 'ERR_STORE_UNAVAILABLE') status = 503
  else if (c === 'ERR_DPOP_NONCE_REQUIRED') (error = 'use_dpop_nonce'), (on = 'DPoP')
  // A failing binding (`cnf`) is the token's fault; any other DPoP failure the proof's.
  else if (c === 'ERR_DPOP_INVALID' && e.claim !== 'cnf') (error = 'invalid_dpop_proof'), (on = 'DPoP')
  const headers: Record<string, string> = status === 503 ? { 'retry-after': RETRY_AFTER } : {
    'www-authenticate': challenges(s.schemes, s.realm, s.dpopAlgs.join(' '), error === undefined ? undefined : { scheme: on, error, description: c, scope }),
    ...extra,
  }
  return { ok: false, status, headers, error: e, response: () => new Response(null, { status, headers }) }
}

const nonceHeaders = (nonce: string) => ({ 'dpop-nonce': nonce, 'cache-control': 'no-store' })

async function authenticate(s: Server, request: unknown): Promise<AuthOutcome> {
  let used = s.schemes[0]!
  let extra: Record<string, string> = {}
  try {
    const r = readRequest(request, s.base)
    if (r.queryToken) fail('ERR_REQUEST_INVALID', 'an access token in the query is refused (RFC 6750 §2.3)')
    if (r.authorization.length > 1) fail('ERR_REQUEST_INVALID', 'the request has several Authorization headers')
    const m = CREDENTIALS.exec(r.authorization[0] ?? '')
    // RFC 6750 §3.1: no credentials, or a scheme we do not offer, gets challenges without an error.
    const scheme = s.schemes.find((x) => x.toLowerCase() === m?.[1]!.toLowerCase())
    if (!scheme) fail('ERR_CREDENTIALS_MISSING', 'the request carries no credentials this server accepts')
    used = scheme
    const token = m![2] ?? ''
    if (!TOKEN68.test(token)) fail('ERR_REQUEST_INVALID', `the ${scheme} credentials are not a token68`)
    let proof: string | undefined
    let htu: string | undefined
    if (scheme === 'DPoP') {
      // RFC 9449 §4.3 item 1: exactly one DPoP header.
      if (r.dpop.length !== 1) fail('ERR_DPOP_INVALID', `the request has ${r.dpop.length ? 'several DPoP headers' : 'no DPoP header'}`, { reason: r.dpop.length ? 'invalid' : 'missing' })
      proof = r.dpop[0]!
      htu = r.target()
    }
    const t = await verifyToken(s, token)
    const jkt = binding(t.raw, scheme)
    if (proof !== undefined) {
      let sent: string | undefined
      const nonces = s.nonces
      try {
        await verifyDpopProof(proof, {
          htm: r.method, htu: htu!, accessToken: token, jkt, algorithms: [...s.dpopAlgs], maxAge: s.maxAge,
          replayStore: s.store, clockTolerance: s.tol, now: s.now, ...(nonces && { nonce: (n: string) => nonces.check(sent = n) }),
        })
      } catch (e) {
        if (nonces && isJoseError(e) && e.code === 'ERR_DPOP_NONCE_REQUIRED') extra = nonceHeaders(await nonces.current())
        throw e
      }
      // RFC 9449 §8.2: a still-accepted but older nonce gets the current one.
      const current = nonces && await nonces.current()
      if (current !== undefined && sent !== current) extra = nonceHeaders(current)
    }
    // RFC 9068 §2.2.3: a space-separated string ('at+jwt' requires it; a plain JWT may carry none, or another form: no scopes).
    const granted = t.scopes ?? (typeof t.raw.scope === 'string' ? scopesOf(t.raw) : [])
    if (s.scopes.some((x) => !granted.includes(x))) {
      const e = new JoseError('ERR_JWT_CLAIM_INVALID', 'the access token lacks a required scope', { claim: 'scope', reason: 'mismatch', payload: t.payload })
      return failure(s, e, used, extra, s.scopes.join(' '))
    }
    return { ok: true, scheme, header: t.header, payload: t.payload, scopes: granted, key: t.key, ...(jkt !== undefined && { jkt }), headers: extra }
  } catch (e) {
    // The caller's own mistakes (options, a Node-style request without publicUrl) reject.
    if (!isJoseError(e) || e.code === 'ERR_JOSE_INVALID_ARGUMENT') throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'authenticate failed')
    return failure(s, e, used, extra)
  }
}

/**
 * A resource server for Bearer and DPoP access tokens (RFC 6750, RFC 9449). `authenticate`
 * takes a Fetch `Request` or a Node-style `{ method, url, headers }` (with `publicUrl`) and
 * answers an outcome: the verified token, its scopes, the scheme and the DPoP key
 * thumbprint; or the status (400, 401, 403, 503), the headers (`www-authenticate`,
 * `dpop-nonce`) and `response()` to send. It never rejects for what the request carries.
 * With `verifier` (`ResourceServerVerifierOptions`), that function verifies the token by its
 * own rules (a provider's from `isojwt/providers`) in place of `issuer`, `audience`, `jwks`,
 * `algorithms`, `profile` and `schema`, and the scopes its result carries are the ones
 * `requiredScopes` reads.
 *
 * @example
 * ```ts
 * import { createResourceServer, createRemoteJwks } from 'isojwt'
 * const rs = createResourceServer({
 *   issuer: 'https://as.example', audience: 'https://api.example',
 *   jwks: createRemoteJwks('https://as.example/jwks'), requiredScopes: ['orders:read'],
 * })
 * export default {
 *   async fetch(request: Request): Promise<Response> {
 *     const auth = await rs.authenticate(request)
 *     if (!auth.ok) return auth.response()
 *     return Response.json({ sub: auth.payload.sub }, { headers: auth.headers })
 *   },
 * }
 * ```
 */
export function createResourceServer(options: ResourceServerOptions | ResourceServerVerifierOptions): ResourceServer {
  const s = validating(() => plan(options))
  return { authenticate: (request: Request | NodeLikeRequest) => authenticate(s, request) }
}
