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
