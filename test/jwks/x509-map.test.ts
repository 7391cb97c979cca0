/**
 * Certificate maps (API.md, Identity providers: `createRemoteJwks(url, { format: 'x509-map' })`):
 * Google's and Firebase's `{ kid: certificate PEM }` documents. Each certificate goes
 * through the key layer's certificate reading (RSA at least 2048 bits and every other
 * check a certificate gets) and becomes the public JWK of its key with that `kid`; the
 * freshness, cooldown and cacheStore rules are the JWK Set's. A malformed map fails as a
 * malformed JWK Set does (ERR_JWKS_FETCH_FAILED). Served by an injected `fetch`.
 */
import { createPrivateKey, createPublicKey, sign as nodeSign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createRemoteJwks, createVerifier, verify, type JwksCacheStore, type RemoteJwksOptions } from '../../src/index.ts'
import { expectDeepFrozen, makeClock, rejectsWith, throwsWith } from './helpers.ts'
import { EC256_CERT, EC256_KEY, ED25519_CERT, ED25519_KEY, RSA1024_CERT, RSA2048_CERT, RSA2048_KEY, RSA2048B_CERT, RSA2048B_KEY } from './x509-fixtures.ts'

const URL_ = 'https://www.googleapis.com/oauth2/v1/certs'
const b64u = (x: string | Uint8Array) => Buffer.from(x).toString('base64url')

/** A token signed with node:crypto: RS256, ES256 (P1363) or EdDSA, with `kid`. */
function tokenWith(keyPem: string, alg: 'RS256' | 'ES256' | 'EdDSA', kid: string | undefined, payload: Record<string, unknown> = { sub: 'u1' }): string {
  const input = `${b64u(JSON.stringify({ alg, typ: 'JWT', ...(kid !== undefined && { kid }) }))}.${b64u(JSON.stringify(payload))}`
  const key = createPrivateKey(keyPem)
  const sig = alg === 'EdDSA' ? nodeSign(null, Buffer.from(input), key) : nodeSign('sha256', Buffer.from(input), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key)
  return `${input}.${b64u(sig)}`
}

interface Served {
  fetch: typeof fetch
  /** The requests made, with their Accept header. */
  requests: Array<{ url: string; accept: string | null }>
  /** What the next responses are. */
  body: unknown
  status: number
  headers: Record<string, string>
}

/** An injected fetch that answers `served.body` (JSON unless a string) and counts requests. */
function serve(body: unknown, headers: Record<string, string> = {}): Served {
  const s: Served = {
    requests: [], body, status: 200, headers,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      s.requests.push({ url: String(input), accept: new Headers(init?.headers).get('accept') })
      const text = typeof s.body === 'string' ? s.body : JSON.stringify(s.body)
      return new Response(text, { status: s.status, headers: { 'content-type': 'application/json', ...s.headers } })
    }) as typeof fetch,
  }
  return s
}

const map = (entries: Record<string, unknown>) => entries
const GOOD = map({ 'kid-a': RSA2048_CERT, 'kid-b': RSA2048B_CERT })
const set = (s: Served, o: RemoteJwksOptions = {}) => createRemoteJwks(URL_, { format: 'x509-map', fetch: s.fetch, ...o })

describe("format 'x509-map': certificates become keys with their kid", () => {
  it('RS256 tokens of each certificate verify (algorithms required: the keys pin nothing); the JWKs are the certificates\' keys', async () => {
    const s = serve(GOOD)
    const jwks = set(s)
    const a = tokenWith(RSA2048_KEY, 'RS256', 'kid-a')
    const b = tokenWith(RSA2048B_KEY, 'RS256', 'kid-b')
    expect((await verify(a, jwks, { algorithms: ['RS256'] })).payload).toEqual({ sub: 'u1' })
    expect((await verify(b, jwks, { algorithms: ['RS256'] })).payload).toEqual({ sub: 'u1' })
    await rejectsWith(() => verify(a, jwks), 'ERR_JOSE_ALG_NOT_ALLOWED')
    // kid-a's token under kid-b's name: kid-b's key does not verify it.
    await rejectsWith(() => verify(tokenWith(RSA2048_KEY, 'RS256', 'kid-b'), jwks, { algorithms: ['RS256'] }), 'ERR_JWS_SIGNATURE_INVALID')
    const expected = [['kid-a', RSA2048_CERT], ['kid-b', RSA2048B_CERT]].map(([kid, cert]) => {
      const { n, e } = createPublicKey(cert!).export({ format: 'jwk' }) as { n: string; e: string }
      return { kty: 'RSA', kid, n, e }
    })
    expect(jwks.jwks).toEqual({ keys: expected })
    expectDeepFrozen(jwks.jwks)
    expect(s.requests).toEqual([{ url: URL_, accept: 'application/json' }])
  })

  it('EC P-256 and Ed25519 certificates too (their curve pins the algorithm)', async () => {
    const jwks = set(serve({ ec: EC256_CERT, ed: ED25519_CERT }))
    await expect(verify(tokenWith(EC256_KEY, 'ES256', 'ec'), jwks)).resolves.toBeTruthy()
    await expect(verify(tokenWith(ED25519_KEY, 'EdDSA', 'ed'), jwks)).resolves.toBeTruthy()
    const [ec, ed] = jwks.jwks!.keys
    expect(ec).toEqual({ kty: 'EC', kid: 'ec', crv: 'P-256', ...pick(createPublicKey(EC256_CERT).export({ format: 'jwk' }), 'x', 'y') })
    expect(ed).toEqual({ kty: 'OKP', kid: 'ed', crv: 'Ed25519', ...pick(createPublicKey(ED25519_CERT).export({ format: 'jwk' }), 'x') })
  })

  it('PEM as providers and environment variables write it: CRLF, literal \\n escapes, one line', async () => {
    const body = RSA2048_CERT.split('\n').slice(1, -2).join('')
    const forms = [RSA2048_CERT.replace(/\n/g, '\r\n'), RSA2048_CERT.replace(/\n/g, '\\n'), `-----BEGIN CERTIFICATE-----${body}-----END CERTIFICATE-----`]
    for (const pem of forms) {
      const jwks = set(serve({ 'kid-a': pem }))
      await expect(verify(tokenWith(RSA2048_KEY, 'RS256', 'kid-a'), jwks, { algorithms: ['RS256'] })).resolves.toBeTruthy()
    }
  })

  it('an empty map is an empty set (no key fits), as an empty JWK Set is', async () => {
    await rejectsWith(() => verify(tokenWith(RSA2048_KEY, 'RS256', 'kid-a'), set(serve({})), { algorithms: ['RS256'] }), 'ERR_JWKS_NO_MATCHING_KEY')
  })
})

function pick(o: object, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((n) => [n, (o as Record<string, unknown>)[n]]))
}

describe("format 'x509-map': a malformed map is ERR_JWKS_FETCH_FAILED, as a malformed JWK Set", () => {
  const garbage = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----'
  const truncated = RSA2048_CERT.replace(/\n[^\n]+\n-----END/, '\n-----END')
  const spki = createPublicKey(RSA2048_CERT).export({ format: 'pem', type: 'spki' }) as string
  const table: Array<[string, unknown, RegExp]> = [
    ['an array', [RSA2048_CERT], /the certificate map from .* is not a JSON object/],
    ['a JWK Set', { keys: [] }, /certificate map must be a JSON object/],
    ['a number value', { a: 1 }, /"kid" "a" is refused: not a CERTIFICATE PEM/],
    ['an object value', { a: { pem: RSA2048_CERT } }, /"kid" "a" is refused/],
    ['null', { a: null }, /"kid" "a" is refused/],
    ['not PEM', { a: 'MIIDHzCCAgegAwIBAgIU' }, /"kid" "a" is refused: malformed PEM/],
    ['a PEM whose body is no certificate', { a: garbage }, /"kid" "a" is refused: malformed DER/],
    ['a truncated certificate', { a: truncated }, /"kid" "a" is refused/],
    ['a PUBLIC KEY, not a certificate', { a: spki }, /"kid" "a" is refused: not a CERTIFICATE PEM/],
    ['a private key', { a: RSA2048_KEY }, /"kid" "a" is refused: not a CERTIFICATE PEM/],
    ['two certificates in one value (a chain)', { a: RSA2048_CERT + RSA2048B_CERT }, /"kid" "a" is refused: the PEM holds 2 blocks/],
    ['an RSA-1024 certificate beside a good one', { good: RSA2048_CERT, weak: RSA1024_CERT }, /"kid" "weak" is refused: RSA keys must be at least 2048 bits/],
  ]
  for (const [name, body, message] of table) {
    it(name, async () => {
      const s = serve(body)
      const e = await rejectsWith(() => verify(tokenWith(RSA2048_KEY, 'RS256', 'good'), set(s), { algorithms: ['RS256'] }), 'ERR_JWKS_FETCH_FAILED')
      expect(e.message).toMatch(message)
      expect(e.message).toContain('the certificate map from https://www.googleapis.com/oauth2/v1/certs')
      expect(s.requests.length).toBe(1)
    })
  }

  it('non-JSON and oversize bodies, more certificates than maxKeys', async () => {
    await rejectsWith(() => set(serve('<html>')).reload(), 'ERR_JWKS_FETCH_FAILED')
    await expect(set(serve({ a: RSA2048_CERT, b: RSA2048B_CERT }), { maxKeys: 2 }).reload()).resolves.toBeUndefined()
    const e = await rejectsWith(() => set(serve({ a: RSA2048_CERT, b: RSA2048B_CERT }), { maxKeys: 1 }).reload(), 'ERR_JWKS_FETCH_FAILED')
    expect(e.message).toContain('more than 1 certificates')
    const big = { a: RSA2048_CERT, pad: 'x'.repeat(4096) }
    const e2 = await rejectsWith(() => set(serve(big), { maxResponseBytes: 2048 }).reload(), 'ERR_JWKS_FETCH_FAILED')
    expect(e2.message).toContain('larger than 2048 bytes')
  })

  it("the default format refuses a certificate map (no \"keys\"); format is 'jwks' or 'x509-map', checked at creation", async () => {
    const s = serve(GOOD)
    const e = await rejectsWith(() => createRemoteJwks(URL_, { fetch: s.fetch }).reload(), 'ERR_JWKS_FETCH_FAILED')
    expect(e.message).toContain('fetching the JWK Set from')
    for (const format of ['x509', 'pem', '', 1, null]) {
      throwsWith(() => createRemoteJwks(URL_, { format: format as never, fetch: s.fetch }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
    expect(createRemoteJwks(URL_, { format: 'jwks', fetch: s.fetch })).toBeTypeOf('function')
  })
})

describe("format 'x509-map': the JWK Set's freshness, cooldown and cacheStore rules", () => {
  it('Cache-Control max-age sets the lifetime; an unknown kid refetches once per cooldown', async () => {
    const clock = makeClock()
    const s = serve({ 'kid-a': RSA2048_CERT }, { 'cache-control': 'public, max-age=120' })
    const jwks = set(s, { now: clock.now })
    const verifyB = () => verify(tokenWith(RSA2048B_KEY, 'RS256', 'kid-b'), jwks, { algorithms: ['RS256'] })
    await jwks.reload()
    await rejectsWith(verifyB, 'ERR_JWKS_NO_MATCHING_KEY')
    expect(s.requests.length).toBe(1) // within the cooldown (30 s from the start of the last fetch): none
    clock.advance(31)
    await rejectsWith(verifyB, 'ERR_JWKS_NO_MATCHING_KEY')
    expect(s.requests.length).toBe(2) // the unknown kid: one refetch
    await rejectsWith(verifyB, 'ERR_JWKS_NO_MATCHING_KEY')
    expect(s.requests.length).toBe(2)
    // Google rotates: kid-b appears. After the cooldown the unknown kid is looked for again.
    s.body = { 'kid-a': RSA2048_CERT, 'kid-b': RSA2048B_CERT }
    clock.advance(31)
    await expect(verifyB()).resolves.toBeTruthy()
    expect(s.requests.length).toBe(3)
    clock.advance(119) // 119 s after the last fetch: still fresh (max-age 120)
    await verify(tokenWith(RSA2048_KEY, 'RS256', 'kid-a'), jwks, { algorithms: ['RS256'] })
    expect(s.requests.length).toBe(3)
    clock.advance(1) // 120 s: refreshed on use
    await verify(tokenWith(RSA2048_KEY, 'RS256', 'kid-a'), jwks, { algorithms: ['RS256'] })
    expect(s.requests.length).toBe(4)
  })

  it('a map that turns malformed keeps the last good set for staleIfError, then fails', async () => {
    const clock = makeClock()
    const s = serve({ 'kid-a': RSA2048_CERT }, { 'cache-control': 'max-age=60' })
    const jwks = set(s, { now: clock.now, staleIfError: 600 })
    const verifyA = () => verify(tokenWith(RSA2048_KEY, 'RS256', 'kid-a'), jwks, { algorithms: ['RS256'] })
    await verifyA()
    s.body = { 'kid-a': RSA1024_CERT }
    clock.advance(61)
    await expect(verifyA()).resolves.toBeTruthy() // stale, served
    expect(s.requests.length).toBe(2)
    clock.advance(700)
    await rejectsWith(verifyA, 'ERR_JWKS_FETCH_FAILED')
  })

  it('cacheStore: the keys (as JWKs) are shared; a second set reads them without fetching, revalidated', async () => {
    const clock = makeClock()
    const stored = new Map<string, unknown>()
    const cacheStore: JwksCacheStore = { get: (url) => stored.get(url), set: (url, entry) => void stored.set(url, entry) }
    const s = serve({ 'kid-a': RSA2048_CERT }, { 'cache-control': 'max-age=300' })
    await set(s, { now: clock.now, cacheStore }).reload()
    await Promise.resolve()
    const entry = stored.get(URL_) as { url: string; keys: unknown[] }
    expect(entry.url).toBe(URL_)
    expect(entry.keys).toEqual([expect.objectContaining({ kty: 'RSA', kid: 'kid-a' })])
    const offline = serve({}, {})
    offline.status = 503
    const second = set(offline, { now: clock.now, cacheStore })
    await expect(verify(tokenWith(RSA2048_KEY, 'RS256', 'kid-a'), second, { algorithms: ['RS256'] })).resolves.toBeTruthy()
    expect(offline.requests.length).toBe(0)
  })

  it('createVerifier({ cache }) over a certificate map: hits still need the same key', async () => {
    const s = serve({ 'kid-a': RSA2048_CERT })
    const jwks = set(s)
    const v = createVerifier(jwks, { algorithms: ['RS256'], cache: 10 })
    const t = tokenWith(RSA2048_KEY, 'RS256', 'kid-a')
    await v(t)
    await v(t)
    expect(s.requests.length).toBe(1)
  })
})
