/**
 * isojwt: JSON Web Tokens for every JavaScript runtime (API.md is the contract).
 * This file lists the public names and nothing else.
 */
export { sign } from './jwt/sign.ts'
export { verify } from './jwt/verify.ts'
export { decode, isExpired } from './jwt/decode.ts'
export { createSigner, createVerifier } from './jwt/prepared.ts'
export type { Prepared, VerifierOptions } from './jwt/prepared.ts'
export { signJws, verifyJws } from './jws/api.ts'
export { signJwsJson, verifyJwsJson } from './jws/json.ts'
export { embeddedJwk } from './jws/embedded.ts'
export { encrypt, decrypt } from './jwe/api.ts'
export { encryptJwt, decryptJwt } from './jwt/encrypted.ts'
export { importKey, exportJwk, thumbprint, thumbprintUri, generateKeyPair, generateSecret } from './keys/api.ts'
export { createLocalJwks } from './jwks/local.ts'
export { createRemoteJwks } from './jwks/remote.ts'
export type { JwksCacheStore, JwksEvent, JwksEventType, RemoteJwks, RemoteJwksOptions } from './jwks/remote.ts'
export { discover } from './jwks/discover.ts'
export type { AuthorizationServerMetadata, DiscoverOptions } from './jwks/types.ts'
export { signClientAssertion, verifyClientAssertion } from './oauth/client-assertion.ts'
export { verifyAccessToken } from './oauth/access-token.ts'
export { verifyIdToken } from './oauth/id-token.ts'
export { createDpopProof } from './oauth/dpop-proof.ts'
export { verifyDpopProof } from './oauth/dpop.ts'
export { createResourceServer } from './oauth/resource-server.ts'
export { createDpopFetch } from './oauth/dpop-fetch.ts'
export { JoseError, isJoseError } from './errors.ts'
export type { JoseErrorCode, ClaimFailureReason, JoseErrorDetails } from './errors.ts'
export type {
  Alg, Duration, Now, Jwk, JwksDocument, KeyInput, KeyResolver, JwsHeader, DecodedHeader, JwtPayload, IssuerFunction,
  SignOptions, VerifyOptions, VerifyResult, DecodeResult, SignJwsOptions, VerifyJwsOptions, VerifyJwsResult,
  FlattenedJws, GeneralJws, JwsJsonSigner, VerifyJwsJsonOptions, VerifyJwsJsonResult,
  JweAlg, JweEnc, JweHeader, EncryptOptions, DecryptOptions, DecryptResult, EncryptJwtOptions, DecryptJwtOptions, DecryptJwtResult,
  StandardSchemaV1, StandardSchemaResult, StandardSchemaIssue, InferOutput,
} from './types.ts'
export type {
  ReplayStore, ClientAssertionOptions, VerifyClientAssertionOptions, VerifyAccessTokenOptions, AccessTokenResult, VerifyIdTokenOptions,
} from './oauth/types.ts'
export type { CreateDpopProofOptions, VerifyDpopProofOptions, DpopProofResult, DpopNonceCheck } from './oauth/dpop-types.ts'
export type {
  ResourceServerOptions, ResourceServerCommonOptions, ResourceServerVerifierOptions, ResourceServer, AuthOutcome, NodeLikeRequest, DpopFetch,
} from './oauth/resource-types.ts'

// Which crypto backend this build uses (an internal tag read by the runtime test runners).
import { JoseError } from './errors.ts'
import { BACKEND } from './backend/index.ts'
// A plain assignment, the fewest bytes (a symbol key: Object.keys and JSON never show it).
;(JoseError as unknown as Record<symbol, string>)[Symbol.for('isojwt.backend')] = BACKEND
