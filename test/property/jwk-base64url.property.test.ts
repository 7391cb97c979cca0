/**
 * API.md, runtimes: "base64url strictness" lives in the shared layer, for keys too.
 * RFC 7517 §4 / RFC 7518 §6: JWK members k, x, y, d, n, e are base64url (RFC 7515 §2,
 * unpadded). Any non-canonical spelling of a member is ERR_KEY_INVALID on importKey and
 * on use (sign / verify) — never silently decoded to the same bytes by a lenient decoder.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as lib from '../../src/index.ts'
import { importKey, sign, verify } from '../../src/index.ts'
import type { Alg, Jwk } from '../../src/index.ts'
import { b64u, expectJose, mutate, mutationArb, outcome } from './helpers.ts'

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const ed = generateKeyPairSync('ed25519')
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const jwk = (k: { export(o: { format: 'jwk' }): unknown }) => k.export({ format: 'jwk' }) as Record<string, string>

interface KeyCase {
  name: string
  jwk: Record<string, string>
  alg: Alg
  members: string[]
}

const CASES: KeyCase[] = [
  { name: 'oct', jwk: { kty: 'oct', k: b64u(randomBytes(32)) }, alg: 'HS256', members: ['k'] },
  { name: 'oct (33 bytes: len % 4 = 0)', jwk: { kty: 'oct', k: b64u(randomBytes(33)) }, alg: 'HS256', members: ['k'] },
  { name: 'EC P-256 public', jwk: jwk(ec.publicKey), alg: 'ES256', members: ['x', 'y'] },
  { name: 'EC P-256 private', jwk: jwk(ec.privateKey), alg: 'ES256', members: ['x', 'y', 'd'] },
  { name: 'OKP Ed25519 public', jwk: jwk(ed.publicKey), alg: 'EdDSA', members: ['x'] },
  { name: 'OKP Ed25519 private', jwk: jwk(ed.privateKey), alg: 'EdDSA', members: ['x', 'd'] },
  { name: 'RSA public', jwk: jwk(rsa.publicKey), alg: 'RS256', members: ['n', 'e'] },
  { name: 'RSA private', jwk: jwk(rsa.privateKey), alg: 'RS256', members: ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] },
]

describe('JWK members must be canonical base64url', () => {
  for (const c of CASES) {
    it(`${c.name}: the clean JWK imports; every mutated member is ERR_KEY_INVALID`, async () => {
      await expect(importKey({ ...c.jwk } as Jwk, c.alg)).resolves.toBeInstanceOf(CryptoKey)
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...c.members), mutationArb, async (member, m) => {
          const bad = mutate(c.jwk[member]!, m)
          fc.pre(bad !== undefined)
          const key = { ...c.jwk, [member]: bad } as Jwk
          const r = await outcome(() => importKey(key, c.alg))
          expect(r.ok, `${member} = non-canonical (${m.kind}) was accepted`).toBe(false)
          if (!r.ok) {
            expect(r.sync).toBe(false)
            expectJose(r.error, lib, 'ERR_KEY_INVALID')
          }
        }),
        { numRuns: c.name.startsWith('RSA') ? 40 : 80 },
      )
    })
  }

  it('a non-canonical oct k is refused when used directly as a key too (sign and verify)', async () => {
    const k = b64u(randomBytes(32))
    const good = { kty: 'oct', k }
    const token = await sign({ a: 1 }, good, { alg: 'HS256' })
    await verify(token, good, { algorithms: ['HS256'] })
    await fc.assert(
      fc.asyncProperty(mutationArb, async (m) => {
        const bad = mutate(k, m)
        fc.pre(bad !== undefined)
        const s = await outcome(() => sign({ a: 1 }, { kty: 'oct', k: bad! }, { alg: 'HS256' }))
        expect(s.ok, `sign accepted k mutated by ${m.kind}`).toBe(false)
        if (!s.ok) expectJose(s.error, lib, 'ERR_KEY_INVALID')
        const v = await outcome(() => verify(token, { kty: 'oct', k: bad! }, { algorithms: ['HS256'] }))
        expect(v.ok, `verify accepted k mutated by ${m.kind}`).toBe(false)
        if (!v.ok) expectJose(v.error, lib, ['ERR_KEY_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED'])
      }),
      { numRuns: 80 },
    )
  })
})
