// The capability matrix: what each runtime must do with each JWS algorithm, and which
// crypto backend the package's export conditions must load there. Plain data, no
// imports, so every runtime (Node, Deno, Bun, workerd, edge-runtime, Chromium) can load it.
//
// THE RULE (one place): an algorithm a runtime supports MUST round-trip (generate or
// import a key, sign, verify) and is listed in `mustRoundTrip`; an algorithm it does not
// support MUST be refused with ERR_JOSE_NOT_SUPPORTED by generateKeyPair, sign and verify
// and is listed in `mustRefuse`. Nothing is "skipped": every algorithm appears in exactly
// one of the two lists of every row (suite.mjs checks this), so a runtime that gains or
// loses an algorithm turns the suite red until its row here is updated.
//
// `backend` is the value of `JoseError[Symbol.for('isojwt.backend')]` that the copy of
// isojwt loaded by name ('isojwt', through package.json `exports`) must carry in that
// runtime; a mismatch means the export conditions picked the wrong build. The `node`
// and `bun` conditions select the node:crypto backend (dist/node.*), so the Node and Bun
// rows say 'node'; every other runtime, and `isojwt/web` everywhere, is 'webcrypto'.
//
// Runtime differences stay out of src/ (STYLE.md): src/ feature-tests WebCrypto and
// never asks which runtime it runs in, with ONE documented exception, the key-set code
// (createRemoteJwks, API.md "Key sets"): on workerd a promise cannot cross request
// contexts, so concurrent callers from different requests do not share one in-flight
// JWKS fetch there. It is detected once by `typeof WebSocketPair !== 'undefined'` or
// `navigator.userAgent === 'Cloudflare-Workers'`. That is the only runtime check allowed
// in src/; the `workerd` row below is where it is recorded, and the key-set section of
// the suite is where its behaviour is exercised.
//
// `remoteJwks`: the 'remote key sets' section runs in this runtime, against the loopback
// JWK Set server its runner starts (test/runtimes/jwks-server.mjs, passed to the suite as
// `jwksBaseUrl`); the suite fails, never skips, when a row says true and no server was
// given. Every runtime here has fetch (the Edge Runtime VM's is undici; workerd's goes
// through a `network` service that allows "local" addresses, see
// test/runtimes/workerd/conformance.capnp), so every row says true.
// `jwksInflight`: 'shared' = concurrent first uses of a set make ONE request (API.md: one
// in-flight request is shared by concurrent callers); 'per-request' = the workerd
// exception: no promise is shared, so N concurrent callers may make up to N requests
// (src/ cannot tell request contexts apart, so today even callers within ONE request,
// like the suite's single test() invocation, each fetch: 5 concurrent first uses make 5
// requests there). run-workerd.mjs checks the cross-request case with `workerd serve`. The
// suite also checks that src/'s workerd detection (WebSocketPair or the Cloudflare-Workers
// user agent) holds exactly on the 'per-request' rows.
//
// `jwe`: the two JWE pieces a WebCrypto may lack (API.md, JWE: "An `enc` the runtime lacks
// (AES-192 in browsers …) is ERR_JOSE_NOT_SUPPORTED"): 'AES-192' (A192GCM, A192CBC-HS384,
// A192KW, A192GCMKW, ECDH-ES+A192KW, PBES2-HS384+A192KW) and 'X25519' (ECDH-ES* with
// X25519 keys). Each is 'round-trip' (must encrypt and decrypt), 'refuse' (every encrypt
// and decrypt that needs it must be ERR_JOSE_NOT_SUPPORTED, never another code or a raw
// DOMException) or 'either' (not yet observed in that runtime: one of the two, and the
// suite logs a `note` line saying which, so that the row can be pinned). Chromium 150
// refuses 192-bit AES keys (an OperationError, "192-bit AES keys are not supported") and
// has X25519; every other row has both (observed in each runtime of test/runtimes on
// 2026-12-07: Node 20/22/24/26, Deno 2.9, Bun 1.4, workerd, the Edge Runtime emulator).
//
// Verified by running the suite (test/conformance/run-local.mjs) on Node 20.20,
// Deno 2.9 and Bun 1.4: all fourteen algorithms, Ed25519 included, round-trip there.

/** Every JWS algorithm isojwt implements (API.md, Types: `Alg`). */
export const ALGS = Object.freeze([
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
])

/** The JWE pieces a runtime may lack (see `jwe` above). */
export const JWE_GAPS = Object.freeze(['AES-192', 'X25519'])
const EITHER = { 'AES-192': 'either', X25519: 'either' }
const BOTH = { 'AES-192': 'round-trip', X25519: 'round-trip' }

/** A row; each gets its own arrays so editing one runtime never changes another. */
const row = (backend, mustRoundTrip, mustRefuse, note, { remoteJwks = true, jwksInflight = 'shared', jwe = EITHER } = {}) => Object.freeze({
  backend, mustRoundTrip: Object.freeze([...mustRoundTrip]), mustRefuse: Object.freeze([...mustRefuse]), note, remoteJwks, jwksInflight, jwe: Object.freeze({ ...jwe }),
})

export const MATRIX = Object.freeze({
  'node20': row('node', ALGS, [], 'Node 20, ESM import (`node` condition: node:crypto backend)', { jwe: BOTH }),
  'node22': row('node', ALGS, [], 'Node 22, ESM import (`node` condition: node:crypto backend)', { jwe: BOTH }),
  'node24': row('node', ALGS, [], 'Node 24, ESM import (`node` condition: node:crypto backend)', { jwe: BOTH }),
  'node26': row('node', ALGS, [], 'Node 26, ESM import (`node` condition: node:crypto backend)', { jwe: BOTH }),
  'node20-cjs': row('node', ALGS, [], 'Node 20, CommonJS require (dist/node.cjs)', { jwe: BOTH }),
  'node26-cjs': row('node', ALGS, [], 'Node 26, CommonJS require (dist/node.cjs)', { jwe: BOTH }),
  'node20-web': row('webcrypto', ALGS, [], 'Node 20 with the WebCrypto build (`isojwt/web`, and the vitest webcrypto project)', { jwe: BOTH }),
  'deno': row('webcrypto', ALGS, [], 'Deno 2, `deno` export condition', { jwe: BOTH }),
  'bun': row('node', ALGS, [], 'Bun, `bun` export condition: the node:crypto backend (measured faster there, bench/RESULTS.md)', { jwe: BOTH }),
  'workerd': row('webcrypto', ALGS, [], 'Cloudflare workerd, `workerd` condition; the one runtime check in src/ (remote key sets) is for this row',
    { jwksInflight: 'per-request', jwe: BOTH }),
  'edge-runtime': row('webcrypto', ALGS, [], '@edge-runtime/vm, `edge-light` condition', { jwe: BOTH }),
  'chromium': row('webcrypto', ALGS, [], 'Chromium via Playwright, `browser` condition; the JWK Sets come from the page\'s own origin; no 192-bit AES keys (JWE)',
    { jwe: { 'AES-192': 'refuse', X25519: 'round-trip' } }),
})
