/**
 * Shared helpers for the fast-check property suites: an independent base64url oracle
 * (Node's Buffer, used only on canonical input we produced ourselves), the mutations
 * that turn a canonical segment into a non-canonical one, and error assertions.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { b64u, b64uJson } from '../support/base64url.ts'

export const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Test-side encoder: Node's base64url output is canonical (no padding, zero trailing bits). */
export { b64u, b64u as b64uText, b64uJson }

/** Lenient decode; only ever used on strings this file produced canonically. */
export function unb64u(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64url'))
}

/** True iff `s` is the one canonical unpadded base64url spelling of some byte string. */
export function isCanonicalB64u(s: string): boolean {
  for (const ch of s) if (!B64URL_ALPHABET.includes(ch)) return false
  if (s.length % 4 === 1) return false
  return Buffer.from(s, 'base64url').toString('base64url') === s
}

export const WHITESPACE = [' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2000', '\u2028', '\u2029', '\u202f', '\u3000', '\ufeff', '\u0085']

/** One character that is not in the base64url alphabet (ASCII and far beyond, incl. chars whose low 7 bits hit the alphabet). */
export const foreignChar: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('=', '+', '/', '.', '%', '~', '!', '\0', '"', '\\', ...WHITESPACE),
  fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
  // code units whose low byte / low 7 bits are alphabet letters: catches `c & 0x7f` table lookups
  fc.constantFrom(...B64URL_ALPHABET).chain((ch) =>
    fc.constantFrom(0x80, 0x100, 0x180, 0x1000, 0xff00).map((hi) => String.fromCharCode(hi | ch.charCodeAt(0))),
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
).filter((ch) => !B64URL_ALPHABET.includes(ch))

export const alphabetChar: fc.Arbitrary<string> = fc.constantFrom(...B64URL_ALPHABET)

export type Mutation =
  | { kind: 'pad'; where: number; count: number }
  | { kind: 'std'; where: number; ch: '+' | '/' }
  | { kind: 'space'; where: number; ch: string }
  | { kind: 'foreign-insert'; where: number; ch: string }
  | { kind: 'foreign-replace'; where: number; ch: string }
  | { kind: 'len1'; shrink: boolean; fill: string }
  | { kind: 'trailing'; bits: number }

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('pad' as const), where: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('std' as const), where: fc.nat(), ch: fc.constantFrom('+' as const, '/' as const) }),
  fc.record({ kind: fc.constant('space' as const), where: fc.nat(), ch: fc.constantFrom(...WHITESPACE) }),
  fc.record({ kind: fc.constant('foreign-insert' as const), where: fc.nat(), ch: foreignChar }),
  fc.record({ kind: fc.constant('foreign-replace' as const), where: fc.nat(), ch: foreignChar }),
  fc.record({ kind: fc.constant('len1' as const), shrink: fc.boolean(), fill: fc.string({ unit: alphabetChar, minLength: 3, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('trailing' as const), bits: fc.integer({ min: 1, max: 15 }) }),
)

/**
 * Make canonical base64url `s` non-canonical. Returns undefined when the mutation does
 * not apply (trailing bits need len % 4 ∈ {2, 3}; replacements need a character).
 * Every result is non-canonical by construction: it holds a foreign character, or its
 * length is 1 mod 4, or its unused low bits are non-zero.
 */
export function mutate(s: string, m: Mutation): string | undefined {
  const at = (n: number) => m.kind === 'len1' || m.kind === 'trailing' ? 0 : (m as { where: number }).where % (n + 1)
  switch (m.kind) {
    case 'pad': {
      // both "complete the padding" (std form) and a stray '=' anywhere
      if (m.where % 2 === 0) return s + '='.repeat(m.count)
      const i = at(s.length)
      return s.slice(0, i) + '='.repeat(m.count) + s.slice(i)
    }
    case 'std': {
      if (s.length === 0) return m.ch
      const i = at(s.length - 1)
      return s.slice(0, i) + m.ch + s.slice(i + 1)
    }
    case 'space':
    case 'foreign-insert': {
      const i = at(s.length)
      return s.slice(0, i) + m.ch + s.slice(i)
    }
    case 'foreign-replace': {
      if (s.length === 0) return undefined
      const i = at(s.length - 1)
      return s.slice(0, i) + m.ch + s.slice(i + 1)
    }
    case 'len1': {
      const r = s.length % 4
      // shrink: drop (r + 3) % 4 chars; grow: append (5 - r) % 4 chars. Both land on 1 mod 4.
      const drop = (r + 3) % 4
      if (m.shrink && s.length > drop) return s.slice(0, s.length - drop)
      const add = (5 - r) % 4
      return s + m.fill.slice(0, add)
    }
    case 'trailing': {
      const r = s.length % 4
      if (r !== 2 && r !== 3) return undefined
      const unused = r === 2 ? 4 : 2
      const mask = (1 << unused) - 1
      const low = m.bits & mask || 1
      const last = B64URL_ALPHABET.indexOf(s[s.length - 1]!)
      return s.slice(0, -1) + B64URL_ALPHABET[(last & ~mask) | low]!
    }
  }
}

/** Call `f`, returning what it threw/rejected with, and whether the throw was synchronous. */
export async function outcome(f: () => unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown; sync: boolean }> {
  let r: unknown
  try {
    r = f()
  } catch (error) {
    return { ok: false, error, sync: true }
  }
  try {
    return { ok: true, value: await r }
  } catch (error) {
    return { ok: false, error, sync: false }
  }
}

export function describeError(e: unknown): string {
  try {
    if (e instanceof Error) return `${e.name}: ${(e as { code?: string }).code ?? ''} ${e.message.slice(0, 200)}`
    return `non-Error thrown: ${typeof e}`
  } catch {
    return 'unprintable error'
  }
}

/**
 * Assert `e` is a JoseError by both recognisers (`isJoseError` brand and `instanceof`) and,
 * when given, has one of `codes`.
 */
export function expectJose(
  e: unknown,
  lib: { isJoseError(e: unknown): boolean; JoseError: abstract new (...a: never[]) => Error },
  codes?: string | readonly string[],
): void {
  expect(lib.isJoseError(e), describeError(e)).toBe(true)
  expect(e instanceof lib.JoseError, describeError(e)).toBe(true)
  if (codes !== undefined) {
    const list = typeof codes === 'string' ? [codes] : codes
    expect(list, describeError(e)).toContain((e as { code?: string }).code)
  }
}

/** Split a compact token into its three segments (throws when the fixture is not one). */
export function segments(token: string): [string, string, string] {
  const parts = token.split('.')
  if (parts.length !== 3) throw new Error('fixture is not a compact JWS')
  return parts as [string, string, string]
}
