/**
 * Wycheproof JOSE files, driven through the public verification path:
 * - json_web_signature_test.json: each group has one JWK; every compact `jws` goes to
 *   verifyJws (and, as a consistency check, to verify) with that JWK given directly.
 * - json_web_key_test.json: each group has a JWK Set; a resolver returns the keys whose
 *   kid equals the header's (all keys when the header has none).
 * Keys: the group's `public` when present, else `private` (only `oct` groups lack one).
 * A JWK with `alg` pins it; for a JWK without `alg` the caller allows its key type's
 * algorithm family (RSA → RS*, PS*; EC → ES*; oct → HS*), never the header's alg.
 * JWS JSON serialization cases are counted as not applicable (isojwt is compact-only) and
 * must still be refused. Every other case agrees with its label or is listed in
 * wycheproof-exceptions.ts.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { verify, verifyJws } from '../../src/index.ts'
import type { Alg, Jwk, KeyInput, KeyResolver } from '../../src/types.ts'
import { fromB64u, outcome, textOf, wycheproofFile, type WycheproofGroup, type WycheproofTest } from './load.ts'
import { ENTRIES } from '../../src/jwa/registry.ts'
import { formatSummaries, Ledger, type CaseOutcome, type Summary } from './wycheproof-ledger.ts'

/** The algorithms of each key type, from the registry. */
const FAMILY: Record<string, Alg[]> = {}
for (const e of ENTRIES) (FAMILY[e.kty] ??= []).push(e.alg)
const KNOWN_ALGS = new Set<string>(Object.values(FAMILY).flat())
const summaries: Summary[] = []

/** Options a careful caller would pass for these keys: nothing when every key names its alg. */
function optionsFor(keys: Jwk[]): { algorithms?: Alg[] } {
  if (keys.every((k) => typeof k.alg === 'string')) return {}
  const algs = new Set(keys.filter((k) => typeof k.alg !== 'string').flatMap((k) => FAMILY[k.kty] ?? []))
  for (const k of keys) if (typeof k.alg === 'string' && KNOWN_ALGS.has(k.alg)) algs.add(k.alg as Alg)
  return algs.size > 0 ? { algorithms: [...algs] } : {}
}

/** Test-side strict base64url (RFC 7515 §2): alphabet, no padding, length, zero trailing bits. */
function strictB64u(seg: string): boolean {
  if (!/^[A-Za-z0-9_-]*$/.test(seg) || seg.length % 4 === 1) return false
  if (seg.length % 4 === 0) return true
  const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(seg[seg.length - 1]!)
  return (last & (seg.length % 4 === 2 ? 0x0f : 0x03)) === 0
}

/**
 * The code API.md fixes for a token before its signature is checked, or undefined when it
 * depends on the key/signature: not 3 segments, non-canonical base64url, or a header that
 * is not a JSON object → ERR_JWS_INVALID; a header alg that is not an `Alg`, or (for a
 * JWK whose `alg` is a known Alg, which pins it) any other alg → ERR_JOSE_ALG_NOT_ALLOWED.
 */
function structuralCode(jws: string, pinned?: string): string | undefined {
  const parts = jws.split('.')
  if (parts.length !== 3 || !parts.every(strictB64u)) return 'ERR_JWS_INVALID'
  let header: unknown
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromB64u(parts[0]!)))
  } catch {
    return 'ERR_JWS_INVALID'
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return 'ERR_JWS_INVALID'
  const alg = (header as { alg?: unknown }).alg
  if (typeof alg === 'string' && !KNOWN_ALGS.has(alg)) return 'ERR_JOSE_ALG_NOT_ALLOWED'
  if (typeof alg === 'string' && pinned !== undefined && KNOWN_ALGS.has(pinned) && alg !== pinned) return 'ERR_JOSE_ALG_NOT_ALLOWED'
  return undefined
}

/**
 * Verify one token both ways and check what the library returned, beyond the verdict:
 * only JoseErrors, the code API.md fixes for structural faults, the exact payload octets
 * and header on success, and `verify` (JWT) agreeing with `verifyJws` up to the payload step.
 */
async function runCase(jws: string, key: KeyInput | KeyResolver, opts: { algorithms?: Alg[] }): Promise<CaseOutcome> {
  const issues: string[] = []
  const o = await outcome(() => verifyJws(jws, key, opts))
  const pinned = typeof key === 'object' && !(key instanceof Uint8Array) && !(key instanceof ArrayBuffer) && !(key instanceof CryptoKey) ? key.alg : undefined
  const fixed = structuralCode(jws, pinned)
  let result: CaseOutcome
  if (o.ok) {
    result = { verdict: 'accepted' }
    const [h, p] = jws.split('.') as [string, string]
    if (fixed) issues.push(`accepted although API.md requires ${fixed}`)
    if (!Buffer.from(o.value.payload).equals(Buffer.from(fromB64u(p)))) issues.push('payload octets differ from the token')
    try {
      expect(o.value.header).toEqual(JSON.parse(textOf(fromB64u(h))))
    } catch {
      issues.push('returned header differs from the token header')
    }
  } else if (!o.jose) {
    result = { verdict: 'rejected' }
    issues.push(`verifyJws threw a non-JoseError: ${String(o.error)}`)
  } else {
    result = { verdict: 'rejected', code: o.code }
    if (fixed && o.code !== fixed) issues.push(`refused with ${o.code}, API.md requires ${fixed}`)
  }

  // verify (JWT API) shares every step up to the signature; after it, a payload that is not
  // a JSON object is ERR_JWT_INVALID. Claims here carry no exp/nbf, so nothing else differs.
  const jwt = await outcome(() => verify(jws, key, opts))
  const jwtCode = jwt.ok ? 'accepted' : jwt.jose ? jwt.code : `non-JoseError ${String(jwt.error)}`
  let want: string
  if (!o.ok) want = o.jose ? o.code : 'a JoseError'
  else {
    let payload: unknown
    try {
      payload = JSON.parse(textOf(o.value.payload))
    } catch {
      payload = undefined
    }
    want = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? 'accepted' : 'ERR_JWT_INVALID'
  }
  if (jwtCode !== want) issues.push(`verify gave ${jwtCode}, verifyJws implies ${want}`)
  if (issues.length > 0) result.contractViolation = issues.join('; ')
  return result
}

const isJsonSerialization = (jws: string) => jws.trimStart().startsWith('{')

async function runFile(
  name: string,
  keyFor: (group: WycheproofGroup) => { key: KeyInput | KeyResolver; opts: { algorithms?: Alg[] } },
): Promise<Ledger> {
  const data = wycheproofFile(name)
  const ledger = new Ledger(name, data.numberOfTests)
  for (const group of data.testGroups) {
    const { key, opts } = keyFor(group)
    await Promise.all(
      group.tests.map(async (t: WycheproofTest) => {
        const jws = t.jws as string
        if (typeof jws !== 'string') throw new Error(`tcId ${t.tcId}: jws is not a string`)
        if (isJsonSerialization(jws)) {
          // Not applicable, but a compact-only verifier must still refuse it.
          const o = await outcome(() => verifyJws(jws, key, opts))
          const code = o.ok ? 'accepted' : o.jose ? o.code : 'non-JoseError'
          ledger.skip(t.tcId, 'JWS JSON serialization', code === 'ERR_JWS_INVALID' ? undefined : `JSON serialization gave ${code}, expected ERR_JWS_INVALID`)
          return
        }
        ledger.record(t.tcId, t.result, await runCase(jws, key, opts), t.comment)
      }),
    )
  }
  return ledger
}

afterAll(() => {
  console.log(formatSummaries('Wycheproof JOSE vectors (isojwt verdict vs label)', summaries))
})

describe('Wycheproof json_web_signature_test.json', () => {
  it('every case agrees with its label or is a listed exception', async () => {
    const ledger = await runFile('json_web_signature_test.json', (group) => {
      const jwk = (group.public ?? group.private) as Jwk
      return { key: jwk, opts: optionsFor([jwk]) }
    })
    summaries.push(ledger.finish())
    expect(ledger.problems).toEqual([])
  })
})

describe('Wycheproof json_web_key_test.json', () => {
  it('every case agrees with its label or is a listed exception', async () => {
    const ledger = await runFile('json_web_key_test.json', (group) => {
      const keys = ((group.public ?? group.private) as { keys: Jwk[] }).keys
      const resolver: KeyResolver = (header) =>
        typeof header.kid === 'string' ? keys.filter((k) => k.kid === header.kid) : keys
      return { key: resolver, opts: optionsFor(keys) }
    })
    summaries.push(ledger.finish())
    expect(ledger.problems).toEqual([])
  })
})
