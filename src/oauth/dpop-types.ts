/** Public types of DPoP proofs (API.md, Protecting an API; RFC 9449). */
import type { Alg, Duration, Jwk, JwsHeader, JwtPayload, Now } from '../types.ts'
import type { ReplayStore } from './types.ts'

/**
 * A server nonce check (RFC 9449 §8): true when the proof's `nonce` is one the server
 * issued and still accepts.
 *
 * @example
 * ```ts
 * import type { DpopNonceCheck } from 'isojwt'
 * const issued = new Set<string>()
 * const nonce: DpopNonceCheck = (n) => issued.has(n)
 * ```
 */
export type DpopNonceCheck = (nonce: string) => boolean | Promise<boolean>

/**
 * Options of `createDpopProof` (RFC 9449 §4.2).
 *
 * @example
 * ```ts
 * import type { CreateDpopProofOptions } from 'isojwt'
 * const options: CreateDpopProofOptions = { htm: 'GET', htu: 'https://api.example/orders', accessToken: 'eyJ…' }
 * ```
 */
export interface CreateDpopProofOptions {
  /** The request's method. */
  htm: string
  /** The request's URL; its query and fragment are left out. */
  htu: string | URL
  /** Adds `ath`, the access token's hash, for a request to a resource server. */
  accessToken?: string
  /** The server's last `DPoP-Nonce`. */
  nonce?: string
  /** Default: from the key (ES256 for P-256, EdDSA for Ed25519, RSA keys name their own). */
  alg?: Alg
  now?: Now
}

/**
 * Options of `verifyDpopProof` (RFC 9449 §4.3).
 *
 * @example
 * ```ts
 * import type { VerifyDpopProofOptions } from 'isojwt'
 * const options: VerifyDpopProofOptions = { htm: 'POST', htu: 'https://as.example/token', maxAge: '30s' }
 * ```
 */
export interface VerifyDpopProofOptions {
  htm: string
  htu: string | URL
  /** Requires and checks `ath`. */
  accessToken?: string
  /** The expected key thumbprint (a token's `cnf.jkt`, RFC 9449 §6.1). */
  jkt?: string
  /** The nonce(s) the server accepts, or a check (RFC 9449 §8). */
  nonce?: string | string[] | DpopNonceCheck
  /** Default ES256, EdDSA, Ed25519, PS256, RS256; asymmetric only. */
  algorithms?: Alg[]
  /** How old `iat` may be. Default 60 s. */
  maxAge?: Duration
  /** Records each proof's `jti` (RFC 9449 §11.1); without one, replays are not detected. */
  replayStore?: ReplayStore
  clockTolerance?: Duration
  now?: Now
}

/**
 * Result of `verifyDpopProof`: the proof key and its RFC 7638 thumbprint, to compare
 * with (or bind as) a token's `cnf.jkt`.
 *
 * @example
 * ```ts
 * import type { DpopProofResult } from 'isojwt'
 * const bind = (r: DpopProofResult) => ({ cnf: { jkt: r.jkt } })
 * ```
 */
export interface DpopProofResult {
  header: JwsHeader
  payload: JwtPayload
  jwk: Jwk
  jkt: string
}
