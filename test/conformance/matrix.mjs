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
// runtime; a mismatch means the export conditions picked the wrong build. Today every
// build is WebCrypto. When src/backend/node.ts lands, the `node` condition selects it:
// node20/node22/node24/node-cjs then change to 'node' here (and `isojwt/web` stays 'webcrypto').
//
// Runtime differences stay out of src/ (STYLE.md): src/ feature-tests WebCrypto and
// never asks which runtime it runs in, with ONE documented exception, the key-set code
// (createRemoteJwks, API.md "Key sets"): on workerd a promise cannot cross request
// contexts, so concurrent callers from different requests do not share one in-flight
// JWKS fetch there. It is detected once by `typeof WebSocketPair !== 'undefined'` or
// `navigator.userAgent === 'Cloudflare-Workers'`. That is the only runtime check allowed
// in src/; the `workerd` row below is where it is recorded, and the key-set section of
// the suite is where its behaviour will be exercised.
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

/** A row; each gets its own arrays so editing one runtime never changes another. */
const row = (backend, mustRoundTrip, mustRefuse, note) =>
  Object.freeze({ backend, mustRoundTrip: Object.freeze([...mustRoundTrip]), mustRefuse: Object.freeze([...mustRefuse]), note })

export const MATRIX = Object.freeze({
  'node20': row('webcrypto', ALGS, [], 'Node 20, ESM import'),
  'node22': row('webcrypto', ALGS, [], 'Node 22, ESM import'),
  'node24': row('webcrypto', ALGS, [], 'Node 24, ESM import'),
  'node-cjs': row('webcrypto', ALGS, [], 'Node, CommonJS require (dist/index.cjs)'),
  'deno': row('webcrypto', ALGS, [], 'Deno 2, `deno` export condition'),
  'bun': row('webcrypto', ALGS, [], 'Bun, `bun` export condition'),
  'workerd': row('webcrypto', ALGS, [], 'Cloudflare workerd, `workerd` condition; the one runtime check in src/ (remote key sets) is for this row'),
  'edge-runtime': row('webcrypto', ALGS, [], '@edge-runtime/vm, `edge-light` condition'),
  'chromium': row('webcrypto', ALGS, [], 'Chromium via Playwright, `browser` condition'),
})
