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

/**
 * JSON.stringify that refuses BigInt, cycles, non-finite numbers and symbols-as-values
 * silently turned into null (RFC 7519 §2 NumericDate and RFC 8259 have no NaN/Infinity).
 */
export function stringify(value: unknown, what: string): string {
  let out: string | undefined
  try {
    out = JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError('non-finite number')
      return v
    })
  } catch (e) {
    fail('ERR_JOSE_INVALID_ARGUMENT', `${what} cannot be serialised as JSON (BigInt, cycle, deep nesting or non-finite number)`, {
      cause: scrub(e, 'JSON serialisation failed'),
    })
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
