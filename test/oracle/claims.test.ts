/**
 * Claim edge cases with a fixed clock, compared with jose: exp/nbf boundaries, clock
 * tolerance, iss/sub/aud, maxAge vs jose's maxTokenAge, typ, requiredClaims and the
 * order in which failures are reported. Each row states the API.md verdict; jose's
 * verdict is mapped to isojwt's codes (JOSE_TO_ISO) and must land on the same row.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as jose from 'jose'
import { isExpired, isJoseError, verify } from '../../src/index.ts'
import type { VerifyOptions } from '../../src/types.ts'
import { T, secretFor } from './helpers.ts'

type Verdict = 'accept' | { code: string; claim?: string; reason?: string }

interface Opts {
  tol?: number | string
  issuer?: string | string[]
  audience?: string | string[]
  subject?: string
  maxAge?: number | string
  requiredClaims?: string[]
  typ?: string
}

interface Row {
  name: string
  claims: Record<string, unknown>
  header?: Record<string, unknown>
  opts?: Opts
  expect: Verdict
}

const EXPIRED: Verdict = { code: 'ERR_JWT_EXPIRED' }
const NOT_YET: Verdict = { code: 'ERR_JWT_NOT_YET_VALID' }
const claimErr = (claim: string, reason?: string): Verdict =>
  reason === undefined ? { code: 'ERR_JWT_CLAIM_INVALID', claim } : { code: 'ERR_JWT_CLAIM_INVALID', claim, reason }

const rows: Row[] = [
  // exp: expired iff exp ≤ t − tol
  { name: 'exp == now (expired in both)', claims: { exp: T }, expect: EXPIRED },
  { name: 'exp = now + 1', claims: { exp: T + 1 }, expect: 'accept' },
  { name: 'exp = now − 1', claims: { exp: T - 1 }, expect: EXPIRED },
  { name: 'exp = now + 0.5 (fractional)', claims: { exp: T + 0.5 }, expect: 'accept' },
  { name: 'exp = now − 0.5 (fractional)', claims: { exp: T - 0.5 }, expect: EXPIRED },
  { name: 'exp == now − tol (tol 5)', claims: { exp: T - 5 }, opts: { tol: 5 }, expect: EXPIRED },
  { name: 'exp == now − tol + 1 (tol 5)', claims: { exp: T - 4 }, opts: { tol: 5 }, expect: 'accept' },
  { name: "exp == now − tol (tol '5s')", claims: { exp: T - 5 }, opts: { tol: '5s' }, expect: EXPIRED },
  { name: "exp == now − tol + 1 (tol '5s')", claims: { exp: T - 4 }, opts: { tol: '5s' }, expect: 'accept' },
  // nbf: not yet valid iff nbf > t + tol
  { name: 'nbf = now + 1', claims: { nbf: T + 1 }, expect: NOT_YET },
  { name: 'nbf == now', claims: { nbf: T }, expect: 'accept' },
  { name: 'nbf = now + 0.5 (fractional)', claims: { nbf: T + 0.5 }, expect: NOT_YET },
  { name: 'nbf == now + tol (tol 5)', claims: { nbf: T + 5 }, opts: { tol: 5 }, expect: 'accept' },
  { name: 'nbf == now + tol + 1 (tol 5)', claims: { nbf: T + 6 }, opts: { tol: 5 }, expect: NOT_YET },
  { name: "nbf == now + tol (tol '1 min')", claims: { nbf: T + 60 }, opts: { tol: '1 min' }, expect: 'accept' },
  { name: "nbf == now + tol + 1 (tol '1 min')", claims: { nbf: T + 61 }, opts: { tol: '1 min' }, expect: NOT_YET },
  // iss
  { name: 'iss equal', claims: { iss: 'https://a' }, opts: { issuer: 'https://a' }, expect: 'accept' },
  { name: 'iss mismatch', claims: { iss: 'https://a' }, opts: { issuer: 'https://b' }, expect: claimErr('iss', 'mismatch') },
  { name: 'iss case differs', claims: { iss: 'https://A' }, opts: { issuer: 'https://a' }, expect: claimErr('iss', 'mismatch') },
  { name: 'iss prefix only', claims: { iss: 'https://a.evil' }, opts: { issuer: 'https://a' }, expect: claimErr('iss', 'mismatch') },
  { name: 'iss in issuer list', claims: { iss: 'https://a' }, opts: { issuer: ['https://b', 'https://a'] }, expect: 'accept' },
  { name: 'iss missing', claims: {}, opts: { issuer: 'https://a' }, expect: claimErr('iss', 'missing') },
  // sub
  { name: 'sub equal', claims: { sub: 'u1' }, opts: { subject: 'u1' }, expect: 'accept' },
  { name: 'sub mismatch', claims: { sub: 'u1' }, opts: { subject: 'u2' }, expect: claimErr('sub', 'mismatch') },
  { name: 'sub missing', claims: {}, opts: { subject: 'u1' }, expect: claimErr('sub', 'missing') },
  // aud
  { name: 'aud string equal', claims: { aud: 'a' }, opts: { audience: 'a' }, expect: 'accept' },
  { name: 'aud string mismatch', claims: { aud: 'a' }, opts: { audience: 'b' }, expect: claimErr('aud', 'mismatch') },
  { name: 'aud array contains option', claims: { aud: ['x', 'b'] }, opts: { audience: 'b' }, expect: 'accept' },
  { name: 'aud array ∩ option list', claims: { aud: ['x'] }, opts: { audience: ['y', 'x'] }, expect: 'accept' },
  { name: 'aud array disjoint from list', claims: { aud: ['x', 'z'] }, opts: { audience: ['y'] }, expect: claimErr('aud', 'mismatch') },
  { name: 'aud string vs list', claims: { aud: 'a' }, opts: { audience: ['a'] }, expect: 'accept' },
  { name: 'aud empty array', claims: { aud: [] }, opts: { audience: 'a' }, expect: claimErr('aud', 'mismatch') },
  { name: 'aud missing', claims: {}, opts: { audience: 'a' }, expect: claimErr('aud', 'missing') },
  { name: 'aud present, no audience option', claims: { aud: ['a', 'b'] }, expect: 'accept' },
  // maxAge (isojwt) vs maxTokenAge (jose): fail iff t − iat > maxAge + tol or iat > t + tol
  { name: 'iat == now − maxAge', claims: { iat: T - 60 }, opts: { maxAge: 60 }, expect: 'accept' },
  { name: 'iat == now − maxAge − 1', claims: { iat: T - 61 }, opts: { maxAge: 60 }, expect: claimErr('iat', 'too_old') },
  { name: "iat == now − maxAge − 1 (maxAge '1m')", claims: { iat: T - 61 }, opts: { maxAge: '1m' }, expect: claimErr('iat', 'too_old') },
  { name: 'iat == now − maxAge − tol (tol 1)', claims: { iat: T - 61 }, opts: { maxAge: 60, tol: 1 }, expect: 'accept' },
  { name: 'iat == now − maxAge − tol − 1 (tol 1)', claims: { iat: T - 62 }, opts: { maxAge: 60, tol: 1 }, expect: claimErr('iat', 'too_old') },
  { name: 'iat == now', claims: { iat: T }, opts: { maxAge: 60 }, expect: 'accept' },
  { name: 'iat = now + 1 with maxAge', claims: { iat: T + 1 }, opts: { maxAge: 60 }, expect: claimErr('iat', 'in_future') },
  { name: 'iat = now + tol with maxAge (tol 1)', claims: { iat: T + 1 }, opts: { maxAge: 60, tol: 1 }, expect: 'accept' },
  { name: 'iat missing with maxAge', claims: {}, opts: { maxAge: 60 }, expect: claimErr('iat', 'missing') },
  { name: 'iat in the future without maxAge', claims: { iat: T + 3600 }, expect: 'accept' },
  // requiredClaims
  { name: 'requiredClaims present', claims: { jti: 'j' }, opts: { requiredClaims: ['jti'] }, expect: 'accept' },
  { name: 'requiredClaims missing', claims: { sub: 's' }, opts: { requiredClaims: ['jti'] }, expect: claimErr('jti', 'missing') },
  // typ option (RFC 7515 §4.1.9 normalisation)
  { name: "typ 'jwt' vs option 'JWT'", claims: {}, header: { typ: 'jwt' }, opts: { typ: 'JWT' }, expect: 'accept' },
  { name: "typ 'application/jwt' vs option 'JWT'", claims: {}, header: { typ: 'application/jwt' }, opts: { typ: 'JWT' }, expect: 'accept' },
  { name: "typ 'at+jwt' vs option 'application/at+jwt'", claims: {}, header: { typ: 'at+jwt' }, opts: { typ: 'application/at+jwt' }, expect: 'accept' },
  { name: "typ 'at+jwt' vs option 'JWT'", claims: {}, header: { typ: 'at+jwt' }, opts: { typ: 'JWT' }, expect: claimErr('typ') },
  { name: "typ absent vs option 'at+jwt'", claims: {}, header: {}, opts: { typ: 'at+jwt' }, expect: claimErr('typ') },
  // order: first failure wins (iss, sub, aud, nbf, exp, iat in both libraries)
  { name: 'expired and iss mismatch → iss', claims: { exp: T - 10, iss: 'x' }, opts: { issuer: 'y' }, expect: claimErr('iss', 'mismatch') },
  { name: 'sub and aud mismatch → sub', claims: { sub: 'a', aud: 'a' }, opts: { subject: 'b', audience: 'b' }, expect: claimErr('sub', 'mismatch') },
  { name: 'aud mismatch and expired → aud', claims: { aud: 'a', exp: T - 1 }, opts: { audience: 'b' }, expect: claimErr('aud', 'mismatch') },
  { name: 'nbf future and expired → nbf', claims: { nbf: T + 10, exp: T - 10 }, expect: NOT_YET },
  { name: 'expired and too old → exp', claims: { exp: T - 1, iat: T - 100 }, opts: { maxAge: 60 }, expect: EXPIRED },
]

/** jose's failure → the isojwt verdict it corresponds to. */
function joseToIso(e: unknown): Verdict {
  const err = e as { code?: string; claim?: string; reason?: string }
  switch (err.code) {
    case 'ERR_JWT_EXPIRED':
      // jose reports a too-old iat (maxTokenAge) as ERR_JWT_EXPIRED; isojwt deliberately
      // does not (differences.ts, 'maxage-code')
      return err.claim === 'iat' ? claimErr('iat', 'too_old') : EXPIRED
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (err.claim === 'nbf') return NOT_YET
      if (err.reason === 'missing') return claimErr(err.claim!, 'missing')
      if (err.claim === 'iat') return claimErr('iat', 'in_future')
      if (err.claim === 'typ') return claimErr('typ')
      return claimErr(err.claim!, 'mismatch')
    default:
      return { code: `unmapped jose error ${err.code ?? String(e)}` }
  }
}

let secret: Uint8Array
const tokens = new Map<string, string>()

beforeAll(async () => {
  secret = secretFor('HS256')
  for (const row of rows) {
    tokens.set(
      row.name,
      await new jose.SignJWT(row.claims).setProtectedHeader({ alg: 'HS256', ...row.header }).sign(secret),
    )
  }
})

function isoOpts(o: Opts, now: Date): VerifyOptions {
  const out: VerifyOptions = { algorithms: ['HS256'], now }
  if (o.tol !== undefined) out.clockTolerance = o.tol
  if (o.issuer !== undefined) out.issuer = o.issuer
  if (o.audience !== undefined) out.audience = o.audience
  if (o.subject !== undefined) out.subject = o.subject
  if (o.maxAge !== undefined) out.maxAge = o.maxAge
  if (o.requiredClaims !== undefined) out.requiredClaims = o.requiredClaims
  if (o.typ !== undefined) out.typ = o.typ
  return out
}

function joseOpts(o: Opts, now: Date): jose.JWTVerifyOptions {
  const out: jose.JWTVerifyOptions = { algorithms: ['HS256'], currentDate: now }
  if (o.tol !== undefined) out.clockTolerance = o.tol
  if (o.issuer !== undefined) out.issuer = o.issuer
  if (o.audience !== undefined) out.audience = o.audience
  if (o.subject !== undefined) out.subject = o.subject
  if (o.maxAge !== undefined) out.maxTokenAge = o.maxAge
  if (o.requiredClaims !== undefined) out.requiredClaims = o.requiredClaims
  if (o.typ !== undefined) out.typ = o.typ
  return out
}

// Two clocks with the same t = ⌊now/1000⌋: the start and the last millisecond of T.
const CLOCKS: [string, Date][] = [
  ['now = T.000', new Date(T * 1000)],
  ['now = T.999', new Date(T * 1000 + 999)],
]

describe.each(CLOCKS)('claims vs jose (%s)', (_label, now) => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const token = tokens.get(row.name)!
    const o = row.opts ?? {}

    let joseVerdict: Verdict = 'accept'
    try {
      await jose.jwtVerify(token, secret, joseOpts(o, now))
    } catch (e) {
      joseVerdict = joseToIso(e)
    }

    let isoVerdict: Verdict = 'accept'
    let isoErr: unknown
    try {
      await verify(token, secret, isoOpts(o, now))
    } catch (e) {
      isoErr = e
      expect(isJoseError(e), String(e)).toBe(true)
      const err = e as { code: string; claim?: string; reason?: string }
      isoVerdict = { code: err.code }
      // compare the fields the row states (claim/reason are only defined for claim errors)
      const want = typeof row.expect === 'object' ? row.expect : {}
      if ('claim' in want) isoVerdict.claim = err.claim
      if ('reason' in want) isoVerdict.reason = err.reason
    }

    // jose lands on the row's verdict (checks the oracle and the mapping) ...
    expect(joseVerdict).toEqual(row.expect)
    // ... and so does isojwt
    expect(isoVerdict).toEqual(row.expect)

    if (isoErr !== undefined) {
      const err = isoErr as { code: string; payload?: unknown; expiredAt?: Date; notBefore?: Date }
      // claim errors come after the signature: they carry the verified payload
      expect(err.payload).toEqual(row.claims)
      if (err.code === 'ERR_JWT_EXPIRED') expect(err.expiredAt?.getTime()).toBe((row.claims.exp as number) * 1000)
      if (err.code === 'ERR_JWT_NOT_YET_VALID') expect(err.notBefore?.getTime()).toBe((row.claims.nbf as number) * 1000)
    }
  })
})

describe.each(CLOCKS)('isExpired agrees with jose on exp rows (%s)', (_label, now) => {
  const expRows = rows.filter((r) => 'exp' in r.claims && Object.keys(r.claims).length === 1 && Object.keys(r.opts ?? {}).every((k) => k === 'tol'))
  it.each(expRows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const token = tokens.get(row.name)!
    const o = row.opts ?? {}
    const joseExpired = await jose.jwtVerify(token, secret, joseOpts(o, now)).then(
      () => false,
      (e: { code?: string }) => e.code === 'ERR_JWT_EXPIRED',
    )
    const mine = isExpired(token, o.tol === undefined ? { now } : { now, clockTolerance: o.tol })
    expect(mine).toBe(joseExpired)
    expect(mine).toBe(row.expect !== 'accept' && row.expect.code === 'ERR_JWT_EXPIRED')
  })
})
