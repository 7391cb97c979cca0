/**
 * Issue 15, "Errors that say how to fix them": each common mistake is refused (or, for
 * unambiguous PEM text, accepted) with a message that names the fix. Codes are the
 * contract; these tests pin the hint in the message as well, since the hint is the fix.
 */
import { generateKeyPairSync } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createVerifier, decode, importKey, isJoseError, sign, verify, verifyAccessToken, verifyJws, type JoseError,
} from '../../src/index.ts'
import type { JoseErrorCode } from '../../src/errors.ts'
import type { Jwk, KeyInput } from '../../src/types.ts'

const SECRET = 'correct horse battery staple, 40 chars!!'
const HS = { algorithms: ['HS256' as const] }
let token: string

beforeAll(async () => {
  token = await sign({ sub: 'u' }, SECRET, { alg: 'HS256' })
})

async function refused(run: () => unknown, code: JoseErrorCode, hint: RegExp): Promise<JoseError> {
  let e: unknown
  try {
    await run()
  } catch (err) {
    e = err
  }
  expect(isJoseError(e), String(e)).toBe(true)
  const j = e as JoseError
  expect(j.code).toBe(code)
  expect(j.message).toMatch(hint)
  if (token) expect(j.message).not.toContain(token.slice(0, 20))
  return j
}

/** Every entry point that verifies a token (decode keeps the plain message: its bundle stays small, issue 15). */
const READERS: [string, (t: string) => unknown][] = [
  ['verify', (t) => verify(t, SECRET, HS)],
  ['createVerifier', (t) => createVerifier(SECRET, HS)(t)],
  ['verifyJws', (t) => verifyJws(t, SECRET, HS)],
]

describe('tokens: rows 1-3 (still refused, the message says what is wrong)', () => {
  const cases: [string, () => string, RegExp][] = [
    ['an empty token', () => '', /the token is empty/],
    ['a token of whitespace', () => '  \t ', /the token is empty/],
    ['a newline only', () => '\n', /the token is empty/],
    ['"Bearer " + token', () => `Bearer ${token}`, /starts with "Bearer": pass the bare token/],
    ['"bearer " + token', () => `bearer ${token}`, /starts with "bearer": pass the bare token/],
    ['"DPoP " + token', () => `DPoP ${token}`, /starts with "DPoP": pass the bare token/],
    ['a token in double quotes', () => `"${token}"`, /the token has quotes: pass the bare token$/],
    ['a token in single quotes', () => `'${token}'`, /the token has quotes: pass the bare token$/],
    ['a token in backticks', () => `\`${token}\``, /the token has quotes: pass the bare token$/],
    ['a quote at one end only', () => `${token}"`, /the token has quotes: pass the bare token$/],
    ['a trailing newline', () => `${token}\n`, /the token has whitespace: pass the bare token$/],
    ['a newline inside', () => `${token.slice(0, 30)}\r\n${token.slice(30)}`, /the token has whitespace: pass the bare token$/],
    ['leading whitespace', () => ` ${token}`, /the token has whitespace: pass the bare token$/],
    ['trailing whitespace', () => `${token}  `, /the token has whitespace: pass the bare token$/],
    ['a space inside', () => `${token.slice(0, 30)} ${token.slice(30)}`, /the token has whitespace: pass the bare token$/],
    ['a tab inside', () => `${token.slice(0, 30)}\t${token.slice(30)}`, /the token has whitespace: pass the bare token$/],
  ]
  for (const [reader, run] of READERS) {
    for (const [name, make, hint] of cases) {
      it(`${reader}: ${name}`, async () => {
        await refused(() => run(make()), 'ERR_JWS_INVALID', hint)
      })
    }
  }

  it('other malformed tokens keep their messages; the bare token verifies', async () => {
    await refused(() => verify('a.b', SECRET, HS), 'ERR_JWS_INVALID', /exactly three segments/)
    await refused(() => verify(`${token}.x`, SECRET, HS), 'ERR_JWS_INVALID', /exactly three segments/)
    await refused(() => verify('Bearer', SECRET, HS), 'ERR_JWS_INVALID', /exactly three segments/)
    expect((await verify(token, SECRET, HS)).payload.sub).toBe('u')
  })

  it('a token longer than maxTokenLength, or not a string, keeps its plain message (nothing more is read)', async () => {
    await refused(() => verify(` ${token}`, SECRET, { ...HS, maxTokenLength: token.length }), 'ERR_JWS_INVALID', /^the token is longer than \d+ characters$/)
    await refused(() => verify(' '.repeat(20_000), SECRET, HS), 'ERR_JWS_INVALID', /^the token is longer than 16384 characters$/)
    await refused(() => verify(42 as never, SECRET, HS), 'ERR_JWS_INVALID', /^the token must be a string$/)
  })
})

describe('keys: rows 4-6', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const spki = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string
  const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const set = { keys: [rsa.publicKey.export({ format: 'jwk' })] } as unknown as Jwk

  it('row 4: a JWK Set given as the key suggests createLocalJwks', async () => {
    const jwt = await sign({ sub: 'u' }, pkcs8, { alg: 'RS256' })
    await refused(() => verify(jwt, set), 'ERR_KEY_INVALID', /use createLocalJwks for a JWK Set/)
    await refused(() => sign({}, set, { alg: 'RS256' }), 'ERR_KEY_INVALID', /use createLocalJwks for a JWK Set/)
    await refused(() => importKey(set, 'RS256'), 'ERR_KEY_INVALID', /use createLocalJwks for a JWK Set/)
    await refused(() => verify(jwt, { keys: 'x' } as unknown as Jwk), 'ERR_KEY_INVALID', /"kty" must be a string/)
  })

  it('row 5: a JWKS URL string suggests createRemoteJwks, a PEM Buffer says to pass a string', async () => {
    const url = 'https://id.example/.well-known/jwks.json'
    const jwt = await sign({ sub: 'u' }, pkcs8, { alg: 'RS256' })
    await refused(() => verify(token, url, HS), 'ERR_KEY_INVALID', /createRemoteJwks/)
    await refused(() => sign({}, url, { alg: 'HS256' }), 'ERR_KEY_INVALID', /createRemoteJwks/)
    await refused(() => verify(jwt, Buffer.from(spki)), 'ERR_KEY_INVALID', /PEM as a string/)
    await refused(() => sign({}, Buffer.from(pkcs8), { alg: 'RS256' }), 'ERR_KEY_INVALID', /PEM as a string/)
  })

  it('a key that pins no algorithm (RSA PEM, secret) without options.algorithms: "pass options.algorithms"', async () => {
    const jwt = await sign({ sub: 'u' }, pkcs8, { alg: 'RS256' })
    await refused(() => verify(jwt, spki), 'ERR_JOSE_ALG_NOT_ALLOWED', /the key does not allow RS256: pass options\.algorithms$/)
    await refused(() => verify(token, SECRET), 'ERR_JOSE_ALG_NOT_ALLOWED', /the key does not allow HS256: pass options\.algorithms$/)
    // Not when algorithms are given, nor for a key that pins its own.
    await refused(() => verify(jwt, SECRET, { algorithms: ['RS256'] }), 'ERR_JOSE_ALG_NOT_ALLOWED', /the key does not allow RS256$/)
    await refused(() => verify(jwt, ec.publicKey.export({ format: 'jwk' }) as Jwk), 'ERR_JOSE_ALG_NOT_ALLOWED', /^(?!.*pass options)/)
  })

  const oneLine = (pem: string): string => pem.replace(/\n/g, '')
  const escaped = (pem: string): string => pem.replace(/\n/g, '\\n')
  const rewrap = (pem: string, width: number): string => {
    const [, label, body] = /^(-----BEGIN [A-Z ]+-----)\n([\s\S]*?)\n-----END/.exec(pem)!
    const b = body!.replace(/\n/g, '')
    const lines = b.match(new RegExp(`.{1,${width}}`, 'g'))!
    return `${label}\n${lines.join('\n')}\n${pem.slice(pem.indexOf('-----END'))}`
  }
  const forms: [string, (pem: string) => string][] = [
    ['literal \\n escapes', escaped], ['one line', oneLine], ['wrapped at 76', (p) => rewrap(p, 76)], ['wrapped at 20', (p) => rewrap(p, 20)],
  ]
  const pairs: [string, string, string, 'RS256' | 'ES256'][] = [
    ['SPKI/PKCS#8', spki, pkcs8, 'RS256'],
    ['PKCS#1', rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string, rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string, 'RS256'],
    ['SEC1', ec.publicKey.export({ type: 'spki', format: 'pem' }) as string, ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string, 'ES256'],
  ]
  for (const [kind, pub, priv, alg] of pairs) {
    for (const [form, f] of [['as is', (p: string) => p] as const, ...forms]) {
      it(`row 6: ${kind} PEM, ${form}, signs and verifies`, async () => {
        const jwt = await sign({ sub: 'u' }, f(priv) as KeyInput, { alg })
        expect((await verify(jwt, f(pub), { algorithms: [alg] })).payload.sub).toBe('u')
      })
    }
  }
})

describe('row 7: verifyAccessToken on a typ JWT token', () => {
  it('names at+jwt, verify and the resource server\'s jwt profile', async () => {
    const now = Math.floor(Date.now() / 1000)
    const claims = { iss: 'https://as.example', aud: 'api', sub: 'u', client_id: 'c', jti: 'j', iat: now, exp: now + 60 }
    const jwt = await sign(claims, SECRET, { alg: 'HS256', typ: 'JWT' })
    const e = await refused(() => verifyAccessToken(jwt, SECRET, { issuer: 'https://as.example', audience: 'api', algorithms: ['HS256'] }),
      'ERR_JWT_CLAIM_INVALID', /"JWT".*RFC 9068 requires "at\+jwt"; check other JWTs with verify\(\) or createResourceServer\(\{ profile: 'jwt' \}\)$/)
    expect(e.claim).toBe('typ')
    expect(e.reason).toBe('mismatch')
  })
})

describe('row 8: a callback argument (jsonwebtoken habit)', () => {
  const cb = (): void => {}
  const CALLBACK = /isojwt returns promises$/
  const call = (f: (...a: never[]) => unknown, ...a: unknown[]): unknown => (f as (...a: unknown[]) => unknown)(...a)

  it('sign and verify reject (a 4th argument, or options that are a function)', async () => {
    for (const p of [
      call(sign, { sub: 'u' }, SECRET, { alg: 'HS256' }, cb),
      call(sign, { sub: 'u' }, SECRET, cb),
      call(sign, { sub: 'u' }, SECRET, undefined, cb),
      call(verify, token, SECRET, HS, cb),
      call(verify, token, SECRET, cb),
      call(verify, token, SECRET, undefined, cb),
    ]) {
      expect(p).toBeInstanceOf(Promise)
      await refused(() => p, 'ERR_JOSE_INVALID_ARGUMENT', CALLBACK)
    }
  })

  it('decode takes no callback in jsonwebtoken either: an extra argument is ignored, a function as options is refused', async () => {
    expect(call(decode, token, {}, cb)).toMatchObject({ payload: { sub: 'u' } })
    await refused(() => call(decode, token, cb), 'ERR_JOSE_INVALID_ARGUMENT', /options must be an object/)
  })

  it('a resolver as verify\'s key is not a callback', async () => {
    expect((await verify(token, () => SECRET, HS)).payload.sub).toBe('u')
  })
})

describe('row 9: jsonwebtoken option names', () => {
  const signs: [Record<string, unknown>, RegExp][] = [
    [{ algorithm: 'HS256' }, /^unknown option "algorithm" in options: use alg$/],
    [{ alg: 'HS256', algorithms: ['HS256'] }, /"algorithms" in options: use alg$/],
    [{ alg: 'HS256', keyid: 'k' }, /"keyid" in options: use kid$/],
    [{ alg: 'HS256', jwtid: 'j' }, /"jwtid" in options: use jwtId$/],
    [{ alg: 'HS256', maxAge: '1h' }, /"maxAge" in options: use expiresIn$/],
  ]
  for (const [options, hint] of signs) {
    it(`sign ${Object.keys(options).at(-1)}`, async () => {
      await refused(() => sign({ sub: 'u' }, SECRET, options), 'ERR_JOSE_INVALID_ARGUMENT', hint)
    })
  }
  const verifies: [Record<string, unknown>, RegExp][] = [
    [{ algorithm: 'HS256' }, /^unknown option "algorithm" in options: use algorithms$/],
    [{ alg: 'HS256' }, /"alg" in options: use algorithms$/],
    [{ expiresIn: '1h' }, /"expiresIn" in options: verify checks exp$/],
    [{ notBefore: 0 }, /"notBefore" in options: verify checks nbf$/],
    [{ ignoreExpiration: true }, /"ignoreExpiration" in options: use clockTolerance, or decode$/],
    [{ complete: true }, /"complete" in options: verify returns the header too$/],
    [{ jwtid: 'j' }, /"jwtid" in options: compare payload\.jti$/],
  ]
  for (const [options, hint] of verifies) {
    it(`verify ${Object.keys(options)[0]}`, async () => {
      await refused(() => verify(token, SECRET, { ...HS, ...options }), 'ERR_JOSE_INVALID_ARGUMENT', hint)
      await refused(() => createVerifier(SECRET, { ...HS, ...options }), 'ERR_JOSE_INVALID_ARGUMENT', hint)
    })
  }
  it('other unknown names keep the plain message', async () => {
    const e = await refused(() => verify(token, SECRET, { ...HS, audiance: 'x' } as never), 'ERR_JOSE_INVALID_ARGUMENT', /unknown option "audiance" in options$/)
    expect(e.message).toBe('unknown option "audiance" in options')
  })

  it('a name is suggested only where it is an option: keyid on verify, maxAge on verifyAccessToken keep the plain message', async () => {
    await refused(() => verify(token, SECRET, { ...HS, keyid: 'k' } as never), 'ERR_JOSE_INVALID_ARGUMENT', /^unknown option "keyid" in options$/)
    await refused(() => createVerifier(SECRET, { ...HS, keyid: 'k' } as never), 'ERR_JOSE_INVALID_ARGUMENT', /^unknown option "keyid" in options$/)
    const at = { issuer: 'https://id.example', audience: 'api', ...HS }
    await refused(() => verifyAccessToken(token, SECRET, { ...at, maxAge: '1h' } as never), 'ERR_JOSE_INVALID_ARGUMENT', /^unknown option "maxAge" in options$/)
    await refused(() => verifyAccessToken(token, SECRET, { ...at, algorithm: 'HS256' } as never), 'ERR_JOSE_INVALID_ARGUMENT', /^unknown option "algorithm" in options: use algorithms$/)
  })

  it('names of Object.prototype are unknown options with the plain message, never a TypeError', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const options = JSON.parse(`{"alg":"HS256",${JSON.stringify(name)}:1}`) as Record<string, unknown>
      const plain = new RegExp(`^unknown option "${name}" in options$`)
      await refused(() => sign({ sub: 'u' }, SECRET, options), 'ERR_JOSE_INVALID_ARGUMENT', plain)
      await refused(() => verify(token, SECRET, { ...HS, ...JSON.parse(`{${JSON.stringify(name)}:1}`) }), 'ERR_JOSE_INVALID_ARGUMENT', plain)
    }
  })
})
