/** Public types of isojwt (API.md, Types). */

/**
 * A JWS algorithm isojwt signs and verifies (RFC 7518 §3, RFC 8037, RFC 9864). `none` is
 * not one of them: it is never produced and never accepted.
 *
 * @example
 * ```ts
 * import type { Alg } from 'isojwt'
 * const allowed: Alg[] = ['ES256', 'RS256']
 * ```
 */
export type Alg =
  | 'HS256' | 'HS384' | 'HS512'
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA' | 'Ed25519'

/**
 * Seconds as a number (finite, ≥ 0, fractions allowed), or a string such as `'30s'`,
 * `'15m'`, `'2 hours'`, `'1.5d'` (units s, m, h, d, w, y; 1 y = 365.25 d). A bare digit
 * string such as `'60'` is refused (`ERR_JOSE_INVALID_ARGUMENT`): say `60` or `'60s'`.
 * Only `notBefore` takes a past offset (`'-5m'`, `'5 minutes ago'`).
 *
 * @example
 * ```ts
 * import { sign, generateSecret, type Duration } from 'isojwt'
 * const lifetime: Duration = '15m' // or 900
 * const token = await sign({ sub: 'u1' }, generateSecret('HS256'), { alg: 'HS256', expiresIn: lifetime })
 * ```
 */
export type Duration = number | string

/**
 * The current time for claim checks: a fixed Date, or a function read once per call
 * (never captured when a signer or verifier is created). Defaults to the system clock.
 *
 * @example
 * ```ts
 * import { verify, type Now } from 'isojwt'
 * declare const token: string, secret: Uint8Array
 * const now: Now = () => new Date() // e.g. a test clock
 * await verify(token, secret, { algorithms: ['HS256'], now })
 * ```
 */
export type Now = Date | (() => Date)

/**
 * A JSON Web Key (RFC 7517 §4). An `alg` member pins the key to that one algorithm;
 * `use` must be `sig` and `key_ops` must allow the operation when present.
 *
 * @example
 * ```ts
 * import { verify, type Jwk } from 'isojwt'
 * declare const token: string
 * const publicJwk: Jwk = JSON.parse(process.env.PUBLIC_JWK ?? '{}')
 * const { payload } = await verify(token, publicJwk, { issuer: 'https://id.example', audience: 'api' })
 * ```
 */
export interface Jwk {
  kty: string
  kid?: string
  alg?: string
  use?: string
  key_ops?: string[]
  crv?: string
  [k: string]: unknown
}

/**
 * A JSON Web Key Set document (RFC 7517 §5), as served at an identity provider's `jwks_uri`.
 *
 * @example
 * ```ts
 * import { createLocalJwks, type JwksDocument } from 'isojwt'
 * const doc: JwksDocument = await (await fetch('https://id.example/.well-known/jwks.json')).json()
 * const keys = createLocalJwks(doc)
 * ```
 */
export interface JwksDocument {
  keys: Jwk[]
}

/**
 * A key: a WebCrypto `CryptoKey`, a JWK object, a secret as bytes (`Uint8Array`,
 * `ArrayBuffer`), or a string that is either a PEM (`PUBLIC KEY`, `PRIVATE KEY`,
 * `CERTIFICATE`, `RSA PUBLIC KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`) or an HMAC secret
 * (its UTF-8 bytes). Key text (a PEM as bytes, DER, JSON, an OpenSSH key, base64 DER, a
 * URL) is never a secret: `ERR_KEY_INVALID`. Node `KeyObject`s are not keys here: export
 * them to JWK or PEM.
 *
 * @example
 * ```ts
 * import { sign, type KeyInput } from 'isojwt'
 * const secret: KeyInput = 'a shared secret of at least 32 bytes!!'
 * const token = await sign({ sub: 'u1' }, secret, { alg: 'HS256' })
 * ```
 */
export type KeyInput = CryptoKey | Jwk | Uint8Array | ArrayBuffer | string

/**
 * A verified JWS protected header (RFC 7515 §4.1): `alg` is one of the allowed algorithms.
 *
 * @example
 * ```ts
 * import { verify, type JwsHeader } from 'isojwt'
 * declare const token: string, publicPem: string
 * const { header }: { header: JwsHeader } = await verify(token, publicPem, { algorithms: ['RS256'] })
 * console.log(header.alg, header.kid)
 * ```
 */
export interface JwsHeader {
  alg: Alg
  typ?: string
  kid?: string
  cty?: string
  crit?: string[]
  [k: string]: unknown
}

/**
 * The header `decode` returns: unverified, so `alg` is any string and `crit` unchecked.
 *
 * @example
 * ```ts
 * import { decode } from 'isojwt'
 * declare const token: string
 * const { header } = decode(token) // DecodedHeader: never trust it
 * console.log(header.alg, header.kid)
 * ```
 */
export interface DecodedHeader {
  alg: string
  typ?: string
  kid?: string
  cty?: string
  crit?: unknown
  [k: string]: unknown
}

/**
 * JWT claims (RFC 7519 §4.1): the registered ones typed, any others as `unknown`.
 * NumericDates (`exp`, `nbf`, `iat`) are seconds since the epoch.
 *
 * @example
 * ```ts
 * import { verify, type JwtPayload } from 'isojwt'
 * declare const token: string, secret: Uint8Array
 * interface Claims extends JwtPayload { role: 'admin' | 'user' }
 * const { payload } = await verify<Claims>(token, secret, { algorithms: ['HS256'] })
 * console.log(payload.sub, payload.role)
 * ```
 */
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

/**
 * Chooses the key (or up to 3 candidate keys) for a token, from its validated header.
 * The payload it sees is NOT verified: use it to choose among issuers you already trust,
 * never to build a URL. `undefined` or `[]` gives `ERR_JWKS_NO_MATCHING_KEY`.
 *
 * @example
 * ```ts
 * import { verify, type Jwk, type KeyResolver } from 'isojwt'
 * declare const token: string
 * declare const keysByKid: Map<string, Jwk>
 * const byKid: KeyResolver = (header) => (header.kid ? keysByKid.get(header.kid) : undefined)
 * await verify(token, byKid, { issuer: 'https://id.example', audience: 'api' })
 * ```
 */
export type KeyResolver = (
  header: Readonly<JwsHeader>,
  token: { readonly payload: unknown },
) => KeyInput | readonly KeyInput[] | undefined | Promise<KeyInput | readonly KeyInput[] | undefined>

/**
 * An `issuer` given as a function, for issuers that embed a claim (a tenant id): called
 * only after the signature verified, on every call (a cache hit included), with the
 * token's `iss` (a string) and its verified payload. Only `true` accepts; anything else
 * is `ERR_JWT_CLAIM_INVALID` (`claim: 'iss'`, `reason: 'mismatch'`). A JoseError it
 * throws passes through; anything else it throws or rejects with becomes
 * `ERR_JWT_CLAIM_INVALID`. Do not modify the payload.
 *
 * @example
 * ```ts
 * import { verify, createRemoteJwks, type IssuerFunction } from 'isojwt'
 * declare const token: string
 * const tenants = new Set(['72f988bf-86f1-41af-91ab-2d7cd011db47'])
 * // The issuer names the tenant, and so does the tid claim: both must agree.
 * const issuer: IssuerFunction = (iss, payload) =>
 *   typeof payload.tid === 'string' && tenants.has(payload.tid) && iss === `https://login.microsoftonline.com/${payload.tid}/v2.0`
 * const jwks = createRemoteJwks('https://login.microsoftonline.com/common/discovery/v2.0/keys')
 * const { payload } = await verify(token, jwks, { issuer, audience: 'api://my-api', algorithms: ['RS256'] })
 * ```
 */
export type IssuerFunction = (iss: string, payload: JwtPayload) => boolean | Promise<boolean>

/**
 * Options of `sign` and `createSigner`. A claim set both here and in the payload is
 * `ERR_JOSE_INVALID_ARGUMENT`, as is an unknown option name.
 *
 * @example
 * ```ts
 * import { createSigner, type SignOptions } from 'isojwt'
 * declare const privateKeyPem: string
 * const options: SignOptions = { alg: 'RS256', kid: 'k1', issuer: 'https://id.example', audience: 'api', expiresIn: '15m' }
 * const signAccess = createSigner(privateKeyPem, options)
 * ```
 */
export interface SignOptions {
  /** The algorithm. Required unless the key pins exactly one (a JWK with `alg`, an EC key, an RSA or HMAC CryptoKey); Ed25519 keys pin two (`EdDSA`, `Ed25519`), so say which. */
  alg?: Alg
  /** Header `kid`. Default: the JWK's `kid`. */
  kid?: string
  /** Header `typ`. Default `'JWT'`; `null` leaves it out. */
  typ?: string | null
  /** Extra protected header members; may not contain `alg`, `b64`, `crit` or `__proto__`. */
  header?: Record<string, unknown>
  /** Sets `exp` this long after now. */
  expiresIn?: Duration
  /** Sets `nbf` this long after now; `'-5m'` or `'5 minutes ago'` for a past time. */
  notBefore?: Duration
  /** Sets `iat` to now when the payload has none. Default true. */
  issuedAt?: boolean
  /** Sets `iss`. */
  issuer?: string
  /** Sets `sub`. */
  subject?: string
  /** Sets `aud`. */
  audience?: string | string[]
  /** Sets `jti`. */
  jwtId?: string
  /** The time `iat`, `exp` and `nbf` count from. Default: the system clock, read per call. */
  now?: Now
}

/**
 * Options of `verify` and `createVerifier`. Pass `issuer` and `audience`: without them a
 * token from any issuer the key trusts, for any audience, is accepted.
 *
 * @example
 * ```ts
 * import { verify, type VerifyOptions } from 'isojwt'
 * declare const token: string, publicPem: string
 * const options: VerifyOptions = { algorithms: ['RS256'], issuer: 'https://id.example', audience: 'api', clockTolerance: 5 }
 * const { payload } = await verify(token, publicPem, options)
 * ```
 */
export interface VerifyOptions {
  /** Algorithms you accept; intersected with those the key pins. Required for keys that pin none (RSA PEM, secrets). */
  algorithms?: Alg[]
  /** Accepted `iss` value(s), exact match; or a function deciding on the verified `iss` and payload (`IssuerFunction`). */
  issuer?: string | string[] | IssuerFunction
  /** Accepted audience(s): matches when any `aud` value is one of them, exact match. */
  audience?: string | string[]
  /** Required `sub`, exact match. */
  subject?: string
  /** Accepted header `typ` (case-insensitive, `application/` optional). Default: absent or `JWT`; `false` accepts any. */
  typ?: string | string[] | false
  /** Maximum age since `iat` (which becomes required). */
  maxAge?: Duration
  /** Leeway for `exp`, `nbf` and `iat`. Default 0. */
  clockTolerance?: Duration
  /** Claims that must be present. */
  requiredClaims?: string[]
  /** The time claims are checked at. Default: the system clock, read per call. */
  now?: Now
  /** `crit` header extensions you process yourself, as `{ name: true }`. */
  crit?: Record<string, true>
  /** Longest token accepted, checked before any work. Default 16 384. */
  maxTokenLength?: number
  /** A Standard Schema (zod, valibot, arktype, …) run last on the verified payload; the result's payload is its output. */
  schema?: StandardSchemaV1
}

/**
 * A Standard Schema v1 (https://standardschema.dev), as zod ≥ 3.24, valibot ≥ 1 and
 * arktype ≥ 2 implement it; no schema package is a dependency. Pass one as
 * `options.schema`: it runs last, on the verified payload, and its issues fail as
 * `ERR_JWT_CLAIM_INVALID` with `reason: 'schema'`.
 *
 * @example
 * ```ts
 * import { verify, type StandardSchemaV1 } from 'isojwt'
 * declare const token: string, secret: Uint8Array
 * // A hand-written schema; zod, valibot or arktype give one.
 * const hasRole: StandardSchemaV1<unknown, { role: string }> = {
 *   '~standard': {
 *     version: 1, vendor: 'example',
 *     validate: (v) => typeof (v as { role?: unknown }).role === 'string' ? { value: v as { role: string } } : { issues: [{ message: 'no role', path: ['role'] }] },
 *   },
 * }
 * const { payload } = await verify(token, secret, { algorithms: ['HS256'], schema: hasRole })
 * console.log(payload.role)
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>
    readonly types?: { readonly input: Input; readonly output: Output } | undefined
  }
}

/**
 * What a Standard Schema's `validate` answers: the output `value`, or `issues`.
 *
 * @example
 * ```ts
 * import type { StandardSchemaResult } from 'isojwt'
 * const ok: StandardSchemaResult<number> = { value: 1 }
 * const bad: StandardSchemaResult<number> = { issues: [{ message: 'not a number', path: ['n'] }] }
 * ```
 */
export type StandardSchemaResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: readonly StandardSchemaIssue[] }

/**
 * One problem a Standard Schema found; `JoseError.issues` lists them.
 *
 * @example
 * ```ts
 * import { isJoseError, type StandardSchemaIssue } from 'isojwt'
 * declare const e: unknown
 * const issues: readonly StandardSchemaIssue[] = isJoseError(e) ? e.issues ?? [] : []
 * ```
 */
export interface StandardSchemaIssue {
  readonly message: string
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
}

/**
 * The output type of a Standard Schema: the payload type `verify` gives with it.
 *
 * @example
 * ```ts
 * import type { InferOutput, StandardSchemaV1 } from 'isojwt'
 * declare const schema: StandardSchemaV1<unknown, { sub: string }>
 * type Claims = InferOutput<typeof schema> // { sub: string }
 * ```
 */
export type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output']

/**
 * What `verify` and a `createVerifier` function resolve to: the verified header and
 * payload, and the CryptoKey that verified (for a secret, a non-extractable CryptoKey).
 *
 * @example
 * ```ts
 * import { verify, type VerifyResult } from 'isojwt'
 * declare const token: string, publicPem: string
 * const result: VerifyResult = await verify(token, publicPem, { algorithms: ['PS256'] })
 * console.log(result.header.kid, result.payload.sub, result.key.algorithm.name)
 * ```
 */
export interface VerifyResult<P = JwtPayload> {
  header: JwsHeader
  payload: P
  key: CryptoKey
}

/**
 * What `decode` returns: header and payload as written in the token, and the signature
 * bytes. Nothing in it is verified.
 *
 * @example
 * ```ts
 * import { decode, type DecodeResult } from 'isojwt'
 * declare const token: string
 * const { header, payload, signature }: DecodeResult = decode(token)
 * console.log(header.alg, payload.exp, signature.length)
 * ```
 */
export interface DecodeResult<P = JwtPayload> {
  header: DecodedHeader
  payload: P
  signature: Uint8Array
}

/**
 * Options of `signJws`. `header` may not contain `alg`, `b64` or `__proto__`; a `crit` in
 * it must list names present in the header and not registered by the RFCs.
 *
 * @example
 * ```ts
 * import { signJws, generateKeyPair, type SignJwsOptions } from 'isojwt'
 * const { privateKey } = await generateKeyPair('EdDSA')
 * const options: SignJwsOptions = { alg: 'EdDSA', kid: 'k1', header: { cty: 'text/plain' } }
 * const jws = await signJws('hello', privateKey, options)
 * ```
 */
export interface SignJwsOptions {
  alg?: Alg
  kid?: string
  header?: Record<string, unknown>
  /** `false`: an unencoded payload (RFC 7797, with `crit: ["b64"]`); needs `detached: true` in compact form. */
  b64?: boolean
  /** Leave the payload out: `header..signature` (RFC 7515 App. F). */
  detached?: boolean
}

/**
 * Options of `verifyJws`. The default `maxTokenLength` is 1 048 576.
 *
 * @example
 * ```ts
 * import { verifyJws, type VerifyJwsOptions } from 'isojwt'
 * declare const jws: string, publicPem: string
 * const options: VerifyJwsOptions = { algorithms: ['RS256'], maxTokenLength: 65536 }
 * const { payload } = await verifyJws(jws, publicPem, options)
 * ```
 */
export interface VerifyJwsOptions {
  algorithms?: Alg[]
  crit?: Record<string, true>
  maxTokenLength?: number
  /** The detached content, for a JWS whose payload segment is empty. */
  payload?: Uint8Array | string
}

/**
 * What `verifyJws` resolves to: the verified header, the payload bytes and the CryptoKey
 * that verified.
 *
 * @example
 * ```ts
 * import { verifyJws, type VerifyJwsResult } from 'isojwt'
 * declare const jws: string, publicPem: string
 * const { payload }: VerifyJwsResult = await verifyJws(jws, publicPem, { algorithms: ['ES256'] })
 * console.log(new TextDecoder().decode(payload))
 * ```
 */
export interface VerifyJwsResult {
  header: JwsHeader
  payload: Uint8Array
  key: CryptoKey
}

/**
 * A JWE key management algorithm (RFC 7518 §4). `RSA1_5` is not one of them.
 *
 * @example
 * ```ts
 * import type { JweAlg } from 'isojwt'
 * const allowed: JweAlg[] = ['ECDH-ES+A256KW', 'RSA-OAEP-256']
 * ```
 */
export type JweAlg = 'dir' | 'A128KW' | 'A192KW' | 'A256KW' | 'A128GCMKW' | 'A192GCMKW' | 'A256GCMKW' | 'RSA-OAEP' | 'RSA-OAEP-256'
  | 'RSA-OAEP-384' | 'RSA-OAEP-512' | 'ECDH-ES' | 'ECDH-ES+A128KW' | 'ECDH-ES+A192KW' | 'ECDH-ES+A256KW'
  | 'PBES2-HS256+A128KW' | 'PBES2-HS384+A192KW' | 'PBES2-HS512+A256KW'

/**
 * A JWE content encryption algorithm (RFC 7518 §5).
 *
 * @example
 * ```ts
 * import type { JweEnc } from 'isojwt'
 * const enc: JweEnc = 'A256GCM'
 * ```
 */
export type JweEnc = 'A128GCM' | 'A192GCM' | 'A256GCM' | 'A128CBC-HS256' | 'A192CBC-HS384' | 'A256CBC-HS512'

/**
 * A decrypted JWE's protected header (RFC 7516 §4.1): `alg` and `enc` are allowed values.
 *
 * @example
 * ```ts
 * import { decrypt, type JweHeader } from 'isojwt'
 * declare const jwe: string, secret: Uint8Array
 * const { header }: { header: JweHeader } = await decrypt(jwe, secret, { algorithms: ['dir'] })
 * ```
 */
export interface JweHeader {
  alg: JweAlg
  enc: JweEnc
  zip?: 'DEF'
  typ?: string
  kid?: string
  cty?: string
  crit?: string[]
  [k: string]: unknown
}

/**
 * Options of `encrypt`. `zip: 'DEF'` compresses before encrypting (RFC 8725 §3.6: that
 * can leak the plaintext's content through its length; off unless asked). `p2c` is the
 * PBES2 iteration count (default 10 000).
 *
 * @example
 * ```ts
 * import { encrypt, type EncryptOptions } from 'isojwt'
 * const options: EncryptOptions = { alg: 'dir', enc: 'A256GCM', cty: 'JWT' }
 * const jwe = await encrypt('hello', crypto.getRandomValues(new Uint8Array(32)), options)
 * ```
 */
export interface EncryptOptions {
  alg: JweAlg
  enc: JweEnc
  kid?: string
  cty?: string
  typ?: string
  header?: Record<string, unknown>
  zip?: 'DEF'
  p2c?: number
}

/**
 * Options of `decrypt`. `algorithms` is needed for keys that pin nothing (secrets, RSA
 * keys without `alg`), and PBES2 is accepted only when it lists it. Defaults:
 * `maxTokenLength` 1 048 576, `maxPbes2Count` 10 000, `maxDecompressedLength` 262 144.
 *
 * @example
 * ```ts
 * import { decrypt, type DecryptOptions } from 'isojwt'
 * declare const jwe: string, secret: Uint8Array
 * const options: DecryptOptions = { algorithms: ['A256KW'], encryptions: ['A256GCM'] }
 * const { plaintext } = await decrypt(jwe, secret, options)
 * ```
 */
export interface DecryptOptions {
  algorithms?: JweAlg[]
  encryptions?: JweEnc[]
  crit?: Record<string, true>
  maxTokenLength?: number
  maxPbes2Count?: number
  maxDecompressedLength?: number
}

/**
 * Options of `encryptJwt`: the JWE `alg` and `enc`, a header `kid`, and the claim options
 * of `SignOptions` (`expiresIn`, `notBefore`, `issuedAt`, `issuer`, `subject`, `audience`,
 * `jwtId`, `now`). The header's `typ` is always `JWT`.
 *
 * @example
 * ```ts
 * import { encryptJwt, type EncryptJwtOptions } from 'isojwt'
 * const options: EncryptJwtOptions = { alg: 'A256KW', enc: 'A256GCM', issuer: 'https://id.example', expiresIn: '15m' }
 * const token = await encryptJwt({ sub: 'user-1' }, crypto.getRandomValues(new Uint8Array(32)), options)
 * ```
 */
export interface EncryptJwtOptions extends Pick<SignOptions, 'expiresIn' | 'notBefore' | 'issuedAt' | 'issuer' | 'subject' | 'audience' | 'jwtId' | 'now'> {
  alg: JweAlg
  enc: JweEnc
  /** Header `kid`. */
  kid?: string
}

/**
 * Options of `decryptJwt`: those of `decrypt`, `publicKeyEncryption`, and the claim
 * options of `VerifyOptions` (`issuer`, `audience`, `subject`, `typ`, `maxAge`,
 * `clockTolerance`, `requiredClaims`, `now`). Without `publicKeyEncryption: true`,
 * RSA-OAEP* and ECDH-ES* are refused: anyone with the public key can make such a token.
 *
 * @example
 * ```ts
 * import { decryptJwt, type DecryptJwtOptions, type Jwk } from 'isojwt'
 * declare const token: string, privateJwk: Jwk
 * const options: DecryptJwtOptions = { algorithms: ['ECDH-ES'], publicKeyEncryption: true, audience: 'api' }
 * const { payload } = await decryptJwt(token, privateJwk, options)
 * ```
 */
export interface DecryptJwtOptions extends DecryptOptions, Pick<VerifyOptions, 'issuer' | 'audience' | 'subject' | 'typ' | 'maxAge' | 'clockTolerance' | 'requiredClaims' | 'now'> {
  /** Accept RSA-OAEP* and ECDH-ES*, which prove nothing about the sender. Default false. */
  publicKeyEncryption?: boolean
}

/**
 * What `decryptJwt` resolves to: the JWE protected header and the checked payload.
 *
 * @example
 * ```ts
 * import { decryptJwt, type DecryptJwtResult } from 'isojwt'
 * declare const token: string, secret: Uint8Array
 * const { payload }: DecryptJwtResult = await decryptJwt(token, secret, { algorithms: ['dir'] })
 * ```
 */
export interface DecryptJwtResult<P = JwtPayload> {
  header: JweHeader
  payload: P
}

/**
 * What `decrypt` resolves to: the protected header and the plaintext bytes.
 *
 * @example
 * ```ts
 * import { decrypt, type DecryptResult } from 'isojwt'
 * declare const jwe: string, secret: Uint8Array
 * const { plaintext }: DecryptResult = await decrypt(jwe, secret, { algorithms: ['dir'] })
 * console.log(new TextDecoder().decode(plaintext))
 * ```
 */
export interface DecryptResult {
  header: JweHeader
  plaintext: Uint8Array
}

/**
 * A JWS in the flattened JSON serialization (RFC 7515 §7.2.2): one signature. `payload`
 * is absent for detached content.
 *
 * @example
 * ```ts
 * import type { FlattenedJws } from 'isojwt'
 * declare const jws: FlattenedJws
 * console.log(jws.protected, jws.signature)
 * ```
 */
export interface FlattenedJws {
  payload?: string
  protected: string
  header?: Record<string, unknown>
  signature: string
}

/**
 * A JWS in the general JSON serialization (RFC 7515 §7.2.1): several signatures over one payload.
 *
 * @example
 * ```ts
 * import type { GeneralJws } from 'isojwt'
 * declare const jws: GeneralJws
 * console.log(jws.signatures.length)
 * ```
 */
export interface GeneralJws {
  payload?: string
  signatures: Array<{ protected: string; header?: Record<string, unknown>; signature: string }>
}

/**
 * One signer of `signJwsJson`: its key, `alg` (unless the key pins one), `kid`, extra
 * protected `header` members and `unprotected` header members (disjoint from the protected ones).
 *
 * @example
 * ```ts
 * import type { JwsJsonSigner } from 'isojwt'
 * declare const privateKey: CryptoKey
 * const signer: JwsJsonSigner = { key: privateKey, alg: 'ES256', unprotected: { kid: 'k1' } }
 * ```
 */
export interface JwsJsonSigner {
  key: KeyInput
  alg?: Alg
  kid?: string
  header?: Record<string, unknown>
  unprotected?: Record<string, unknown>
}

/**
 * Options of `verifyJwsJson`: as `verifyJws`'s; `maxTokenLength` bounds the JSON text.
 *
 * @example
 * ```ts
 * import type { VerifyJwsJsonOptions } from 'isojwt'
 * const options: VerifyJwsJsonOptions = { algorithms: ['EdDSA'], crit: { b64: true } }
 * ```
 */
export interface VerifyJwsJsonOptions {
  algorithms?: Alg[]
  crit?: Record<string, true>
  payload?: Uint8Array | string
  maxTokenLength?: number
}

/**
 * What `verifyJwsJson` resolves to: the headers of the signature that verified, its
 * position (`index`), the payload bytes and the key.
 *
 * @example
 * ```ts
 * import { verifyJwsJson, type VerifyJwsJsonResult, type Jwk } from 'isojwt'
 * declare const jws: string, jwk: Jwk
 * const { index }: VerifyJwsJsonResult = await verifyJwsJson(jws, jwk, { algorithms: ['ES256'] })
 * ```
 */
export interface VerifyJwsJsonResult {
  protectedHeader: JwsHeader
  unprotectedHeader?: Record<string, unknown>
  payload: Uint8Array
  key: CryptoKey
  index: number
}
