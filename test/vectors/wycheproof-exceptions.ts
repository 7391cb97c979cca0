/**
 * The ONE table of Wycheproof cases where isojwt's verdict differs from the label, or
 * where the label is `acceptable` (no right answer). Each entry says what we do and why.
 * The ledger (wycheproof-ledger.ts) fails the run when an entry goes stale: the case now
 * agrees with its label, our verdict or error code changed, or the tcId does not exist.
 * Known upstream quirks are described in test/vectors/README.md, "Known issues".
 */
import type { JoseErrorCode } from '../../src/errors.ts'

export type Verdict = 'accepted' | 'rejected'

export interface WycheproofException {
  /** File name under test/vectors/data/wycheproof/. */
  file: string
  tcId: number
  /** Wycheproof's `result`. */
  label: 'valid' | 'invalid' | 'acceptable'
  /** What isojwt does. */
  ours: Verdict
  /** For refusals: the codes that make it the intended refusal (any other code is stale). */
  codes?: JoseErrorCode[]
  reason: string
}

const JWS = 'json_web_signature_test.json'
const JWK = 'json_web_key_test.json'
const RSA = 'rsa_signature_2048_sha256_test.json'
const JWE = 'json_web_encryption_test.json'
const JWC = 'json_web_crypto_test.json'

/** RSA1_5 is not supported (API.md, JWE): the header's alg is refused before any key is read. */
const rsa15 = (tcId: number, what: string): WycheproofException => ({
  file: JWE, tcId, label: 'valid', ours: 'rejected', codes: ['ERR_JOSE_ALG_NOT_ALLOWED'],
  reason: `${what} with RSA1_5 (RSAES-PKCS1-v1_5 key encryption). isojwt does not support RSA1_5 (API.md, JWE; its padding oracle, RFC 8725 §3.2): the "alg" is refused before any key is read. Intended refusal (RFC 7516 A.2 and RFC 7520 §5.1 likewise).`,
})

export const EXCEPTIONS: readonly WycheproofException[] = [
  // --- json_web_signature_test.json: mislabeled upstream (README "Known issues") -------
  {
    file: JWS, tcId: 367, label: 'invalid', ours: 'accepted',
    reason: 'Byte-identical to tcId 357 (ValidMac, valid): the "invalid padding" was lost upstream (C2SP/wycheproof#236). The token is canonical base64url and its MAC verifies.',
  },
  {
    file: JWS, tcId: 370, label: 'invalid', ours: 'accepted',
    reason: 'Byte-identical to tcId 357 (ValidMac, valid), like tcId 367 (C2SP/wycheproof#236).',
  },
  {
    file: JWS, tcId: 372, label: 'valid', ours: 'rejected', codes: ['ERR_JWS_INVALID'],
    reason: "'?' inserted in the header segment. RFC 7515 §2/§5.2 require base64url without extra characters; strict decoding refuses it (tcIds 361-364, 371 label the same insertion invalid).",
  },
  {
    file: JWS, tcId: 373, label: 'valid', ours: 'rejected', codes: ['ERR_JWS_INVALID'],
    reason: "'?' inserted in the payload segment; refused by strict base64url like tcId 372.",
  },
  // --- json_web_signature_test.json: JWK `alg` disagrees with the header -------------
  {
    file: JWS, tcId: 346, label: 'valid', ours: 'rejected', codes: ['ERR_JOSE_ALG_NOT_ALLOWED'],
    reason: 'Group key has "alg":"PS256" but the JWS header says PS384. A JWK alg pins {PS256} (API.md "Which algorithms a key pins"); verifying PS384 with it would be algorithm confusion. Intended refusal.',
  },
  {
    file: JWS, tcId: 350, label: 'valid', ours: 'rejected', codes: ['ERR_JOSE_ALG_NOT_ALLOWED'],
    reason: 'Same key/header mismatch as tcId 346 (PS256 key, PS384 header), group rfc7520WithKeyOps. Intended refusal.',
  },
  {
    file: JWS, tcId: 347, label: 'valid', ours: 'rejected', codes: ['ERR_KEY_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED'],
    reason: 'Group key has "alg":"ES521", not a JOSE algorithm (RFC 7518 §3.1 names ES512). A JWK whose alg does not fit its kty/crv is refused (API.md), never reinterpreted. Intended refusal.',
  },
  {
    file: JWS, tcId: 351, label: 'valid', ours: 'rejected', codes: ['ERR_KEY_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED'],
    reason: 'Same "ES521" key as tcId 347, group rfc7520WithKeyOps. Intended refusal.',
  },
  // --- json_web_key_test.json: key-set policies that are not the verifier's -----------
  {
    file: JWK, tcId: 1, label: 'invalid', ours: 'accepted',
    reason: 'MixedKeySet/Ambiguous: the set mixes an HS256 secret and an EC key; Wycheproof wants the whole set refused. isojwt verifies with the key a resolver returns: here the resolver selects by kid the HS256 key, which the caller supplied and which pins HS256, so the MAC verifies. Refusing symmetric keys in sets is the JWKS layer\'s job (createLocalJwks ignores oct keys unless allowSymmetric), not verify\'s.',
  },
  {
    file: JWK, tcId: 4, label: 'invalid', ours: 'accepted',
    reason: 'DuplicateKid/Ambiguous: two HS256 keys share a kid. API.md lets a resolver return up to 3 candidates and accepts when one verifies; the token was made with one of them, so it verifies. Rejecting duplicate kids is a key-set lint, not a verification rule.',
  },
  {
    file: JWK, tcId: 7, label: 'invalid', ours: 'accepted',
    reason: 'ROCA-vulnerable RSA modulus (CVE-2017-15361). The key is well-formed, 2048 bits and the signature is genuine; detecting the ROCA fingerprint is out of scope for a verifier (the caller chose to trust the key).',
  },
  // --- json_web_encryption_test.json: RSA1_5 is not supported ------------------------
  ...[100, 101, 102, 103, 104, 105].map((tcId) => rsa15(tcId, 'A valid JWE (group jwe_rsa1_5)')),
  rsa15(112, 'validPadding: a valid JWE'),
  rsa15(128, 'Figure81: RFC 7520 §5.1'),
  // --- json_web_crypto_test.json (its JWS groups): as in json_web_key_test.json --------
  {
    file: JWC, tcId: 46, label: 'invalid', ours: 'accepted',
    reason: 'ROCA-vulnerable RSA modulus (CVE-2017-15361), like json_web_key_test.json tcId 7: a well-formed key of 2056 bits with a genuine signature; detecting the ROCA fingerprint is out of scope for a verifier.',
  },
  {
    file: JWC, tcId: 47, label: 'invalid', ours: 'accepted',
    reason: 'jws_mixedSymmetryKeyset, like json_web_key_test.json tcId 1: the resolver selects by kid the HS256 key the caller supplied, which pins HS256, and the MAC verifies. Refusing symmetric keys in sets is the JWKS layer\'s job (createLocalJwks ignores oct keys unless allowSymmetric).',
  },
  // --- primitive files: `acceptable` (Wycheproof leaves the verdict open) -------------
  {
    file: RSA, tcId: 8, label: 'acceptable', ours: 'rejected',
    reason: 'DigestInfo without the NULL parameters. RFC 8017 §9.2 Note 1 gives the SHA-256 DigestInfo with NULL (…05 00 04 20); WebCrypto compares the whole encoding, so the variant without NULL does not verify. Refusing is the strict choice.',
  },
]
