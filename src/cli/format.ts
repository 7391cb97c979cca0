/**
 * Output helpers: escaping of untrusted text (a token's claims may carry terminal escape
 * sequences or bidi overrides), JSON, dates, relative times and TTY-only colour.
 */

/**
 * Characters that are not visible or that can move the cursor, recolour the terminal or
 * reorder what is displayed (docs/cli.md, "Untrusted text"): controls (Cc), format
 * characters such as zero-width and bidi controls (Cf), private-use (Co), unassigned (Cn),
 * lone surrogates (Cs), line and paragraph separators (Zl, Zp), spaces other than U+0020
 * (Zs), Unicode's default-ignorable characters (Hangul fillers U+115F, U+1160, U+3164,
 * U+FFA0, variation selectors, tag characters U+E0000–E0FFF, …), and the blank-looking
 * U+2800 (braille blank) and U+FFFC (object replacement).
 */
const UNSAFE = /(?! )[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\p{Default_Ignorable_Code_Point}\u2800\ufffc]/gu

const hex4 = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`
/** One character as `\uXXXX`; an astral one as its surrogate pair, as JSON writes it. */
const escaped = (ch: string): string => hex4(ch.charCodeAt(0)) + (ch.length > 1 ? hex4(ch.charCodeAt(1)) : '')

/** Plain text with every unsafe character written as `\uXXXX`. */
export function escapeText(s: string): string {
  return s.replace(UNSAFE, escaped)
}

/**
 * JSON (two-space indent) that is safe on a terminal and still valid JSON, for the CLI's
 * own documents (keys, key sets): JSON.stringify escapes C0 controls and lone surrogates,
 * the rest is escaped here; the newlines of the indentation stay. Token content is printed
 * by printer.ts instead, which bounds it.
 */
export function safeJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'null'
  return text.replace(UNSAFE, (ch) => (ch === '\n' ? ch : escaped(ch)))
}

/** A NumericDate as ISO 8601 UTC, or undefined when it is not a usable number. */
export function isoDate(seconds: unknown): string | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined
  const d = new Date(seconds * 1000)
  if (!Number.isFinite(d.getTime())) return undefined
  return d.toISOString().replace('.000Z', 'Z')
}

/** A span of seconds in the largest unit that keeps it readable: "14 min", "3 h", "2 d". */
export function span(seconds: number): string {
  const s = Math.floor(Math.abs(seconds))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min`
  if (s < 2 * 86_400) return `${Math.floor(s / 3600)} h`
  if (s < 365 * 86_400) return `${Math.floor(s / 86_400)} d`
  return `${Math.floor(s / 31_557_600)} y`
}

/** Relative wording per time claim, past and future (RFC 7519 §4.1.4–4.1.6, OIDC auth_time). */
const WORDS: ReadonlyMap<string, readonly [past: string, future: string]> = new Map([
  ['exp', ['expired % ago', 'expires in %']],
  ['nbf', ['valid since % ago', 'not valid for another %']],
  ['iat', ['issued % ago', 'issued in the future (in %)']],
  ['auth_time', ['authenticated % ago', 'authenticated in the future (in %)']],
])

/** Time claims decode lists, in display order. */
export const TIME_CLAIMS: readonly string[] = ['iat', 'nbf', 'exp', 'auth_time']

/**
 * "expires in 14 min", "expired 3 h ago", … for a time claim at `now` (seconds).
 * `exp` equal to now counts as expired (RFC 7519 §4.1.4: on or after).
 */
export function relative(claim: string, value: number, now: number): string {
  const [past, future] = WORDS.get(claim) ?? ['% ago', 'in %']
  const delta = value - now
  return (delta > 0 ? future : past).replace('%', span(delta))
}

/** ANSI styles used by the CLI. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan'
const SGR: Readonly<Record<Style, string>> = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' }

/** A painter: styles text when colour is on, returns it unchanged otherwise. */
export type Paint = (style: Style, text: string) => string

/**
 * Colour only on a terminal: FORCE_COLOR (not "0"/"false") forces it, NO_COLOR
 * (no-color.org) or TERM=dumb turns it off, otherwise it follows `isTTY`.
 */
export function colourEnabled(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false'
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return isTTY === true && env.TERM !== 'dumb'
}

/** The painter for a stream. */
export function painter(enabled: boolean): Paint {
  return enabled ? (style, text) => `\u001b[${SGR[style]}m${text}\u001b[0m` : (_style, text) => text
}
