/**
 * Where isojwt differs from jose (6.2.x) on purpose. Every row has a test in
 * differences.test.ts (same `id`) that runs both libraries and shows both behaviours;
 * the jose column records what jose was observed to do, not what we assumed.
 */
export interface Difference {
  /** Stable key linking the row to its test. */
  id: string
  topic: string
  isojwt: string
  jose: string
  why: string
}

export const differences: readonly Difference[] = [
  {
    id: 'hmac-min-length',
    topic: 'HMAC minimum key length',
    isojwt: 'A secret shorter than the hash output (HS256 < 32 bytes, HS384 < 48, HS512 < 64) is ERR_KEY_INVALID, on sign and on verify.',
    jose: 'Signs and verifies with a 1-byte (or 31-byte) HS256 key; only a zero-length key fails (a DOMException from WebCrypto, not a JOSEError).',
    why: 'RFC 7518 §3.2: "A key of the same size as the hash output or larger MUST be used". Short secrets are brute-forceable offline from any one token.',
  },
  {
    id: 'string-secret',
    topic: 'A plain string as an HMAC secret',
    isojwt: 'Accepted (as UTF-8 bytes) only when the caller lists an HS* alg in `algorithms`; without `algorithms` ERR_JOSE_ALG_NOT_ALLOWED. Strings that look like PEM/JWK are ERR_KEY_INVALID.',
    jose: 'Rejects a string key with a TypeError ("Key for the HS256 algorithm must be one of type CryptoKey, KeyObject, JSON Web Key, or Uint8Array"); the caller encodes it to a Uint8Array.',
    why: 'Strings are the common way secrets arrive (env vars), but a string is also how public keys arrive: requiring an explicit HS* alg stops RS→HS confusion through key-text sniffing.',
  },
  {
    id: 'max-token-length',
    topic: 'maxTokenLength (16 384 by default)',
    isojwt: 'A token longer than maxTokenLength (default 16 384 UTF-16 code units for verify/decode) is ERR_JWS_INVALID before any parsing; exactly the limit is processed.',
    jose: 'No length limit: a ~27 KB token verifies.',
    why: 'Bounded work per request before any signature check (DoS); real JWTs are far below 16 KiB and the limit is configurable.',
  },
  {
    id: 'default-typ',
    topic: 'Default typ rule',
    isojwt: 'Without a `typ` option the header typ must be absent or JWT (after RFC 7515 §4.1.9 normalisation); anything else (e.g. at+jwt) is ERR_JWT_CLAIM_INVALID claim "typ". `typ: false` accepts any.',
    jose: 'Without a `typ` option any header typ is accepted (at+jwt, logout+jwt, …).',
    why: 'RFC 8725 §3.11 explicit typing: a token minted for another purpose (access token, logout token) must not pass as a generic JWT by default.',
  },
  {
    id: 'maxage-code',
    topic: 'The maxAge failure code',
    isojwt: 'maxAge exceeded is ERR_JWT_CLAIM_INVALID with claim "iat", reason "too_old".',
    jose: 'maxTokenAge exceeded is ERR_JWT_EXPIRED (claim "iat", reason "check_failed").',
    why: 'ERR_JWT_EXPIRED means `exp` passed and carries `expiredAt`; an old iat is a policy failure on another claim, and callers that refresh on "expired" must not loop on it.',
  },
  {
    id: 'unpinned-keys',
    topic: 'Keys that pin nothing, verified without `algorithms`',
    isojwt: 'An RSA JWK without alg, an RSA PEM or a raw secret (Uint8Array) without `algorithms` is ERR_JOSE_ALG_NOT_ALLOWED: the header alg never fills in a missing policy.',
    jose: 'Accepts by the header alg: an RSA JWK without alg verifies an RS256 (or PS256) token, a Uint8Array verifies any HS* token.',
    why: 'Algorithm confusion (hono 2026 CVEs, fast-jwt): the verifier, not the token, must choose the algorithm.',
  },
  {
    id: 'non-finite-numericdate',
    topic: 'exp: 1e999 (JSON number that parses to Infinity)',
    isojwt: 'ERR_JWT_INVALID: NumericDate claims must be finite numbers.',
    jose: 'Accepted: Infinity is a number and never ≤ now, so the token never expires (jose reports the payload with exp: Infinity).',
    why: 'RFC 7519 §2 NumericDate is a finite number of seconds; a non-expiring token minted by overflow is an attack, not data.',
  },
  {
    id: 'lenient-base64url',
    topic: 'Non-canonical base64url',
    isojwt: 'Padding (=) or non-zero trailing bits in a segment is ERR_JWS_INVALID.',
    jose: 'Accepts a signature with "=" padding appended and one with non-zero trailing bits (both decode to the same bytes).',
    why: 'RFC 7515 §2 / §C: base64url without padding; one token, one encoding, so tokens cannot be varied (cache keys, replay lists, deny lists) without breaking the signature.',
  },
  {
    id: 'alg-none-code',
    topic: 'The code for alg "none"',
    isojwt: 'ERR_JOSE_ALG_NOT_ALLOWED, whatever the case ("none", "None", …) and whatever the key.',
    jose: 'ERR_JOSE_NOT_SUPPORTED from jwtVerify ("alg none is not supported …") when no `algorithms` is given.',
    why: 'API.md: a header alg outside the allowed set is ERR_JOSE_ALG_NOT_ALLOWED, whatever its value; "not supported" would suggest a capability gap, not a refusal.',
  },
  {
    id: 'crit-registered-name',
    topic: 'A registered header name listed in crit (e.g. ["alg"])',
    isojwt: 'ERR_JWS_INVALID (malformed crit).',
    jose: 'ERR_JOSE_NOT_SUPPORTED ("Extension Header Parameter "alg" is not recognized").',
    why: 'RFC 7515 §4.1.11: producers MUST NOT list names defined by the JWS/JWA specs in crit, so such a header is malformed, not an unsupported extension.',
  },
  {
    id: 'key-errors-are-joseerrors',
    topic: 'Key misuse errors (e.g. an RSA modulus of 1024 bits)',
    isojwt: 'ERR_KEY_INVALID (a JoseError) on sign and verify.',
    jose: 'Throws a plain TypeError ("RS256 requires key modulusLength to be 2048 bits or larger").',
    why: 'API.md: every failure is a JoseError with a stable code, so callers can branch on `code` without catching TypeErrors that may also be bugs.',
  },
  {
    id: 'nbf-code',
    topic: 'The code for a token not yet valid (nbf in the future)',
    isojwt: 'ERR_JWT_NOT_YET_VALID with `notBefore: Date`.',
    jose: 'ERR_JWT_CLAIM_VALIDATION_FAILED with claim "nbf", reason "check_failed".',
    why: 'A token that becomes valid later is a timing condition (often clock skew) that callers handle differently from a wrong claim value.',
  },
  {
    id: 'rsa-exponent',
    topic: 'An RSA public key with e = 1 or an even e (2, 65536)',
    isojwt: 'ERR_KEY_INVALID as SPKI PEM and as JWK ("exponent must be odd and ≥ 3"), before any signature is looked at.',
    jose: 'Imports both forms; with e = 1 it verifies a forged RS256 token whose signature is the PKCS#1 v1.5 encoded message itself. Even exponents import too and then only fail each signature (ERR_JWS_SIGNATURE_VERIFICATION_FAILED).',
    why: 'RFC 8017 §3.1: e is odd and ≥ 3. With e = 1, s^e mod n = s, so anyone who can hash can sign; an even e is not an RSA key at all. A published key must not be a forgery licence.',
  },
  {
    id: 'ed25519-small-order',
    topic: 'An Ed25519 public key of small order (the identity point, or its non-canonical encoding y = p + 1)',
    isojwt: 'ERR_KEY_INVALID as OKP JWK and as SPKI PEM ("small-order or non-canonical Ed25519").',
    jose: 'Imports both forms and verifies the forged EdDSA token R = identity encoding, S = 0 for any payload (the same for y = p + 1).',
    why: 'RFC 8032 §5.1.3 / §8.4: a small-order key makes [k]A vanish, so R = identity, S = 0 satisfies the check for every message: such a key verifies anything.',
  },
  {
    id: 'key-text-bytes',
    topic: 'Key text given as bytes (a PEM file, a DER SPKI, JWK JSON read without "utf8")',
    isojwt: 'ERR_KEY_INVALID even with algorithms [\'RS256\', \'HS256\']: bytes that hold a key in another form are never an HMAC secret.',
    jose: 'A Uint8Array is an HMAC secret whatever it holds: an HS256 token HMAC-signed with the public key\'s PEM, DER or JWK-JSON bytes verifies (also with algorithms [\'RS256\', \'HS256\']).',
    why: 'API.md, String keys: key text is never a secret. Public key bytes are public, so an HS256 token MACed with them is RS→HS algorithm confusion (readFileSync without "utf8" returns a Buffer).',
  },
  {
    id: 'numeric-date-ms',
    topic: 'NumericDates in milliseconds (exp: Date.now() + 3600000)',
    isojwt: 'verify: ERR_JWT_INVALID; sign: ERR_JOSE_INVALID_ARGUMENT (a NumericDate of 10^11 or more is milliseconds, not seconds).',
    jose: 'Signs it (as a payload exp and through setExpirationTime(number)) and verifies it: exp is read as seconds, so the token expires some 50 000 years from now.',
    why: 'RFC 7519 §2: NumericDate is seconds. Milliseconds are the common slip (Date.now()) and turn a one-hour token into a never-expiring one.',
  },
  {
    id: 'option-list-holes',
    topic: 'A verify option list with a hole (audience: [\'api\', , \'x\'])',
    isojwt: 'ERR_JOSE_INVALID_ARGUMENT (also for requiredClaims, algorithms, issuer and typ lists with holes).',
    jose: 'Skips the hole: tokens for "api" or "x" verify, others fail as usual. (A hole in requiredClaims fails every token: missing required "undefined" claim, with claim "unspecified".)',
    why: 'A hole is almost always a bug in the caller\'s configuration (a missing env var, a stray comma); a security option that is half-read must fail loudly, not silently narrow or widen the policy.',
  },
]
