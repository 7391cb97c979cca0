/**
 * Checking a DPoP proof (RFC 9449 §4.3): header, key, signature, claims, nonce, and
 * last the `jti` in the replay store (§11.1).
 */
import { fail, isJoseError, JoseError, quote, toJoseError, type ClaimFailureReason } from '../errors.ts'
import { parseObject, type JsonObject } from '../jose/json.ts'
import { validating } from '../jose/options.ts'
import { epochSeconds } from '../jose/time.ts'
import { verifyJws } from '../jws/api.ts'
import { importKey, thumbprint } from '../keys/api.ts'
import { headerJwk } from '../keys/public.ts'
import type { Jwk, JwsHeader, JwtPayload } from '../types.ts'
import { planVerify, sha256Text, type DpopPlan } from './dpop-options.ts'
import type { DpopProofResult, VerifyDpopProofOptions } from './dpop-types.ts'
import { normaliseHtu } from './htu.ts'
import { addOnce } from './replay.ts'

/** API.md: the header at most 8 KiB (its base64url length), the whole proof 16 KiB. */
const MAX_HEADER = 10_923
const MAX_PROOF = 16_384
const MAX_JTI = 256

function invalid(claim: string | undefined, reason: ClaimFailureReason, message: string, payload?: unknown): never {
  fail('ERR_DPOP_INVALID', message, { ...(claim ? { claim } : {}), reason, payload })
}

/**
 * RFC 9449 §4.3 items 4–6: `typ`, and a public key in `jwk`, bounded like every key from a
 * * token (src/keys/public.ts), imported for `alg`.
 */
async function proofKey(header: JwsHeader): Promise<CryptoKey> {
  if (header.typ !== 'dpop+jwt') invalid('typ', header.typ === undefined ? 'missing' : 'mismatch', 'the DPoP proof "typ" must be "dpop+jwt"')
  const jwk = Object.hasOwn(header, 'jwk') ? header.jwk : undefined
  if (jwk === undefined) invalid('jwk', 'missing', 'the DPoP proof has no "jwk" header')
  try {
    return await importKey(headerJwk(jwk), header.alg)
  } catch (e) {
    return invalid('jwk', 'invalid', `the DPoP proof "jwk" is unusable: ${(e as JoseError).message}`)
  }
}

/** A verification error as a DPoP one: the member it concerns, when one does (API.md, Errors). */
const CLAIM_OF = new Map([['ERR_JOSE_ALG_NOT_ALLOWED', 'alg'], ['ERR_JWS_SIGNATURE_INVALID', 'jwk']])
const PASS = new Set(['ERR_DPOP_INVALID', 'ERR_DPOP_NONCE_REQUIRED', 'ERR_STORE_UNAVAILABLE', 'ERR_JOSE_INVALID_ARGUMENT'])
function asDpop(e: unknown): unknown {
  if (!isJoseError(e) || PASS.has(e.code)) return e
  const claim = CLAIM_OF.get(e.code)
  return new JoseError('ERR_DPOP_INVALID', e.message, { ...(claim ? { claim } : {}), reason: 'invalid', cause: e })
}

/** A string claim: absent → missing, another type or longer than `max` → invalid. */
function str(payload: JsonObject, claim: string, max = Infinity): string {
  const v = Object.hasOwn(payload, claim) ? payload[claim] : undefined
  if (v === undefined) invalid(claim, 'missing', `the DPoP proof has no "${claim}" claim`, payload)
  if (typeof v !== 'string' || v === '' || v.length > max) invalid(claim, 'invalid', `the DPoP proof "${claim}" claim is malformed`, payload)
  return v
}

/** RFC 9449 §4.3 items 8–12 (the `jwk` binding, item 12, is the caller's `jkt`). */
async function checkClaims(p: JsonObject, plan: DpopPlan, t: number, jkt: string): Promise<number> {
  str(p, 'jti', MAX_JTI)
  if (str(p, 'htm') !== plan.htm) invalid('htm', 'mismatch', `the DPoP proof is for method ${quote(p.htm)}`, p)
  const htu = normaliseHtu(str(p, 'htu'))
  if (htu === undefined) invalid('htu', 'invalid', 'the DPoP proof "htu" is not an http(s) URI', p)
  if (htu !== plan.htu) invalid('htu', 'mismatch', 'the DPoP proof is for another URL', p)
  const iat = p.iat
  if (iat === undefined) invalid('iat', 'missing', 'the DPoP proof has no "iat" claim', p)
  if (typeof iat !== 'number' || !Number.isFinite(iat)) invalid('iat', 'invalid', 'the DPoP proof "iat" must be a number', p)
  if (iat > t + plan.tol) invalid('iat', 'in_future', 'the DPoP proof was issued in the future', p)
  if (iat < t - plan.maxAge - plan.tol) invalid('iat', 'too_old', 'the DPoP proof is older than maxAge', p)
  if (plan.accessToken !== undefined && str(p, 'ath') !== (await sha256Text(plan.accessToken))) {
    invalid('ath', 'mismatch', 'the DPoP proof "ath" is not the hash of this access token', p)
  }
  if (plan.jkt !== undefined && jkt !== plan.jkt) invalid('cnf', 'mismatch', 'the DPoP proof key is not the one the token is bound to ("cnf.jkt")', p)
  return iat
}

/** RFC 9449 §8, §9: a server nonce, when the caller requires one. */
async function checkNonce(p: JsonObject, plan: DpopPlan): Promise<void> {
  if (!plan.nonce) return
  const n = Object.hasOwn(p, 'nonce') ? p.nonce : undefined
  if (n === undefined) fail('ERR_DPOP_NONCE_REQUIRED', 'the DPoP proof has no nonce', { claim: 'nonce', reason: 'missing', payload: p })
  if (typeof n !== 'string' || n === '') invalid('nonce', 'invalid', 'the DPoP proof "nonce" is malformed', p)
  let ok: unknown
  try {
    ok = await plan.nonce(n)
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'options.nonce threw')
  }
  if (ok !== true) fail('ERR_DPOP_NONCE_REQUIRED', 'the DPoP proof nonce is stale or unknown', { claim: 'nonce', reason: 'mismatch', payload: p })
}

/**
 * Verifies a DPoP proof on its own (RFC 9449 §4.3), for an authorization server's token
 * endpoint or a resource server: `typ`, an allowed asymmetric `alg`, a public `jwk` that
 * verifies it, `htm`, `htu` (RFC 3986 normalised), `iat` within `maxAge`, `ath` when
 * `accessToken` is given, `jkt` when given, the nonce when required, and with a
 * `replayStore`, a `jti` never seen before (recorded last).
 *
 * @example
 * ```ts
 * import { verifyDpopProof } from 'isojwt'
 * declare const proof: string
 * const { jkt } = await verifyDpopProof(proof, { htm: 'POST', htu: 'https://as.example/token' })
 * // bind the access token to the key: { cnf: { jkt } }
 * ```
 */
export async function verifyDpopProof(proof: string, options: VerifyDpopProofOptions): Promise<DpopProofResult> {
  try {
    const plan = validating(() => planVerify(options))
    const t = epochSeconds(plan.now)
    if (typeof proof !== 'string' || proof.indexOf('.') > MAX_HEADER) invalid(undefined, 'invalid', 'the DPoP proof is not a compact JWS with a header of at most 8 KiB')
    let jwk: Jwk | undefined
    const r = await verifyJws(proof, (header) => (jwk = header.jwk as Jwk, proofKey(header)), { algorithms: [...plan.algorithms], maxTokenLength: MAX_PROOF })
    const payload = parseObject(r.payload, 'ERR_JWT_INVALID', 'the DPoP proof payload')
    const jkt = await thumbprint(jwk!)
    const iat = await checkClaims(payload, plan, t, jkt)
    await checkNonce(payload, plan)
    // RFC 9449 §11.1: the jti is unique per URL; kept as long as the proof is acceptable.
    if (plan.store) {
      const key = await sha256Text(JSON.stringify([plan.htu, payload.jti]))
      const until = new Date((iat + plan.maxAge + plan.tol) * 1000)
      if (!(await addOnce(plan.store, key, until, { payload }))) invalid('jti', 'replayed', 'this DPoP proof was already used', payload)
    }
    return { header: r.header, payload: payload as JwtPayload, jwk: jwk!, jkt }
  } catch (e) {
    throw toJoseError(asDpop(e), 'ERR_DPOP_INVALID', 'DPoP proof verification failed')
  }
}
