// Issue 14: the CLI's algorithm lists (help texts, --alg checks, keygen's choices) and the
// docs' list come from the library's registry (src/jwa/registry.ts), so they cannot drift.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ALGS, ED25519_ALGS, PROBE } from '../../src/cli/algs.ts'
import { ENTRIES } from '../../src/jwa/registry.ts'
import { cliOnce, ensureBuilt, ROOT, run, scratch } from './helpers.ts'

const REGISTRY = ENTRIES.map((e) => e.alg)

describe.runIf(cliOnce)('the CLI lists algorithms from the registry', () => {
  beforeAll(ensureBuilt, 120_000)

  it('keygen --help and its refusal of an unknown name list every registry algorithm, in order', async () => {
    const help = (await run(['keygen', '--help'])).stdout
    expect(help).toContain(`Generates a key for ALG (${REGISTRY.join(', ')}).`)
    const r = await run(['keygen', 'ES257'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`ERR_USAGE: unknown algorithm "ES257": one of ${REGISTRY.join(', ')}\n`)
  })

  it('an --alg that is not a registry algorithm (verify, a profile, sign, jwks): exit 1, the registry\'s list', async () => {
    const s = scratch()
    try {
      const key = s.file('k.json', JSON.stringify({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA' }))
      const tok = 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln'
      for (const [args, name] of [
        [['verify', tok, '--key', key, '--alg', 'HS256,RS257'], 'RS257'],
        [['verify', tok, '--key', key, '--alg', 'none'], 'none'],
        [['verify', tok, '--key', key, '--profile', 'access-token', '--iss', 'i', '--aud', 'a', '--alg', 'hs256'], 'hs256'],
        [['sign', '--key', key, '--alg', 'PS257', 'sub=a'], 'PS257'],
        [['jwks', key, '--alg', 'EdDSA2'], 'EdDSA2'],
      ] as const) {
        const r = await run(args)
        expect(r.code, args.join(' ')).toBe(1)
        expect(r.stderr).toBe(`ERR_JOSE_INVALID_ARGUMENT: --alg: unknown algorithm "${name}": one of ${REGISTRY.join(', ')}\n`)
      }
    } finally {
      s.cleanup()
    }
  })

  it('verify and sign --help name the algorithms an Ed25519 key pins, as the registry has them', async () => {
    const ed = ENTRIES.filter((e) => e.crv === 'Ed25519').map((e) => e.alg)
    expect(ED25519_ALGS).toBe(ed.join(' and '))
    for (const c of ['verify', 'sign']) expect((await run([c, '--help'])).stdout.replace(/\s+/g, ' ')).toContain(`pins ${ed.join(' and ')}`)
  })

  it('the key-type probe tries one algorithm per asymmetric key type and curve of the registry', () => {
    expect(ALGS).toEqual(REGISTRY)
    const kinds = new Set(ENTRIES.filter((e) => e.kty !== 'oct').map((e) => `${e.kty} ${e.crv}`))
    expect(PROBE.map((a) => { const e = ENTRIES.find((x) => x.alg === a)!; return `${e.kty} ${e.crv}` })).toEqual([...kinds])
  })

  it('docs/cli.md lists the registry\'s algorithms for keygen', () => {
    const doc = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8')
    const para = /ALG is any algorithm the library signs with:([^.]*)\./.exec(doc)
    expect(para, 'the keygen paragraph of docs/cli.md').not.toBeNull()
    expect([...para![1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1])).toEqual(REGISTRY)
  })
})
