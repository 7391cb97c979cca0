/**
 * The layer rule (STYLE.md, ARCHITECTURE.md): imports go one way, encoding → jose → jwa →
 * backend → keys → jws → jwt → oauth → the public index → the CLI, with jwks beside jwt
 * (neither imports the other), and isojwt/stores and isojwt/providers on top (they reach the
 * core only by the package name, `isojwt`, which their builds keep external). `errors.ts` and `types.ts` import nothing and anyone may
 * import them. Read from the source text: every relative import of every file in src/, and
 * every `#name` import (package.json `imports`, e.g. `#backend`), ranked by its default target.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = path.resolve(import.meta.dirname, '../../src')

/** Each folder's rank: a file may import files of a lower rank, or of its own folder. */
const RANK: ReadonlyMap<string, number> = new Map([
  ['errors.ts', 0], ['types.ts', 0],
  ['encoding', 1], ['jose', 2], ['jwa', 3], ['backend', 4], ['keys', 5], ['jws', 6], ['jwe', 6],
  ['jwt', 7], ['jwks', 7], ['oauth', 8], ['index.ts', 9], ['stores', 9], ['providers', 9], ['cli', 10],
])

/**
 * Upward or sideways imports tolerated for now, each to be removed. The test fails when
 * one of them disappears, so the list only ever shrinks. Empty since issue 14: the node
 * backend passes its codecs down to encoding/, and durations and the clock live in jose/.
 */
const KNOWN = new Set<string>([])

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name)
    return d.isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}

/** 'jwt/verify.ts' → 'jwt'; 'errors.ts' → 'errors.ts'. */
const top = (rel: string): string => rel.split('/')[0]!

/** package.json `imports` (`#backend`): each name's `default` target, as a path from the root. */
const SUBPATHS: ReadonlyMap<string, string> = new Map(Object.entries(
  JSON.parse(readFileSync(path.resolve(SRC, '../package.json'), 'utf8')).imports ?? {},
).map(([name, target]) => [name, typeof target === 'string' ? target : (target as { default: string }).default]))

/** A specifier's file: relative to the importer, or a package.json `imports` name. */
function resolveSpecifier(file: string, spec: string): string {
  if (!spec.startsWith('#')) return path.resolve(path.dirname(file), spec)
  const target = SUBPATHS.get(spec)
  return target === undefined ? path.join(SRC, spec) : path.resolve(SRC, '..', target)
}

function imports(): [string, string][] {
  const out: [string, string][] = []
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([.#][^'"]+)['"]/gm)) {
      const target = path.relative(SRC, resolveSpecifier(file, m[1]!)).split(path.sep).join('/')
      out.push([path.relative(SRC, file).split(path.sep).join('/'), target])
    }
  }
  return out
}

/** The imports that go up or sideways, as 'from → to'. */
function violations(pairs: [string, string][]): string[] {
  const found: string[] = []
  for (const [from, to] of pairs) {
    const a = top(from)
    const b = top(to)
    if (a !== b && RANK.get(b)! >= RANK.get(a)!) found.push(`${from} → ${to}`)
  }
  return found
}

describe('layers: imports go one way', () => {
  const all = imports()

  it('reads the imports of every source file', () => {
    expect(all.length).toBeGreaterThan(100)
    expect(all, 'the backend seam').toContainEqual(['backend/index.ts', 'backend/webcrypto.ts'])
    for (const [, to] of all) expect(RANK.has(top(to)), `${to}: a folder the rule does not know`).toBe(true)
  })

  it('no file imports a higher layer or a sideways one, beyond the known list', () => {
    const found = violations(all)
    expect(found.filter((f) => !KNOWN.has(f))).toEqual([])
    // A known exception that is gone is removed from the list.
    expect([...KNOWN].filter((k) => !found.includes(k))).toEqual([])
  })

  it('the rule catches a violation (canary)', () => {
    expect(violations([['jwa/policy.ts', 'keys/describe.ts'], ['jwks/local.ts', 'jwt/verify.ts'], ['keys/api.ts', 'jwa/registry.ts']]))
      .toEqual(['jwa/policy.ts → keys/describe.ts', 'jwks/local.ts → jwt/verify.ts'])
  })

  it.each(['stores', 'providers'])('src/%s imports its own files and the core by the package name only (one copy of the core)', (dir) => {
    // API.md: isojwt/stores and isojwt/providers import the core through the package's root
    // entry, never a second bundled copy (one set of caches, one backend); nothing else imports them.
    const stores = files(path.join(SRC, dir))
    expect(stores.length).toBeGreaterThan(3)
    for (const file of stores) {
      const rel = path.relative(SRC, file).split(path.sep).join('/')
      // Comments dropped: the TSDoc examples import 'isojwt/stores' as a user would.
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')
      for (const m of code.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!
        const inside = spec.startsWith('./') && !spec.includes('..')
        expect(inside || spec === 'isojwt', `${rel} imports ${spec}`).toBe(true)
      }
    }
    expect(all.filter(([from, to]) => top(to) === dir && top(from) !== dir)).toEqual([])
  })

  it('node: modules only in the node backend and the CLI', () => {
    for (const file of files(SRC)) {
      const rel = path.relative(SRC, file).split(path.sep).join('/')
      if (rel === 'backend/node.ts' || rel.startsWith('cli/')) continue
      expect(readFileSync(file, 'utf8'), rel).not.toMatch(/from\s+['"]node:/)
    }
  })
})
