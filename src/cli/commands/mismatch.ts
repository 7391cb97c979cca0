/**
 * A claim that does not match (iss, sub, aud, typ, …) is shown with what was expected and
 * what the token has: `unexpected "iss" … (--iss expects "https://a"; the token has
 * "https://b")`. The token's value comes from the error's verified payload (or, for typ,
 * the header), printed bounded as the printer does (toReport escapes the whole line).
 */
import { decode, isJoseError, JoseError } from '../../index.ts'
import type { ParsedArgs } from '../args.ts'
import { oneLine } from '../printer.ts'

/** The flag that gives each claim's expected value, per profile ("verify": no profile). */
const FLAG_OF: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(Object.entries({
  verify: { iss: 'iss', sub: 'sub', aud: 'aud', typ: 'typ' },
  'access-token': { iss: 'iss', aud: 'aud', scope: 'scope' },
  'id-token': { iss: 'iss', aud: 'client-id', azp: 'client-id', nonce: 'nonce' },
  'client-assertion': { iss: 'client-id', sub: 'client-id', aud: 'aud' },
}).map(([k, v]) => [k, new Map(Object.entries(v))]))

/** What the flags expect of the claim ("--iss expects …"); undefined when no flag says. */
function expected(claim: string, profile: string, args: ParsedArgs): string | undefined {
  const flag = FLAG_OF.get(profile)?.get(claim)
  if (flag === undefined) return undefined
  const scope = flag === 'scope'
  const values = scope ? args.split('scope').flatMap((s) => s.split(' ')).filter((s) => s !== '') : args.list(flag)
  // RFC 8725 §3.11: without --typ, plain verify takes tokens whose typ is absent or JWT.
  if (values.length === 0) return claim === 'typ' ? 'without --typ, typ must be absent or "JWT"' : undefined
  return `--${flag} expects ${values.map((v) => oneLine(v)).join(scope ? ' and ' : ' or ')}`
}

/** What the token has for the claim: the header's typ, else the payload's member. */
function actual(e: JoseError, claim: string, token: string): string {
  let v: unknown
  if (claim === 'typ') v = decode(token, { maxTokenLength: token.length }).header.typ
  else if (typeof e.payload === 'object' && e.payload !== null && Object.hasOwn(e.payload, claim)) v = (e.payload as Record<string, unknown>)[claim]
  return v === undefined ? 'none' : oneLine(v)
}

/** `e` with the expected and actual values added when it is a claim mismatch the flags explain. */
export function withValues(e: unknown, token: string, profile: string, args: ParsedArgs): unknown {
  if (!isJoseError(e) || e.code !== 'ERR_JWT_CLAIM_INVALID' || e.reason !== 'mismatch' || e.claim === undefined) return e
  const want = expected(e.claim, profile, args)
  if (want === undefined) return e
  return new JoseError(e.code, `${e.message} (${want}; the token has ${actual(e, e.claim, token)})`, { claim: e.claim, reason: e.reason })
}
