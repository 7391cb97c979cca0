/**
 * Issue 14: the registry (src/jwa/registry.ts) is the one source of algorithm facts. The
 * public `Alg` type, the lists that tests cannot import it for (the plain-JS conformance
 * matrix, the independent oracle), and the docs' tables of algorithms and key minimums
 * must say what it says. (The CLI's lists and docs/cli.md: test/cli/registry.test.ts.)
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ENTRIES, type AlgEntry } from '../../src/jwa/registry.ts'
import type { Alg } from '../../src/types.ts'
import { ALGS as MATRIX_ALGS } from '../conformance/matrix.mjs'
import { ALL_ALGS as ORACLE_ALGS } from '../oracle/helpers.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const doc = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8')
const REGISTRY = ENTRIES.map((e) => e.alg)
const of = (kty: string): AlgEntry[] => ENTRIES.filter((e) => e.kty === kty)

/** Every member of the public `Alg` union: the compiler fails when one is added or removed without this list. */
const PUBLIC: Record<Alg, true> = {
  HS256: true, HS384: true, HS512: true, RS256: true, RS384: true, RS512: true, PS256: true, PS384: true, PS512: true,
  ES256: true, ES384: true, ES512: true, EdDSA: true, Ed25519: true,
}

describe('the algorithm registry is the one list', () => {
  it('it has one entry per member of the public Alg type, each once', () => {
    expect(new Set(REGISTRY).size).toBe(REGISTRY.length)
    expect([...REGISTRY].sort()).toEqual(Object.keys(PUBLIC).sort())
  })

  it('the conformance matrix (plain JS, run in every runtime) and the oracle list the same algorithms, in order', () => {
    expect([...MATRIX_ALGS]).toEqual(REGISTRY)
    expect([...ORACLE_ALGS]).toEqual(REGISTRY)
  })

  it('docs/keys.md: the table of pinned algorithms has a row for each curve family, as the registry groups them', () => {
    const keys = doc('docs/keys.md')
    const ec = of('EC')
    expect(keys).toContain(`| EC ${ec.map((e) => e.crv).join(' / ')} key | ${ec.map((e) => e.alg).join(' / ')} |`)
    for (const crv of new Set(of('OKP').map((e) => e.crv))) {
      expect(keys).toContain(`| ${crv} key | ${of('OKP').filter((e) => e.crv === crv).map((e) => e.alg).join(', ')} |`)
    }
  })

  it('a key type\'s (and curve\'s) first entry has its smallest minimum key size (src/keys/describe.ts checks a key against it)', () => {
    for (const e of ENTRIES) {
      const first = ENTRIES.find((f) => f.kty === e.kty && f.crv === e.crv)!
      expect(first.minKeyBits, `${first.alg} before ${e.alg}`).toBeLessThanOrEqual(e.minKeyBits)
    }
  })

  it('docs and README state the registry\'s minimum key sizes', () => {
    const hs = of('oct')
    expect(doc('docs/keys.md').replace(/\s+/g, ' '))
      .toContain(`(${hs.map((e) => e.minKeyBits / 8).join(', ')} bytes for ${hs.map((e) => e.alg).join('/').replace(/\/HS/g, '/')};`)
    const rsa = new Set(of('RSA').map((e) => e.minKeyBits))
    expect(rsa.size).toBe(1)
    // Every "RSA … N bits" statement (a minimum) in README.md and docs/ names the registry's N.
    let seen = 0
    for (const file of ['README.md', 'docs/keys.md', 'docs/errors.md', 'docs/security.md', 'docs/migrate-from-jsonwebtoken.md']) {
      for (const m of doc(file).replace(/\s+/g, ' ').matchAll(/RSA [^.|]*?(\d{4}) bits/g)) {
        expect(Number(m[1]), `${file}: ${m[0]}`).toBe([...rsa][0])
        seen++
      }
    }
    expect(seen).toBeGreaterThanOrEqual(5)
  })
})
