/**
 * Hostile token *contents* behind a valid HS256 signature, so header, policy, payload
 * and claim code all run: 100 000-deep JSON in header and payload, very wide objects,
 * huge `crit` lists (uniqueness must be linear), megabyte claims, duplicate members,
 * and JSON numbers outside the double range. Token-taking exports get raised
 * `maxTokenLength`s so the content, not the length cap, is what they face.
 */
import { describe, expect, it } from 'vitest'
import * as lib from '../../src/index.ts'
import { decode, isExpired, verify, verifyJws } from '../../src/index.ts'
import { NOW, SECRET, SECRETS, T, hsToken } from './fixtures.ts'
import { errorName, exercise, isProperJose, leaksIn, run, type Position, type Problem } from './harness.ts'
import { DEPTH, type Hostile } from './values.ts'

const BIG = 4 * 1024 * 1024
const HS = { algorithms: ['HS256' as const], now: NOW }
const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH)
const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH)
const PAYLOAD = `{"sub":"t","iat":${T}}`

function wide(n: number, prefix: string): string {
  const parts: string[] = []
  for (let i = 0; i < n; i++) parts.push(`"${prefix}${i}":${i}`)
  return parts.join(',')
}

function critList(n: number): string {
  const names: string[] = []
  for (let i = 0; i < n; i++) names.push(`"c${i}"`)
  return `[${names.join(',')}]`
}

/**
 * [name, token, who must refuse it]: 'jws' = every verifier (header/policy failure),
 * 'jwt' = the JWT consumers (decode, isExpired, verify) but not verifyJws, '' = nobody.
 */
type Refusers = 'jws' | 'jwt' | ''
const TOKENS: [string, string, Refusers][] = [
  ['header member 1e5-deep array', hsToken(`{"alg":"HS256","typ":"JWT","x":${deepArray}}`, PAYLOAD), ''],
  ['header member 1e5-deep object', hsToken(`{"alg":"HS256","typ":"JWT","x":${deepObject}}`, PAYLOAD), ''],
  ['payload claim 1e5-deep array', hsToken('{"alg":"HS256","typ":"JWT"}', `{"iat":${T},"x":${deepArray}}`), ''],
  ['payload claim 1e5-deep object', hsToken('{"alg":"HS256","typ":"JWT"}', `{"iat":${T},"x":${deepObject}}`), ''],
  ['payload itself 1e5-deep array', hsToken('{"alg":"HS256","typ":"JWT"}', deepArray), 'jwt'],
  ['header 20 000 members', hsToken(`{"alg":"HS256","typ":"JWT",${wide(20_000, 'h')}}`, PAYLOAD), ''],
  ['payload 50 000 members', hsToken('{"alg":"HS256","typ":"JWT"}', `{"iat":${T},${wide(50_000, 'p')}}`), ''],
  ['crit: 50 000 distinct names, all present', hsToken(`{"alg":"HS256","crit":${critList(50_000)},${wide(50_000, 'c')}}`, PAYLOAD), 'jws'],
  ['crit: 50 000 names, last one duplicated', hsToken(`{"alg":"HS256","crit":${critList(50_000).replace(/]$/, ',"c0"]')},${wide(50_000, 'c')}}`, PAYLOAD), 'jws'],
  ['aud: 100 000 entries', hsToken('{"alg":"HS256","typ":"JWT"}', `{"iat":${T},"aud":[${critList(100_000).slice(1, -1)}]}`), ''],
  ['2 MB claim', hsToken('{"alg":"HS256","typ":"JWT"}', `{"iat":${T},"x":"${'q'.repeat(2 * 1024 * 1024)}"}`), ''],
  ['typ of 100 000 chars', hsToken(`{"alg":"HS256","typ":"${'t'.repeat(100_000)}"}`, PAYLOAD), ''],
  ['alg of 100 000 chars', hsToken(`{"alg":"${'H'.repeat(100_000)}"}`, PAYLOAD), 'jws'],
  ['kid of 100 000 chars', hsToken(`{"alg":"HS256","typ":"JWT","kid":"${'k'.repeat(100_000)}"}`, PAYLOAD), ''],
]

const CONSUMERS: { name: string; isAsync: boolean; call: (t: string) => unknown }[] = [
  { name: 'decode', isAsync: false, call: (t) => decode(t, { maxTokenLength: BIG }) },
  { name: 'isExpired', isAsync: false, call: (t) => isExpired(t, { now: NOW }) },
  { name: 'verify', isAsync: true, call: (t) => verify(t, SECRET, { ...HS, maxTokenLength: BIG }) },
  { name: 'verify (audience)', isAsync: true, call: (t) => verify(t, SECRET, { ...HS, maxTokenLength: BIG, audience: ['a', 'b'] }) },
  { name: 'verify (resolver)', isAsync: true, call: (t) => verify(t, () => SECRET, { ...HS, maxTokenLength: BIG }) },
  { name: 'verify (requiredClaims, crit)', isAsync: true, call: (t) => verify(t, SECRET, { ...HS, maxTokenLength: BIG, requiredClaims: ['constructor'], crit: { c1: true } }) },
  { name: 'verifyJws', isAsync: true, call: (t) => verifyJws(t, SECRET, { algorithms: ['HS256'], maxTokenLength: BIG }) },
]

describe('hostile token contents behind a valid signature', () => {
  for (const c of CONSUMERS) {
    it(`${c.name}: only JoseErrors, < 100 ms, no pollution, no leaks`, { timeout: 120_000 }, async () => {
      const problems: Problem[] = []
      for (const [name, token, refusers] of TOKENS) {
        const verifier = c.name.startsWith('verify')
        const jwtConsumer = c.name !== 'verifyJws'
        const pos: Position = {
          label: c.name,
          call: (t) => c.call(t as string),
          // decode/isExpired need not refuse what only policy refuses; verifyJws takes any payload
          mustReject: () => (refusers === 'jws' && verifier) || (refusers === 'jwt' && jwtConsumer),
          syncCall: !c.isAsync,
        }
        const h: Hostile = { name, value: token }
        await exercise(pos, h, c.isAsync, problems, [...SECRETS, token.split('.')[2]!])
      }
      expect(problems).toEqual([])
    })
  }
})

async function code(f: () => unknown): Promise<string> {
  const r = await run(f)
  if (r.ok) return 'accepted'
  expect(isProperJose(r.error), errorName(r.error)).toBe(true)
  expect(leaksIn(r.error, SECRETS)).toEqual([])
  return (r.error as lib.JoseError).code
}

describe('JSON edge cases in verified tokens', () => {
  const H = '{"alg":"HS256","typ":"JWT"}'

  it('NumericDate out of double range (1e400 → Infinity) is ERR_JWT_INVALID, never "valid forever"', async () => {
    for (const claims of [`{"exp":1e400}`, `{"nbf":-1e400}`, `{"iat":1e400}`, `{"exp":-1e400}`, `{"iat":${T},"exp":1E999}`]) {
      const t = hsToken(H, claims)
      expect(await code(() => verify(t, SECRET, HS)), claims).toBe('ERR_JWT_INVALID')
    }
    expect(await code(() => isExpired(hsToken(H, '{"exp":1e400}'), { now: NOW }))).toBe('ERR_JWT_INVALID')
  })

  it('registered claims of the wrong JSON type are ERR_JWT_INVALID after the signature', async () => {
    for (const claims of ['{"exp":"9999999999"}', '{"nbf":null}', '{"iat":[1]}', '{"iss":1}', '{"sub":{}}', '{"aud":[1]}', '{"aud":{"0":"a"}}', '{"jti":true}', '{"exp":true}']) {
      expect(await code(() => verify(hsToken(H, claims), SECRET, HS)), claims).toBe('ERR_JWT_INVALID')
    }
  })

  it('a payload that is not a JSON object is ERR_JWT_INVALID (after the signature), bad signature first', async () => {
    for (const p of ['[]', 'null', '1', '"x"', 'true', '[{"sub":"x"}]']) {
      expect(await code(() => verify(hsToken(H, p), SECRET, HS)), p).toBe('ERR_JWT_INVALID')
      expect(await code(() => decode(hsToken(H, p))), p).toBe('ERR_JWT_INVALID')
      expect(await code(() => verify(hsToken(H, p, `${SECRET}-other`), SECRET, HS)), p).toBe('ERR_JWS_SIGNATURE_INVALID')
    }
  })

  it('a header that is not a JSON object is ERR_JWS_INVALID', async () => {
    for (const h of ['[]', 'null', '"HS256"', '[{"alg":"HS256"}]', '{"alg":"HS256"', '\ufeff{"alg":"HS256"}']) {
      const t = hsToken(h, PAYLOAD)
      expect(await code(() => verify(t, SECRET, HS)), h).toBe('ERR_JWS_INVALID')
      expect(await code(() => decode(t)), h).toBe('ERR_JWS_INVALID')
    }
  })

  it('duplicate header members: refused, or the last one wins (RFC 7515 §5.2), never the first', async () => {
    const t = hsToken('{"alg":"none","alg":"HS256","typ":"JWT"}', PAYLOAD)
    const c = await code(() => verify(t, SECRET, HS))
    expect(['accepted', 'ERR_JWS_INVALID']).toContain(c)
    const t2 = hsToken('{"alg":"HS256","alg":"none","typ":"JWT"}', PAYLOAD)
    expect(['ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JWS_INVALID']).toContain(await code(() => verify(t2, SECRET, HS)))
  })
})
