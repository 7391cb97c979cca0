// The runtime-agnostic conformance suite for isojwt ("every runtime, unchanged").
//
// Plain modern JavaScript: no Node APIs, no test framework, no imports but its sibling
// modules. It needs only what the library itself needs: crypto.subtle,
// crypto.getRandomValues, TextEncoder/TextDecoder, fetch (remote key sets only), plus
// setTimeout for a per-test timeout.
// A runner imports isojwt BY NAME (so the package's export conditions are what is tested),
// then calls:
//
//   const { passed, failed, failures, backend } = await runSuite(lib, { runtime: 'deno' })
//
// `runtime` is a key of MATRIX (matrix.mjs). The suite logs one line per failure and, at
// the end, exactly `N passed, N failed`; it never throws. Options:
//   log(line)  where lines go (default console.log)
//   now        the fixed clock the claim tests use, a Date or a function returning one
//              (default 2023-11-14T22:13:20Z = 1_700_000_000 s). Claim tests never read
//              the real clock; one smoke test does.
//   providers  the module the runner imported as 'isojwt/providers' (its 'providers'
//              section fails when it is missing)
//   jwksBaseUrl  origin of the loopback JWK Set server the runner started
//              (test/runtimes/jwks-server.mjs). Required where the matrix row says
//              `remoteJwks: true`: the 'remote key sets' section then fails rather than
//              being skipped when it is missing.
//
// Layout: a tiny harness, fixtures (own base64/PEM code, fixed certificates), then
// SECTIONS, a list of { name, tests(ctx) }. Every section runs in every runtime: the
// exports are the package's own (exports.mjs, checked against src/index.ts), a build that
// lacks one fails here, and the last test checks that the sections used every export.
import { EXPORTS } from './exports.mjs'
import { ALGS, JWE_GAPS, MATRIX } from './matrix.mjs'
import { RFC7515, RFC7520, RFC7638, RFC8037 } from './vectors.mjs'
import { discoveryTests, localKeySetTests, preparedTests, remoteKeySetTests, remoteUrlTests } from './keysets.mjs'

/** The error codes of API.md (Errors). */
const CODES = Object.freeze([
  'ERR_JOSE_INVALID_ARGUMENT', 'ERR_JWS_INVALID', 'ERR_JWT_INVALID', 'ERR_JWS_SIGNATURE_INVALID',
  'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED', 'ERR_JWT_EXPIRED', 'ERR_JWT_NOT_YET_VALID',
  'ERR_JWT_CLAIM_INVALID', 'ERR_KEY_INVALID', 'ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_FETCH_FAILED',
])
const REASONS = Object.freeze(['missing', 'invalid', 'mismatch', 'too_old', 'in_future', 'replayed'])
const BACKEND_TAG = Symbol.for('isojwt.backend')
const DEFAULT_NOW_S = 1_700_000_000
const TEST_TIMEOUT_MS = 20_000


// ───────────────────────────── harness ─────────────────────────────

class AssertionFailed extends Error {}

/** A short, safe rendering of any value for failure messages (never throws, never huge). */
function show(v) {
  try {
    if (typeof v === 'string') return v.length > 60 ? `${JSON.stringify(v.slice(0, 60))}… (${v.length} chars)` : JSON.stringify(v)
    if (typeof v === 'bigint') return `${v}n`
    if (typeof v === 'symbol' || typeof v === 'function') return typeof v
    if (isBytes(v)) return `Uint8Array(${v.length})`
    if (typeof v === 'object' && v !== null) {
      const s = JSON.stringify(v)
      return s === undefined ? Object.prototype.toString.call(v) : s.length > 120 ? `${s.slice(0, 120)}…` : s
    }
    return String(v)
  } catch {
    return '(unprintable)'
  }
}

function errorText(e) {
  try {
    if (e && typeof e === 'object') {
      const code = typeof e.code === 'string' ? ` ${e.code}` : ''
      return `${String(e.name)}${code}: ${String(e.message).slice(0, 200)}`
    }
    return `non-error thrown: ${show(e)}`
  } catch {
    return '(unprintable error)'
  }
}

// Realm-independent type tests: a runner may load the library in another realm (a VM
// context, a worker), where `instanceof` against this realm's constructors is false.
const tagOf = (x) => Object.prototype.toString.call(x)
const isBytes = (x) => ArrayBuffer.isView(x) && tagOf(x) === '[object Uint8Array]'
const isDate = (x) => tagOf(x) === '[object Date]' && Number.isFinite(x.getTime())
const isCryptoKey = (k) => tagOf(k) === '[object CryptoKey]' || (typeof CryptoKey === 'function' && k instanceof CryptoKey)

function deepEqual(a, b) {
  if (Object.is(a, b)) return true
  if (isBytes(a) && isBytes(b)) return a.length === b.length && a.every((x, i) => x === b[i])
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
}

function fail(message) {
  throw new AssertionFailed(message)
}
function ok(cond, what) {
  if (!cond) fail(what)
}
function eq(actual, expected, what = 'value') {
  if (!deepEqual(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`)
}

/** Fails listing every problem found (up to ~1500 characters). */
function none(problems, what) {
  if (problems.length === 0) return
  const text = problems.join('; ')
  fail(`${what}: ${problems.length} problem(s): ${text.length > 1500 ? `${text.slice(0, 1500)}…` : text}`)
}

function withTimeout(promise, ms, label) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new AssertionFailed(`${label}: no result after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Assertions bound to the library under test (isJoseError decides what a JoseError is). */
function makeAsserts(lib) {
  const isJose = (e) => {
    try {
      return lib.isJoseError(e) === true
    } catch {
      return false
    }
  }
  function checkJose(e, code, what, more) {
    if (e instanceof AssertionFailed) throw e
    if (!isJose(e)) fail(`${what}: expected a JoseError ${code}, got ${errorText(e)}`)
    if (e.code !== code) fail(`${what}: expected ${code}, got ${errorText(e)}`)
    // API.md, Errors: the members each claim-related code always carries.
    if (code === 'ERR_JWT_CLAIM_INVALID') {
      ok(typeof e.claim === 'string' && REASONS.includes(e.reason), `${what}: claim ${show(e.claim)} / reason ${show(e.reason)}`)
    }
    if (code === 'ERR_JWT_EXPIRED') ok(isDate(e.expiredAt), `${what}: expiredAt is ${show(e.expiredAt)}`)
    if (code === 'ERR_JWT_NOT_YET_VALID') ok(isDate(e.notBefore), `${what}: notBefore is ${show(e.notBefore)}`)
    if (more) {
      for (const [k, v] of Object.entries(more)) {
        if (typeof v === 'function') ok(v(e[k]), `${what}: error.${k} is ${show(e[k])}`)
        else eq(e[k], v, `${what}: error.${k}`)
      }
    }
    return e
  }
  /**
   * `thunk` is an async API call. It must reject (not throw synchronously, API.md: "all
   * other async functions reject, never throw synchronously") with a JoseError `code`;
   * `more` checks error members (`claim`, `reason`, …). Returns the error.
   */
  async function rejects(thunk, code, what = 'call', more) {
    let p
    try {
      p = thunk()
    } catch (e) {
      fail(`${what}: threw synchronously (${errorText(e)}) instead of rejecting`)
    }
    if (!p || typeof p.then !== 'function') fail(`${what}: did not return a promise`)
    let value
    try {
      value = await p
    } catch (e) {
      return checkJose(e, code, what, more)
    }
    fail(`${what}: expected ${code}, but it resolved to ${show(value)}`)
  }
  /** `fn` is a synchronous API call that must throw a JoseError `code`. */
  function throws(fn, code, what = 'call', more) {
    let value
    try {
      value = fn()
    } catch (e) {
      return checkJose(e, code, what, more)
    }
    fail(`${what}: expected ${code}, but it returned ${show(value)}`)
  }
  return { isJose, rejects, throws }
}

// ───────────────────────────── encoding fixtures (own code) ─────────────────────────────

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const enc = new TextEncoder()
const dec = new TextDecoder()
const utf8 = (s) => enc.encode(s)

/** RFC 4648 §4 base64 (padded), or §5 base64url (unpadded) when `url`. */
function base64(bytes, url = false) {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]
    const b = bytes[i + 1]
    const c = bytes[i + 2]
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0)
    out += B64[n >> 18] + B64[(n >> 12) & 63] + (b === undefined ? '=' : B64[(n >> 6) & 63]) + (c === undefined ? '=' : B64[n & 63])
  }
  return url ? out.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_') : out
}
const b64u = (bytes) => base64(bytes, true)
const b64uText = (s) => b64u(utf8(s))

function fromB64u(s) {
  const out = []
  let buf = 0
  let bits = 0
  for (const ch of s.replaceAll('-', '+').replaceAll('_', '/')) {
    const v = B64.indexOf(ch)
    if (v < 0) throw new AssertionFailed(`test bug: not base64url: ${show(s)}`)
    buf = ((buf << 6) | v) & 0xffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out.push((buf >> bits) & 255)
    }
  }
  return new Uint8Array(out)
}

/** RFC 7468 text encoding of DER, with a chosen line width and line ending. */
function pem(label, der, { eol = '\n', width = 64, before = '', after = '\n' } = {}) {
  const body = base64(new Uint8Array(der))
  const lines = []
  for (let i = 0; i < body.length; i += width) lines.push(body.slice(i, i + width))
  return `${before}-----BEGIN ${label}-----${eol}${lines.join(eol)}${eol}-----END ${label}-----${after}`
}

/** Re-wraps a PEM's body (CRLF, another width, a BOM and blank space around it). */
function rewrap(text, options) {
  const m = /^-----BEGIN ([A-Z ]+)-----\r?\n([\s\S]*?)\r?\n-----END \1-----\s*$/.exec(text)
  if (!m) throw new AssertionFailed('test bug: rewrap needs a one-block PEM')
  const bytes = fromB64u(m[2].replace(/\s+/g, '').replace(/=+$/, ''))
  return pem(m[1], bytes, options)
}

const relabel = (text, label) => text.replace(/-----(BEGIN|END) [A-Z ]+-----/g, `-----$1 ${label}-----`)

function split(token) {
  const [h, p, s] = token.split('.')
  return { h, p, s, header: JSON.parse(dec.decode(fromB64u(h))), sig: fromB64u(s) }
}
const join = (h, p, s) => `${h}.${p}.${s}`
function flipBit(bytes, index, bit = 0) {
  const out = bytes.slice()
  out[index] ^= 1 << bit
  return out
}

// ───────────────────────────── fixed keys ─────────────────────────────
// Self-signed X.509 certificates with their PKCS#8 private keys, made once with
// OpenSSL 3.0 (`openssl req -x509 -newkey … -nodes -days 36500`), valid 2026–2126.
// Test keys only: never use them for anything else.

const CERTS = Object.freeze({
  'RSA-2048': {
    algs: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
    cert: `-----BEGIN CERTIFICATE-----
MIIDLzCCAhegAwIBAgIUMf7uNGOZ9r7yoKl1tIrLepC8Ub0wDQYJKoZIhvcNAQEL
BQAwJjEkMCIGA1UEAwwbaXNvand0IGNvbmZvcm1hbmNlIFJTQS0yMDQ4MCAXDTI2
MTEyODIyMTQwNloYDzIxMjYxMTA0MjIxNDA2WjAmMSQwIgYDVQQDDBtpc29qd3Qg
Y29uZm9ybWFuY2UgUlNBLTIwNDgwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
AoIBAQCoxaqp6mlVcovfAHZB179FvU1fLlC586JOiwK4jsfqYtTb4F9Lg2pZm5cS
2QRe46bdBCQwA/XkOYqu0hUee4aKX5QsciXr3o4jUqw4ot5Yf3PPYw5XerkKYaev
oEudQyy7TGFSPQTmmn5nZJ1FyhtxKnsEKh8NixOFt6pGtKl7nELZ4KnBKGLrpy1s
NbtTBcwqQy61017dLJuesCp/a4y30E/NNW/WPUrIhfATZF7q+efKd91D5vslmsHH
RjF9PJLjhJboqUOkPHEnRDIxAXRr1mO1HGB8w2w5/Ysip3+XYQ5jqFh23ZMbDCUL
0krtsdcxOswF7a5XcQVswUAaJzbNAgMBAAGjUzBRMB0GA1UdDgQWBBSlXb7LdjMe
LxhBjSlSEQzxoSqKRTAfBgNVHSMEGDAWgBSlXb7LdjMeLxhBjSlSEQzxoSqKRTAP
BgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQAjMfQjJsaCYfN5xSnb
G4FYhrg2N2RatODKjs/rJ2ZBjxxiqLOEUE4gQOtzybwS9ry4j2oyVZNp4XyPA5To
HOgLQ34qIighEXOD3qT3g5uPuv87yqvJ1K9z8Vcf0/5M19MTpcBt+PdSzgbHijGp
locKIuPKMFB7gzwcZlp6Pcd9D/Su9EC8c3IKk/MnRp+yLB3awSIf7F2pgF8xMpiG
8AZRpRJLUAX0PX6vbVeS5Uo+u4xStykDEed1h2amTvf86JWt75NSxIV508XQ/WQu
1SvDm0T6ZAcwyupepmCMs2DTC5UircGlpjtTnL9f5OmZn9xGkuxNyMIARSpEOcQI
RY1r
-----END CERTIFICATE-----
`,
    key: `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCoxaqp6mlVcovf
AHZB179FvU1fLlC586JOiwK4jsfqYtTb4F9Lg2pZm5cS2QRe46bdBCQwA/XkOYqu
0hUee4aKX5QsciXr3o4jUqw4ot5Yf3PPYw5XerkKYaevoEudQyy7TGFSPQTmmn5n
ZJ1FyhtxKnsEKh8NixOFt6pGtKl7nELZ4KnBKGLrpy1sNbtTBcwqQy61017dLJue
sCp/a4y30E/NNW/WPUrIhfATZF7q+efKd91D5vslmsHHRjF9PJLjhJboqUOkPHEn
RDIxAXRr1mO1HGB8w2w5/Ysip3+XYQ5jqFh23ZMbDCUL0krtsdcxOswF7a5XcQVs
wUAaJzbNAgMBAAECggEATDug54hBFP4dDNk2EW6k8Jjd0oDmqN/SL/0deQTRa19B
+6FhGghdqOUdO7+3+C6HSCzfNasMTg7pxCaTsIWmU2lx0hOralvIQ09MCHcUzM+h
HYuGRmBiJbzPlAZpMTtPALky+oUiahFdyFELsyLj+11vXIW0KhdodY1tBewD5BeH
U8saMV4Q1IdLI1wWXpfYN1wj25I2F0zhMgPo1HRlsQzzNAc8caP8WIYg1jOCq90o
ZCMX8ipqgH5M0gwVm5l9QLErfTTP0aam9bxyR/DNo5zgI/npTazxt0Z4iMx7r7iv
oeC35qNfRwRzhIj2pKsKFvr7NPjY1/rZiKc5TKSnpwKBgQDsDXWAwFrziGTcZuoM
wfx/ypDnRtD7WXFqnjg6SxIGWqHRYKGjjBQh9Z8qKazkxYxDSM1gzcy+/mJ1qtoX
wt2PWxVMhLWH/wq1cLc77FXnLMVLz1CsU59tFZQn6vqFWbG1L388Mjg8dq0zIPKZ
N/5U2Gzw19+Gf0SAJXHhv9LaLwKBgQC3CLm3zVl14sWDOqsrlEyPJZ5EED2S3KCz
78FodHjYqquJRevyTGEsEi/o5S+/yN8AaxlvFch9NCDup3+4pjL0NQ+RzTvKowPn
FDv9yvwKozfa/vcMjOIw9gOTyCgEEUq+gUIQ3xYvlJPq4exiKkK2TsfTsyngzaOa
MqXeqcULwwKBgQCPsOm0RGOZF4/+Mo+K0JM53z8x6gPQ3XOS6Vlk8sm4IHeckuwS
OHUQ7wnCirf6Ut69HpYWtXBLW2LoKea0zCQ+3b0rZSVz8aa9KC4CRi1Mmg5HxZ1g
KU9FAfu8COgTQLRSjOUw6YkeFUf9dbL33gPt9gjq2x3wK4yxTRnzx+c8dQKBgQCz
VhxJ6C1QYTovQ0u1rl95Hl28yMDb5cqboz24r+48NLVQEi+Fv6qyOLuykOTBH/rH
+Sf5fLltW6cszvdIn6drOZYgwJtmB2Vqg5voJnvfnF6893ZuWJfDazjEEqiKm7rF
f/aQe1TMl+J6kJRA9rFY2UXXukM9HZ/AFQIKcgM8awKBgBt7y4onIzd+wckT6pvZ
7tPsJUskOmQGOnEbsR+G7GHTVuteW/gNt5JdKv+i0CfG7aMiydBAYU5cvJXdJHH7
KP9KHzhT4jZMP5QrGrvS8w2G5mT0+bHtz3wyaX+SKbXyHyG/batbPC8WgJKbKjHp
cBGuaYJiSC6/T6ZUvQwv2p6F
-----END PRIVATE KEY-----
`,
  },
  'P-256': {
    algs: ['ES256'],
    cert: `-----BEGIN CERTIFICATE-----
MIIBnDCCAUOgAwIBAgIUftk8dmbvo9DRX2N4yXhHVrFaWAQwCgYIKoZIzj0EAwIw
IzEhMB8GA1UEAwwYaXNvand0IGNvbmZvcm1hbmNlIFAtMjU2MCAXDTI2MTEyODIy
MTQwNloYDzIxMjYxMTA0MjIxNDA2WjAjMSEwHwYDVQQDDBhpc29qd3QgY29uZm9y
bWFuY2UgUC0yNTYwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAS742+o91mCDZF9
Gf0DurCGeXv4wCKdg/3+m3is8VhxFQ2oTZtmQkaTr14boUj24sl7oEmDEbGa0lqn
wAAECCUJo1MwUTAdBgNVHQ4EFgQU6CK+kLOSSMWJ+BEp9oSqWaMlgDkwHwYDVR0j
BBgwFoAU6CK+kLOSSMWJ+BEp9oSqWaMlgDkwDwYDVR0TAQH/BAUwAwEB/zAKBggq
hkjOPQQDAgNHADBEAiBGhrNfxO9qECD0aTyAY2XGVTjAA7TD2L13c/UPf7tGewIg
PMsDJkGBCQB2pYB3pli0LDQScU5dpLvCA9EqVezOD0Q=
-----END CERTIFICATE-----
`,
    key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgWjfjY30evE+1bUEg
SA9QK3tdpTAvCjfTooEKT/bwu5ChRANCAAS742+o91mCDZF9Gf0DurCGeXv4wCKd
g/3+m3is8VhxFQ2oTZtmQkaTr14boUj24sl7oEmDEbGa0lqnwAAECCUJ
-----END PRIVATE KEY-----
`,
  },
  'P-384': {
    algs: ['ES384'],
    cert: `-----BEGIN CERTIFICATE-----
MIIB2jCCAWCgAwIBAgIUWjgZh5MAxFFezx0meAbtJOndLAwwCgYIKoZIzj0EAwMw
IzEhMB8GA1UEAwwYaXNvand0IGNvbmZvcm1hbmNlIFAtMzg0MCAXDTI2MTEyODIy
MTQwNloYDzIxMjYxMTA0MjIxNDA2WjAjMSEwHwYDVQQDDBhpc29qd3QgY29uZm9y
bWFuY2UgUC0zODQwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAARQBBfSDRERjlvd/WCw
k5/3N1Fj9aqg5IndnP2ztk8/fsAzWvOvvyvxx7U6/oE+PiZhCepBiTuQbDbbd8pL
z/itpL5an/Gk16tNysX66Vuhcy3SwDYdq3jiiSe2SunA3bujUzBRMB0GA1UdDgQW
BBRL8Tpa9YLZ4YSI2ZjVlxdOqWO1MzAfBgNVHSMEGDAWgBRL8Tpa9YLZ4YSI2ZjV
lxdOqWO1MzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMDA2gAMGUCMQCBIqdv
XWd4MKWK3owIj8OLqlXbRU9Xo1vpM/m5+YmkDd0gMW8sEx1EZmRCvreEEUMCMDl3
hHp6MJOd30ihs13D27MoJ7MFZ204jQfKDrFU4O3B2cRxx2jTvuzLpSjrhLgdsw==
-----END CERTIFICATE-----
`,
    key: `-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDC0Bu8B9PG9TkE0RQgp
FeSPYJMjWme5JEBYvqLBB14Ip2B5iluE6LyffZOkvhXt2cahZANiAARQBBfSDRER
jlvd/WCwk5/3N1Fj9aqg5IndnP2ztk8/fsAzWvOvvyvxx7U6/oE+PiZhCepBiTuQ
bDbbd8pLz/itpL5an/Gk16tNysX66Vuhcy3SwDYdq3jiiSe2SunA3bs=
-----END PRIVATE KEY-----
`,
  },
  'Ed25519': {
    algs: ['EdDSA', 'Ed25519'],
    cert: `-----BEGIN CERTIFICATE-----
MIIBYTCCAROgAwIBAgIUTEqr4nqghMVe3shQuZn7ItlFA1kwBQYDK2VwMCUxIzAh
BgNVBAMMGmlzb2p3dCBjb25mb3JtYW5jZSBFZDI1NTE5MCAXDTI2MTEyODIyMTQw
NloYDzIxMjYxMTA0MjIxNDA2WjAlMSMwIQYDVQQDDBppc29qd3QgY29uZm9ybWFu
Y2UgRWQyNTUxOTAqMAUGAytlcAMhADDQHV9JN5BPJc+e8k6a+d+FP+sEXCjjGOTo
Q36r835Co1MwUTAdBgNVHQ4EFgQU/3aIo9wQtHmR/nDebUQgDUDKOXAwHwYDVR0j
BBgwFoAU/3aIo9wQtHmR/nDebUQgDUDKOXAwDwYDVR0TAQH/BAUwAwEB/zAFBgMr
ZXADQQD3/dz/X9j7zK42YjUZ6bIr/1yztbd10r2CayS6ILa4nkIJU0k7uRdYayho
mCZ0yKUAHbPAGL2E7nj3zXWWvNAP
-----END CERTIFICATE-----
`,
    key: `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIP4E3m1J8BO038yverpbU9rUe9OpVc+h8VvL0UgE81qf
-----END PRIVATE KEY-----
`,
  },
})

/** JWS algorithm facts the suite needs (RFC 7518 §3, RFC 8037 §3.1). */
const KIND = Object.freeze({
  HS256: 'oct', HS384: 'oct', HS512: 'oct',
  RS256: 'RSA', RS384: 'RSA', RS512: 'RSA', PS256: 'RSA', PS384: 'RSA', PS512: 'RSA',
  ES256: 'EC', ES384: 'EC', ES512: 'EC', EdDSA: 'OKP', Ed25519: 'OKP',
})
const HASH_BYTES = Object.freeze({ '256': 32, '384': 48, '512': 64 })
const hashBytesOf = (alg) => HASH_BYTES[alg.slice(2)] ?? 64
/** Signature length in bytes for the algorithms whose length does not depend on the key. */
const SIG_BYTES = Object.freeze({ HS256: 32, HS384: 48, HS512: 64, ES256: 64, ES384: 96, ES512: 132, EdDSA: 64, Ed25519: 64 })
/** WebCrypto algorithm names a generated key must carry. */
const WEBCRYPTO_NAME = Object.freeze({ RSA: (a) => (a.startsWith('PS') ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5'), EC: () => 'ECDSA', OKP: () => 'Ed25519' })
const CURVE = Object.freeze({ ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' })
/** Another algorithm of the same key type (for pinning and header-swap checks). */
const SIBLING = Object.freeze({
  HS256: 'HS384', HS384: 'HS512', HS512: 'HS256', RS256: 'PS256', RS384: 'PS384', RS512: 'PS512',
  PS256: 'RS256', PS384: 'RS384', PS512: 'RS512', ES256: 'ES384', ES384: 'ES512', ES512: 'ES256',
  EdDSA: 'Ed25519', Ed25519: 'EdDSA',
})

/** A fixed 64-byte HMAC secret (long enough for HS512) and a 64-character string secret. */
const SECRET = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 255)
const STRING_SECRET = 'conformance-suite string secret, sixty-four characters long!!!!!'

const withoutAlg = (jwk) => {
  const out = { ...jwk }
  delete out.alg
  return out
}
const publicOf = (jwk) => {
  const keep = { RSA: ['kty', 'n', 'e'], EC: ['kty', 'crv', 'x', 'y'], OKP: ['kty', 'crv', 'x'] }[jwk.kty]
  const out = {}
  for (const k of [...keep, 'kid', 'alg', 'use']) if (Object.hasOwn(jwk, k)) out[k] = jwk[k]
  return out
}

/** An HS* token computed with crypto.subtle directly: exact header text, any payload text. */
async function hmacToken(headerJson, payloadText, { secret = SECRET, hash = 'SHA-256' } = {}) {
  const input = `${b64uText(headerJson)}.${b64uText(payloadText)}`
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash }, false, ['sign'])
  return `${input}.${b64u(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(input))))}`
}
const claimsToken = (payload, header = { alg: 'HS256', typ: 'JWT' }) => hmacToken(JSON.stringify(header), JSON.stringify(payload))

// ───────────────────────────── shared context ─────────────────────────────

function makeContext(lib, row, nowS) {
  const asserts = makeAsserts(lib)
  const memo = new Map()
  /** Each key is made once per run and shared (RSA generation is slow in some runtimes). */
  const once = (id, make) => {
    if (!memo.has(id)) {
      const p = Promise.resolve().then(make)
      p.catch(() => {})
      memo.set(id, p)
    }
    return memo.get(id)
  }
  const ctx = {
    lib,
    row,
    ...asserts,
    once,
    NOW_S: nowS,
    NOW: new Date(nowS * 1000),
    at: (s) => new Date(s * 1000),
    roundTrip: new Set(row ? row.mustRoundTrip : []),
    refuse: new Set(row ? row.mustRefuse : []),
    /** An extractable key pair from lib.generateKeyPair (asymmetric algs). */
    pair: (alg) => once(`pair:${alg}`, () => lib.generateKeyPair(alg, { extractable: true })),
    /** Private and public JWKs (lib.exportJwk; RSA exports may carry `alg`). */
    jwks: (alg) => once(`jwk:${alg}`, async () => {
      const { privateKey, publicKey } = await ctx.pair(alg)
      return { priv: await lib.exportJwk(privateKey), pub: await lib.exportJwk(publicKey) }
    }),
    /** PKCS#8 / SPKI PEM text made here from crypto.subtle.exportKey output. */
    pems: (alg) => once(`pem:${alg}`, async () => {
      const { privateKey, publicKey } = await ctx.pair(alg)
      return {
        pkcs8: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', privateKey)),
        spki: pem('PUBLIC KEY', await crypto.subtle.exportKey('spki', publicKey)),
      }
    }),
    /** A signer and matching verification key for any algorithm the row round-trips. */
    signer: async (alg) => {
      if (KIND[alg] === 'oct') return { sk: SECRET, vk: SECRET, opts: { algorithms: [alg] } }
      const { priv, pub } = await ctx.jwks(alg)
      return { sk: { ...priv, alg }, vk: { ...pub, alg }, opts: {} }
    },
  }
  return ctx
}

// ───────────────────────────── sections ─────────────────────────────

function environmentTests(t, ctx) {
  const { lib, row } = ctx
  t('matrix row for this runtime covers every algorithm exactly once', () => {
    ok(row, `no MATRIX row for runtime ${show(ctx.runtime)} (rows: ${Object.keys(MATRIX).join(', ')})`)
    const listed = [...row.mustRoundTrip, ...row.mustRefuse]
    for (const a of listed) ok(ALGS.includes(a), `row lists unknown algorithm ${show(a)}`)
    for (const a of ALGS) eq(listed.filter((x) => x === a).length, 1, `times ${a} is listed in mustRoundTrip + mustRefuse`)
    ok(typeof row.backend === 'string' && row.backend.length > 0, 'row.backend must be a non-empty string')
  })
  t('matrix row: remote key-set fields', () => {
    ok(row, 'no MATRIX row')
    eq(typeof row.remoteJwks, 'boolean', 'row.remoteJwks')
    ok(row.jwksInflight === 'shared' || row.jwksInflight === 'per-request', `row.jwksInflight is ${show(row.jwksInflight)}`)
  })
  t("src/'s one runtime check (workerd) holds exactly on the 'per-request' row", () => {
    ok(row, 'no MATRIX row')
    // The same test as src/jwks/remote.ts makes (API.md, Key sets), read here independently.
    const looksLikeWorkerd = typeof globalThis.WebSocketPair !== 'undefined' || globalThis.navigator?.userAgent === 'Cloudflare-Workers'
    eq(looksLikeWorkerd, row.jwksInflight === 'per-request', `WebSocketPair/Cloudflare-Workers present in ${ctx.runtime}`)
  })
  t('HS256 round-trips here (the general sections use it as their carrier)', () => {
    ok(row && row.mustRoundTrip.includes('HS256'), 'HS256 must be in mustRoundTrip: every WebCrypto has HMAC, and the claim, decode, tamper and hostile sections sign with it')
  })
  t('backend tag matches the matrix', () => {
    ok(row, 'no MATRIX row')
    eq(ctx.rawLib.JoseError[BACKEND_TAG], row.backend, `JoseError[Symbol.for('isojwt.backend')] for ${ctx.runtime}`)
  })
  t('the build exports exactly the names of src/index.ts, each a function', () => {
    const own = new Set(Object.keys(ctx.rawLib))
    eq(EXPORTS.filter((n) => !own.has(n)), [], 'missing exports')
    eq([...own].filter((n) => !EXPORTS.includes(n)), [], 'exports exports.mjs does not list')
    eq(EXPORTS.filter((n) => typeof ctx.rawLib[n] !== 'function'), [], 'exports that are not functions')
  })
  t('JoseError and isJoseError', () => {
    const e = new lib.JoseError('ERR_JWS_INVALID', 'x')
    ok(tagOf(e) === '[object Error]' && typeof e.stack === 'string', 'a JoseError is an Error')
    eq(e.code, 'ERR_JWS_INVALID', 'code')
    eq(e.name, 'JoseError', 'name')
    eq(lib.isJoseError(e), true, 'isJoseError(new JoseError)')
    eq(lib.isJoseError(new Error('x')), false, 'isJoseError(Error)')
    eq(lib.isJoseError({ code: 'ERR_JWS_INVALID', name: 'JoseError' }), false, 'isJoseError(look-alike object)')
  })
}

function matrixTests(t, ctx) {
  const { lib, row } = ctx
  if (!row) return
  for (const alg of row.mustRoundTrip) {
    t(`${alg} must round-trip (generate → sign → verify; signJws → verifyJws)`, async () => {
      let sk, vk
      if (KIND[alg] === 'oct') {
        sk = vk = lib.generateSecret(alg)
        eq(sk.length, hashBytesOf(alg), 'generateSecret length')
      } else {
        const pair = await ctx.pair(alg)
        sk = pair.privateKey
        vk = pair.publicKey
      }
      const token = await lib.sign({ sub: 'round-trip' }, sk, { alg, now: ctx.NOW, expiresIn: 60 })
      const r = await lib.verify(token, vk, { algorithms: [alg], now: ctx.NOW })
      eq(r.header.alg, alg, 'header.alg')
      eq(r.header.typ, 'JWT', 'header.typ')
      eq(r.payload, { sub: 'round-trip', iat: ctx.NOW_S, exp: ctx.NOW_S + 60 }, 'payload')
      ok(isCryptoKey(r.key), 'result.key is a CryptoKey')
      if (alg in SIG_BYTES) eq(split(token).sig.length, SIG_BYTES[alg], 'signature length')
      const bytes = Uint8Array.from([0, 1, 2, 253, 254, 255])
      const jws = await lib.signJws(bytes, sk, { alg })
      const v = await lib.verifyJws(jws, vk, { algorithms: [alg] })
      eq(v.payload, bytes, 'verifyJws payload bytes')
    })
  }
  for (const alg of row.mustRefuse) {
    t(`${alg} must be refused with ERR_JOSE_NOT_SUPPORTED`, async () => {
      const code = 'ERR_JOSE_NOT_SUPPORTED'
      const fixed = fixedKeyFor(alg)
      if (KIND[alg] !== 'oct') await ctx.rejects(() => lib.generateKeyPair(alg), code, `generateKeyPair(${alg})`)
      await ctx.rejects(() => lib.sign({ sub: 'x' }, fixed.sk, { alg }), code, `sign with ${alg}`)
      // A correctly shaped token: a runtime that could verify would say SIGNATURE_INVALID.
      const h = b64uText(JSON.stringify({ alg }))
      const token = join(h, b64uText('{"sub":"x"}'), b64u(new Uint8Array(SIG_BYTES[alg] ?? 256)))
      await ctx.rejects(() => lib.verify(token, fixed.vk, { algorithms: [alg] }), code, `verify with ${alg}`)
    })
  }
}

/** Keys that exist without generation, for the refusal checks. */
function fixedKeyFor(alg) {
  if (KIND[alg] === 'oct') return { sk: SECRET, vk: SECRET }
  if (alg === 'ES512') return { sk: RFC7515['A.4'].jwk, vk: RFC7515['A.4'].jwkPublic }
  for (const c of Object.values(CERTS)) if (c.algs.includes(alg)) return { sk: c.key, vk: c.cert }
  throw new AssertionFailed(`test bug: no fixed key for ${alg}`)
}

function keyFormTests(t, ctx) {
  const { lib } = ctx
  const p = { sub: 'forms' }
  for (const alg of ALGS.filter((a) => ctx.roundTrip.has(a))) {
    const kind = KIND[alg]
    if (kind === 'oct') {
      hmacForms(t, ctx, alg)
      continue
    }
    const pinsOne = kind === 'EC' // with no `alg` member: EC pins its curve's one alg; OKP pins two; RSA none
    t(`${alg}: CryptoKey pair`, async () => {
      const { privateKey, publicKey } = await ctx.pair(alg)
      eq(privateKey.type, 'private', 'privateKey.type')
      eq(publicKey.type, 'public', 'publicKey.type')
      eq(publicKey.algorithm.name, WEBCRYPTO_NAME[kind](alg), 'algorithm.name')
      if (kind === 'EC') eq(publicKey.algorithm.namedCurve, CURVE[alg], 'namedCurve')
      if (kind === 'RSA') eq(publicKey.algorithm.hash?.name, `SHA-${alg.slice(2)}`, 'hash')
      // A CryptoKey pins its algorithm: no `alg` needed, except Ed25519 (EdDSA and Ed25519).
      if (kind === 'OKP') await ctx.rejects(() => lib.sign(p, privateKey), 'ERR_JOSE_INVALID_ARGUMENT', 'sign with an Ed25519 CryptoKey and no alg')
      const token = await lib.sign(p, privateKey, kind === 'OKP' ? { alg } : undefined)
      eq(split(token).header.alg, alg, 'header.alg')
      eq((await lib.verify(token, publicKey)).payload.sub, 'forms', 'verify without algorithms')
      await ctx.rejects(() => lib.verify(token, privateKey), 'ERR_KEY_INVALID', 'verify with the private key')
      await ctx.rejects(() => lib.sign(p, publicKey, { alg }), 'ERR_KEY_INVALID', 'sign with the public key')
      if (kind === 'OKP') {
        // An Ed25519 CryptoKey pins {EdDSA, Ed25519}: either name signs.
        const sib = await lib.sign(p, privateKey, { alg: SIBLING[alg] })
        eq(split(sib).header.alg, SIBLING[alg], `sign ${SIBLING[alg]} with the same Ed25519 CryptoKey`)
        eq((await lib.verify(sib, publicKey)).header.alg, SIBLING[alg], `verify ${SIBLING[alg]} with the same public CryptoKey`)
      } else {
        await ctx.rejects(() => lib.sign(p, privateKey, { alg: SIBLING[alg] }), 'ERR_KEY_INVALID', `sign ${SIBLING[alg]} with a ${alg} CryptoKey`)
      }
      await ctx.rejects(() => lib.verify(token, publicKey, { algorithms: [SIBLING[alg]] }), 'ERR_JOSE_ALG_NOT_ALLOWED', 'algorithms without the header alg')
    })
    t(`${alg}: JWK with alg`, async () => {
      const { priv, pub } = await ctx.jwks(alg)
      const token = await lib.sign(p, { ...priv, alg, kid: 'k1' })
      const h = split(token).header
      eq([h.alg, h.kid], [alg, 'k1'], 'header alg and kid (kid defaults from the JWK)')
      eq((await lib.verify(token, { ...pub, alg })).payload.sub, 'forms', 'verify without algorithms')
      await ctx.rejects(() => lib.sign(p, { ...priv, alg }, { alg: SIBLING[alg] }), 'ERR_KEY_INVALID', 'sign with another alg than the JWK pins')
      // Another alg of the same key type pins the JWK elsewhere; an EC curve has only one
      // alg, so there a different ES* disagrees with crv: a malformed key (API.md).
      const misfit = kind === 'EC' ? 'ERR_KEY_INVALID' : 'ERR_JOSE_ALG_NOT_ALLOWED'
      await ctx.rejects(() => lib.verify(token, { ...pub, alg: SIBLING[alg] }), misfit, `verify with the JWK's alg set to ${SIBLING[alg]}`)
      await ctx.rejects(() => lib.verify(token, { ...pub, alg }, { algorithms: [SIBLING[alg]] }), 'ERR_JOSE_ALG_NOT_ALLOWED', 'algorithms without the header alg')
      const foreign = kind === 'RSA' ? 'ES256' : 'RS256'
      await ctx.rejects(() => lib.sign(p, { ...priv, alg: foreign }), 'ERR_KEY_INVALID', `JWK alg ${foreign} on a ${kind} key`)
      await ctx.rejects(() => lib.verify(token, priv, { algorithms: [alg] }), 'ERR_KEY_INVALID', 'verify with the private JWK')
    })
    t(`${alg}: JWK without alg`, async () => {
      const { priv, pub } = await ctx.jwks(alg)
      const sk = withoutAlg(priv)
      const vk = withoutAlg(pub)
      if (pinsOne) {
        eq(split(await lib.sign(p, sk)).header.alg, alg, 'an EC JWK pins its curve: sign needs no alg')
      } else {
        await ctx.rejects(() => lib.sign(p, sk), 'ERR_JOSE_INVALID_ARGUMENT', 'sign without alg')
      }
      const token = await lib.sign(p, sk, { alg })
      if (kind === 'RSA') {
        await ctx.rejects(() => lib.verify(token, vk), 'ERR_JOSE_ALG_NOT_ALLOWED', 'RSA JWK without alg and without algorithms')
        eq((await lib.verify(token, vk, { algorithms: [alg] })).payload.sub, 'forms', 'verify with algorithms')
      } else {
        eq((await lib.verify(token, vk)).payload.sub, 'forms', 'verify without algorithms')
      }
    })
    t(`${alg}: PEM PKCS#8 → SPKI`, async () => {
      const { pkcs8, spki } = await ctx.pems(alg)
      const token = await lib.sign(p, pkcs8, { alg })
      const opts = kind === 'RSA' ? { algorithms: [alg] } : {}
      eq((await lib.verify(token, spki, opts)).payload.sub, 'forms', 'verify with the SPKI PEM')
      const odd = rewrap(spki, { eol: '\r\n', width: 76, before: '\ufeff \n', after: '\r\n\t ' })
      eq((await lib.verify(token, odd, opts)).payload.sub, 'forms', 'SPKI PEM with BOM, CRLF, width 76, surrounding space')
      if (kind === 'RSA') await ctx.rejects(() => lib.verify(token, spki), 'ERR_JOSE_ALG_NOT_ALLOWED', 'RSA PEM without algorithms')
      await ctx.rejects(() => lib.verify(token, pkcs8, { algorithms: [alg] }), 'ERR_KEY_INVALID', 'verify with the PKCS#8 PEM')
      await ctx.rejects(() => lib.sign(p, spki, { alg }), 'ERR_KEY_INVALID', 'sign with the SPKI PEM')
      const imported = await lib.importKey(spki, alg)
      ok(isCryptoKey(imported) && imported.type === 'public', 'importKey(SPKI PEM) gives a public CryptoKey')
      eq((await lib.verify(token, imported)).payload.sub, 'forms', 'verify with the imported CryptoKey')
      const signing = await lib.importKey(pkcs8, alg)
      ok(isCryptoKey(signing) && signing.type === 'private', 'importKey(PKCS#8 PEM) gives a private CryptoKey')
      const misfit = kind === 'RSA' ? 'ES256' : kind === 'OKP' ? 'ES256' : SIBLING[alg]
      await ctx.rejects(() => lib.importKey(spki, misfit), 'ERR_KEY_INVALID', `importKey(${alg} SPKI, ${misfit})`)
    })
  }
}

function hmacForms(t, ctx, alg) {
  const { lib } = ctx
  const p = { sub: 'forms' }
  const n = hashBytesOf(alg)
  const opts = { algorithms: [alg] }
  t(`${alg}: Uint8Array secret`, async () => {
    const token = await lib.sign(p, SECRET, { alg })
    eq((await lib.verify(token, SECRET, opts)).payload.sub, 'forms', 'verify')
    await ctx.rejects(() => lib.verify(token, SECRET), 'ERR_JOSE_ALG_NOT_ALLOWED', 'a secret pins nothing: algorithms needed')
    await ctx.rejects(() => lib.sign(p, SECRET), 'ERR_JOSE_INVALID_ARGUMENT', 'sign with a secret and no alg')
    const exact = SECRET.slice(0, n)
    eq((await lib.verify(await lib.sign(p, exact, { alg }), exact, opts)).payload.sub, 'forms', `a ${n}-byte secret`)
    const short = SECRET.slice(0, n - 1)
    await ctx.rejects(() => lib.sign(p, short, { alg }), 'ERR_KEY_INVALID', `sign with a ${n - 1}-byte secret`)
    await ctx.rejects(() => lib.verify(token, short, opts), 'ERR_KEY_INVALID', `verify with a ${n - 1}-byte secret`)
    await ctx.rejects(() => lib.sign(p, new Uint8Array(0), { alg }), 'ERR_KEY_INVALID', 'an empty secret')
    await ctx.rejects(() => lib.sign(p, SECRET, { alg: 'RS256' }), 'ERR_KEY_INVALID', 'a secret with RS256')
  })
  t(`${alg}: string secret (UTF-8 bytes)`, async () => {
    const token = await lib.sign(p, STRING_SECRET, { alg })
    eq((await lib.verify(token, STRING_SECRET, opts)).payload.sub, 'forms', 'verify')
    eq((await lib.verify(token, utf8(STRING_SECRET), opts)).payload.sub, 'forms', 'the same secret as bytes')
    await ctx.rejects(() => lib.verify(token, STRING_SECRET), 'ERR_JOSE_ALG_NOT_ALLOWED', 'a string secret pins nothing')
    const wide = 'ü'.repeat(n / 2) // n UTF-8 bytes, n/2 UTF-16 units
    eq((await lib.verify(await lib.sign(p, wide, { alg }), utf8(wide), opts)).payload.sub, 'forms', 'a non-ASCII secret is its UTF-8 bytes')
    await ctx.rejects(() => lib.sign(p, 'x'.repeat(n - 1), { alg }), 'ERR_KEY_INVALID', `a ${n - 1}-character secret`)
    await ctx.rejects(() => lib.sign(p, '', { alg }), 'ERR_KEY_INVALID', 'an empty string secret')
  })
  t(`${alg}: oct JWK with and without alg`, async () => {
    const jwk = { kty: 'oct', k: b64u(SECRET) }
    const token = await lib.sign(p, { ...jwk, alg })
    eq(split(token).header.alg, alg, 'an oct JWK with alg pins it: sign needs no alg')
    eq((await lib.verify(token, { ...jwk, alg })).payload.sub, 'forms', 'verify without algorithms')
    await ctx.rejects(() => lib.verify(token, jwk), 'ERR_JOSE_ALG_NOT_ALLOWED', 'an oct JWK without alg needs algorithms')
    eq((await lib.verify(token, jwk, opts)).payload.sub, 'forms', 'oct JWK without alg, with algorithms')
    await ctx.rejects(() => lib.verify(token, { ...jwk, alg: SIBLING[alg] }), 'ERR_JOSE_ALG_NOT_ALLOWED', 'oct JWK pinned to another HS alg')
  })
  t(`${alg}: CryptoKey (importKey and crypto.subtle)`, async () => {
    const key = await lib.importKey(SECRET, alg)
    ok(isCryptoKey(key) && key.type === 'secret', 'importKey gives a secret CryptoKey')
    const token = await lib.sign(p, key)
    eq(split(token).header.alg, alg, 'an HMAC CryptoKey pins its hash')
    eq((await lib.verify(token, key)).payload.sub, 'forms', 'verify without algorithms')
    const own = await crypto.subtle.importKey('raw', SECRET, { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, ['sign', 'verify'])
    eq((await lib.verify(token, own)).payload.sub, 'forms', 'a CryptoKey from crypto.subtle')
    await ctx.rejects(() => lib.sign(p, key, { alg: SIBLING[alg] }), 'ERR_KEY_INVALID', 'sign another HS alg with a pinned CryptoKey')
    const fresh = lib.generateSecret(alg)
    eq(fresh.length, n, 'generateSecret length')
    eq((await lib.verify(await lib.sign(p, fresh, { alg }), fresh, opts)).payload.sub, 'forms', 'generateSecret round trip')
  })
}

function stringKeyRuleTests(t, ctx) {
  const { lib } = ctx
  const p = { sub: 'x' }
  t('key text that is not a PEM is refused as a secret', async () => {
    await ctx.rejects(() => lib.sign(p, '{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}', { alg: 'HS256' }), 'ERR_KEY_INVALID', 'a JSON string')
    await ctx.rejects(() => lib.sign(p, `x${'y'.repeat(40)}-----BEGIN PUBLIC KEY-----`, { alg: 'HS256' }), 'ERR_KEY_INVALID', 'a string containing -----BEGIN')
    await ctx.rejects(() => lib.sign(p, `${'y'.repeat(40)}-----END PRIVATE KEY-----`, { alg: 'HS256' }), 'ERR_KEY_INVALID', 'a string containing -----END')
  })
  t('unsupported PEM labels name the conversion; PKCS#1 and SEC1 labels need their own DER', async () => {
    const rsa = CERTS['RSA-2048']
    // The key is refused before any signature work, so the token need not verify.
    const token = join(b64uText('{"alg":"RS256"}'), b64uText('{}'), b64u(new Uint8Array(256)))
    for (const [label, command] of [['ENCRYPTED PRIVATE KEY', /openssl pkcs8/], ['OPENSSH PRIVATE KEY', /ssh-keygen -p -m PKCS8/]]) {
      const text = relabel(rsa.key, label)
      const e = await ctx.rejects(() => lib.importKey(text, 'RS256'), 'ERR_KEY_INVALID', `importKey(${label} PEM)`)
      ok(command.test(e.message), `${label}: the message names the conversion: ${show(e.message)}`)
      await ctx.rejects(() => lib.verify(token, text, { algorithms: ['RS256'] }), 'ERR_KEY_INVALID', `verify with a ${label} PEM`)
    }
    // API.md v3: these labels are accepted, for the DER they name only.
    for (const label of ['RSA PUBLIC KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']) {
      const text = relabel(label.includes('PUBLIC') ? rsa.cert : rsa.key, label)
      await ctx.rejects(() => lib.importKey(text, label.startsWith('EC') ? 'ES256' : 'RS256'), 'ERR_KEY_INVALID', `importKey(${label} label on other DER)`)
    }
    const e = await ctx.rejects(() => lib.importKey(rsa.cert + rsa.key, 'RS256'), 'ERR_KEY_INVALID', 'two PEM blocks')
    ok(/2 blocks/.test(e.message), `the message counts the blocks: ${show(e.message)}`)
    await ctx.rejects(() => lib.importKey(relabel(rsa.cert, 'X509 CRL'), 'RS256'), 'ERR_KEY_INVALID', 'an unknown label')
    await ctx.rejects(() => lib.importKey(rsa.cert.replace('MIID', 'MII*'), 'RS256'), 'ERR_KEY_INVALID', 'a PEM body that is not base64')
  })
  t('PKCS#1 (RSA PUBLIC KEY, RSA PRIVATE KEY) and SEC1 (EC PRIVATE KEY) PEMs sign and verify', async () => {
    const algs = [['RS256', 'RSA-2048'], ['ES256', 'P-256']].filter(([alg]) => ctx.roundTrip.has(alg))
    for (const [alg, name] of algs) {
      const { priv, pub } = legacyForms(CERTS[name].key)
      const token = await lib.sign({ sub: 'legacy' }, priv, { alg })
      eq((await lib.verify(token, pub, { algorithms: [alg] })).payload.sub, 'legacy', `${alg}: ${priv.slice(0, 30)}… signs`)
    }
  })
}

/** Minimal DER for the fixtures below: an element's tag, start, content start and end. */
function tlvAt(b, at) {
  let len = b[at + 1]
  let start = at + 2
  if (len & 0x80) {
    const n = len & 0x7f
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]
    start += n
  }
  return { tag: b[at], at, start, end: start + len }
}
function kidsOf(b, e) {
  const out = []
  for (let pos = e.start; pos < e.end; pos = out[out.length - 1].end) out.push(tlvAt(b, pos))
  return out
}
const whole = (b, e) => b.subarray(e.at, e.end)
function derOf(tag, parts) {
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((o, p) => (body.set(p, o), o + p.length), 0)
  const n = body.length
  return new Uint8Array([tag, ...(n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 255]), ...body])
}

/**
 * The PKCS#1 or SEC1 forms of a PKCS#8 fixture, unwrapped from its OCTET STRING: an RSA
 * private key with RSAPublicKey {n, e}; an ECPrivateKey given its [0] named curve, with
 * the SPKI of its [1] public key.
 */
function legacyForms(pkcs8Pem) {
  const der = fromB64u(pkcs8Pem.replace(/-----[A-Z ]+-----|\s+|=+/g, ''))
  const [, algId, octets] = kidsOf(der, tlvAt(der, 0))
  const inner = der.subarray(octets.start, octets.end)
  const kids = kidsOf(inner, tlvAt(inner, 0))
  const [, param] = kidsOf(der, algId)
  if (param.tag !== 0x06) {
    // rsaEncryption (parameters NULL): RSAPrivateKey is version, n, e, …
    return { priv: pem('RSA PRIVATE KEY', inner), pub: pem('RSA PUBLIC KEY', derOf(0x30, [whole(inner, kids[1]), whole(inner, kids[2])])) }
  }
  const pub = kids.find((k) => k.tag === 0xa1)
  const sec1 = derOf(0x30, [whole(inner, kids[0]), whole(inner, kids[1]), derOf(0xa0, [whole(der, param)]), whole(inner, pub)])
  const spki = derOf(0x30, [whole(der, algId), whole(inner, kidsOf(inner, pub)[0])])
  return { priv: pem('EC PRIVATE KEY', sec1), pub: pem('PUBLIC KEY', spki) }
}

function certificateTests(t, ctx) {
  const { lib } = ctx
  for (const [name, c] of Object.entries(CERTS)) {
    for (const alg of c.algs.filter((a) => ctx.roundTrip.has(a))) {
      t(`X.509 ${name}: ${alg} token signed with the PKCS#8 key verifies with the certificate`, async () => {
        const token = await lib.sign({ sub: 'cert' }, c.key, { alg })
        const opts = KIND[alg] === 'RSA' ? { algorithms: [alg] } : {}
        const r = await lib.verify(token, c.cert, opts)
        eq(r.payload.sub, 'cert', 'payload')
        eq(r.key.type, 'public', 'result.key.type')
        eq((await lib.verify(token, rewrap(c.cert, { eol: '\r\n' }), opts)).payload.sub, 'cert', 'certificate with CRLF')
        if (KIND[alg] === 'RSA') await ctx.rejects(() => lib.verify(token, c.cert), 'ERR_JOSE_ALG_NOT_ALLOWED', 'RSA certificate without algorithms')
        await ctx.rejects(() => lib.sign({ sub: 'cert' }, c.cert, { alg }), 'ERR_KEY_INVALID', 'sign with a certificate')
        const imported = await lib.importKey(c.cert, alg)
        ok(isCryptoKey(imported) && imported.type === 'public', 'importKey(certificate) gives a public CryptoKey')
        // A token from another key of the same type must not verify with this certificate.
        const other = await ctx.signer(alg)
        const foreign = await lib.sign({ sub: 'cert' }, other.sk, { alg })
        await ctx.rejects(() => lib.verify(foreign, c.cert, opts), 'ERR_JWS_SIGNATURE_INVALID', 'a token from another key')
      })
    }
  }
}

function vectorTests(t, ctx) {
  const { lib } = ctx
  /** Runs `check` when the runtime supports `alg`; expects ERR_JOSE_NOT_SUPPORTED when it must refuse. */
  const supported = (alg, name, check, refusal) => {
    if (ctx.roundTrip.has(alg)) t(name, check)
    else if (ctx.refuse.has(alg) && refusal) t(`${name} (refused)`, () => ctx.rejects(refusal, 'ERR_JOSE_NOT_SUPPORTED', name))
  }
  const A = RFC7515
  const before = ctx.at(A['A.1'].claims.exp - 1)
  supported('HS256', 'RFC 7515 A.1 (HS256 JWT, fixed clock)', async () => {
    const v = A['A.1']
    const r = await lib.verify(v.compact, v.jwk, { algorithms: ['HS256'], now: before })
    eq(r.payload, v.claims, 'claims')
    eq(r.header, { typ: 'JWT', alg: 'HS256' }, 'header')
    await ctx.rejects(() => lib.verify(v.compact, v.jwk, { algorithms: ['HS256'], now: ctx.at(v.claims.exp) }), 'ERR_JWT_EXPIRED', 'at exp',
      { expiredAt: (d) => isDate(d) && d.getTime() === v.claims.exp * 1000 })
    await ctx.rejects(() => lib.verify(v.compact, v.jwk, { now: before }), 'ERR_JOSE_ALG_NOT_ALLOWED', 'oct JWK without alg and no algorithms')
    const bad = join(...v.compact.split('.').slice(0, 2), b64u(flipBit(split(v.compact).sig, 31, 7)))
    await ctx.rejects(() => lib.verify(bad, v.jwk, { algorithms: ['HS256'], now: before }), 'ERR_JWS_SIGNATURE_INVALID', 'bit flip')
  }, () => lib.verify(A['A.1'].compact, A['A.1'].jwk, { algorithms: ['HS256'], now: before }))
  supported('RS256', 'RFC 7515 A.2 (RS256 JWT): verify, and re-signing reproduces it', async () => {
    const v = A['A.2']
    eq((await lib.verify(v.compact, v.jwkPublic, { algorithms: ['RS256'], now: before })).payload, v.claims, 'claims')
    eq(await lib.signJws(v.payload, v.jwk, { alg: 'RS256' }), v.compact, 'signJws(payload, private JWK) (deterministic)')
    await ctx.rejects(() => lib.verify(v.compact, v.jwkPublic, { algorithms: ['RS256'], now: ctx.at(v.claims.exp) }), 'ERR_JWT_EXPIRED', 'at exp')
  }, () => lib.verify(A['A.2'].compact, A['A.2'].jwkPublic, { algorithms: ['RS256'], now: before }))
  supported('ES256', 'RFC 7515 A.3 (ES256 JWT)', async () => {
    const v = A['A.3']
    eq((await lib.verify(v.compact, v.jwkPublic, { now: before })).payload, v.claims, 'claims (an EC JWK pins ES256)')
    const again = await lib.signJws(v.payload, v.jwk, { alg: 'ES256' })
    eq((await lib.verifyJws(again, v.jwkPublic)).payload, utf8(v.payload), 're-signed payload')
  }, () => lib.verify(A['A.3'].compact, A['A.3'].jwkPublic, { now: before }))
  supported('ES512', 'RFC 7515 A.4 (ES512 JWS)', async () => {
    const v = A['A.4']
    eq(dec.decode((await lib.verifyJws(v.compact, v.jwkPublic)).payload), v.payload, 'payload')
    await ctx.rejects(() => lib.verify(v.compact, v.jwkPublic), 'ERR_JWT_INVALID', 'verify: the payload "Payload" is not a JSON object')
  }, () => lib.verifyJws(A['A.4'].compact, A['A.4'].jwkPublic))
  t('RFC 7515 A.5 (alg "none") is never accepted', async () => {
    const v = A['A.5']
    await ctx.rejects(() => lib.verify(v.compact, SECRET, { algorithms: ['HS256'], now: before }), 'ERR_JOSE_ALG_NOT_ALLOWED', 'verify')
    await ctx.rejects(() => lib.verifyJws(v.compact, RFC7515['A.3'].jwkPublic), 'ERR_JOSE_ALG_NOT_ALLOWED', 'verifyJws')
    await ctx.rejects(() => lib.verify(v.compact, SECRET, { algorithms: ['none'] }), 'ERR_JOSE_INVALID_ARGUMENT', 'algorithms: ["none"]')
    await ctx.rejects(() => lib.sign({ sub: 'x' }, SECRET, { alg: 'none' }), 'ERR_JOSE_INVALID_ARGUMENT', 'sign alg none')
  })
  for (const [id, v] of Object.entries(RFC7520)) {
    const pub = v.jwk.kty === 'oct' ? v.jwk : publicOf(v.jwk)
    const opts = v.jwk.alg ? {} : { algorithms: [v.alg] }
    supported(v.alg, `RFC 7520 §${id} ${v.title} (${v.alg})`, async () => {
      const r = await lib.verifyJws(v.compact, pub, opts)
      eq(dec.decode(r.payload), v.payload, 'payload')
      eq(r.header, { alg: v.alg, kid: v.jwk.kid }, 'header')
      const again = await lib.signJws(v.payload, v.jwk, { alg: v.alg })
      eq(again.split('.')[0], v.protectedB64u, 're-signed protected header (alg, then kid from the JWK)')
      if (v.deterministic) eq(again, v.compact, 're-signing reproduces the compact JWS')
      else eq(dec.decode((await lib.verifyJws(again, pub, opts)).payload), v.payload, 're-signed JWS verifies')
      const parts = v.compact.split('.')
      const tampered = join(parts[0], b64uText(`${v.payload}!`), parts[2])
      await ctx.rejects(() => lib.verifyJws(tampered, pub, opts), 'ERR_JWS_SIGNATURE_INVALID', 'changed payload')
      if (v.jwk.kty !== 'oct') await ctx.rejects(() => lib.verifyJws(v.compact, v.jwk, opts), 'ERR_KEY_INVALID', 'verify with the private JWK')
    }, () => lib.verifyJws(v.compact, pub, opts))
  }
  supported('EdDSA', 'RFC 8037 A.4/A.5 (EdDSA): re-signing reproduces it; A.2 verifies it', async () => {
    const v = RFC8037['A.4']
    eq(await lib.signJws(v.payload, RFC8037['A.1'].jwk, { alg: 'EdDSA' }), v.compact, 'signJws with the A.1 private JWK')
    eq(dec.decode((await lib.verifyJws(RFC8037['A.5'].compact, RFC8037['A.2'].jwk)).payload), v.payload, 'verifyJws with the A.2 public JWK')
    await ctx.rejects(() => lib.verifyJws(v.compact, { ...RFC8037['A.2'].jwk, alg: 'Ed25519' }), 'ERR_JOSE_ALG_NOT_ALLOWED', 'a JWK pinned to Ed25519 does not accept EdDSA')
    await ctx.rejects(() => lib.verifyJws(v.compact, RFC8037['A.2'].jwk, { algorithms: ['Ed25519'] }), 'ERR_JOSE_ALG_NOT_ALLOWED', 'algorithms: ["Ed25519"]')
    // RFC 9864: the same key and signature under "Ed25519".
    const h = b64uText('{"alg":"Ed25519"}')
    const key = await crypto.subtle.importKey('jwk', RFC8037['A.1'].jwk, { name: 'Ed25519' }, false, ['sign'])
    const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, utf8(`${h}.${v.compact.split('.')[1]}`)))
    const token = join(h, v.compact.split('.')[1], b64u(sig))
    eq(dec.decode((await lib.verifyJws(token, RFC8037['A.2'].jwk)).payload), v.payload, 'alg "Ed25519" with the same key')
  }, () => lib.verifyJws(RFC8037['A.5'].compact, RFC8037['A.2'].jwk))
  t('RFC 7638 §3.1 and RFC 8037 A.3 thumbprints', async () => {
    eq(await lib.thumbprint(RFC7638['3.1'].jwk), RFC7638['3.1'].thumbprint, 'RFC 7638 §3.1')
    eq(await lib.thumbprint(RFC8037['A.3'].jwk), RFC8037['A.3'].thumbprint, 'RFC 8037 A.3')
    eq(await lib.thumbprint(RFC8037['A.1'].jwk), RFC8037['A.3'].thumbprint, 'private members are ignored')
    eq(await lib.thumbprintUri(RFC7638['3.1'].jwk), `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${RFC7638['3.1'].thumbprint}`, 'RFC 9278 §3 thumbprint URI')
    eq(await lib.thumbprint({ ...RFC7638['3.1'].jwk, use: 'sig', x: 'ignored' }), RFC7638['3.1'].thumbprint, 'extra members are ignored')
    const t384 = await lib.thumbprint(RFC7638['3.1'].jwk, 'SHA-384')
    eq(t384.length, 64, 'SHA-384 thumbprint length (48 bytes base64url)')
    ok(t384 !== RFC7638['3.1'].thumbprint.slice(0, 64), 'SHA-384 differs')
    // Independent recomputation of the RFC 7638 §3.3 canonical form.
    const j = RFC7638['3.1'].jwk
    const canonical = `{"e":${JSON.stringify(j.e)},"kty":"RSA","n":${JSON.stringify(j.n)}}`
    eq(t384, b64u(new Uint8Array(await crypto.subtle.digest('SHA-384', utf8(canonical)))), 'SHA-384 thumbprint value')
    await ctx.rejects(() => lib.thumbprint(j, 'SHA-1'), 'ERR_JOSE_INVALID_ARGUMENT', 'digest SHA-1')
    await ctx.rejects(() => lib.thumbprint({ n: j.n, e: j.e }), 'ERR_KEY_INVALID', 'no kty')
    await ctx.rejects(() => lib.thumbprint({ kty: 'RSA', e: j.e }), 'ERR_KEY_INVALID', 'no n')
  })
  t('JWS JSON (RFC 7515 §7.2), b64: false (RFC 7797) and embeddedJwk', async () => {
    const text = (b) => new TextDecoder().decode(b)
    const flat = await lib.signJwsJson('$.02', [{ key: SECRET, alg: 'HS256', unprotected: { kid: 'a' } }])
    eq(Object.keys(flat).sort(), ['header', 'payload', 'protected', 'signature'], 'one signer: flattened')
    const r = await lib.verifyJwsJson(JSON.stringify(flat), SECRET, { algorithms: ['HS256'] })
    eq([text(r.payload), r.index, r.unprotectedHeader], ['$.02', 0, { kid: 'a' }], 'flattened verifies')
    const general = await lib.signJwsJson('$.02', [{ key: utf8('x'.repeat(32)), alg: 'HS256' }, { key: SECRET, alg: 'HS256' }], { b64: false })
    eq([general.payload, general.signatures.length], ['$.02', 2], 'two signers: general, payload unencoded')
    eq((await lib.verifyJwsJson(general, SECRET, { algorithms: ['HS256'], crit: { b64: true } })).index, 1, 'the second signature verifies')
    await ctx.rejects(() => lib.verifyJwsJson(general, SECRET, { algorithms: ['HS256'] }), 'ERR_JOSE_NOT_SUPPORTED', 'b64: false without crit')
    await ctx.rejects(() => lib.verifyJwsJson({ ...flat, header: { alg: 'HS256' } }, SECRET, { algorithms: ['HS256'] }), 'ERR_JWS_INVALID', 'alg in the unprotected header')
    const detached = await lib.signJws('$.02', SECRET, { alg: 'HS256', b64: false, detached: true })
    eq(text((await lib.verifyJws(detached, SECRET, { algorithms: ['HS256'], crit: { b64: true }, payload: '$.02' })).payload), '$.02', 'detached b64: false compact')
    const pair = await lib.generateKeyPair('ES256', { extractable: true })
    const jwk = await lib.exportJwk(pair.publicKey)
    const jws = await lib.signJws('x', pair.privateKey, { alg: 'ES256', header: { jwk } })
    eq(text((await lib.verifyJws(jws, lib.embeddedJwk, { algorithms: ['ES256'] })).payload), 'x', 'embeddedJwk')
    await ctx.rejects(() => lib.verifyJws(jws, lib.embeddedJwk), 'ERR_JOSE_INVALID_ARGUMENT', 'embeddedJwk without algorithms')
  })
  t('sign output verifies with crypto.subtle directly (HS256, and ES256 when supported)', async () => {
    const token = await lib.sign({ sub: 'interop' }, SECRET, { alg: 'HS256' })
    const [h, pl, s] = token.split('.')
    const k = await crypto.subtle.importKey('raw', SECRET, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
    ok(await crypto.subtle.verify('HMAC', k, fromB64u(s), utf8(`${h}.${pl}`)), 'HMAC verifies')
    eq(JSON.parse(dec.decode(fromB64u(h))), { alg: 'HS256', typ: 'JWT' }, 'header')
    if (ctx.roundTrip.has('ES256')) {
      const { privateKey, publicKey } = await ctx.pair('ES256')
      const es = (await lib.sign({ sub: 'interop' }, privateKey)).split('.')
      ok(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, fromB64u(es[2]), utf8(`${es[0]}.${es[1]}`)), 'ES256 (P1363 r‖s) verifies')
    }
  })
}

function tamperTests(t, ctx) {
  const { lib } = ctx
  const SIG = 'ERR_JWS_SIGNATURE_INVALID'
  const NOT_ALLOWED = 'ERR_JOSE_ALG_NOT_ALLOWED'
  for (const alg of ALGS.filter((a) => ctx.roundTrip.has(a))) {
    t(`${alg}: bit flips, payload swap, truncation, header alg swaps`, async () => {
      const { sk, vk, opts } = await ctx.signer(alg)
      const token = await lib.sign({ sub: 'a', n: 1 }, sk, { alg })
      const other = await lib.sign({ sub: 'a', n: 2 }, sk, { alg })
      const { h, p, s, sig, header } = split(token)
      eq((await lib.verify(token, vk, opts)).payload.n, 1, 'untampered token verifies')
      for (const [i, bit] of [[0, 0], [sig.length >> 1, 3], [sig.length - 1, 7]]) {
        await ctx.rejects(() => lib.verify(join(h, p, b64u(flipBit(sig, i, bit))), vk, opts), SIG, `signature byte ${i} bit ${bit} flipped`)
      }
      await ctx.rejects(() => lib.verify(join(h, split(other).p, s), vk, opts), SIG, 'payload swapped')
      await ctx.rejects(() => lib.verify(join(h, b64uText('{"sub":"b","n":1}'), s), vk, opts), SIG, 'payload edited')
      await ctx.rejects(() => lib.verify(join(h, p, b64u(sig.slice(0, -1))), vk, opts), SIG, 'signature one byte short')
      await ctx.rejects(() => lib.verify(join(h, p, b64u(Uint8Array.of(...sig, 0))), vk, opts), SIG, 'signature one byte long')
      await ctx.rejects(() => lib.verify(join(h, p, ''), vk, opts), SIG, 'empty signature')
      const swap = (a) => b64uText(JSON.stringify({ ...header, alg: a }))
      const sib = SIBLING[alg]
      await ctx.rejects(() => lib.verify(join(swap(sib), p, s), vk, opts), NOT_ALLOWED, `header alg swapped to ${sib}`)
      await ctx.rejects(() => lib.verify(join(swap(sib), p, s), vk, { algorithms: [alg] }), NOT_ALLOWED, `header ${sib}, algorithms [${alg}]`)
      for (const a of ['none', 'None', 'NONE', alg.toLowerCase(), `${alg} `, 'HS256\u0000']) {
        if (a === alg) continue
        await ctx.rejects(() => lib.verify(join(swap(a), p, a.toLowerCase() === 'none' ? '' : s), vk, opts), NOT_ALLOWED, `header alg ${show(a)}`)
      }
      if (KIND[alg] === 'RSA' || KIND[alg] === 'oct') {
        // Both algorithms allowed for a key that pins nothing: the signature must still fail.
        const loose = KIND[alg] === 'RSA' ? (await ctx.pems(alg)).spki : SECRET
        await ctx.rejects(() => lib.verify(join(swap(sib), p, s), loose, { algorithms: [alg, sib] }), SIG, `header ${sib}, both allowed`)
      }
      if (KIND[alg] !== 'oct') {
        // Algorithm confusion: an HMAC over the token made with the public key text as secret.
        const { spki } = await ctx.pems(alg)
        const forged = await hmacToken(JSON.stringify({ alg: 'HS256', typ: 'JWT' }), '{"sub":"admin"}', { secret: utf8(spki) })
        await ctx.rejects(() => lib.verify(forged, spki, { algorithms: ['HS256', alg] }), NOT_ALLOWED, 'HS256 token HMACed with the public PEM as secret')
        await ctx.rejects(() => lib.verify(forged, vk, { algorithms: ['HS256', alg] }), NOT_ALLOWED, 'the same with the public JWK')
      }
    })
  }
  t('structure: segments, base64url strictness, header JSON', async () => {
    const token = await lib.sign({ sub: 'x' }, SECRET, { alg: 'HS256' })
    const { h, p, s } = split(token)
    const v = (tok) => lib.verify(tok, SECRET, { algorithms: ['HS256'] })
    const bad = {
      'two segments': `${h}.${p}`,
      'four segments': `${token}.`,
      'empty header': `.${p}.${s}`,
      'padding on the signature': `${token}=`,
      'standard-alphabet character': join(h, p, `${s.slice(0, -2)}+${s.slice(-1)}`),
      'whitespace inside': join(h, ` ${p}`, s),
      'len % 4 == 1 payload segment': join(h, p + 'A'.repeat((5 - (p.length % 4)) % 4), s),
      'header is not JSON': join(b64uText('{alg:HS256}'), p, s),
      'header is an array': join(b64uText('["HS256"]'), p, s),
      'header is null': join(b64uText('null'), p, s),
      'header alg is not a string': join(b64uText('{"alg":1}'), p, s),
      'header kid is not a string': join(b64uText('{"alg":"HS256","kid":1}'), p, s),
      'header not UTF-8': join(b64u(Uint8Array.of(0x7b, 0xff, 0x7d)), p, s),
    }
    for (const [name, tok] of Object.entries(bad)) await ctx.rejects(() => v(tok), 'ERR_JWS_INVALID', name)
    // Non-zero trailing bits: 32 bytes take 43 characters, whose last 2 bits are unused
    // and zero in the canonical encoding; setting one decodes to the same bytes.
    const alt = B64[B64.indexOf(s.at(-1)) | 1]
    await ctx.rejects(() => v(join(h, p, s.slice(0, -1) + alt)), 'ERR_JWS_INVALID', 'non-zero trailing bits in the signature')
    await ctx.rejects(() => lib.verify(12345, SECRET, { algorithms: ['HS256'] }), 'ERR_JWS_INVALID', 'token is a number')
  })
  t('maxTokenLength: exactly the limit is processed, one more is refused', async () => {
    const token = await lib.sign({ sub: 'x' }, SECRET, { alg: 'HS256' })
    eq((await lib.verify(token, SECRET, { algorithms: ['HS256'], maxTokenLength: token.length })).payload.sub, 'x', 'at the limit')
    await ctx.rejects(() => lib.verify(token, SECRET, { algorithms: ['HS256'], maxTokenLength: token.length - 1 }), 'ERR_JWS_INVALID', 'over the limit')
    const long = await lib.sign({ sub: 'x', pad: 'p'.repeat(16_384) }, SECRET, { alg: 'HS256' })
    await ctx.rejects(() => lib.verify(long, SECRET, { algorithms: ['HS256'] }), 'ERR_JWS_INVALID', 'default limit 16 384 for verify')
    eq(lib.decode(long, { maxTokenLength: long.length }).payload.sub, 'x', 'decode with a raised limit')
    ctx.throws(() => lib.decode(long), 'ERR_JWS_INVALID', 'decode default limit')
    const jws = await lib.signJws('p'.repeat(20_000), SECRET, { alg: 'HS256' })
    eq((await lib.verifyJws(jws, SECRET, { algorithms: ['HS256'] })).payload.length, 20_000, 'verifyJws allows 1 MiB by default')
  })
  t('order: the signature is checked before claims; payload errors after it', async () => {
    const expired = await claimsToken({ sub: 'x', exp: ctx.NOW_S - 10 })
    const { h, p, sig } = split(expired)
    await ctx.rejects(() => lib.verify(join(h, p, b64u(flipBit(sig, 0))), SECRET, { algorithms: ['HS256'], now: ctx.NOW }), 'ERR_JWS_SIGNATURE_INVALID', 'bad signature and expired')
    const e = await ctx.rejects(() => lib.verify(expired, SECRET, { algorithms: ['HS256'], now: ctx.NOW }), 'ERR_JWT_EXPIRED', 'expired, good signature')
    eq(e.payload, { sub: 'x', exp: ctx.NOW_S - 10 }, 'a failure after the signature carries the verified payload')
    for (const text of ['[1,2]', '"text"', '123', 'null', 'not json']) {
      const tok = await hmacToken('{"alg":"HS256"}', text)
      await ctx.rejects(() => lib.verify(tok, SECRET, { algorithms: ['HS256'] }), 'ERR_JWT_INVALID', `payload ${text}`)
      eq(dec.decode((await lib.verifyJws(tok, SECRET, { algorithms: ['HS256'] })).payload), text, `verifyJws payload ${text}`)
      const forged = join(...tok.split('.').slice(0, 2), b64u(new Uint8Array(32)))
      await ctx.rejects(() => lib.verify(forged, SECRET, { algorithms: ['HS256'] }), 'ERR_JWS_SIGNATURE_INVALID', `forged signature, payload ${text}`)
    }
  })
  t('crit and b64 (RFC 7515 §4.1.11, RFC 7797)', async () => {
    const v = (tok, crit) => lib.verify(tok, SECRET, { algorithms: ['HS256'], ...(crit ? { crit } : {}) })
    const vj = (tok) => lib.verifyJws(tok, SECRET, { algorithms: ['HS256'] })
    const body = '{"sub":"x"}'
    const ext = await hmacToken('{"alg":"HS256","crit":["x-ext"],"x-ext":1}', body)
    await ctx.rejects(() => v(ext), 'ERR_JOSE_NOT_SUPPORTED', 'crit name nobody understands')
    eq((await v(ext, { 'x-ext': true })).header['x-ext'], 1, 'crit name the caller understands')
    await ctx.rejects(() => v(ext, { other: true }), 'ERR_JOSE_NOT_SUPPORTED', 'crit name not in options.crit')
    const malformed = {
      'crit empty': '{"alg":"HS256","crit":[]}',
      'crit not an array': '{"alg":"HS256","crit":"x-ext","x-ext":1}',
      'crit lists a registered name': '{"alg":"HS256","crit":["kid"],"kid":"a"}',
      'crit lists a missing member': '{"alg":"HS256","crit":["x-ext"]}',
      'crit duplicate': '{"alg":"HS256","crit":["x-ext","x-ext"],"x-ext":1}',
      'b64 not in crit': '{"alg":"HS256","b64":true}',
    }
    for (const [name, header] of Object.entries(malformed)) await ctx.rejects(async () => v(await hmacToken(header, body), { 'x-ext': true }), 'ERR_JWS_INVALID', name)
    eq((await v(await hmacToken('{"alg":"HS256","b64":true,"crit":["b64"]}', body))).payload.sub, 'x', 'b64: true listed in crit')
    const unencoded = await hmacToken('{"alg":"HS256","b64":false,"crit":["b64"]}', body)
    await ctx.rejects(() => v(unencoded), 'ERR_JWT_INVALID', 'b64: false in a JWT')
    await ctx.rejects(() => vj(unencoded), 'ERR_JOSE_NOT_SUPPORTED', 'b64: false in verifyJws')
    await ctx.rejects(() => lib.signJws('x', SECRET, { alg: 'HS256', header: { b64: false } }), 'ERR_JOSE_INVALID_ARGUMENT', 'signJws header b64')
    await ctx.rejects(() => lib.signJws('x', SECRET, { alg: 'HS256', header: { crit: ['x-ext'] } }), 'ERR_JOSE_INVALID_ARGUMENT', 'signJws crit naming a missing member')
    await ctx.rejects(() => lib.sign({}, SECRET, { alg: 'HS256', header: { crit: ['x-ext'], 'x-ext': 1 } }), 'ERR_JOSE_INVALID_ARGUMENT', 'sign header crit')
    const withCrit = await lib.signJws('x', SECRET, { alg: 'HS256', header: { crit: ['x-ext'], 'x-ext': 1 } })
    eq(split(withCrit).header.crit, ['x-ext'], 'signJws keeps a well-formed crit')
  })
  t('jku, x5u, jwk, x5c in the header are never used to obtain a key', async () => {
    const attacker = lib.generateSecret('HS256')
    const header = { alg: 'HS256', jwk: { kty: 'oct', k: b64u(attacker) }, jku: 'https://attacker.invalid/jwks', x5u: 'https://attacker.invalid/cert' }
    const tok = await hmacToken(JSON.stringify(header), '{"sub":"x"}', { secret: attacker })
    await ctx.rejects(() => lib.verify(tok, SECRET, { algorithms: ['HS256'] }), 'ERR_JWS_SIGNATURE_INVALID', 'embedded jwk ignored')
  })
}

function claimTests(t, ctx) {
  const { lib } = ctx
  const T = ctx.NOW_S
  const CLAIM = 'ERR_JWT_CLAIM_INVALID'
  const v = (token, opts = {}) => lib.verify(token, SECRET, { algorithms: ['HS256'], now: ctx.NOW, ...opts })
  const claim = (c, reason) => ({ claim: c, reason })
  t('exp boundary (expired iff exp ≤ t − tolerance)', async () => {
    await ctx.rejects(async () => v(await claimsToken({ exp: T })), 'ERR_JWT_EXPIRED', 'exp = now', { expiredAt: (d) => isDate(d) && d.getTime() === T * 1000 })
    eq((await v(await claimsToken({ exp: T + 1 }))).payload.exp, T + 1, 'exp = now + 1')
    eq((await v(await claimsToken({ exp: T }), { clockTolerance: 1 })).payload.exp, T, 'exp = now, tolerance 1')
    await ctx.rejects(async () => v(await claimsToken({ exp: T - 1 }), { clockTolerance: '1s' }), 'ERR_JWT_EXPIRED', "exp = now − 1, tolerance '1s'")
    eq((await v(await claimsToken({ exp: T + 1 }), { now: new Date(T * 1000 + 999) })).payload.exp, T + 1, 't = ⌊now/1000⌋')
    await ctx.rejects(async () => v(await claimsToken({ exp: T + 1 }), { now: ctx.at(T + 1) }), 'ERR_JWT_EXPIRED', 'now = exp')
    eq((await v(await claimsToken({ exp: T + 0.5 }))).payload.exp, T + 0.5, 'fractional exp')
  })
  t('nbf (not yet valid iff nbf > t + tolerance)', async () => {
    await ctx.rejects(async () => v(await claimsToken({ nbf: T + 1 })), 'ERR_JWT_NOT_YET_VALID', 'nbf = now + 1', { notBefore: (d) => isDate(d) && d.getTime() === (T + 1) * 1000 })
    eq((await v(await claimsToken({ nbf: T }))).payload.nbf, T, 'nbf = now')
    eq((await v(await claimsToken({ nbf: T + 60 }), { clockTolerance: '1m' })).payload.nbf, T + 60, "nbf = now + 60, tolerance '1m'")
    await ctx.rejects(async () => v(await claimsToken({ nbf: T + 1, exp: T - 1 })), 'ERR_JWT_NOT_YET_VALID', 'nbf is checked before exp')
  })
  t('iss / sub / aud: exact, case-sensitive', async () => {
    const tok = await claimsToken({ iss: 'https://id.example', sub: 'user-1', aud: ['api', 'web'] })
    const r = await v(tok, { issuer: 'https://id.example', subject: 'user-1', audience: 'web' })
    eq(r.payload.aud, ['api', 'web'], 'all three match')
    eq((await v(tok, { issuer: ['https://other.example', 'https://id.example'], audience: ['x', 'api'] })).payload.sub, 'user-1', 'lists')
    await ctx.rejects(() => v(tok, { issuer: 'https://id.example/' }), CLAIM, 'issuer with a trailing slash', claim('iss', 'mismatch'))
    await ctx.rejects(() => v(tok, { issuer: 'https://ID.example' }), CLAIM, 'issuer in another case', claim('iss', 'mismatch'))
    await ctx.rejects(() => v(tok, { subject: 'user-2' }), CLAIM, 'subject', claim('sub', 'mismatch'))
    await ctx.rejects(() => v(tok, { audience: 'ap' }), CLAIM, 'audience prefix', claim('aud', 'mismatch'))
    await ctx.rejects(() => v(tok, { audience: ['API'] }), CLAIM, 'audience case', claim('aud', 'mismatch'))
    const bare = await claimsToken({ exp: T + 60 })
    await ctx.rejects(() => v(bare, { issuer: 'https://id.example' }), CLAIM, 'no iss', claim('iss', 'missing'))
    await ctx.rejects(() => v(bare, { subject: 'user-1' }), CLAIM, 'no sub', claim('sub', 'missing'))
    await ctx.rejects(() => v(bare, { audience: 'api' }), CLAIM, 'no aud', claim('aud', 'missing'))
    eq((await v(await claimsToken({ aud: 'api' }), { audience: 'api' })).payload.aud, 'api', 'aud as a string')
    eq((await v(tok)).payload.iss, 'https://id.example', 'without audience, any audience is accepted')
    await ctx.rejects(() => v(tok, { issuer: 'https://other.example', now: ctx.at(T + 10 ** 9) }), CLAIM, 'iss is checked before exp', claim('iss', 'mismatch'))
  })
  t('typ rule (RFC 7515 §4.1.9 normalisation)', async () => {
    const typed = (typ) => claimsToken({ sub: 'x' }, typ === undefined ? { alg: 'HS256' } : { alg: 'HS256', typ })
    eq((await v(await typed(undefined))).payload.sub, 'x', 'no typ: accepted by default')
    for (const ok_ of ['JWT', 'jwt', 'application/jwt', 'Application/JWT']) eq((await v(await typed(ok_))).header.typ, ok_, `typ ${ok_}`)
    await ctx.rejects(async () => v(await typed('at+jwt')), CLAIM, 'at+jwt by default', claim('typ', 'mismatch'))
    await ctx.rejects(async () => v(await typed('JOSE')), CLAIM, 'JOSE by default', claim('typ', 'mismatch'))
    eq((await v(await typed('application/AT+JWT'), { typ: 'at+jwt' })).payload.sub, 'x', 'typ option, normalised')
    eq((await v(await typed('dpop+jwt'), { typ: ['at+jwt', 'dpop+jwt'] })).payload.sub, 'x', 'typ list')
    await ctx.rejects(async () => v(await typed(undefined), { typ: 'at+jwt' }), CLAIM, 'typ option, header has none', claim('typ', 'missing'))
    await ctx.rejects(async () => v(await typed('JWT'), { typ: 'at+jwt' }), CLAIM, 'typ option, header JWT', claim('typ', 'mismatch'))
    eq((await v(await typed('anything/at-all'), { typ: false })).payload.sub, 'x', 'typ: false accepts any')
    await ctx.rejects(async () => v(await claimsToken({ exp: T - 5 }, { alg: 'HS256', typ: 'at+jwt' })), CLAIM, 'typ is checked before exp', claim('typ', 'mismatch'))
    eq(split(await lib.sign({}, SECRET, { alg: 'HS256', typ: null })).header.typ, undefined, 'sign typ: null omits typ')
    eq(split(await lib.sign({}, SECRET, { alg: 'HS256', typ: 'at+jwt' })).header.typ, 'at+jwt', 'sign typ')
  })
  t('maxAge and iat', async () => {
    const tok = await claimsToken({ iat: T - 100 })
    eq((await v(tok, { maxAge: 100 })).payload.iat, T - 100, 'age = maxAge')
    eq((await v(tok, { maxAge: '2m' })).payload.iat, T - 100, "maxAge '2m'")
    await ctx.rejects(() => v(tok, { maxAge: 99 }), CLAIM, 'age > maxAge', claim('iat', 'too_old'))
    eq((await v(tok, { maxAge: 99, clockTolerance: 1 })).payload.iat, T - 100, 'tolerance')
    await ctx.rejects(async () => v(await claimsToken({ iat: T + 1 }), { maxAge: 60 }), CLAIM, 'iat in the future', claim('iat', 'in_future'))
    await ctx.rejects(async () => v(await claimsToken({ sub: 'x' }), { maxAge: 60 }), CLAIM, 'maxAge without iat', claim('iat', 'missing'))
    eq((await v(await claimsToken({ iat: T + 10 ** 6 }))).payload.iat, T + 10 ** 6, 'without maxAge iat is only type-checked')
  })
  t('requiredClaims and registered claim types', async () => {
    await ctx.rejects(async () => v(await claimsToken({ sub: 'x' }), { requiredClaims: ['jti'] }), CLAIM, 'missing jti', claim('jti', 'missing'))
    eq((await v(await claimsToken({ jti: 'j' }), { requiredClaims: ['jti'] })).payload.jti, 'j', 'present jti')
    const wrong = { exp: '1', nbf: null, iat: true, iss: 5, sub: {}, jti: 1, aud: [1] }
    for (const [c, value] of Object.entries(wrong)) {
      await ctx.rejects(async () => v(await claimsToken({ [c]: value })), 'ERR_JWT_INVALID', `${c}: ${show(value)}`)
    }
  })
  t('the clock: a Date, or a function read on every call', async () => {
    let calls = 0
    const now = () => {
      calls++
      return ctx.at(T + (calls > 1 ? 100 : 0))
    }
    const tok = await claimsToken({ exp: T + 50 })
    eq((await v(tok, { now })).payload.exp, T + 50, 'first call')
    await ctx.rejects(() => v(tok, { now }), 'ERR_JWT_EXPIRED', 'second call reads the clock again')
    await ctx.rejects(() => v(tok, { now: () => { throw new Error('clock broke') } }), 'ERR_JOSE_INVALID_ARGUMENT', 'now() throws')
    await ctx.rejects(() => v(tok, { now: new Date(NaN) }), 'ERR_JOSE_INVALID_ARGUMENT', 'Invalid Date')
    await ctx.rejects(() => v(tok, { now: T }), 'ERR_JOSE_INVALID_ARGUMENT', 'now as a number')
  })
  t('sign: time options and claim options (fixed clock)', async () => {
    const d = (tok) => lib.decode(tok).payload
    eq(d(await lib.sign({ sub: 'x' }, SECRET, { alg: 'HS256', now: ctx.NOW, expiresIn: '15m', notBefore: '1 min ago' })), { sub: 'x', iat: T, nbf: T - 60, exp: T + 900 }, 'expiresIn/notBefore')
    eq(d(await lib.sign({}, SECRET, { alg: 'HS256', now: ctx.NOW, notBefore: -30, issuedAt: false })), { nbf: T - 30 }, 'negative notBefore, issuedAt false')
    eq(d(await lib.sign({ iat: 5 }, SECRET, { alg: 'HS256', now: ctx.NOW, expiresIn: 1.5 })), { iat: 5, exp: T + 1 }, 'payload iat kept; exp floored')
    eq(d(await lib.sign({}, SECRET, { alg: 'HS256', now: ctx.NOW, issuer: 'i', subject: 's', audience: ['a', 'b'], jwtId: 'j' })), { iss: 'i', sub: 's', aud: ['a', 'b'], jti: 'j', iat: T }, 'claim options')
    const payload = { sub: 'x' }
    await lib.sign(payload, SECRET, { alg: 'HS256', expiresIn: 60 })
    eq(payload, { sub: 'x' }, 'the payload is never modified')
    for (const [opt, c, val] of [['issuer', 'iss', 'i'], ['subject', 'sub', 's'], ['audience', 'aud', 'a'], ['jwtId', 'jti', 'j'], ['expiresIn', 'exp', 60], ['notBefore', 'nbf', 60]]) {
      await ctx.rejects(() => lib.sign({ [c]: val }, SECRET, { alg: 'HS256', [opt]: val }), 'ERR_JOSE_INVALID_ARGUMENT', `${c} both in payload and options`)
    }
    for (const bad of ['60', '', '-5m', '5 m ago', 'NaN s', 'x'.repeat(33), Infinity, -1, NaN]) {
      await ctx.rejects(() => lib.sign({}, SECRET, { alg: 'HS256', expiresIn: bad }), 'ERR_JOSE_INVALID_ARGUMENT', `expiresIn ${show(bad)}`)
    }
    for (const bad of [{ exp: '1' }, { aud: [1] }, { x: 1n }, { x: NaN }]) {
      await ctx.rejects(() => lib.sign(bad, SECRET, { alg: 'HS256' }), 'ERR_JOSE_INVALID_ARGUMENT', `payload ${show(bad)}`)
    }
    const cyclic = { a: {} }
    cyclic.a.self = cyclic
    await ctx.rejects(() => lib.sign(cyclic, SECRET, { alg: 'HS256' }), 'ERR_JOSE_INVALID_ARGUMENT', 'a cyclic payload')
    await ctx.rejects(() => lib.sign({}, SECRET, { alg: 'HS256', audiance: 'x' }), 'ERR_JOSE_INVALID_ARGUMENT', 'a misspelt option')
    await ctx.rejects(() => lib.verify('a.b.c', SECRET, { algorithms: ['HS256'], audiance: 'x' }), 'ERR_JOSE_INVALID_ARGUMENT', 'a misspelt verify option')
    await ctx.rejects(() => lib.sign({}, SECRET, { alg: 'HS256', kid: 'a', header: { kid: 'b' } }), 'ERR_JOSE_INVALID_ARGUMENT', 'kid both in header and options')
  })
  t('the real clock (smoke)', async () => {
    const tok = await lib.sign({ sub: 'now' }, SECRET, { alg: 'HS256', expiresIn: '5m' })
    const r = await lib.verify(tok, SECRET, { algorithms: ['HS256'], maxAge: '1m' })
    ok(Math.abs(r.payload.iat - Math.floor(Date.now() / 1000)) <= 5, 'iat is close to the real clock')
    await ctx.rejects(async () => lib.verify(await lib.sign({}, SECRET, { alg: 'HS256', expiresIn: 0 }), SECRET, { algorithms: ['HS256'] }), 'ERR_JWT_EXPIRED', 'expiresIn 0')
  })
}

function decodeTests(t, ctx) {
  const { lib } = ctx
  const T = ctx.NOW_S
  t('decode: structure only, never trust', async () => {
    const token = await lib.sign({ sub: 'x' }, SECRET, { alg: 'HS256', kid: 'k', now: ctx.NOW })
    const d = lib.decode(token)
    eq(d.header, { alg: 'HS256', typ: 'JWT', kid: 'k' }, 'header')
    eq(d.payload, { sub: 'x', iat: T }, 'payload')
    ok(isBytes(d.signature) && d.signature.length === 32, 'signature is the 32 decoded bytes')
    const { h, p, sig } = split(token)
    eq(lib.decode(join(h, p, b64u(flipBit(sig, 0)))).payload.sub, 'x', 'decode does not check the signature')
    eq(lib.decode(RFC7515['A.5'].compact).header.alg, 'none', 'decode does not check the algorithm')
    eq(lib.decode(await hmacToken('{"alg":"XX999","crit":["zz"]}', '{"exp":1}')).payload.exp, 1, 'no crit or claim checks')
    ctx.throws(() => lib.decode(`${h}.${p}`), 'ERR_JWS_INVALID', 'two segments')
    ctx.throws(() => lib.decode(join(b64uText('{"typ":"JWT"}'), p, '')), 'ERR_JWS_INVALID', 'header without alg')
    ctx.throws(() => lib.decode(join(b64uText('[]'), p, '')), 'ERR_JWS_INVALID', 'header not an object')
    ctx.throws(() => lib.decode(join(h, b64uText('[1]'), '')), 'ERR_JWT_INVALID', 'payload not an object')
    ctx.throws(() => lib.decode(join(h, b64uText('{"a":'), '')), 'ERR_JWT_INVALID', 'payload not JSON')
    ctx.throws(() => lib.decode(join(h, `${p}=`, '')), 'ERR_JWS_INVALID', 'padded payload')
    ctx.throws(() => lib.decode(null), 'ERR_JWS_INVALID', 'null')
    ctx.throws(() => lib.decode(token, { maxTokenLength: token.length - 1 }), 'ERR_JWS_INVALID', 'maxTokenLength')
  })
  t('isExpired (decode-only, fixed clock)', async () => {
    const at = (exp) => hmacToken('{"alg":"HS256"}', JSON.stringify(exp === undefined ? {} : { exp }))
    eq(lib.isExpired(await at(undefined), { now: ctx.NOW }), false, 'no exp')
    eq(lib.isExpired(await at(T), { now: ctx.NOW }), true, 'exp = now')
    eq(lib.isExpired(await at(T + 1), { now: ctx.NOW }), false, 'exp = now + 1')
    eq(lib.isExpired(await at(T), { now: ctx.NOW, clockTolerance: 1 }), false, 'exp = now, tolerance 1')
    eq(lib.isExpired(await at(T - 30), { now: () => ctx.at(T), clockTolerance: '30s' }), true, 'exp = now − 30, tolerance 30s')
    eq(lib.isExpired(await at(T - 1)), true, 'real clock, exp in 2023')
    ctx.throws(() => lib.isExpired('nope'), 'ERR_JWS_INVALID', 'not a token')
    ctx.throws(() => lib.isExpired(join(b64uText('{"alg":"HS256"}'), b64uText('"s"'), '')), 'ERR_JWT_INVALID', 'payload not an object')
    const atT = await at(T)
    ctx.throws(() => lib.isExpired(atT, { now: 'soon' }), 'ERR_JOSE_INVALID_ARGUMENT', 'bad now')
  })
}

function keysApiTests(t, ctx) {
  const { lib } = ctx
  const asym = ALGS.filter((a) => KIND[a] !== 'oct' && ctx.roundTrip.has(a))
  t('generateKeyPair: each asymmetric algorithm', async () => {
    for (const alg of asym) {
      const { privateKey, publicKey } = await ctx.pair(alg)
      eq([privateKey.type, publicKey.type], ['private', 'public'], `${alg} key types`)
      eq(privateKey.algorithm.name, WEBCRYPTO_NAME[KIND[alg]](alg), `${alg} algorithm`)
      eq([privateKey.usages, publicKey.usages, publicKey.extractable], [['sign'], ['verify'], true], `${alg} usages, public extractable`)
      eq({ ...privateKey.algorithm }, { ...publicKey.algorithm }, `${alg} the two keys' algorithm`)
      if (KIND[alg] === 'RSA') {
        eq(publicKey.algorithm.modulusLength, 2048, `${alg} default modulus`)
        eq([...publicKey.algorithm.publicExponent], [1, 0, 1], `${alg} public exponent`)
        eq(publicKey.algorithm.hash?.name, `SHA-${alg.slice(2)}`, `${alg} hash`)
      }
      if (KIND[alg] === 'EC') eq(publicKey.algorithm.namedCurve, CURVE[alg], `${alg} curve`)
    }
  })
  t('generateKeyPair: private keys are non-extractable by default; bad arguments', async () => {
    const alg = asym.find((a) => KIND[a] !== 'RSA') ?? asym[0]
    if (alg) {
      const { privateKey, publicKey } = await lib.generateKeyPair(alg)
      eq(privateKey.extractable, false, 'privateKey.extractable')
      eq(publicKey.extractable, true, 'publicKey.extractable')
      await ctx.rejects(() => lib.exportJwk(privateKey), 'ERR_KEY_INVALID', 'exportJwk of a non-extractable key')
    }
    for (const a of ['HS256', 'none', 'RSA', 'es256', 'ES256K']) await ctx.rejects(() => lib.generateKeyPair(a), 'ERR_JOSE_INVALID_ARGUMENT', `generateKeyPair(${a})`)
    await ctx.rejects(() => lib.generateKeyPair('RS256', { modulusLength: 1024 }), 'ERR_JOSE_INVALID_ARGUMENT', 'modulusLength 1024')
    await ctx.rejects(() => lib.generateKeyPair('ES256', { modulusLength: 2048 }), 'ERR_JOSE_INVALID_ARGUMENT', 'modulusLength for EC')
    await ctx.rejects(() => lib.generateKeyPair('ES256', { extractable: 'yes' }), 'ERR_JOSE_INVALID_ARGUMENT', 'extractable not a boolean')
  })
  t('generateSecret', () => {
    for (const a of ['HS256', 'HS384', 'HS512']) eq(lib.generateSecret(a).length, hashBytesOf(a), `${a} length`)
    ok(!deepEqual(lib.generateSecret('HS256'), lib.generateSecret('HS256')), 'two secrets differ')
    for (const a of ['RS256', 'none', 'hs256']) ctx.throws(() => lib.generateSecret(a), 'ERR_JOSE_INVALID_ARGUMENT', `generateSecret(${a})`)
  })
  t('exportJwk: members only, OKP without alg', async () => {
    for (const alg of asym) {
      const { priv, pub } = await ctx.jwks(alg)
      ok(!('ext' in pub) && !('key_ops' in pub) && !('ext' in priv), `${alg}: no ext/key_ops`)
      eq(pub.kty, KIND[alg], `${alg}: kty`)
      ok(!('d' in pub) && typeof priv.d === 'string', `${alg}: d only in the private JWK`)
      if (KIND[alg] === 'OKP') ok(!('alg' in pub) && !('alg' in priv), 'an Ed25519 JWK is exported without alg')
      eq(await lib.thumbprint(priv), await lib.thumbprint(pub), `${alg}: same thumbprint for private and public`)
    }
    await ctx.rejects(async () => lib.exportJwk(await lib.importKey(SECRET, 'HS256')), 'ERR_KEY_INVALID', 'a non-extractable secret')
    const extractable = await lib.importKey(SECRET, 'HS256', { extractable: true })
    eq((await lib.exportJwk(extractable)).k, b64u(SECRET), 'an extractable secret exports k')
  })
  t('importKey: JWK, PEM and secrets, checked like sign and verify', async () => {
    if (ctx.roundTrip.has('RS256')) {
      const key = await lib.importKey(RFC7515['A.2'].jwkPublic, 'RS256')
      eq([key.type, key.algorithm.name], ['public', 'RSASSA-PKCS1-v1_5'], 'RSA public JWK')
    }
    if (ctx.roundTrip.has('PS256')) eq((await lib.importKey(RFC7515['A.2'].jwkPublic, 'PS256')).algorithm.name, 'RSA-PSS', 'an RSA JWK without alg, for PS256')
    await ctx.rejects(() => lib.importKey({ ...RFC7515['A.2'].jwkPublic, alg: 'RS256' }, 'PS256'), 'ERR_KEY_INVALID', 'JWK alg RS256, asked for PS256')
    await ctx.rejects(() => lib.importKey(RFC7515['A.3'].jwkPublic, 'ES384'), 'ERR_KEY_INVALID', 'P-256 JWK for ES384')
    await ctx.rejects(() => lib.importKey(SECRET, 'ES256'), 'ERR_KEY_INVALID', 'a secret for ES256')
    await ctx.rejects(() => lib.importKey(SECRET.slice(0, 47), 'HS384'), 'ERR_KEY_INVALID', 'a 47-byte secret for HS384')
    await ctx.rejects(() => lib.importKey({ ...RFC7515['A.3'].jwkPublic, use: 'enc' }, 'ES256'), 'ERR_KEY_INVALID', 'a JWK with use "enc"')
    await ctx.rejects(() => lib.importKey({ ...RFC7515['A.3'].jwkPublic, x: `${RFC7515['A.3'].jwkPublic.x}=` }, 'ES256'), 'ERR_KEY_INVALID', 'a padded JWK member')
    await ctx.rejects(() => lib.importKey({ kty: 'EC', crv: 'secp256k1', x: 'AA', y: 'AA' }, 'ES256'), 'ERR_JOSE_NOT_SUPPORTED', 'an unsupported curve')
    await ctx.rejects(() => lib.importKey({ kty: 'OKP', crv: 'X25519', x: RFC8037['A.2'].jwk.x }, 'EdDSA'), 'ERR_JOSE_NOT_SUPPORTED', 'X25519')
    await ctx.rejects(() => lib.importKey({ kty: 'RSA', n: b64u(new Uint8Array(128).fill(255)), e: 'AQAB' }, 'RS256'), 'ERR_KEY_INVALID', 'a 1024-bit RSA key')
  })
}

/** API.md: every failure is a JoseError; async functions reject, never throw synchronously. */
function hostileTests(t, ctx) {
  const { lib } = ctx
  const CODE_SET = new Set(CODES)
  const values = hostileValues()
  // A quick asymmetric algorithm this runtime supports, for the generateKeyPair baselines.
  const GEN_ALG = ['ES256', 'EdDSA', 'ES384', 'ES512', 'PS256', 'RS256'].find((a) => ctx.roundTrip.has(a)) ?? 'ES256'
  // A key that pins HS256, so the baselines also succeed with no options at all.
  const PINNED = { kty: 'oct', k: b64u(SECRET), alg: 'HS256' }
  const fixtures = (() => {
    let memo
    return () => (memo ??= (async () => {
      const token = await lib.sign({ sub: 'h' }, SECRET, { alg: 'HS256' })
      const jws = await lib.signJws('h', SECRET, { alg: 'HS256' })
      const extractable = await lib.importKey(SECRET, 'HS256', { extractable: true })
      return { token, jws, extractable }
    })())
  })()
  /** [export, async?, baseline args (from fixtures), per-position names and allowed codes]. */
  const calls = [
    ['sign', true, () => [{ sub: 'h' }, SECRET, { alg: 'HS256' }], [['payload', ['ERR_JOSE_INVALID_ARGUMENT']], ['key', ['ERR_KEY_INVALID']], ['options', ['ERR_JOSE_INVALID_ARGUMENT']]]],
    ['verify', true, (f) => [f.token, PINNED, { algorithms: ['HS256'] }], [['token', ['ERR_JWS_INVALID']], ['key', ['ERR_KEY_INVALID', 'ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWS_SIGNATURE_INVALID']], ['options', ['ERR_JOSE_INVALID_ARGUMENT']]]],
    ['decode', false, (f) => [f.token, undefined], [['token', ['ERR_JWS_INVALID']], ['options', ['ERR_JOSE_INVALID_ARGUMENT']]]],
    ['isExpired', false, (f) => [f.token, undefined], [['token', ['ERR_JWS_INVALID']], ['options', ['ERR_JOSE_INVALID_ARGUMENT']]]],
    ['signJws', true, () => ['h', SECRET, { alg: 'HS256' }], [['payload', ['ERR_JOSE_INVALID_ARGUMENT']], ['key', ['ERR_KEY_INVALID']], ['options', ['ERR_JOSE_INVALID_ARGUMENT']]]],
    ['verifyJws', true, (f) => [f.jws, PINNED, { algorithms: ['HS256'] }], [['jws', ['ERR_JWS_INVALID']], ['key', ['ERR_KEY_INVALID', 'ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWS_SIGNATURE_INVALID']], ['options', ['ERR_JOSE_INVALID_ARGUMENT']]]],
    ['importKey', true, () => [SECRET, 'HS256', undefined], [['input', ['ERR_KEY_INVALID']], ['alg', ['ERR_JOSE_INVALID_ARGUMENT']], ['options', ['ERR_JOSE_INVALID_ARGUMENT']]]],
    ['exportJwk', true, (f) => [f.extractable], [['key', ['ERR_KEY_INVALID']]]],
    ['thumbprint', true, () => [RFC7638['3.1'].jwk, 'SHA-256'], [['jwk', ['ERR_KEY_INVALID', 'ERR_JOSE_NOT_SUPPORTED']], ['digest', ['ERR_JOSE_INVALID_ARGUMENT']]]],
    ['generateKeyPair', true, () => [GEN_ALG, undefined], [['alg', ['ERR_JOSE_INVALID_ARGUMENT']], ['options', ['ERR_JOSE_INVALID_ARGUMENT']]]],
    ['generateSecret', false, () => ['HS256'], [['alg', ['ERR_JOSE_INVALID_ARGUMENT']]]],
  ]
  // Inner option members: [export, option name, allowed codes].
  const SIGN_OPTS = ['alg', 'kid', 'typ', 'header', 'expiresIn', 'notBefore', 'issuedAt', 'issuer', 'subject', 'audience', 'jwtId', 'now']
  const VERIFY_OPTS = ['algorithms', 'issuer', 'audience', 'subject', 'typ', 'maxAge', 'clockTolerance', 'requiredClaims', 'now', 'crit', 'maxTokenLength']

  /** Calls fn(args) and classifies the outcome against `allowed`. Returns a problem or ''. */
  async function probe(name, isAsync, args, allowed) {
    let result
    try {
      result = lib[name](...args)
    } catch (e) {
      if (isAsync) return `threw synchronously (${errorText(e)})`
      return judge(e, allowed)
    }
    if (!isAsync) return ''
    if (!result || typeof result.then !== 'function') return 'did not return a promise'
    try {
      await withTimeout(result, 10_000, name)
    } catch (e) {
      return judge(e, allowed)
    }
    return ''
  }
  function judge(e, allowed) {
    if (e instanceof AssertionFailed) return e.message
    if (!ctx.isJose(e)) return `threw ${errorText(e)}`
    if (!CODE_SET.has(e.code)) return `unknown code ${show(e.code)}`
    if (!allowed.includes(e.code)) return `${e.code} (expected ${allowed.join(' or ')})`
    return ''
  }
  for (const [name, isAsync, baseline, positions] of calls) {
    positions.forEach(([pos, allowed], i) => {
      t(`${name}(${positions.map(([p]) => p).join(', ')}): hostile ${pos}`, async () => {
        const base = baseline(await fixtures())
        const problems = []
        for (const [label, make] of values) {
          const args = base.slice()
          args[i] = make()
          const problem = await probe(name, isAsync, args, allowed)
          if (problem) problems.push(`${label}: ${problem}`)
        }
        none(problems, `${name} with a hostile ${pos}`)
      })
    })
  }
  // Every option member of every export: [export, async?, option names, args, allowed codes].
  // A bad option value is ERR_JOSE_INVALID_ARGUMENT (API.md, Errors); for verify a
  // well-typed but unmet claim option (issuer 'constructor') is a claim failure instead.
  const optionCalls = [
    ['sign', true, SIGN_OPTS, (f, o) => [{ sub: 'h' }, SECRET, { alg: 'HS256', ...o }], ['ERR_JOSE_INVALID_ARGUMENT']],
    ['verify', true, VERIFY_OPTS, (f, o) => [f.token, PINNED, o], ['ERR_JOSE_INVALID_ARGUMENT', 'ERR_JWT_CLAIM_INVALID']],
    ['signJws', true, ['alg', 'kid', 'header'], (f, o) => ['h', SECRET, { alg: 'HS256', ...o }], ['ERR_JOSE_INVALID_ARGUMENT']],
    ['verifyJws', true, ['algorithms', 'crit', 'maxTokenLength'], (f, o) => [f.jws, PINNED, o], ['ERR_JOSE_INVALID_ARGUMENT']],
    ['decode', false, ['maxTokenLength'], (f, o) => [f.token, o], ['ERR_JOSE_INVALID_ARGUMENT']],
    ['isExpired', false, ['now', 'clockTolerance'], (f, o) => [f.token, o], ['ERR_JOSE_INVALID_ARGUMENT']],
    ['importKey', true, ['extractable'], (f, o) => [SECRET, 'HS256', o], ['ERR_JOSE_INVALID_ARGUMENT']],
    ['generateKeyPair', true, ['extractable', 'modulusLength'], (f, o) => [GEN_ALG, o], ['ERR_JOSE_INVALID_ARGUMENT']],
  ]
  for (const [name, isAsync, opts, build, allowed] of optionCalls) {
    t(`${name}: hostile values in every option`, async () => {
      const f = await fixtures()
      const problems = []
      for (const opt of opts) {
        for (const [label, make] of values) {
          const problem = await probe(name, isAsync, build(f, { [opt]: make() }), allowed)
          if (problem) problems.push(`options.${opt} = ${label}: ${problem}`)
        }
      }
      none(problems, `${name} options`)
    })
  }
  t('isJoseError never throws and is false for every hostile value', () => {
    const problems = []
    for (const [label, make] of values) {
      try {
        const r = lib.isJoseError(make())
        if (r !== false) problems.push(`${label}: returned ${show(r)}`)
      } catch (e) {
        problems.push(`${label}: threw ${errorText(e)}`)
      }
    }
    none(problems, 'isJoseError')
  })
  t('the other exports (generic probe)', async () => {
    // Exports without a row above get every hostile value in each of their first three
    // positions: any outcome but a non-JoseError failure is acceptable here. (Called on
    // the raw module: the sections must use every export themselves, see runSuite.)
    const known = new Set([...calls.map((c) => c[0]), 'JoseError', 'isJoseError'])
    const raw = ctx.rawLib
    const problems = []
    for (const name of EXPORTS.filter((n) => !known.has(n))) {
      for (let i = 0; i < 3; i++) {
        for (const [label, make] of values) {
          const args = [undefined, undefined, undefined]
          args[i] = make()
          let result
          try {
            result = raw[name](...args)
          } catch (e) {
            if (!ctx.isJose(e)) problems.push(`${name} arg ${i} ${label}: threw ${errorText(e)}`)
            continue
          }
          if (result && typeof result.then === 'function') {
            try {
              await withTimeout(result, 10_000, name)
            } catch (e) {
              if (!ctx.isJose(e)) problems.push(`${name} arg ${i} ${label}: rejected with ${errorText(e)}`)
            }
          }
        }
      }
    }
    none(problems, 'other exports')
  })
  t("'__proto__' and 'constructor' as alg, kid, crit and claim names", async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      await ctx.rejects(() => lib.sign({}, SECRET, { alg: name }), 'ERR_JOSE_INVALID_ARGUMENT', `sign alg ${name}`)
      await ctx.rejects(() => lib.generateKeyPair(name), 'ERR_JOSE_INVALID_ARGUMENT', `generateKeyPair(${name})`)
      await ctx.rejects(() => lib.importKey(SECRET, name), 'ERR_JOSE_INVALID_ARGUMENT', `importKey alg ${name}`)
      ctx.throws(() => lib.generateSecret(name), 'ERR_JOSE_INVALID_ARGUMENT', `generateSecret(${name})`)
      await ctx.rejects(() => lib.verify('a.b.c', SECRET, { algorithms: [name] }), 'ERR_JOSE_INVALID_ARGUMENT', `algorithms [${name}]`)
      const tok = await hmacToken(JSON.stringify({ alg: name }), '{}')
      await ctx.rejects(() => lib.verify(tok, SECRET, { algorithms: ['HS256'] }), 'ERR_JOSE_ALG_NOT_ALLOWED', `header alg ${name}`)
      await ctx.rejects(() => lib.verify(tok, { kty: 'oct', k: b64u(SECRET) }), 'ERR_JOSE_ALG_NOT_ALLOWED', `header alg ${name}, no algorithms`)
      await ctx.rejects(() => lib.sign({}, { kty: 'oct', k: b64u(SECRET), alg: name }), 'ERR_KEY_INVALID', `JWK alg ${name}`)
      await ctx.rejects(() => lib.sign({}, { kty: name, k: b64u(SECRET) }, { alg: 'HS256' }), 'ERR_JOSE_NOT_SUPPORTED', `JWK kty ${name}`)
      await ctx.rejects(() => lib.thumbprint({ kty: name }), 'ERR_JOSE_NOT_SUPPORTED', `thumbprint kty ${name}`)
      // A claim name that exists on Object.prototype is still missing from the payload.
      const plain = await claimsToken({ sub: 'x' })
      await ctx.rejects(() => lib.verify(plain, SECRET, { algorithms: ['HS256'], requiredClaims: [name] }), 'ERR_JWT_CLAIM_INVALID', `requiredClaims [${name}]`, { claim: name, reason: 'missing' })
      await ctx.rejects(() => lib.verify(plain, SECRET, { algorithms: ['HS256'], issuer: name }), 'ERR_JWT_CLAIM_INVALID', `issuer ${name}`, { claim: 'iss', reason: 'missing' })
      // crit naming a member called like an Object.prototype property.
      const crit = await hmacToken(`{"alg":"HS256","crit":[${JSON.stringify(name)}],${JSON.stringify(name)}:1}`, '{}')
      await ctx.rejects(() => lib.verify(crit, SECRET, { algorithms: ['HS256'], crit: {} }), 'ERR_JOSE_NOT_SUPPORTED', `crit [${name}] not understood`)
      await ctx.rejects(() => lib.verify(crit, SECRET, { algorithms: ['HS256'] }), 'ERR_JOSE_NOT_SUPPORTED', `crit [${name}], no options.crit`)
      eq((await lib.verify(crit, SECRET, { algorithms: ['HS256'], crit: JSON.parse(`{${JSON.stringify(name)}:true}`) })).header.crit, [name], `crit [${name}] understood`)
      // kid values reach a resolver untouched.
      const kidTok = await lib.sign({}, SECRET, { alg: 'HS256', kid: name })
      let seen
      await lib.verify(kidTok, (header) => {
        seen = header.kid
        return SECRET
      }, { algorithms: ['HS256'] })
      eq(seen, name, `kid ${name} reaches the resolver`)
    }
    await ctx.rejects(() => lib.sign({}, SECRET, { alg: 'HS256', header: JSON.parse('{"__proto__":{"alg":"none"}}') }), 'ERR_JOSE_INVALID_ARGUMENT', 'options.header with __proto__')
    await ctx.rejects(() => lib.signJws('x', SECRET, { alg: 'HS256', header: JSON.parse('{"__proto__":{}}') }), 'ERR_JOSE_INVALID_ARGUMENT', 'signJws header with __proto__')
  })
  t('parsed __proto__ members stay data (no prototype pollution)', async () => {
    const payload = JSON.parse('{"sub":"x","__proto__":{"polluted":"payload"},"constructor":{"prototype":{"polluted":"ctor"}}}')
    const token = await lib.sign(payload, SECRET, { alg: 'HS256', now: ctx.NOW })
    const r = await lib.verify(token, SECRET, { algorithms: ['HS256'], now: ctx.NOW })
    ok(Object.hasOwn(r.payload, '__proto__'), 'payload keeps an own "__proto__" member')
    eq(r.payload.polluted, undefined, 'the payload object did not get a new prototype')
    eq(JSON.stringify(lib.decode(token).payload), JSON.stringify(r.payload), 'decode gives the same payload')
    ok(Object.hasOwn(lib.decode(token).payload, '__proto__'), 'decode keeps it as a member too')
    const header = '{"alg":"HS256","__proto__":{"alg":"none","polluted":"header"},"kid":"constructor"}'
    const h = await lib.verify(await hmacToken(header, '{}'), SECRET, { algorithms: ['HS256'] }).catch((e) => e)
    if (ctx.isJose(h)) eq(h.code, 'ERR_JWS_INVALID', 'a header with __proto__ is either refused as ERR_JWS_INVALID or verified')
    else {
      eq(h.header.alg, 'HS256', 'header alg')
      eq(h.header.polluted, undefined, 'the header object did not get a new prototype')
    }
    eq(lib.decode(await hmacToken(header, '{}')).header.polluted, undefined, 'decode header did not get a new prototype')
    eq({}.polluted, undefined, 'Object.prototype.polluted')
  })
  t('errors never echo tokens, signatures or key material', async () => {
    const token = await lib.sign({ sub: 'secret-subject' }, STRING_SECRET, { alg: 'HS256' })
    const { h, p, s } = split(token)
    const bad = join(h, p, b64u(flipBit(split(token).sig, 0)))
    const errors = [
      await lib.verify(bad, STRING_SECRET, { algorithms: ['HS256'] }).catch((e) => e),
      await lib.verify(token, `${STRING_SECRET}x`, { algorithms: ['HS256'] }).catch((e) => e),
      await lib.sign({}, STRING_SECRET.slice(0, 31), { alg: 'HS256' }).catch((e) => e),
      await lib.verify(token, CERTS['P-256'].key, { algorithms: ['ES256'] }).catch((e) => e),
      await lib.verify(`${token}x`, STRING_SECRET, { algorithms: ['HS256'] }).catch((e) => e),
    ]
    const needles = [token, bad.split('.')[2], s, STRING_SECRET.slice(0, 31), 'MIGHAgEAMBMGByqGSM49', 'secret-subject', p.slice(0, 20)]
    for (const e of errors) {
      ok(ctx.isJose(e), `expected a JoseError, got ${errorText(e)}`)
      let text = `${e.message} ${e.stack ?? ''}`
      for (let c = e.cause, i = 0; c && i < 5; c = c.cause, i++) text += ` ${c?.message ?? ''}`
      for (const k of Object.keys(e)) if (k !== 'payload') text += ` ${k}=${show(e[k])}`
      for (const n of needles) ok(!text.includes(n), `${e.code} message, cause or properties contain ${show(n)}`)
    }
  })
}

function hostileValues() {
  const big = 'x'.repeat(2 * 1024 * 1024)
  const throwing = {}
  for (const k of ['alg', 'kty', 'k', 'crv', 'x', 'kid', 'typ', 'sub', 'header', 'algorithms', 'now', 'extractable', 'keys', 'then', 'toJSON', 'length']) {
    Object.defineProperty(throwing, k, { enumerable: true, get() { throw new Error(`hostile getter ${k}`) } })
  }
  const trap = () => {
    throw new Error('hostile proxy')
  }
  const handler = { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap, apply: trap }
  return [
    ['undefined', () => undefined],
    ['null', () => null],
    ['0', () => 0],
    ['NaN', () => NaN],
    ['1n', () => 1n],
    ['[]', () => []],
    ['{}', () => ({})],
    ['a function', () => function hostile() {}],
    ['a Symbol', () => Symbol('hostile')],
    ['Uint16Array', () => new Uint16Array(32)],
    ['a 2 MB string', () => big],
    ["'__proto__'", () => '__proto__'],
    ["'constructor'", () => 'constructor'],
    ['JSON with __proto__', () => JSON.parse('{"__proto__":{"alg":"HS256","kty":"oct"},"constructor":{"prototype":{"polluted":1}}}')],
    ['throwing getters', () => throwing],
    ['a throwing Proxy', () => new Proxy({}, handler)],
  ]
}

// ───────────────────────────── OAuth 2.0 / OIDC profiles ─────────────────────────────

/** RFC 7523 client assertions, RFC 9068 access tokens, OIDC ID tokens (API.md, profiles). */
function oauthTests(t, ctx) {
  const { lib } = ctx
  const T = ctx.NOW_S
  const CLAIM = 'ERR_JWT_CLAIM_INVALID'
  const AS = 'https://as.example'
  const HS = { algorithms: ['HS256'], now: ctx.NOW }
  const claim = (c, reason) => ({ claim: c, reason })
  /** A token with exactly this payload (any types), typ only when given (null: none), HS256 with SECRET unless told. */
  const tok = (payload, typ, alg = 'HS256', key = SECRET) => lib.signJws(JSON.stringify(payload), key, { alg, header: typ == null ? {} : { typ } })
  const setStore = () => {
    const seen = new Set()
    return { add: (jti) => (seen.has(jti) ? false : (seen.add(jti), true)) }
  }

  t('client assertion: signClientAssertion → verifyClientAssertion (client_secret_jwt)', async () => {
    const a = await lib.signClientAssertion({ clientId: 'c1', audience: AS, key: SECRET, alg: 'HS256', now: ctx.NOW })
    const { header, p } = split(a)
    const payload = JSON.parse(dec.decode(fromB64u(p)))
    eq(header, { alg: 'HS256', typ: 'JWT' }, 'header')
    eq([payload.iss, payload.sub, payload.aud, payload.iat, payload.exp], ['c1', 'c1', AS, T, T + 60], 'iss, sub, aud, iat, exp')
    ok(typeof payload.jti === 'string' && payload.jti.length >= 16, 'random jti')
    eq((await lib.verifyClientAssertion(a, SECRET, { clientId: 'c1', audience: AS, ...HS })).payload, payload, 'verified payload')
    await ctx.rejects(() => lib.verifyClientAssertion(a, SECRET, { clientId: 'c2', audience: AS, ...HS }), CLAIM, 'other client', claim('iss', 'mismatch'))
    await ctx.rejects(() => lib.signClientAssertion({ clientId: 'c1', audience: [AS], key: SECRET, alg: 'HS256' }), 'ERR_JOSE_INVALID_ARGUMENT', 'array audience')
  })
  t('client assertion: replayStore (one success per jti, also concurrently)', async () => {
    const a = await lib.signClientAssertion({ clientId: 'c1', audience: AS, key: SECRET, alg: 'HS256', now: ctx.NOW })
    const o = { clientId: 'c1', audience: AS, ...HS, replayStore: setStore() }
    await lib.verifyClientAssertion(a, SECRET, o)
    await ctx.rejects(() => lib.verifyClientAssertion(a, SECRET, o), CLAIM, 'second use', claim('jti', 'replayed'))
    const b = await lib.signClientAssertion({ clientId: 'c1', audience: AS, key: SECRET, alg: 'HS256', now: ctx.NOW })
    const results = await Promise.allSettled([lib.verifyClientAssertion(b, SECRET, o), lib.verifyClientAssertion(b, SECRET, o)])
    eq(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'], 'two concurrent verifications')
    await ctx.rejects(async () => lib.verifyClientAssertion(await tok({ iss: 'c1', sub: 'c1', aud: AS, exp: T + 60 }), SECRET, o), CLAIM, 'no jti', claim('jti', 'missing'))
  })
  t('client assertion: single aud, maxLifetime, typ', async () => {
    const base = { iss: 'c1', sub: 'c1', aud: AS, iat: T, exp: T + 60 }
    const v = async (p, typ, more = {}) => lib.verifyClientAssertion(await tok(p, typ), SECRET, { clientId: 'c1', audience: AS, ...HS, ...more })
    eq((await v({ ...base, aud: [AS] })).payload.aud, [AS], 'one-element array')
    await ctx.rejects(() => v({ ...base, aud: [AS, 'https://rs.example'] }), CLAIM, 'multi-valued aud', claim('aud', 'invalid'))
    await ctx.rejects(() => v({ ...base, exp: T + 301 }), CLAIM, 'exp 301 s after iat', claim('exp', 'in_future'))
    eq((await v({ ...base, exp: T + 301 }, undefined, { maxLifetime: '10m' })).payload.exp, T + 301, 'maxLifetime 10m')
    for (const typ of [undefined, 'JWT', 'client-authentication+jwt', 'application/client-authentication+jwt']) eq((await v(base, typ)).payload.sub, 'c1', `typ ${typ}`)
    for (const typ of ['at+jwt', 'JOSE']) await ctx.rejects(() => v(base, typ), CLAIM, `typ ${typ}`, claim('typ', 'mismatch'))
    for (const c of ['iss', 'sub', 'aud', 'exp']) {
      const p = { ...base }
      delete p[c]
      await ctx.rejects(() => v(p), CLAIM, `without ${c}`, claim(c, 'missing'))
    }
  })

  const AT = { iss: AS, sub: 'u1', aud: 'https://api.example', client_id: 'c1', iat: T, exp: T + 300, jti: 'j1', scope: 'read write' }
  const vAt = async (p, typ = 'at+jwt', more = {}) => lib.verifyAccessToken(await tok(p, typ), SECRET, { issuer: AS, audience: 'https://api.example', ...HS, ...more })
  t('access token (RFC 9068): typ, required claims, scopes', async () => {
    const r = await vAt(AT, 'at+jwt', { requiredScopes: ['read'] })
    eq(r.scopes, ['read', 'write'], 'scopes')
    eq(r.payload, AT, 'payload')
    ok(isCryptoKey(r.key), 'key is a CryptoKey')
    eq((await vAt(AT, 'application/AT+JWT')).payload.jti, 'j1', 'typ application/AT+JWT')
    await ctx.rejects(() => vAt(AT, 'JWT'), CLAIM, 'typ JWT', claim('typ', 'mismatch'))
    await ctx.rejects(() => vAt(AT, null), CLAIM, 'no typ', claim('typ', 'missing'))
    for (const c of ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']) {
      const p = { ...AT }
      delete p[c]
      await ctx.rejects(() => vAt(p), CLAIM, `without ${c}`, claim(c, 'missing'))
    }
    await ctx.rejects(() => vAt({ ...AT, client_id: 1 }), CLAIM, 'client_id not a string', claim('client_id', 'invalid'))
    await ctx.rejects(() => vAt({ ...AT, sub: 1 }), 'ERR_JWT_INVALID', 'sub not a string')
    await ctx.rejects(() => vAt({ ...AT, scope: 'read' }, 'at+jwt', { requiredScopes: ['rea'] }), CLAIM, "'rea' is not 'read'", claim('scope', 'mismatch'))
    await ctx.rejects(() => vAt({ ...AT, scope: 'reader' }, 'at+jwt', { requiredScopes: ['read'] }), CLAIM, "'reader' is not 'read'", claim('scope', 'mismatch'))
    await ctx.rejects(() => vAt({ ...AT, aud: 'https://other.example' }), CLAIM, 'other audience', claim('aud', 'mismatch'))
  })
  t('access token: HS* only when algorithms lists it; ES256 through a key set', async () => {
    const hs = await tok(AT, 'at+jwt')
    const o = { issuer: AS, audience: 'https://api.example', now: ctx.NOW }
    await ctx.rejects(() => lib.verifyAccessToken(hs, { kty: 'oct', alg: 'HS256', k: b64u(SECRET) }, o), 'ERR_JOSE_ALG_NOT_ALLOWED', 'oct JWK pinning HS256, no algorithms')
    ok(ctx.roundTrip.has('ES256'), 'ES256 must round-trip here')
    const { priv, pub } = await ctx.jwks('ES256')
    const es = await tok(AT, 'at+jwt', 'ES256', { ...priv, alg: 'ES256' })
    const set = lib.createLocalJwks({ keys: [{ ...pub, kid: 'k', alg: 'ES256' }] })
    eq((await lib.verifyAccessToken(es, set, o)).payload.sub, 'u1', 'ES256 with a local key set')
  })

  const ID = { iss: AS, sub: 'u1', aud: 'c1', iat: T, exp: T + 300 }
  const vId = async (p, more = {}, typ) => lib.verifyIdToken(await tok(p, typ), SECRET, { issuer: AS, clientId: 'c1', ...HS, ...more })
  t('ID token: typ, required claims, azp, nonce, max_age', async () => {
    eq((await vId(ID)).payload, ID, 'valid')
    eq((await vId(ID, {}, 'JWT')).payload.sub, 'u1', 'typ JWT')
    for (const typ of ['at+jwt', 'logout+jwt']) await ctx.rejects(() => vId(ID, {}, typ), CLAIM, `typ ${typ}`, claim('typ', 'mismatch'))
    for (const c of ['iss', 'sub', 'aud', 'exp', 'iat']) {
      const p = { ...ID }
      delete p[c]
      await ctx.rejects(() => vId(p), CLAIM, `without ${c}`, claim(c, 'missing'))
    }
    await ctx.rejects(() => vId({ ...ID, azp: 'c2' }), CLAIM, 'azp of another client', claim('azp', 'mismatch'))
    await ctx.rejects(() => vId({ ...ID, aud: ['c1', 'c2'] }), CLAIM, 'several audiences, no azp', claim('azp', 'missing'))
    eq((await vId({ ...ID, aud: ['c1', 'c2'], azp: 'c1' })).payload.azp, 'c1', 'several audiences with azp')
    await ctx.rejects(() => vId(ID, { nonce: 'n1' }), CLAIM, 'nonce missing', claim('nonce', 'missing'))
    await ctx.rejects(() => vId({ ...ID, nonce: 'n2' }, { nonce: 'n1' }), CLAIM, 'nonce differs', claim('nonce', 'mismatch'))
    eq((await vId({ ...ID, nonce: 'n1' }, { nonce: 'n1' })).payload.nonce, 'n1', 'nonce equal')
    await ctx.rejects(() => vId(ID, { maxAge: 600 }), CLAIM, 'max_age without auth_time', claim('auth_time', 'missing'))
    await ctx.rejects(() => vId({ ...ID, auth_time: T - 601 }, { maxAge: 600 }), CLAIM, 'auth_time too old', claim('auth_time', 'too_old'))
    eq((await vId({ ...ID, auth_time: T - 600 }, { maxAge: 600 })).payload.auth_time, T - 600, 'auth_time at the boundary')
  })
  t('ID token: at_hash / c_hash (OIDC Core Appendix A values; SHA-512 for EdDSA)', async () => {
    const accessToken = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y'
    const code = 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk'
    const p = { ...ID, at_hash: '77QmUPtjPfzWtF2AnpK9RQ', c_hash: 'LDktKdoQak3Pk0cnXxCltA' }
    eq((await vId(p, { accessToken, code })).payload.c_hash, p.c_hash, 'HS256 (SHA-256) values')
    await ctx.rejects(() => vId(p, { accessToken: `${accessToken}x` }), CLAIM, 'other access token', claim('at_hash', 'mismatch'))
    await ctx.rejects(() => vId(ID, { code }), CLAIM, 'c_hash missing', claim('c_hash', 'missing'))
    if (!ctx.roundTrip.has('EdDSA')) return
    const half = async (v) => b64u(new Uint8Array(await crypto.subtle.digest('SHA-512', enc.encode(v))).slice(0, 32))
    const { privateKey, publicKey } = await ctx.pair('EdDSA')
    const ed = await lib.signJws(JSON.stringify({ ...ID, at_hash: await half(accessToken) }), privateKey, { alg: 'EdDSA' })
    eq((await lib.verifyIdToken(ed, publicKey, { issuer: AS, clientId: 'c1', now: ctx.NOW, accessToken })).payload.sub, 'u1', 'EdDSA at_hash with SHA-512')
    const ed256 = await lib.signJws(JSON.stringify(p), privateKey, { alg: 'EdDSA' })
    await ctx.rejects(() => lib.verifyIdToken(ed256, publicKey, { issuer: AS, clientId: 'c1', now: ctx.NOW, accessToken }), CLAIM, 'EdDSA with a SHA-256 at_hash', claim('at_hash', 'mismatch'))
  })
  // RFC 9449 §4.1 Figure 2 (the proof) and §6.1 Figure 9 (its key's thumbprint).
  const RFC9449_PROOF = 'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19'
    + '.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ'
    + '.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg'
  t('DPoP: RFC 9449 example proof and thumbprint; createDpopProof (non-extractable key) → verifyDpopProof; replay; another URL; no nonce', async () => {
    const o = { htm: 'POST', htu: 'https://server.example.com/token', now: new Date(1562262616000) }
    eq((await lib.verifyDpopProof(RFC9449_PROOF, o)).jkt, '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I', 'RFC 9449 thumbprint')
    const pair = await lib.generateKeyPair('ES256')
    const proof = await lib.createDpopProof(pair, { htm: 'GET', htu: 'https://RS.example:443/a/./b?q=1', accessToken: 'at', now: ctx.NOW })
    const v = { htm: 'GET', htu: 'https://rs.example/a/b', accessToken: 'at', now: ctx.NOW, replayStore: setStore() }
    eq((await lib.verifyDpopProof(proof, v)).jkt, await lib.thumbprint(await lib.exportJwk(pair.publicKey)), 'jkt')
    await ctx.rejects(() => lib.verifyDpopProof(proof, v), 'ERR_DPOP_INVALID', 'second use', claim('jti', 'replayed'))
    await ctx.rejects(() => lib.verifyDpopProof(proof, { ...v, htu: 'https://rs.example/a/c', replayStore: undefined }), 'ERR_DPOP_INVALID', 'other URL', claim('htu', 'mismatch'))
    await ctx.rejects(() => lib.verifyDpopProof(proof, { ...v, nonce: 'n', replayStore: undefined }), 'ERR_DPOP_NONCE_REQUIRED', 'no nonce', claim('nonce', 'missing'))
  })
  t('resource server: Bearer and DPoP through authenticate (Request and Node-style), challenges byte for byte; createDpopFetch nonce round trip', async () => {
    const as = await lib.generateKeyPair('ES256')
    const client = await lib.generateKeyPair('ES256')
    const jkt = await lib.thumbprint(await lib.exportJwk(client.publicKey))
    const API = 'https://rs.example/orders'
    const ALGS = 'algs="ES256 EdDSA"'
    const o = { issuer: AS, audience: 'api', jwks: as.publicKey, dpopAlgorithms: ['ES256', 'EdDSA'] }
    const base = { iss: AS, sub: 'u1', aud: 'api', client_id: 'app', jti: 'at-1', iat: T, exp: T + 300, scope: 'read' }
    const at = await tok(base, 'at+jwt', 'ES256', as.privateKey)
    const bound = await tok({ ...base, cnf: { jkt } }, 'at+jwt', 'ES256', as.privateKey)
    const rs = lib.createResourceServer({ ...o, now: ctx.NOW })
    const bearer = await rs.authenticate(new Request(API, { headers: { authorization: `Bearer ${at}` } }))
    eq([bearer.ok, bearer.scheme, bearer.scopes, bearer.payload.sub], [true, 'Bearer', ['read'], 'u1'], 'Bearer')
    const missing = await rs.authenticate(new Request(API))
    eq([missing.status, missing.headers, missing.error.code], [401, { 'www-authenticate': `Bearer, DPoP ${ALGS}` }, 'ERR_CREDENTIALS_MISSING'], 'missing token')
    eq(await missing.response().text(), '', 'empty body')
    const proof = await lib.createDpopProof(client, { htm: 'GET', htu: API, accessToken: bound, now: ctx.NOW })
    const dpop = () => rs.authenticate(new Request(API, { headers: { authorization: `DPoP ${bound}`, dpop: proof } }))
    const d = await dpop()
    eq([d.ok, d.scheme, d.jkt], [true, 'DPoP', jkt], 'DPoP')
    const again = await dpop()
    eq([again.status, again.headers['www-authenticate'], again.error.code, again.error.claim],
      [401, `Bearer, DPoP error="invalid_dpop_proof", error_description="ERR_DPOP_INVALID", ${ALGS}`, 'ERR_DPOP_INVALID', 'jti'], 'replayed proof')
    const down = await rs.authenticate(new Request(API, { headers: { authorization: `Bearer ${bound}` } }))
    eq(down.headers['www-authenticate'], `Bearer error="invalid_token", error_description="ERR_DPOP_INVALID", DPoP ${ALGS}`, 'bound token under Bearer')
    const node = await lib.createResourceServer({ ...o, now: ctx.NOW, publicUrl: 'https://rs.example' })
      .authenticate({ method: 'GET', url: '/orders', headers: { authorization: `Bearer ${at}` }, rawHeaders: ['Authorization', `Bearer ${at}`, 'authorization', `Bearer ${at}`] })
    eq([node.status, node.error.code], [400, 'ERR_REQUEST_INVALID'], 'two Authorization headers (rawHeaders)')
    // createDpopFetch makes proofs with the real clock: this server and token use it too.
    const now = Math.floor(Date.now() / 1000)
    const live = await tok({ ...base, iat: now, exp: now + 300, cnf: { jkt } }, 'at+jwt', 'ES256', as.privateKey)
    const nonceRs = lib.createResourceServer({ ...o, dpopNonce: { secret: new Uint8Array(32).fill(1) } })
    let calls = 0
    const f = lib.createDpopFetch(client, {
      fetch: async (r) => {
        calls++
        const out = await nonceRs.authenticate(r)
        return out.ok ? new Response('ok', { headers: out.headers }) : out.response()
      },
    })
    const res = await f(API, { accessToken: live, method: 'POST', body: 'x' })
    eq([res.status, await res.text(), calls], [200, 'ok', 2], 'use_dpop_nonce, then one retry with the nonce')
  })
}

// ───────────────────────────── JWE (API.md, JWE) ─────────────────────────────

/**
 * Compact JWE round trips with AES-128/256, RSA-OAEP-256 and ECDH-ES on P-256, and the one
 * failure; then the pieces a runtime may lack (AES-192, missing in Chromium; X25519), as the
 * matrix row says.
 */
function jweTests(t, ctx) {
  const { lib } = ctx
  const text = (b) => new TextDecoder().decode(b)
  t('encrypt → decrypt: dir, A128KW, A256GCMKW, RSA-OAEP-256, ECDH-ES+A256KW; a flipped tag is ERR_JWE_DECRYPTION_FAILED', async () => {
    const s32 = crypto.getRandomValues(new Uint8Array(32))
    const s16 = s32.slice(0, 16)
    const rsa = await crypto.subtle.generateKey({ name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['encrypt', 'decrypt'])
    const ec = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])
    const cases = [
      ['dir', 'A256GCM', s32, s32], ['A128KW', 'A128CBC-HS256', s16, s16], ['A256GCMKW', 'A256CBC-HS512', s32, s32],
      ['RSA-OAEP-256', 'A128GCM', rsa.publicKey, rsa.privateKey], ['ECDH-ES+A256KW', 'A256GCM', ec.publicKey, ec.privateKey],
    ]
    for (const [alg, enc, pub, priv] of cases) {
      const jwe = await lib.encrypt('héllo', pub, { alg, enc, kid: 'k' })
      const { plaintext, header } = await lib.decrypt(jwe, priv, { algorithms: [alg], encryptions: [enc] })
      eq(text(plaintext), 'héllo', `${alg} + ${enc} plaintext`)
      eq(header.kid, 'k', `${alg} header`)
      const p = jwe.split('.')
      p[4] = (p[4][0] === 'A' ? 'B' : 'A') + p[4].slice(1)
      await ctx.rejects(() => lib.decrypt(p.join('.'), priv, { algorithms: [alg] }), 'ERR_JWE_DECRYPTION_FAILED', `${alg} flipped tag`)
    }
    await ctx.rejects(() => lib.decrypt('a.b.c', s32, { algorithms: ['dir'] }), 'ERR_JWE_INVALID', 'three segments')
  })

  // The pieces a WebCrypto may lack (matrix.mjs, `jwe`): every encrypt and decrypt that needs
  // one either works or answers exactly ERR_JOSE_NOT_SUPPORTED, as the row says. The fixed
  // tokens were made on Node 20 (isojwt, checked with jose) with the keys below, so that the
  // decrypting side is tested where nothing can encrypt.
  const bytes = (n) => Uint8Array.from({ length: n }, (_, i) => i + 1)
  const FIXED = {
    'dir+A192GCM': 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMTkyR0NNIn0..wres2kWO5jbR7fLs.iMGsn8agXQ.Pegnv-nx8LQl_leTxajSmg',
    'dir+A192CBC-HS384': 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMTkyQ0JDLUhTMzg0In0..d7aPCkJFkXERwMDDbcJOgA.UC1oCMfXSJ8-32N9ySTtPA._Or_TX9MBfpgFmoA_wFu8oIkj9wP3TWq',
    'A192KW+A128GCM': 'eyJhbGciOiJBMTkyS1ciLCJlbmMiOiJBMTI4R0NNIn0.Si-7U5L15-kf9oE_p1O3-KVup-I9B6JT.dFSwzTEEKLtF-_Qk.tvuazpMfJQ.-Xca1oG_jd0KgbOcCCL84A',
    'A192GCMKW+A128GCM': 'eyJhbGciOiJBMTkyR0NNS1ciLCJlbmMiOiJBMTI4R0NNIiwiaXYiOiJxbTJHYmQ4cU05NmpLMGt2IiwidGFnIjoiX2FtbER2NEpZdm41MU9RWV84Wjl2dyJ9.17x8qG3xJjmSY-_UHF7ZJQ.xWXx1Vb4geNH74rj.d4_gQco_tw.8earNIatH4TkUD9eK1121w',
    x25519: {"crv": "X25519", "d": "CIEKjjyMPqowfd2KyGjXqdrkQs8JFIpSiwGVYJH0TkA", "x": "tqRYXDSpyVLo61ztgh4mr023bv70IB3A5wWSLRb0GRg", "kty": "OKP"},
    'ECDH-ES+A128KW(X25519)+A128GCM': 'eyJhbGciOiJFQ0RILUVTK0ExMjhLVyIsImVuYyI6IkExMjhHQ00iLCJlcGsiOnsia3R5IjoiT0tQIiwiY3J2IjoiWDI1NTE5IiwieCI6IkJCWGMyZGdBQnk1QXhDNG5MWU9PVlVRRHFCcFduY1FxclBqclFoU2FsMTgifX0.K6UH7iBJG8BgXVQkrqJd9KnND_iWBEr6.p33TzC4BWgkdQHBZ.WvyKQq7r.wZ98UlYU9GcChMzGMapAsw',
  }
  const roundTrip = (alg, enc, pub, priv, extra = {}) => async () => text((await lib.decrypt(await lib.encrypt('gap', pub, { alg, enc, ...extra }), priv, { algorithms: [alg], encryptions: [enc] })).plaintext)
  const opened = (jwe, key, alg) => async () => text((await lib.decrypt(jwe, key, { algorithms: [alg] })).plaintext)
  const CASES = {
    'AES-192': [
      ['dir + A192GCM', roundTrip('dir', 'A192GCM', bytes(24), bytes(24)), 'gap'],
      ['dir + A192CBC-HS384', roundTrip('dir', 'A192CBC-HS384', bytes(48), bytes(48)), 'gap'],
      ['A192KW + A128GCM', roundTrip('A192KW', 'A128GCM', bytes(24), bytes(24)), 'gap'],
      ['A192GCMKW + A128GCM', roundTrip('A192GCMKW', 'A128GCM', bytes(24), bytes(24)), 'gap'],
      ['ECDH-ES+A192KW + A128GCM (P-256)', async () => {
        const ec = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])
        return roundTrip('ECDH-ES+A192KW', 'A128GCM', ec.publicKey, ec.privateKey)()
      }, 'gap'],
      ['PBES2-HS384+A192KW + A128GCM', roundTrip('PBES2-HS384+A192KW', 'A128GCM', 'a password', 'a password', { p2c: 1000 }), 'gap'],
      ['decrypt a fixed dir + A192GCM token', opened(FIXED['dir+A192GCM'], bytes(24), 'dir'), 'AES-192'],
      ['decrypt a fixed dir + A192CBC-HS384 token', opened(FIXED['dir+A192CBC-HS384'], bytes(48), 'dir'), 'AES-192'],
      ['decrypt a fixed A192KW token', opened(FIXED['A192KW+A128GCM'], bytes(24), 'A192KW'), 'AES-192'],
      ['decrypt a fixed A192GCMKW token', opened(FIXED['A192GCMKW+A128GCM'], bytes(24), 'A192GCMKW'), 'AES-192'],
    ],
    X25519: [
      ['ECDH-ES + A128GCM to the fixed X25519 key', roundTrip('ECDH-ES', 'A128GCM', { kty: 'OKP', crv: 'X25519', x: FIXED.x25519.x }, FIXED.x25519), 'gap'],
      ['decrypt a fixed ECDH-ES+A128KW (X25519) token', opened(FIXED['ECDH-ES+A128KW(X25519)+A128GCM'], FIXED.x25519, 'ECDH-ES+A128KW'), 'X25519'],
    ],
  }
  for (const piece of JWE_GAPS) {
    const want = ctx.row?.jwe?.[piece] ?? 'either'
    const what = { 'round-trip': 'round-trips (matrix)', refuse: 'is refused with ERR_JOSE_NOT_SUPPORTED, encrypting and decrypting (matrix)', either: 'round-trips or is refused with exactly ERR_JOSE_NOT_SUPPORTED' }[want]
    t(`${piece} ${what ?? `(row says ${show(want)})`}`, async () => {
      ok(what, `matrix row jwe[${piece}] is ${show(want)}`)
      const seen = []
      for (const [name, run, expected] of CASES[piece]) {
        let got
        try {
          got = await run()
        } catch (e) {
          if (e instanceof AssertionFailed) throw e
          ok(ctx.isJose(e) && e.code === 'ERR_JOSE_NOT_SUPPORTED', `${piece}, ${name}: expected a round trip or ERR_JOSE_NOT_SUPPORTED, got ${errorText(e)}`)
          seen.push([name, 'refuse'])
          continue
        }
        eq(got, expected, `${piece}, ${name}: plaintext`)
        seen.push([name, 'round-trip'])
      }
      const kinds = [...new Set(seen.map(([, k]) => k))]
      if (want === 'either') ctx.note(`jwe ${piece} in ${ctx.runtime}: ${kinds.length === 1 ? kinds[0] : seen.map(([n, k]) => `${n}: ${k}`).join(', ')}`)
      else eq(seen.filter(([, k]) => k !== want).map(([n]) => n), [], `${piece} operations that did not ${want} in ${ctx.runtime}`)
    })
  }
  t('encryptJwt → decryptJwt: claims checked after decryption; ECDH-ES only with publicKeyEncryption', async () => {
    const s32 = crypto.getRandomValues(new Uint8Array(32))
    const token = await lib.encryptJwt({ sub: 'u' }, s32, { alg: 'A256KW', enc: 'A128CBC-HS256', audience: 'api', expiresIn: 60 })
    const { header, payload } = await lib.decryptJwt(token, s32, { algorithms: ['A256KW'], audience: 'api' })
    eq(header.typ, 'JWT', 'typ')
    eq(payload.sub, 'u', 'sub')
    eq(typeof payload.exp, 'number', 'exp')
    await ctx.rejects(() => lib.decryptJwt(token, s32, { algorithms: ['A256KW'], audience: 'other' }), 'ERR_JWT_CLAIM_INVALID', 'aud')
    await ctx.rejects(() => lib.decryptJwt(token, s32, { algorithms: ['A256KW'], now: new Date(Date.now() + 120_000) }), 'ERR_JWT_EXPIRED', 'exp')
    const ec = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])
    const pk = await lib.encryptJwt({ sub: 'p' }, ec.publicKey, { alg: 'ECDH-ES', enc: 'A256GCM' })
    await ctx.rejects(() => lib.decryptJwt(pk, ec.privateKey, { algorithms: ['ECDH-ES'] }), 'ERR_JOSE_INVALID_ARGUMENT', 'ECDH-ES listed without publicKeyEncryption')
    eq((await lib.decryptJwt(pk, ec.privateKey, { algorithms: ['ECDH-ES'], publicKeyEncryption: true })).payload.sub, 'p', 'ECDH-ES with publicKeyEncryption')
  })
}

// ───────────────────────────── isojwt/providers ─────────────────────────────

/** The factories isojwt/providers exports (API.md, Identity providers). */
const PROVIDERS = Object.freeze(['auth0', 'clerk', 'cognito', 'entraId', 'firebase', 'google', 'keycloak', 'okta', 'supabase'])

/**
 * One provider (Entra ID, multi-tenant: its rules reach furthest) through an injected
 * fetch: nothing fetched at creation, its key URL over https, a listed tenant accepted,
 * another tenant, a Graph token and a caller's issuer refused, with the root's JoseError.
 * The runner passes the module it imported as 'isojwt/providers' (opts.providers).
 */
function providerTests(t, ctx) {
  const { lib } = ctx
  const p = ctx.providers
  t('isojwt/providers was loaded and has the nine providers', () => {
    ok(p !== null && typeof p === 'object', 'the runner gave no isojwt/providers module (opts.providers)')
    eq(PROVIDERS.filter((n) => typeof p[n] !== 'function'), [], 'providers that are not functions')
  })
  if (p === null || typeof p !== 'object' || typeof p.entraId !== 'function') return
  const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
  const OTHER = 'cbb1a5ac-f33b-45fa-9bf5-f37db0fed422'
  const KEYS = 'https://login.microsoftonline.com/organizations/discovery/v2.0/keys'
  t('entraId (organizations, allowedTenants) through an injected fetch', async () => {
    const { privateKey, publicKey } = await ctx.pair('RS256')
    const { kty, n, e } = await lib.exportJwk(publicKey)
    const urls = []
    const fetch = async (url) => {
      urls.push(String(url))
      const keys = [{ kty, n, e, use: 'sig', kid: 'k1', issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }]
      return new Response(JSON.stringify({ keys }), { status: 200, headers: { 'content-type': 'application/json' } })
    }
    const entra = p.entraId({ tenant: 'organizations', audience: 'api://conformance', allowedTenants: [TENANT], fetch, now: ctx.NOW })
    eq(urls, [], 'requests made at creation')
    const claims = (tid) => ({ iss: `https://login.microsoftonline.com/${tid}/v2.0`, tid, aud: 'api://conformance', sub: 's', iat: ctx.NOW_S, exp: ctx.NOW_S + 60, scp: 'read write' })
    const sign = (c, header = {}) => lib.sign(c, privateKey, { alg: 'RS256', kid: 'k1', header })
    const r = await entra.verify(await sign(claims(TENANT)), { requiredScopes: ['read'] })
    eq([r.payload.tid, r.scopes], [TENANT, ['read', 'write']], 'tid and scopes of the accepted token')
    eq(urls, [KEYS], 'the key URL requested')
    const foreign = await ctx.rejects(() => sign(claims(OTHER)).then((x) => entra.verify(x)), 'ERR_JWT_CLAIM_INVALID', 'a tenant not in allowedTenants')
    eq(foreign.claim, 'tid', 'the claim of the refusal')
    ok(foreign instanceof ctx.rawLib.JoseError, 'the refusal is the root\'s JoseError (one copy of the core)')
    await ctx.rejects(() => sign(claims(TENANT), { nonce: 'graph' }).then((x) => entra.verify(x)), 'ERR_JWS_SIGNATURE_INVALID', 'a Microsoft Graph token')
    await ctx.rejects(() => sign(claims(TENANT)).then((x) => entra.verify(x, { issuer: claims(TENANT).iss })), 'ERR_JOSE_INVALID_ARGUMENT', 'a caller\'s issuer')
  })
  t('a multi-tenant entraId without allowedTenants is refused at creation', () => {
    let thrown
    try {
      p.entraId({ tenant: 'common', audience: 'api://conformance' })
    } catch (e) {
      thrown = e
    }
    eq(lib.isJoseError(thrown) && thrown.code, 'ERR_JOSE_INVALID_ARGUMENT', 'entraId({ tenant: common }) without allowedTenants')
  })
}

// ───────────────────────────── sections and the runner ─────────────────────────────

/**
 * The sections, in order. Each runs in every runtime: API.md features are not optional,
 * so a build without one fails its section instead of skipping it.
 */
const SECTIONS = [
  { name: 'environment', tests: environmentTests },
  { name: 'matrix', tests: matrixTests },
  { name: 'key forms', tests: keyFormTests },
  { name: 'string keys', tests: stringKeyRuleTests },
  { name: 'certificates', tests: certificateTests },
  { name: 'vectors', tests: vectorTests },
  { name: 'tamper', tests: tamperTests },
  { name: 'claims', tests: claimTests },
  { name: 'decode', tests: decodeTests },
  { name: 'keys', tests: keysApiTests },
  { name: 'jwe', tests: jweTests },
  { name: 'hostile', tests: hostileTests },
  // keysets.mjs; the remote section needs the runner's JWK Set server (opts.jwksBaseUrl).
  { name: 'key sets', tests: (t, ctx) => localKeySetTests(t, ctx, HELPERS) },
  { name: 'prepared', tests: (t, ctx) => preparedTests(t, ctx, HELPERS) },
  { name: 'remote key sets', tests: (t, ctx) => { remoteUrlTests(t, ctx, HELPERS); remoteKeySetTests(t, ctx, HELPERS) } },
  { name: 'discovery', tests: (t, ctx) => discoveryTests(t, ctx, HELPERS) },
  // API.md "OAuth 2.0 and OpenID Connect profiles".
  { name: 'oauth', tests: oauthTests },
  // API.md "Identity providers": isojwt/providers, given by the runner (opts.providers).
  { name: 'providers', tests: providerTests },
]

/** What keysets.mjs borrows from this harness. */
const HELPERS = Object.freeze({ ok, eq, fail, show, isCryptoKey, b64u, split, withoutAlg, publicOf, SECRET, CERTS })

function snapshotPrototypes() {
  const names = (o) => Object.getOwnPropertyNames(o).concat(Object.getOwnPropertySymbols(o).map(String)).sort().join(',')
  return { object: names(Object.prototype), array: names(Array.prototype), func: names(Function.prototype) }
}

/**
 * Runs the suite against `lib` (the isojwt module namespace) for `opts.runtime` (a key
 * of MATRIX). Never throws. Returns { passed, failed, failures, backend }.
 */
export async function runSuite(lib, opts = {}) {
  let log = (line) => console.log(line)
  const state = { passed: 0, failed: 0, failures: [], backend: undefined }
  const record = (name, message) => {
    state.failed++
    const line = `FAIL ${name}: ${String(message).replace(/\s*[\r\n]+\s*/g, ' ')}`
    state.failures.push(line)
    try {
      log(line)
    } catch {
      // a broken logger must not stop the suite
    }
  }
  try {
    if (opts && typeof opts.log === 'function') log = opts.log
    const runtime = opts?.runtime
    const row = typeof runtime === 'string' && Object.hasOwn(MATRIX, runtime) ? MATRIX[runtime] : undefined
    if (lib === null || (typeof lib !== 'object' && typeof lib !== 'function')) {
      record('suite', `lib must be the isojwt module namespace, got ${show(lib)}`)
      return state
    }
    try {
      state.backend = lib.JoseError?.[BACKEND_TAG]
    } catch (e) {
      record('suite', `reading the backend tag threw ${errorText(e)}`)
    }
    // The sections get the module through a proxy that notes which exports they read.
    const used = new Set()
    const recorded = new Proxy(lib, { get: (target, name) => (used.add(name), Reflect.get(target, name)) })
    let nowS = DEFAULT_NOW_S
    if (opts?.now !== undefined) {
      const d = typeof opts.now === 'function' ? opts.now() : opts.now
      if (!isDate(d)) throw new Error('opts.now must be a Date or a function returning one')
      nowS = Math.floor(d.getTime() / 1000)
    }
    const ctx = makeContext(recorded, row, nowS)
    ctx.rawLib = lib
    ctx.runtime = runtime
    ctx.jwksBaseUrl = opts?.jwksBaseUrl
    /** A fact the suite observed but does not judge (a matrix entry still 'either'). */
    ctx.note = (line) => log(`note ${line}`)
    ctx.providers = opts?.providers
    const before = snapshotPrototypes()
    // Start every key generation now, concurrently: tests await the shared promises.
    if (row) for (const alg of row.mustRoundTrip) if (KIND[alg] !== 'oct') ctx.pair(alg)
    const tests = []
    for (const section of SECTIONS) {
      try {
        section.tests((name, fn) => tests.push({ name: `${section.name} › ${name}`, fn }), ctx)
      } catch (e) {
        record(section.name, `registering tests threw ${errorText(e)}`)
      }
    }
    tests.push({ name: 'final › every export was used by a section', fn: () => eq(EXPORTS.filter((n) => !used.has(n)), [], 'exports no section used') })
    tests.push({ name: 'final › no prototype was modified', fn: () => eq(snapshotPrototypes(), before, 'own property names of Object/Array/Function.prototype') })
    for (const { name, fn } of tests) {
      try {
        await withTimeout(Promise.resolve().then(() => fn()), TEST_TIMEOUT_MS, name)
        state.passed++
      } catch (e) {
        record(name, e instanceof AssertionFailed ? e.message : `threw ${errorText(e)}`)
      }
    }
  } catch (e) {
    record('suite', `crashed: ${errorText(e)}`)
  } finally {
    try {
      log(`${state.passed} passed, ${state.failed} failed`)
    } catch {
      // nothing left to do
    }
  }
  return state
}
