/**
 * The `WWW-Authenticate` value of a resource server (RFC 6750 §3, RFC 9449 §7.1): one
 * header, the challenges in a fixed order, the error on the scheme the client used.
 */
export type Scheme = 'Bearer' | 'DPoP'

export interface ChallengeError {
  scheme: Scheme
  /** RFC 6750 §3.1 / RFC 9449 §7.1: invalid_request, invalid_token, insufficient_scope, invalid_dpop_proof, use_dpop_nonce. */
  error: string
  /** Our error code: stable, and never a message (messages may name URLs). */
  description: string
  /** RFC 6750 §3: the scopes needed, with insufficient_scope. */
  scope?: string
}

/** `realm` first, then the error, description and scope; the DPoP challenge ends with `algs` (RFC 9449 §7.1). */
export function challenges(schemes: readonly Scheme[], realm: string | undefined, algs: string, err?: ChallengeError): string {
  return schemes.map((s) => {
    const p = realm === undefined ? [] : [`realm="${realm}"`]
    if (err?.scheme === s) {
      p.push(`error="${err.error}"`, `error_description="${err.description}"`)
      if (err.scope !== undefined) p.push(`scope="${err.scope}"`)
    }
    if (s === 'DPoP') p.push(`algs="${algs}"`)
    return p.length ? `${s} ${p.join(', ')}` : s
  }).join(', ')
}
