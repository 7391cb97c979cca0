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
 * One remembered plan per one-shot function: the plan made from the last plain options
 * object, with the names and values it was made from (arrays copied). It holds no
 * reference to the caller's object.
 */
export interface PlanSlot<P> {
  memo: { plan: P; names: string[]; values: unknown[] } | undefined
}

const same = (a: unknown, b: unknown): boolean =>
  a === b || (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]))

/** Values a plan may be remembered by: primitives, functions, arrays of primitives. */
const rememberable = (v: unknown): boolean =>
  Array.isArray(v) ? v.every((x) => x === null || typeof x !== 'object') : typeof v !== 'object' || v === null

/**
 * The plan for `options`, reused while the options say the same thing: the same names
 * in the same order with the same values, whether the caller passes one object again
 * (a module-level constant) or a fresh literal per call (`{ alg: 'HS256' }`). Each value
 * is read once per call; a new plan is made from a copy of the values read, so it is
 * exactly what they say. A Date, a nested object, another prototype or a throwing Proxy
 * are planned afresh from the object itself, and forget the remembered plan.
 */
export function reusePlan<P>(slot: PlanSlot<P>, options: unknown, make: (options: unknown, remembered?: boolean) => P): P {
  let names: string[] | undefined
  let values: unknown[] | undefined
  try {
    if (typeof options === 'object' && options !== null && Object.getPrototypeOf(options) === Object.prototype) {
      const m = slot.memo
      const keys = Object.keys(options)
      const read: unknown[] = []
      let hit = m !== undefined && keys.length === m.names.length
      for (let i = 0; i < keys.length; i++) {
        const v = (options as Record<string, unknown>)[keys[i]!]
        read.push(v)
        if (hit && !(keys[i] === m!.names[i] && same(v, m!.values[i]))) hit = false
      }
      if (hit) return m!.plan
      // Only on a miss: whether these values can be remembered at all.
      if (keys.every((k, i) => k !== '__proto__' && rememberable(read[i]))) {
        names = keys
        values = read.map((v) => (Array.isArray(v) ? v.slice() : v))
      }
    }
  } catch {
    // a hostile object: the ordinary path reports it
  }
  if (!names || !values) {
    slot.memo = undefined
    return make(options)
  }
  const copy: Record<string, unknown> = {}
  names.forEach((n, i) => (copy[n] = values[i]))
  const plan = make(copy, true)
  slot.memo = { plan, names, values }
  return plan
}
