/**
 * The DPoP `htu` comparison (RFC 9449 §4.3 item 9, RFC 3986 §6.2.2–6.2.3): examples, and
 * a property: any spelling of a URI that differs only in what normalisation removes
 * (case of scheme and host, default port, percent-encoding case, encoded unreserved
 * characters, dot segments, query, fragment) normalises to the canonical form.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normaliseHtu } from '../../src/oauth/htu.ts'

describe('normaliseHtu', () => {
  it('examples', () => {
    const same: Array<[string, string]> = [
      ['HTTPS://RS.Example.COM:443/a/./b/../c?q=1#f', 'https://rs.example.com/a/c'],
      ['http://rs.example:80', 'http://rs.example/'],
      ['https://rs.example/%7euser/%2fx/%2F/%41%2d%2E%5F', 'https://rs.example/~user/%2Fx/%2F/A-._'],
      ['https://rs.example/a/%2e%2E/b', 'https://rs.example/b'],
      ['https://[::1]:8443/x', 'https://[::1]:8443/x'],
      ['https://rs.example/%c3%a9', 'https://rs.example/%C3%A9'],
    ]
    for (const [spelt, normal] of same) expect(normaliseHtu(spelt), spelt).toBe(normal)
    expect(normaliseHtu('https://rs.example/a%2Fb')).not.toBe(normaliseHtu('https://rs.example/a/b'))
    expect(normaliseHtu('https://rs.example:8443/')).not.toBe(normaliseHtu('https://rs.example/'))
    for (const bad of ['rs.example/x', 'ftp://rs.example/', 'https://rs.example/ x', 'https://u:p@rs.example/', 'https://', 'https://rs.example/\u00e9', 'https:rs.example']) {
      expect(normaliseHtu(bad), bad).toBeUndefined()
    }
  })

  // Path characters as a canonical URI spells them, and the other ways to write each.
  const UNRESERVED = 'abcXYZ019-._~'.split('')
  const LITERAL = "!$&'()*+,;=:@".split('')
  const ENCODED = ['%2F', '%3F', '%23', '%25', '%20', '%C3%A9']
  const hex = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`
  const caseOf = (s: string, flips: boolean[]) => [...s].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c.toLowerCase())).join('')

  const char = fc.oneof(
    fc.tuple(fc.constantFrom(...UNRESERVED), fc.boolean(), fc.boolean()).map(([c, enc, upper]) => ({ canon: c, spelt: enc ? (upper ? hex(c).toUpperCase() : hex(c)) : c })),
    fc.constantFrom(...LITERAL).map((c) => ({ canon: c, spelt: c })),
    fc.tuple(fc.constantFrom(...ENCODED), fc.boolean()).map(([e, lower]) => ({ canon: e, spelt: lower ? e.toLowerCase() : e })),
  )
  // "." and ".." are dot segments, never part of a canonical path
  const segment = fc.array(char, { minLength: 1, maxLength: 6 }).filter((s) => !/^\.\.?$/.test(s.map((c) => c.canon).join('')))
  const dots = fc.constantFrom('', '', './', 'zz/../', '%2e/', 'q/%2E%2e/')
  const uri = fc.record({
    https: fc.boolean(),
    host: fc.array(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), { minLength: 1, maxLength: 3 }),
    segments: fc.array(fc.tuple(dots, segment), { maxLength: 5 }),
    flips: fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
    port: fc.boolean(),
    tail: fc.constantFrom('', '?', '?a=1&b', '#frag', '?x#y'),
  })

  it('property: every spelling normalises to the canonical form', () => {
    fc.assert(
      fc.property(uri, ({ https, host, segments, flips, port, tail }) => {
        const scheme = https ? 'https' : 'http'
        const hostname = host.join('.')
        const canon = `${scheme}://${hostname}/${segments.map(([, s]) => s.map((c) => c.canon).join('')).join('/')}`
        const spelt = `${caseOf(scheme, flips)}://${caseOf(hostname, flips.slice(1))}${port ? (https ? ':443' : ':80') : ''}/`
          + `${segments.map(([d, s]) => d + s.map((c) => c.spelt).join('')).join('/')}${tail}`
        expect(normaliseHtu(canon)).toBe(canon)
        expect(normaliseHtu(spelt)).toBe(canon)
      }),
      { numRuns: 500 },
    )
  })

  it('property: a different path character, host or port never normalises equal', () => {
    fc.assert(
      fc.property(uri, fc.constantFrom('/', '%2F', 'a', '%61b', ':8080'), ({ https, host, segments }, change) => {
        const base = `${https ? 'https' : 'http'}://${host.join('.')}`
        const path = `/${segments.map(([, s]) => s.map((c) => c.canon).join('')).join('/')}`
        const other = change === ':8080' ? `${base}:8080${path}` : `${base}${path}${change}`
        expect(normaliseHtu(other)).not.toBe(normaliseHtu(base + path))
      }),
      { numRuns: 200 },
    )
  })
})
