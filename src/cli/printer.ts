/**
 * Bounded JSON for token content (decode, verify). A token is small, but its claims can
 * nest thousands of levels deep (JSON.stringify then overflows the stack, and two-space
 * indentation makes the text grow with the square of the depth) or hold huge strings,
 * arrays and objects. What is printed here is still JSON: what passes a limit is replaced
 * by a short string saying what was left out, and the whole has a hard size cap. The
 * walk is iterative, so no input can reach the call stack's limit.
 */
import { escapeText } from './format.ts'

/**
 * The limits, as docs/cli.md states them. Items stop being added once `kib` KiB are out:
 * the one being added (a key and a value of at most `chars` UTF-16 units, 6 bytes each
 * when escaped: < 50 KiB) and the closing lines of `depth` open levels (< 3 KiB) keep the
 * whole under `capKib`.
 */
export const LIMITS = { depth: 20, items: 1000, chars: 4096, kib: 192, capKib: 256 } as const

/** Why something was left out, as the notes say it. */
const WHY = {
  depth: `nesting deeper than ${LIMITS.depth} levels`,
  chars: `strings longer than ${LIMITS.chars} characters`,
  items: `arrays or objects of more than ${LIMITS.items} items`,
  bytes: `output past ${LIMITS.kib} KiB`,
} as const

/** An array or object being printed: its items (members as [key, value]) and the next one. */
interface Level {
  items: readonly unknown[]
  object: object | undefined
  next: number
}

/** How many levels of arrays and objects `v` holds, itself included (iterative). */
function levels(v: object): number {
  let max = 0
  const stack: [unknown, number][] = [[v, 1]]
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [x, depth] = top
    if (typeof x !== 'object' || x === null) continue
    max = Math.max(max, depth)
    for (const child of Object.values(x)) stack.push([child, depth + 1])
  }
  return max
}

/** A key not already in `object`, for the member that counts what was left out. */
function freeKey(object: object): string {
  let key = '…'
  while (Object.hasOwn(object, key)) key += '…'
  return key
}

/**
 * Prints JSON values within the limits; one printer's size cap covers everything it
 * prints (decode prints the header and the payload with one printer).
 */
export class Printer {
  /** What was summarised (the WHY texts), empty when nothing was. */
  readonly reasons = new Set<string>()
  private bytes = 0

  /**
   * `value` as two-space-indented JSON, safe on a terminal, within the limits; `wrappers`
   * levels at the top are the CLI's own and do not count towards the depth.
   */
  json(value: unknown, wrappers = 0): string {
    const out: string[] = []
    const emit = (s: string) => {
      out.push(s)
      this.bytes += Buffer.byteLength(s)
    }
    const open: Level[] = []
    const start = (v: unknown) => {
      if (typeof v !== 'object' || v === null) return emit(typeof v === 'string' ? this.string(v) : String(JSON.stringify(v) ?? null))
      const array = Array.isArray(v)
      if (open.length === LIMITS.depth + wrappers) return emit(this.note('depth', `… ${array ? 'array' : 'object'} ${levels(v)} levels deep`))
      const items = array ? v : Object.entries(v)
      if (items.length === 0) return emit(array ? '[]' : '{}')
      emit(array ? '[' : '{')
      open.push({ items, object: array ? undefined : v, next: 0 })
    }
    start(value)
    for (let level = open.at(-1); level; level = open.at(-1)) {
      const indent = '  '.repeat(open.length)
      const { items, object } = level
      if (level.next === items.length) {
        emit(`\n${indent.slice(2)}${object ? '}' : ']'}`)
        open.pop()
        continue
      }
      emit(`${level.next > 0 ? ',' : ''}\n${indent}`)
      if (level.next === LIMITS.items || this.bytes > LIMITS.kib * 1024) {
        const left = `${items.length - level.next} more ${object ? 'members' : 'items'}`
        const note = this.note(level.next === LIMITS.items ? 'items' : 'bytes', object ? left : `… ${left}`)
        emit(object ? `${this.string(freeKey(object))}: ${note}` : note)
        level.next = items.length
        continue
      }
      const item = items[level.next++]
      if (object === undefined) start(item)
      else {
        const [key, v] = item as [string, unknown]
        emit(`${this.string(key)}: `)
        start(v)
      }
    }
    return out.join('')
  }

  /** A JSON string literal, cut at `chars` UTF-16 units (never inside a surrogate pair). */
  private string(s: string): string {
    if (s.length > LIMITS.chars) {
      const cut = LIMITS.chars - (/[\ud800-\udbff]/.test(s[LIMITS.chars - 1]!) ? 1 : 0)
      this.reasons.add(WHY.chars)
      s = `${s.slice(0, cut)}… (${s.length - cut} more characters)`
    }
    // JSON.stringify escapes C0 controls, quotes and lone surrogates; escapeText the rest.
    return escapeText(JSON.stringify(s))
  }

  private note(why: keyof typeof WHY, text: string): string {
    this.reasons.add(WHY[why])
    return JSON.stringify(text)
  }
}

/**
 * A result object (`{header, payload, …}`) as bounded JSON; when anything was left out,
 * a last member `"summarised"` lists why, so a script can tell.
 */
export function resultJson(result: Record<string, unknown>): string {
  const p = new Printer()
  const text = p.json(result, 1)
  return p.reasons.size === 0 ? text : `${text.slice(0, -2)},\n  "summarised": ${JSON.stringify([...p.reasons])}\n}`
}

/** A value as one line of bounded JSON for a message, cut after `max` characters. */
export function oneLine(value: unknown, max = 80): string {
  // Printer output has raw newlines only in its indentation: strings are JSON-escaped.
  const text = new Printer().json(value).replace(/\n */g, '')
  // A cut never leaves half an escape ("\u00").
  return text.length > max ? `${text.slice(0, max).replace(/\\(?:u[\da-f]{0,3})?$/, '')}…` : text
}
