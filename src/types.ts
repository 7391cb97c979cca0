/** Public types of isojwt (API.md, Types). */

export type Alg =
  | 'HS256' | 'HS384' | 'HS512'
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA' | 'Ed25519'

/** Seconds as a number, or a string such as `'15m'`, `'2 hours'`, `'1.5d'`. */
export type Duration = number | string

/** The current time: a fixed Date, or a function read once per call. */
export type Now = Date | (() => Date)

export interface Jwk {
  kty: string
  kid?: string
  alg?: string
  use?: string
  key_ops?: string[]
  crv?: string
  [k: string]: unknown
}

export interface JwksDocument {
  keys: Jwk[]
}

export type KeyInput = CryptoKey | Jwk | Uint8Array | string

export interface JwsHeader {
  alg: Alg
  typ?: string
  kid?: string
  cty?: string
  crit?: string[]
  [k: string]: unknown
}

export interface DecodedHeader {
  alg: string
  typ?: string
  kid?: string
  cty?: string
  crit?: unknown
  [k: string]: unknown
}

export interface JwtPayload {
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  nbf?: number
  iat?: number
  jti?: string
  [k: string]: unknown
}

/** Chooses the key(s) for a token. The payload it sees is NOT verified. */
export type KeyResolver = (
  header: Readonly<JwsHeader>,
  token: { readonly payload: unknown },
) => KeyInput | readonly KeyInput[] | undefined | Promise<KeyInput | readonly KeyInput[] | undefined>

export interface SignOptions {
  alg?: Alg
  kid?: string
  typ?: string | null
  header?: Record<string, unknown>
  expiresIn?: Duration
  notBefore?: Duration
  issuedAt?: boolean
  issuer?: string
  subject?: string
  audience?: string | string[]
  jwtId?: string
  now?: Now
}

export interface VerifyOptions {
  algorithms?: Alg[]
  issuer?: string | string[]
  audience?: string | string[]
  subject?: string
  typ?: string | string[] | false
  maxAge?: Duration
  clockTolerance?: Duration
  requiredClaims?: string[]
  now?: Now
  crit?: Record<string, true>
  maxTokenLength?: number
}

export interface VerifyResult<P = JwtPayload> {
  header: JwsHeader
  payload: P
  key: CryptoKey
}

export interface DecodeResult<P = JwtPayload> {
  header: DecodedHeader
  payload: P
  signature: Uint8Array
}

export interface SignJwsOptions {
  alg?: Alg
  kid?: string
  header?: Record<string, unknown>
}

export interface VerifyJwsOptions {
  algorithms?: Alg[]
  crit?: Record<string, true>
  maxTokenLength?: number
}

export interface VerifyJwsResult {
  header: JwsHeader
  payload: Uint8Array
  key: CryptoKey
}
