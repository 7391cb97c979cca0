/** JSON for JOSE: parsed text must be an object; serialisation refuses what JSON cannot say. */
import { fail, scrub, type JoseErrorCode } from '../errors.ts'
import { fromUtf8 } from '../encoding/utf8.ts'

export type JsonObject = Record<string, unknown>

export function isPlainObject(x: unknown): x is JsonObject {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false
  // Object.prototype of any realm (its own prototype is null), or no prototype at all.
  const proto: unknown = Object.getPrototypeOf(x)
  return proto === null || Object.getPrototypeOf(proto) === null
}

/** UTF-8 bytes → a JSON object (not an array, not null), or a JoseError with `code`. */
export function parseObject(bytes: Uint8Array, code: JoseErrorCode, what: string): JsonObject {
  const text = fromUtf8(bytes, code, what)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    fail(code, `${what} is not valid JSON`, { cause: scrub(e, 'invalid JSON') })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(code, `${what} is not a JSON object`)
  }
  return value as JsonObject
}

/** Deeper than any real claim set; a bound that also stops cycles without recursion. */
const MAX_DEPTH = 128

/**
 * Checks a value before JSON.stringify, iteratively: no BigInt, no non-finite number
 * (RFC 8259 has neither; JSON.stringify would throw or silently write null), no cycle,
 * no nesting deeper than MAX_DEPTH (which would overflow the native stack slowly).
 */
function checkSerialisable(value: unknown, what: string): void {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    if (typeof v === 'bigint') fail('ERR_JOSE_INVALID_ARGUMENT', `${what} contains a BigInt, which JSON cannot represent`)
    if (typeof v === 'number' && !Number.isFinite(v)) fail('ERR_JOSE_INVALID_ARGUMENT', `${what} contains a non-finite number`)
    if (typeof v !== 'object' || v === null || typeof (v as { toJSON?: unknown }).toJSON === 'function') continue
    if (depth >= MAX_DEPTH) fail('ERR_JOSE_INVALID_ARGUMENT', `${what} is nested too deeply (or contains a cycle)`)
    const children = Array.isArray(v) ? v : Object.values(v)
    for (const c of children) stack.push([c, depth + 1])
  }
}

/** JSON.stringify for values the caller gave us; refuses what JSON cannot say. */
export function stringify(value: unknown, what: string): string {
  checkSerialisable(value, what)
  let out: string | undefined
  try {
    out = JSON.stringify(value)
  } catch (e) {
    fail('ERR_JOSE_INVALID_ARGUMENT', `${what} cannot be serialised as JSON`, { cause: scrub(e, 'JSON serialisation failed') })
  }
  if (out === undefined) fail('ERR_JOSE_INVALID_ARGUMENT', `${what} cannot be serialised as JSON`)
  return out
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
