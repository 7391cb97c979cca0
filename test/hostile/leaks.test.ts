/**
 * API.md, Errors: "No message, cause chain or enumerable property contains key material,
 * the token or a signature; untrusted header or claim text appears at most as 64 escaped
 * printable characters; errors from JSON.parse, atob, TextDecoder and WebCrypto are
 * attached as cause only after their message is replaced by fixed text."
 * Each scenario provokes a specific failure with secrets planted where a careless
 * message would pick them up, then inspects message, stack, String(), JSON.stringify,
 * every enumerable property and the whole cause chain.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import * as lib from '../../src/index.ts'
import { decode, importKey, sign, signJws, thumbprint, verify, verifyJws } from '../../src/index.ts'
import { EC_PRIVATE_JWK, EC_PUBLIC_JWK, NOW, OCT_JWK, SECRET, T, b64u, hsToken } from './fixtures.ts'
import { errorName, errorText, isProperJose, run } from './harness.ts'

const HS = { algorithms: ['HS256' as const], now: NOW }
const HEADER = '{"alg":"HS256","typ":"JWT"}'

async function failure(f: () => unknown): Promise<lib.JoseError> {
  const r = await run(f)
  expect(r.ok, 'expected a failure').toBe(false)
  if (r.ok) throw new Error('unreachable')
  expect(isProperJose(r.error), errorName(r.error)).toBe(true)
  return r.error as lib.JoseError
}

function expectClean(e: unknown, forbidden: readonly string[]): void {
  const text = errorText(e)
  for (const s of forbidden) {
    expect(s.length).toBeGreaterThanOrEqual(8) // a forbidden string must be specific
    expect(text.includes(s), `error text contains ${s.slice(0, 16)}… (${errorName(e)})`).toBe(false)
  }
}

/** Untrusted text in messages: ≤ 64 printable characters, control/bidi characters escaped. */
function expectQuotedAtMost64(e: unknown, marker: string): void {
  // the verified `payload` is carried on purpose (API.md); everything else is checked
  const text = errorText(e, 0, new Set(['payload']))
  expect(text.includes(marker.repeat(65)), 'more than 64 characters of untrusted text').toBe(false)
  for (const bad of ['\u202e', '\u0000', '\u001b', '\u2028']) expect(text.includes(bad), `raw ${JSON.stringify(bad)} in message`).toBe(false)
}

describe('no key material in errors', () => {
  it('wrong secret: neither secret, the token nor its signature', async () => {
    const token = hsToken(HEADER, `{"sub":"x","iat":${T}}`)
    const other = `other-secret-${randomBytes(16).toString('hex')}`
    const e = await failure(() => verify(token, other, HS))
    expect(e.code).toBe('ERR_JWS_SIGNATURE_INVALID')
    expectClean(e, [token, token.split('.')[2]!, other, SECRET])
  })

  it('short HMAC secret (ERR_KEY_INVALID) on sign and on verify', async () => {
    const short = `tiny${randomBytes(4).toString('hex')}`
    for (const e of [await failure(() => sign({}, short, { alg: 'HS256' })), await failure(() => verify(hsToken(HEADER, '{}', short), short, HS))]) {
      expect(e.code).toBe('ERR_KEY_INVALID')
      expectClean(e, [short])
    }
  })

  it('string keys refused as JSON-like or PEM-like carry none of their text', async () => {
    const body = randomBytes(48).toString('base64')
    const marker = `JSONKEY${randomBytes(8).toString('hex')}`
    for (const key of [
      `{"kty":"oct","k":"${marker}"}`,
      `  {${marker}`,
      `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`,
      `-----BEGIN EC PRIVATE KEY-----\n${body}\n-----END EC PRIVATE KEY-----\n`,
      `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${body}\n-----END ENCRYPTED PRIVATE KEY-----\n`,
      `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`,
      `secret with -----END ${marker} inside`,
    ]) {
      const e = await failure(() => sign({}, key, { alg: 'HS256' }))
      expect(['ERR_KEY_INVALID', 'ERR_JOSE_NOT_SUPPORTED']).toContain(e.code)
      expectClean(e, [body.slice(8, 40), marker])
    }
  })

  it('private JWK misuse: d never appears (bad crv, wrong alg, bad x, as a verification key)', async () => {
    const d = EC_PRIVATE_JWK.d
    const cases: (() => unknown)[] = [
      () => importKey({ ...EC_PRIVATE_JWK, crv: 'P-384' }, 'ES384'),
      () => importKey({ ...EC_PRIVATE_JWK }, 'ES384'),
      () => importKey({ ...EC_PRIVATE_JWK, x: 'AAAA' }, 'ES256'),
      () => importKey({ ...EC_PRIVATE_JWK, alg: 'RS256' }, 'ES256'),
      () => sign({}, { ...EC_PRIVATE_JWK, y: EC_PUBLIC_JWK.x }, { alg: 'ES256' }),
      () => sign({}, { ...EC_PRIVATE_JWK }, { alg: 'HS256' }),
      () => verify(hsToken(HEADER, '{}'), { ...EC_PRIVATE_JWK }, { algorithms: ['ES256'] }),
      () => thumbprint({ ...EC_PRIVATE_JWK, kty: 'RSA' }),
    ]
    for (const c of cases) expectClean(await failure(c), [d])
  })

  it('RSA private JWK with a corrupt member: no d, p, q, dp, dq, qi', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as Record<string, string>
    const privates = ['d', 'p', 'q', 'dp', 'dq', 'qi'].map((k) => rsa[k]!.slice(0, 40))
    for (const broken of [{ ...rsa, n: 'AAAA' }, { ...rsa, e: '' }, { ...rsa, d: 'AA=' }, { ...rsa, alg: 'ES256' }]) {
      expectClean(await failure(() => importKey(broken as lib.Jwk, 'RS256')), privates)
      expectClean(await failure(() => sign({}, broken as lib.Jwk, { alg: 'RS256' })), privates)
    }
  })

  it('oct JWK: k never appears (short k, wrong alg, non-canonical k)', async () => {
    const short = b64u(randomBytes(12))
    expectClean(await failure(() => importKey({ kty: 'oct', k: short }, 'HS256')), [short])
    expectClean(await failure(() => importKey({ ...OCT_JWK, alg: 'HS512' }, 'HS256')), [OCT_JWK.k])
    const padded = `${b64u(randomBytes(33))}=`
    expectClean(await failure(() => importKey({ kty: 'oct', k: padded }, 'HS256')), [padded.slice(0, 40)])
    expectClean(await failure(() => verify(hsToken(HEADER, '{}'), { ...OCT_JWK, alg: 'HS384' }, HS)), [OCT_JWK.k])
  })
})

describe('no token, signature or long untrusted text in errors', () => {
  it('expired token: carries the payload, not the token or signature', async () => {
    const token = hsToken(HEADER, `{"sub":"x","exp":${T - 10}}`)
    const e = await failure(() => verify(token, SECRET, HS))
    expect(e.code).toBe('ERR_JWT_EXPIRED')
    expect(e.payload).toEqual({ sub: 'x', exp: T - 10 })
    expectClean(e, [token, token.split('.')[2]!, token.split('.')[0]!, SECRET])
  })

  it('claim and header text is cut to 64 escaped characters', async () => {
    const nasty = 'Q'.repeat(5000)
    const evil = `evil\u202e\u0000\u001b[31m\u2028${nasty}`
    const cases: [string, string, object][] = [
      [HEADER, JSON.stringify({ iss: evil, iat: T }), { ...HS, issuer: 'https://good' }],
      [HEADER, JSON.stringify({ sub: evil, iat: T }), { ...HS, subject: 'good' }],
      [HEADER, JSON.stringify({ aud: [evil, evil], iat: T }), { ...HS, audience: 'good' }],
      [JSON.stringify({ alg: 'HS256', typ: evil }), `{"iat":${T}}`, HS],
      [JSON.stringify({ alg: evil }), `{"iat":${T}}`, HS],
      [JSON.stringify({ alg: 'HS256', crit: [evil], [evil]: 1 }), `{"iat":${T}}`, HS],
      [JSON.stringify({ alg: 'HS256', kid: evil }), `{"iat":${T}}`, { ...HS, algorithms: ['ES256'] }],
    ]
    for (const [h, p, opts] of cases) {
      const token = hsToken(h, p)
      const e = await failure(() => verify(token, SECRET, opts as never))
      expectQuotedAtMost64(e, 'Q')
      expectClean(e, [token.split('.')[2]!, SECRET])
    }
  })

  it('JSON.parse / TextDecoder failures: the cause has fixed text, not the input', async () => {
    const marker = `JSONLEAK${randomBytes(6).toString('hex')}`
    // [token, does verifyJws fail too (header broken) or not (only the JWT payload is broken)]
    const tokens: [string, boolean][] = [
      [`${b64u(`{"alg":"HS256","x":"${marker}`)}.${b64u('{}')}.${'A'.repeat(43)}`, true], // truncated header JSON
      [`${b64u(`{"alg":"HS256",${marker}}`)}.${b64u('{}')}.${'A'.repeat(43)}`, true], // bad token in JSON
      [hsToken(HEADER, `{"a":"${marker}`), false], // payload JSON broken after a valid signature
      [hsToken(HEADER, `[${marker}]`), false],
      [`${b64u(Buffer.concat([Buffer.from(`{"alg":"${marker}`), Buffer.from([0xff, 0xfe])]))}.${b64u('{}')}.AAAA`, true], // invalid UTF-8
    ]
    for (const [t, jwsFails] of tokens) {
      const calls: (() => unknown)[] = [() => decode(t), () => verify(t, SECRET, HS)]
      if (jwsFails) calls.push(() => verifyJws(t, SECRET, { algorithms: ['HS256'] }))
      for (const f of calls) {
        const e = await failure(f)
        expectClean(e, [marker, t])
      }
    }
  })

  it('WebCrypto failures (malformed EC point, wrong-length signature) carry no key or signature bytes', async () => {
    const bogus = { ...EC_PUBLIC_JWK, x: b64u(randomBytes(32)) } // almost surely not on the curve
    const e1 = await failure(() => importKey(bogus, 'ES256'))
    expectClean(e1, [bogus.x])
    const sig = b64u(randomBytes(70))
    const t = `${b64u('{"alg":"ES256"}')}.${b64u('{}')}.${sig}`
    const e2 = await failure(() => verify(t, { ...EC_PUBLIC_JWK }, { algorithms: ['ES256'] }))
    expectClean(e2, [sig, t])
  })

  it('2 MB inputs: not echoed (decode, verify, verifyJws, signJws options, keys)', async () => {
    const big = 'Z'.repeat(2 * 1024 * 1024)
    const calls: (() => unknown)[] = [
      () => decode(big),
      () => decode(`${big}.${big}.${big}`),
      () => verify(big, SECRET, HS),
      () => verifyJws(`${b64u('{"alg":"HS256"}')}.${big}.AAAA`, SECRET, { algorithms: ['HS256'] }),
      () => signJws('x', SECRET, { alg: 'HS256', kid: big as never, header: { crit: [big] } }),
      () => sign({}, `{${big}`, { alg: 'HS256' }),
      () => verify(hsToken(HEADER, `{"iat":${T},"iss":"x"}`), SECRET, { ...HS, issuer: big }),
      () => verify(hsToken(HEADER, `{"iat":${T},"aud":"x"}`), SECRET, { ...HS, audience: [big, 'y'] }),
      () => importKey({ kty: 'EC', crv: big, x: big, y: big }, 'ES256'),
    ]
    for (const c of calls) expectClean(await failure(c), ['Z'.repeat(65)])
  })

  it('JSON.stringify(err) and enumerable properties: only the documented fields', async () => {
    const token = hsToken(HEADER, `{"sub":"x","iat":${T}}`)
    const e = await failure(() => verify(token, SECRET, { ...HS, issuer: 'https://expected' }))
    expect(e.code).toBe('ERR_JWT_CLAIM_INVALID')
    const allowed = new Set(['code', 'claim', 'reason', 'expiredAt', 'notBefore', 'payload', 'cause'])
    expect(Object.keys(e).filter((k) => !allowed.has(k))).toEqual([])
    const json = JSON.stringify(e)
    expect(json.includes(token.split('.')[2]!)).toBe(false)
    expect(json.includes(SECRET)).toBe(false)
  })
})
