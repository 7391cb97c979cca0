/**
 * Reading a caller's options object once, defensively: getters and Proxies run once,
 * inside a try, and unknown names are refused (a misspelt `audiance` must not silently
 * turn a check off).
 */
import { fail, scrub, toJoseError } from '../errors.ts'

export type Options<K extends string> = { readonly [P in K]?: unknown }

/**
 * Runs option validation; anything it throws that is not already a JoseError (a Proxy
 * trap, a getter, a hostile `now`) is the caller's input failing: ERR_JOSE_INVALID_ARGUMENT.
 */
export function validating<T>(check: () => T): T {
  try {
    return check()
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'the options could not be read')
  }
}

export function readOptions<K extends string>(options: unknown, names: readonly K[], what = 'options', allowOthers = false): Options<K> {
  const out = Object.create(null) as Record<K, unknown>
  if (options === undefined) return out
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail('ERR_JOSE_INVALID_ARGUMENT', `${what} must be an object`)
  }
  try {
    if (!allowOthers) for (const k of Object.keys(options)) {
      if (!(names as readonly string[]).includes(k)) fail('ERR_JOSE_INVALID_ARGUMENT', `unknown option ${JSON.stringify(k.slice(0, 40))} in ${what}`)
    }
    for (const name of names) {
      const v = (options as Record<string, unknown>)[name]
      if (v !== undefined) out[name] = v
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'JoseError') throw e
    fail('ERR_JOSE_INVALID_ARGUMENT', `${what} could not be read`, { cause: scrub(e, 'reading options failed') })
  }
  return out
}

export function optString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') fail('ERR_JOSE_INVALID_ARGUMENT', `${name} must be a non-empty string`)
  return value
}

/** A string or a non-empty array of strings, as an array. */
export function optStrings(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && value !== '') return [value]
  if (!Array.isArray(value) || value.length === 0 || !(value as unknown[]).every((v) => typeof v === 'string' && v !== '')) {
    fail('ERR_JOSE_INVALID_ARGUMENT', `${name} must be a non-empty string or a non-empty array of them`)
  }
  return [...(value as string[])]
}

/**
 * One remembered options object per one-shot function: the last one seen, and the plan
 * made from it once it came twice in a row, with the values it held then. It holds the
 * caller's object strongly until another one comes (one object, never more).
 */
export interface PlanSlot<P> {
  options: object | undefined
  memo: { plan: P; names: string[]; values: unknown[] } | undefined
}

/** Own names in order and values: primitives, functions, arrays of primitives (copied). */
function valuesOf(o: Record<string, unknown>): { names: string[]; values: unknown[] } | undefined {
  const names = Object.keys(o)
  const values: unknown[] = []
  for (const name of names) {
    const v = o[name]
    if (name === '__proto__') return undefined
    if (Array.isArray(v)) {
      if (!v.every((x) => x === null || typeof x !== 'object')) return undefined
      values.push(v.slice())
    } else if (typeof v === 'object' && v !== null) return undefined
    else values.push(v)
  }
  return { names, values }
}

const same = (a: unknown, b: unknown): boolean =>
  a === b || (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]))

/**
 * The plan for `options`: remembered when the same object comes again (a module-level
 * constant passed on every call) and still holds the same values; a fresh object per
 * call (an inline literal) costs one comparison more than planning. The remembered plan
 * is made from a copy of the values it is remembered by, so it is exactly what they say;
 * a Date, a nested object, another prototype or a throwing Proxy are planned afresh.
 */
export function reusePlan<P>(slot: PlanSlot<P>, options: unknown, make: (options: unknown, remembered?: boolean) => P): P {
  if (typeof options !== 'object' || options === null || options !== slot.options) {
    slot.options = typeof options === 'object' && options !== null ? options : undefined
    slot.memo = undefined
    return make(options)
  }
  let now: ReturnType<typeof valuesOf>
  try {
    const m = slot.memo
    const keys = Object.keys(options)
    if (m && keys.length === m.names.length && keys.every((k, i) => k === m.names[i] && same((options as Record<string, unknown>)[k], m.values[i]))) return m.plan
    if (Object.getPrototypeOf(options) === Object.prototype) now = valuesOf(options as Record<string, unknown>)
  } catch {
    // a hostile object: the ordinary path reports it
  }
  if (!now) return make(options)
  const copy: Record<string, unknown> = {}
  now.names.forEach((n, i) => (copy[n] = now.values[i]))
  const plan = make(copy, true)
  slot.memo = { plan, ...now }
  return plan
}
