/**
 * Client authentication with a JWT (RFC 7523 §2.2, §3; OIDC Core §9 `private_key_jwt` and
 * `client_secret_jwt`), with the audience hardening of draft-ietf-oauth-rfc7523bis: the
 * `aud` is one string, the authorization server's issuer identifier.
 */
import { fail, isJoseError, toJoseError } from '../errors.ts'
import { encode } from '../encoding/base64url.ts'
import { planSign, signPlanned } from '../jwt/sign.ts'
import { parseDuration } from '../jose/time.ts'
import { validating } from '../jose/options.ts'
import type { InferOutput, JwtPayload, KeyInput, KeyResolver, StandardSchemaV1, VerifyResult } from '../types.ts'
import type { ClientAssertionOptions, ReplayStore, VerifyClientAssertionOptions } from './types.ts'
import { claimError, normaliseTyp, type Check } from '../jwt/claims.ts'
import { shaped, verifyPlanned, type VerifyPlan } from '../jwt/verify.ts'
import { planProfile, readProfileOptions, requiredString, requiredStrings } from './profile.ts'

const SIGN_NAMES = ['clientId', 'audience', 'key', 'alg', 'expiresIn', 'jwtId', 'now'] as const
const VERIFY_NAMES = ['clientId', 'audience', 'algorithms', 'now', 'clockTolerance', 'maxLifetime', 'replayStore', 'maxTokenLength', 'schema'] as const

/** RFC 7523 §3 item 7: a `jti` nobody can guess or repeat (128 random bits). */
function randomJti(): string {
  return encode(crypto.getRandomValues(new Uint8Array(16)))
}

/**
 * Signs a client assertion (RFC 7523 §2.2): `iss` = `sub` = client id, `aud` = the
 * authorization server (one string), a random `jti`, `iat`, `exp` 60 s ahead by default.
 * Use a private key for `private_key_jwt`, the client secret with an HS* `alg` for
 * `client_secret_jwt`.
 *
 * @example
 * ```ts
 * import { signClientAssertion, generateKeyPair } from 'isojwt'
 * const { privateKey } = await generateKeyPair('ES256')
 * const clientAssertion = await signClientAssertion({ clientId: 'my-app', audience: 'https://as.example', key: privateKey })
 * // POST client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=…
 * ```
 */
export async function signClientAssertion(options: ClientAssertionOptions): Promise<string> {
  try {
    const { plan, key } = validating(() => {
      const o = readProfileOptions(options, SIGN_NAMES)
      const clientId = requiredString(o.clientId, 'options.clientId')
      // rfc7523bis: a single audience value; an array would let one assertion serve several servers.
      const audience = o.audience
      if (typeof audience !== 'string' || !audience) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.audience must be one non-empty string')
      if (o.key === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.key is required')
      const plan = planSign({
        alg: o.alg, issuer: clientId, subject: clientId, audience, jwtId: o.jwtId ?? randomJti(),
        expiresIn: o.expiresIn ?? 60, now: o.now,
      })
      return { plan, key: o.key }
    })
    return await signPlanned(plan, {}, key)
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'signing the client assertion failed')
  }
}

/** typ: absent, `JWT` or `client-authentication+jwt` (rfc7523bis explicit typing). */
const ASSERTION_TYPS = /* @__PURE__ */ new Set(['application/jwt', 'application/client-authentication+jwt'])
const assertionTyp: Check = ({ header, payload }) => {
  const typ = header.typ
  if (typeof typ === 'string' && !ASSERTION_TYPS.has(normaliseTyp(typ))) claimError('typ', 'mismatch', 'unexpected "typ" for a client assertion', payload)
}

/** RFC 7523 §3 item 3: one audience value (or a one-element array). */
const singleAudience: Check = ({ payload }) => {
  if (Array.isArray(payload.aud) && payload.aud.length !== 1) claimError('aud', 'invalid', 'a client assertion must have exactly one audience', payload)
}

function lifetimeCheck(maxLifetime: number): Check {
  return ({ payload, t, tol }) => {
    const exp = payload.exp as number
    const iat = payload.iat as number | undefined
    if (iat !== undefined && iat > t + tol) claimError('iat', 'in_future', 'the assertion was issued in the future', payload)
    // RFC 7523 §3 item 4: the server may bound how far ahead exp lies.
    if (exp - t > maxLifetime + tol || (iat !== undefined && exp - iat > maxLifetime)) {
      claimError('exp', 'in_future', 'the assertion expires too far in the future (maxLifetime)', payload)
    }
  }
}

const jtiPresent: Check = ({ payload }) => {
  if (payload.jti === '') claimError('jti', 'invalid', 'the assertion "jti" is empty', payload)
}

interface AssertionPlan {
  profile: VerifyPlan
  /** The replay store's `add`, read once (options are read once), bound to the store. */
  add: ((jti: string, until: Date) => unknown) | undefined
}

function planAssertion(options: unknown): AssertionPlan {
  return validating(() => {
    const o = readProfileOptions(options, VERIFY_NAMES)
    const clientId = requiredString(o.clientId, 'options.clientId')
    const audience = requiredStrings(o.audience, 'options.audience')
    const maxLifetime = o.maxLifetime === undefined ? 300 : parseDuration(o.maxLifetime, 'options.maxLifetime')
    const store = o.replayStore as ReplayStore | undefined
    let add: AssertionPlan['add']
    if (store !== undefined) {
      const f = typeof store === 'object' && store !== null ? store.add : undefined
      if (typeof f !== 'function') fail('ERR_JOSE_INVALID_ARGUMENT', 'options.replayStore must have an add(jti, until) method')
      add = (jti, until) => f.call(store, jti, until)
    }
    const profile = planProfile({
      algorithms: o.algorithms, maxTokenLength: o.maxTokenLength, now: o.now, clockTolerance: o.clockTolerance,
      issuer: [clientId], subject: clientId, audience,
      typ: assertionTyp,
      required: add ? ['exp', 'jti'] : ['exp'],
      checks: [singleAudience, lifetimeCheck(maxLifetime), ...(add ? [jtiPresent] : [])], schema: o.schema,
    })
    return { profile, add }
  })
}

/** RFC 7523 §3 item 7: the jti is recorded until the assertion expires; a second use is refused. */
async function recordJti(plan: AssertionPlan, payload: JwtPayload): Promise<void> {
  const until = new Date(((payload.exp as number) + plan.profile.claims.tol) * 1000)
  let added: unknown
  try {
    added = await plan.add!(payload.jti as string, until)
  } catch (e) {
    if (isJoseError(e)) throw e
    fail('ERR_JOSE_INVALID_ARGUMENT', 'options.replayStore.add failed', { cause: e, payload })
  }
  if (added === false) claimError('jti', 'replayed', 'this client assertion was already used', payload)
  // Anything but true is a broken store: failing loudly beats silently skipping replay protection.
  if (added !== true) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.replayStore.add must return true or false', { payload })
}

/**
 * Verifies a client assertion at the authorization server (RFC 7523 §3): `iss` = `sub` =
 * `clientId`, one `aud` among `options.audience`, `exp` at most `maxLifetime` (300 s)
 * ahead, and with a `replayStore`, a `jti` never seen before (recorded last, atomically).
 *
 * @example
 * ```ts
 * import { verifyClientAssertion, type KeyResolver } from 'isojwt'
 * declare const assertion: string, clientJwks: KeyResolver
 * const seen = new Set<string>()
 * const { payload } = await verifyClientAssertion(assertion, clientJwks, {
 *   clientId: 'my-app', audience: 'https://as.example',
 *   replayStore: { add: (jti) => (seen.has(jti) ? false : (seen.add(jti), true)) },
 * })
 * ```
 */
export function verifyClientAssertion<P = JwtPayload>(assertion: string, key: KeyInput | KeyResolver, options: VerifyClientAssertionOptions & { schema?: undefined }): Promise<VerifyResult<P>>
export function verifyClientAssertion<S extends StandardSchemaV1>(assertion: string, key: KeyInput | KeyResolver,
  options: Omit<VerifyClientAssertionOptions, 'schema'> & { schema: S }): Promise<VerifyResult<InferOutput<S>>>
export function verifyClientAssertion<P = JwtPayload>(assertion: string, key: KeyInput | KeyResolver, options: VerifyClientAssertionOptions): Promise<VerifyResult<P>>
export async function verifyClientAssertion(assertion: string, key: KeyInput | KeyResolver, options: VerifyClientAssertionOptions): Promise<VerifyResult<unknown>> {
  try {
    const plan = planAssertion(options)
    const r = await verifyPlanned(plan.profile, assertion, key)
    // The schema is a check: it runs before the jti is recorded, which comes after every check (API.md, client assertions).
    const out = await shaped(plan.profile, { header: r.header, payload: r.payload as unknown, key: r.key })
    if (plan.add) await recordJti(plan, r.payload)
    return out
  } catch (e) {
    throw toJoseError(e, 'ERR_JWS_INVALID', 'client assertion verification failed')
  }
}
