// The package's value exports: the names src/index.ts exports, in its order. Plain data,
// no imports, so every runtime can load it. test/conformance/suite.test.ts checks it
// against src/index.ts itself, and the suite checks that the build a runtime loads
// exports exactly these names, so a build that lost one fails everywhere (no section is
// skipped for a missing export), and a new export cannot be added without the suite
// knowing it (its 'final' test checks that every name was exercised).
export const EXPORTS = Object.freeze([
  'sign', 'verify', 'decode', 'isExpired', 'createSigner', 'createVerifier', 'signJws', 'verifyJws',
  'signJwsJson', 'verifyJwsJson', 'embeddedJwk',
  'encrypt', 'decrypt', 'encryptJwt', 'decryptJwt',
  'importKey', 'exportJwk', 'thumbprint', 'thumbprintUri', 'generateKeyPair', 'generateSecret', 'createLocalJwks',
  'createRemoteJwks', 'discover', 'signClientAssertion', 'verifyClientAssertion', 'verifyAccessToken', 'verifyIdToken',
  'createDpopProof', 'verifyDpopProof', 'createResourceServer', 'createDpopFetch',
  'JoseError', 'isJoseError',
])
