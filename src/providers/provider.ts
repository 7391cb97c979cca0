/**
 * One engine for every provider: a provider is a table of rules (`Rules`), and this file
 * turns it into `verify`, `createVerifier` and `resourceServer` on the core's public
 * functions. The provider's claim rules run inside the core's verification as its issuer
 * function (API.md, JWT: called at the `iss` step, only after the signature verified, and
 * again on every cache hit), so they come before `aud`, `exp` and the caller's `schema`.
 */
import {
  createRemoteJwks, createResourceServer, createVerifier, decode, isJoseError, JoseError, verify,
  type Alg, type Jwk, type JwksCacheStore, type JwksEvent, type JwsHeader, type JwtPayload, type KeyResolver, type Now, type ResourceServer, type VerifyOptions, type VerifyResult,
} from 'isojwt'
import { checkNow, claimFailed, epochSeconds, invalid, readOptions, refuseFixed, requiredScopes, seconds } from './common.ts'
import type { Provider, ProviderOptions, ProviderResult, ProviderVerifier } from './types.ts'

/** What a provider is: its documented rules, as data and small functions. */
export interface Rules {
  /** The provider's name in messages. */
  name: string
  /** `Provider.issuer`: the issuer as the provider spells it. */
  issuer: string
  /** The provider's own key URL (https). */
  jwksUrl: string
  /** Keys published as a `kid` → X.509 certificate map (Firebase), not a JWK Set. */
  x509Map?: boolean
  /** The algorithms the provider signs with (its keys often carry no `alg`). */
  algorithms: Alg[]
  /** Accepted header `typ` values; absent: `verify`'s default (absent or `JWT`). */
  typ?: string[]
  /** The `aud` values accepted, when the provider's tokens carry the audience there. */
  audience?: string[]
  /** Claims every token of this provider has (the core checks presence and types). */
  required: string[]
  /** True when `iss` is one of the provider's spellings (for multi-tenant issuers, given the payload). */
  issuerOk(iss: string, payload: JwtPayload): boolean
  /** The provider's claim rules on the verified payload at time `t` (seconds) with tolerance `tol`; throws. */
  claims?(payload: JwtPayload, t: number, tol: number): void
  /** A header check before any key is looked up (Entra: Microsoft Graph tokens); throws. */
  header?(header: Readonly<JwsHeader>): void
  /** Whether a key of the set may verify this token (Entra: each key's own `issuer` member). */
  keyFits?(key: Jwk, payload: unknown): boolean
  /** Where the provider keeps scopes. */
  scopes(payload: JwtPayload): string[]
}

/** The factory options every provider takes (API.md: `{ fetch?, cacheStore?, onEvent?, clockTolerance?, now? }`). */
export const COMMON = ['fetch', 'cacheStore', 'onEvent', 'clockTolerance', 'now'] as const
/** Options a caller may not pass to a provider's methods: the provider's own rules. */
const FIXED = ['issuer', 'audience', 'algorithms', 'typ', 'key', 'jwks', 'keys']
const FIXED_RS = ['issuer', 'audience', 'algorithms', 'typ', 'jwks', 'keys', 'profile', 'verifier']

/** Any failure as a JoseError (the core's already are; a hostile options object's may not be). */
function joseError(e: unknown): JoseError {
  return isJoseError(e) ? e : new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'invalid provider options', { cause: e })
}

/**
 * The provider's key set as a resolver: the header rule first, then the set's selection,
 * then the provider's key rule. It carries the set's `reload` and `jwks`, so the core's
 * `ready()` loads it as it loads a remote set.
 */
function keysFor(rules: Rules, jwks: KeyResolver & { reload(): Promise<void>; readonly jwks: unknown }): KeyResolver {
  const resolve: KeyResolver = async (header, token) => {
    rules.header?.(header)
    const found = await jwks(header, token)
    if (!rules.keyFits || found === undefined) return found
    const list = (Array.isArray(found) ? found : [found]) as Jwk[]
    const fit = list.filter((k) => rules.keyFits!(k, token.payload))
    if (list.length > 0 && fit.length === 0) {
      throw new JoseError('ERR_JWKS_NO_MATCHING_KEY', `no ${rules.name} key may verify a token of this issuer (each key's "issuer" member must name it)`)
    }
    return fit
  }
  return Object.defineProperties(resolve, { reload: { value: () => jwks.reload() }, jwks: { get: () => jwks.jwks } })
}

interface Defaults {
  now: Now | undefined
  clockTolerance: number | string | undefined
}

/**
 * The core options for one set of caller options: the provider's rules fixed, the caller's
 * on top (the core refuses a name it does not know). The issuer function runs the
 * provider's claim rules and `requiredScopes`.
 */
function coreOptions(rules: Rules, d: Defaults, options: unknown): VerifyOptions & Record<string, unknown> {
  refuseFixed(options, FIXED, rules.name)
  const o = { ...(options === undefined ? {} : typeof options === 'object' && options !== null ? options as Record<string, unknown> : invalid('options must be an object')) }
  const scopes = requiredScopes(o.requiredScopes, 'options.requiredScopes')
  delete o.requiredScopes
  const now = checkNow(o.now, 'options.now') ?? d.now
  const tolerance = (o.clockTolerance ?? d.clockTolerance) as number | string | undefined
  const tol = tolerance === undefined ? 0 : seconds(tolerance, 'options.clockTolerance')
  const required = o.requiredClaims === undefined ? [] : Array.isArray(o.requiredClaims) ? o.requiredClaims : invalid('options.requiredClaims must be an array of strings')
  const issuer = (iss: string, payload: JwtPayload): boolean => {
    if (!rules.issuerOk(iss, payload)) return false
    rules.claims?.(payload, epochSeconds(now), tol)
    if (scopes.length > 0) {
      const granted = rules.scopes(payload)
      for (const s of scopes) {
        if (!granted.includes(s)) claimFailed('scope', granted.length ? 'mismatch' : 'missing', `the ${rules.name} token lacks the required scope ${JSON.stringify(s)}`, payload)
      }
    }
    return true
  }
  return {
    ...o, issuer, algorithms: [...rules.algorithms], requiredClaims: [...new Set([...rules.required, ...required as string[]])],
    ...(rules.audience && { audience: [...rules.audience] }), ...(rules.typ && { typ: [...rules.typ] }),
    ...(now !== undefined && { now }), ...(tolerance !== undefined && { clockTolerance: tolerance }),
  }
}

/** The result with the token's scopes, read from the payload as signed (a schema's output may differ). */
function withScopes<P>(rules: Rules, token: string, r: VerifyResult<P>, schema: unknown, frozen: boolean): ProviderResult<P> {
  const signed = (schema === undefined ? r.payload : decode(token, { maxTokenLength: token.length }).payload) as JwtPayload
  const scopes = rules.scopes(signed)
  const out = { header: r.header, payload: r.payload, key: r.key, scopes }
  return frozen ? Object.freeze({ ...out, scopes: Object.freeze(scopes) as string[] }) : out
}

/** A Provider from its rules and the factory's common options (already read). */
export function makeProvider(rules: Rules, common: Partial<Record<(typeof COMMON)[number], unknown>>): Provider {
  const d: Defaults = {
    now: checkNow(common.now, 'options.now'),
    clockTolerance: common.clockTolerance === undefined ? undefined : (seconds(common.clockTolerance, 'options.clockTolerance'), common.clockTolerance as number | string),
  }
  // No request here: a remote set fetches on first use (API.md: nothing contacted at creation).
  const jwks = createRemoteJwks(rules.jwksUrl, {
    ...(common.fetch !== undefined && { fetch: common.fetch as typeof fetch }),
    ...(common.cacheStore !== undefined && { cacheStore: common.cacheStore as JwksCacheStore }),
    ...(common.onEvent !== undefined && { onEvent: common.onEvent as (e: JwksEvent) => void }),
    ...(d.now !== undefined && { now: d.now }),
    ...(rules.x509Map && { format: 'x509-map' as const }),
  })
  const keys = keysFor(rules, jwks)

  async function verifyOne(token: string, options?: unknown): Promise<ProviderResult<unknown>> {
    let o: VerifyOptions
    try {
      o = coreOptions(rules, d, options)
    } catch (e) {
      throw joseError(e)
    }
    const r = await verify(token, keys, o)
    return withScopes(rules, token, r, o.schema, false)
  }

  function prepare(options?: unknown): ProviderVerifier<unknown> {
    let v: ReturnType<typeof createVerifier>
    let o: VerifyOptions & { cache?: unknown }
    try {
      o = coreOptions(rules, d, options)
      v = createVerifier(keys, o as never)
    } catch (e) {
      throw joseError(e)
    }
    const frozen = typeof o.cache === 'number' && o.cache > 0
    const f = async (token: string): Promise<ProviderResult<unknown>> => withScopes(rules, token, await v(token), o.schema, frozen)
    return Object.assign(f, { ready: () => v.ready() })
  }

  function resourceServer(options?: unknown): ResourceServer {
    try {
      refuseFixed(options, FIXED_RS, rules.name)
      const o = readOptions(options, RS_NAMES, 'options')
      const v = prepare({ schema: o.schema, clockTolerance: o.clockTolerance, now: o.now, maxTokenLength: o.maxTokenLength })
      delete o.schema
      return createResourceServer({
        ...o, verifier: v,
        ...(o.now === undefined && d.now !== undefined && { now: d.now }),
        ...(o.clockTolerance === undefined && d.clockTolerance !== undefined && { clockTolerance: d.clockTolerance }),
      } as never)
    } catch (e) {
      throw joseError(e)
    }
  }

  return Object.freeze({ issuer: rules.issuer, jwks, verify: verifyOne, createVerifier: prepare, resourceServer }) as Provider
}

/** What a provider's `resourceServer` passes on to `createResourceServer` (its own `verifier` aside), plus `schema`. */
const RS_NAMES = ['requiredScopes', 'dpop', 'dpopAlgorithms', 'dpopNonce', 'replayStore', 'proofMaxAge', 'publicUrl', 'realm',
  'schema', 'clockTolerance', 'now', 'maxTokenLength'] as const
