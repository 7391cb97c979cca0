/**
 * One bearer regex everywhere (issue 15, guides): the README, docs/, examples/ and demo/
 * extract `Authorization: Bearer <token>` with the same literal, the one
 * docs/express-and-hono.md explains. A copy that drifts (another character class, a
 * missing `i`, `.replace(/^Bearer /, …)`) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')
/** RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1). */
const CANONICAL = String.raw`/^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i`
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    // Not installed packages, nor the bundles the example tests write to dist/ (git-ignored).
    .filter((f) => ext.test(f) && !f.split(/[\\/]/).some((part) => part === 'node_modules' || part === 'dist'))
    .map((f) => `${dir}/${f}`)
}
const SOURCES = ['README.md', ...files('docs', /\.md$/), ...files('examples', /\.(m?js|ts|html|md)$/), ...files('demo', /\.(m?js|ts)$/)]

/** Every regex in `text` that matches a bearer scheme, as [line, literal or the text that builds one]. */
function bearerRegexes(text: string): [number, string][] {
  const out: [number, string][] = []
  text.split('\n').forEach((line, i) => {
    // A regex literal starting with (^)Bearer / bearer (not a path such as docs/bearer), or a RegExp built from such a string.
    for (const m of line.matchAll(/(?<![\w./])\/\^?\(?(?:\?:)?[Bb][Ee][Aa][Rr][Ee][Rr]|RegExp\(\s*['"`]\^?[Bb]earer/g)) {
      const at = m.index
      out.push([i + 1, line.startsWith(CANONICAL, at) ? CANONICAL : line.slice(at, at + 60)])
    }
  })
  return out
}

describe('docs: the one bearer regex', () => {
  it('every bearer regex of README, docs/, examples/ and demo/ is the same literal', () => {
    const found = SOURCES.flatMap((f) => bearerRegexes(readFileSync(join(ROOT, f), 'utf8')).map(([line, re]) => ({ at: `${f}:${line}`, re })))
    expect(found.filter((r) => r.re !== CANONICAL)).toEqual([])
    // README (4 servers), the guide, the access-token, key-set and runtime pages, the demo (the Worker example now uses createResourceServer)
    expect(found.length).toBeGreaterThanOrEqual(10)
    expect(new Set(found.map((r) => r.at.split(':')[0]))).toContain('docs/express-and-hono.md')
  })

  it('the checker sees a regex that drifts', () => {
    const drifted = "a.replace(/^Bearer /i, '')\nb = /^bearer (.+)$/.exec(h)\nnew RegExp('^Bearer (\\\\S+)')\n" + `ok = ${CANONICAL}.exec(h)`
    expect(bearerRegexes(drifted).map(([l, r]) => [l, r === CANONICAL])).toEqual([[1, false], [2, false], [3, false], [4, true]])
  })

  it('the regex takes RFC 6750 credentials and nothing else', () => {
    const tok = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln-_~+/=='
    for (const h of [`Bearer ${tok}`, `bearer ${tok}`, `BEARER   ${tok}`]) expect(BEARER.exec(h)?.[1]).toBe(tok)
    for (const h of ['', 'Bearer', 'Bearer ', `Bearer  ${tok} x`, `Bearer "${tok}"`, `Basic ${tok}`, `DPoP ${tok}`, `Bearer ${tok}=a`, `Bearer\t${tok}`, `Bearer ${tok}\n`]) {
      expect(BEARER.exec(h)).toBeNull()
    }
    expect(String(BEARER)).toBe(CANONICAL)
  })
})
