/** JSON for JOSE: parsed text must be an object; serialisation refuses what JSON cannot say. */
import { fail, type JoseErrorCode } from '../errors.ts'
import { fromUtf8 } from '../encoding/utf8.ts'
import { invalid, isObject } from './options.ts'

export type JsonObject = Record<string, unknown>

export { isObject }

export function isPlainObject(x: unknown): x is JsonObject {
  if (!isObject(x)) return false
  // Object.prototype of any realm (its own prototype is null), or no prototype at all.
  const proto: unknown = Object.getPrototypeOf(x)
  return proto === null || Object.getPrototypeOf(proto) === null
}

/**
 * UTF-8 bytes → a JSON object (not an array, not null), or a JoseError with `code`.
 * Invalid UTF-8 is not JSON text either (RFC 8259 §8.1): one message for both, and no
 * cause (a platform error's message could echo the input; ours says what failed).
 */
export function parseObject(bytes: Uint8Array, code: JoseErrorCode, what: string): JsonObject {
  let value: unknown
  try {
    value = JSON.parse(fromUtf8(bytes))
  } catch {
    fail(code, `${what} is not valid JSON`)
  }
  return isObject(value) ? value : fail(code, `${what} is not a JSON object`)
}

/** Deeper than any real claim set; a bound that also stops cycles. */
const MAX_DEPTH = 128
/** More values than any real claim set: bounds the walk of a shared or cyclic graph. */
const MAX_VALUES = 1_000_000

const unserialisable = (what: string, why: string): never => invalid(`${what} ${why}`)

/**
 * Checks a value before JSON.stringify: no BigInt, no non-finite number (RFC 8259 has
 * neither; JSON.stringify would throw or silently write null), no cycle, no nesting
 * deeper than MAX_DEPTH (JSON.stringify would recurse until the stack overflows, slowly).
 * Recursive, but never deeper than MAX_DEPTH; at most MAX_VALUES visits (`n` counts them,
 * and the count so far is returned), so an object that refers to itself twice fails fast
 * instead of taking 2^128 steps.
 */
function checkSerialisable(v: unknown, what: string, depth: number, n: number): number {
  if (++n > MAX_VALUES) unserialisable(what, `has over ${MAX_VALUES} values (or a cycle)`)
  if (typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v))) unserialisable(what, `has a ${typeof v === 'bigint' ? 'BigInt' : 'non-finite number'} (not JSON)`)
  if (!v || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') return n
  if (depth >= MAX_DEPTH) unserialisable(what, 'is nested too deeply (or a cycle)')
  // A string is counted here (most claims are): one call fewer per claim, and the bound the same.
  for (const c of Object.values(v)) n = typeof c === 'string' && n < MAX_VALUES ? n + 1 : checkSerialisable(c, what, depth + 1, n)
  return n
}

/** JSON.stringify for values the caller gave us; refuses what JSON cannot say. */
export function stringify(value: unknown, what: string): string {
  checkSerialisable(value, what, 0, 0)
  let out: string | undefined
  try {
    out = JSON.stringify(value)
  } catch {
    // a throwing toJSON or getter; its error could echo what it read
  }
  return out ?? unserialisable(what, 'is not serialisable to JSON')
}

/** Freeze a parsed JSON value and everything below it, iteratively (no recursion limit). */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) continue
    Object.freeze(v)
    for (const k of Object.keys(v)) stack.push((v as JsonObject)[k])
  }
  return value
}
