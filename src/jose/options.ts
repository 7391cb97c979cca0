/**
 * Reading a caller's options object once, defensively: getters and Proxies run once,
 * inside a try, and unknown names are refused (a misspelt `audiance` must not silently
 * turn a check off).
 */
import { same } from '../encoding/bytes.ts'
import { fail, toJoseError } from '../errors.ts'

/** An object that is neither null nor an array (here, below json.ts, which imports this file). */
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

export type Options<K extends string> = { readonly [P in K]?: unknown }

/**
 * Runs option validation; anything it throws that is not already a JoseError (a Proxy
 * trap, a getter, a hostile `now`) is the caller's input failing: ERR_JOSE_INVALID_ARGUMENT.
 */
export function validating<T>(check: () => T): T {
  try {
    return check()
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'options could not be read')
  }
}

/**
 * Other libraries' option names (jsonwebtoken's) → '|'-separated hints, in order: our
 * names to suggest (`use alg`), each only where it is an option (the first known one
 * wins), and a sentence (it has a space) saying how isojwt does it.
 */
const FOREIGN = /* @__PURE__ */ new Map([
  ['algorithm', 'alg|algorithms'],
  ['algorithms', 'alg'],
  ['alg', 'algorithms'],
  ['keyid', 'kid'],
  ['jwtid', 'jwtId|compare payload.jti'],
  ['expiresIn', 'verify checks exp'],
  ['notBefore', 'verify checks nbf'],
  ['maxAge', 'expiresIn'],
  ['ignoreExpiration', 'use clockTolerance, or decode'],
  ['complete', 'verify returns the header too'],
])

/** The hint for an unknown option name (passed by the API functions that take jsonwebtoken's options). */
export function foreignHint(name: string, names: readonly string[]): string {
  for (const h of (FOREIGN.get(name) ?? '').split('|')) {
    if (names.includes(h)) return `: use ${h}`
    if (h.includes(' ')) return `: ${h}`
  }
  return ''
}

type Tip = (name: string, names: readonly string[]) => string

/**
 * Reads an options object: the values of its known names, in their order, each by a
 * property access written out, `(o = Object.create(null)) => [o.alg, o.kid, …]` (no
 * options: nothing is read, not even an inherited name). Written out, each access has an
 * inline cache of its own, monomorphic for one caller's options literal; `o[name]` over a
 * list of names is one megamorphic access, several times slower, most for names that are
 * absent, and most are (bench/README.md, item 12). Only the node build carries the readers
 * of the one-shot functions, in their PlanSlot (`if (backendNow)`, ARCHITECTURE.md, The
 * backend seam): there reading a dozen names is a share of a call worth having; under
 * WebCrypto a call waits for `crypto.subtle`, and bundles are smaller without them.
 */
export type Reader = (o?: Readonly<Record<string, unknown>>) => unknown[]

/**
 * The value of every known name, in the order of `names`, read by property access (own
 * or inherited, getter or Proxy alike, each once), after refusing own enumerable names
 * that are not known. One reading for one-shot and prepared calls (API.md, Prepared):
 * a non-enumerable `audience` or one a Proxy hides from ownKeys is still read. `read`
 * reads `names` (a Reader, or the generic loop).
 */
export function readValues(options: unknown, names: readonly string[], tip?: Tip, read?: Reader): unknown[] {
  if (options !== undefined && !isObject(options)) invalid('options must be an object')
  try {
    for (const k of Object.keys(options ?? {})) {
      if (!names.includes(k)) invalid(`unknown option ${JSON.stringify(k.slice(0, 40))} in options${tip ? tip(k, names) : ''}`)
    }
    return read ? read(options as Record<string, unknown> | undefined) : names.map((n) => (options as Record<string, unknown> | undefined)?.[n])
  } catch (e) {
    throw toJoseError(e, 'ERR_JOSE_INVALID_ARGUMENT', 'options could not be read')
  }
}

/** Known names that have a value, in a null-prototype record. */
function record<K extends string>(names: readonly K[], values: readonly unknown[]): Options<K> {
  const out = Object.create(null) as Record<K, unknown>
  names.forEach((n, i) => values[i] !== undefined && (out[n] = values[i]))
  return out
}

/** readValues as a record of the names that have a value. */
export function readOptions<K extends string>(options: unknown, names: readonly K[], tip?: Tip): Options<K> {
  return record(names, readValues(options, names, tip))
}

/** The one way an option is refused. */
export function invalid(message: string): never {
  fail('ERR_JOSE_INVALID_ARGUMENT', message)
}

/** A value given twice: `"kid" is given both in options.header and options.kid`. */
export const twice = (name: string, where: string, option: string): never => invalid(`"${name}" is given both in ${where} and options.${option}`)

export function optString(value: unknown, name: string): string | undefined {
  return value === undefined || (typeof value === 'string' && value) ? value as string | undefined : invalid(`${name} must be a non-empty string`)
}

/**
 * A caller's list of strings, copied: an array of at least `min` strings, each passing
 * `ok`, without holes (`['sub', , 'x']` is a mistake, refused when the option is read, not
 * an absent entry that breaks every later call); else ERR_JOSE_INVALID_ARGUMENT.
 */
export function stringList(value: unknown, name: string, min = 0, ok = (s: string) => s !== '', what = 'an array of non-empty strings'): string[] {
  const bad = (): never => invalid(`${name} must be ${what}`)
  if (!Array.isArray(value) || value.length < min) bad()
  const out: string[] = []
  for (let i = 0; i < (value as unknown[]).length; i++) {
    const s: unknown = Object.hasOwn(value as object, i) ? (value as unknown[])[i] : bad()
    out.push(typeof s === 'string' && ok(s) ? s : bad())
  }
  return out
}

/** A string or a non-empty array of strings, as an array. */
export function optStrings(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined) return undefined
  return typeof value === 'string' && value ? [value] : stringList(value, name, 1, undefined, 'a non-empty string or array of them')
}

/** One remembered plan per one-shot function: the plan and the values it was made from (arrays copied); `read`, the Reader of its names. */
export interface PlanSlot<P> {
  memo: { plan: P; values: unknown[] } | undefined
  read?: Reader
}

/** Values a plan may be remembered by: primitives, functions, arrays of primitives. */
const rememberable = (v: unknown): boolean => (Array.isArray(v) ? v : [v]).every((x) => typeof x !== 'object' || x === null)

/**
 * The plan for `options`, reused while every known name reads the same value as when
 * it was made, whether the caller passes one object again or a fresh literal per call.
 * Values are read as readOptions reads them (every name, by property access, once per
 * call, unknown names refused on every call); a new plan is made from a copy of what was
 * read, so it is exactly what the values say. A Date or another object value is planned
 * afresh every call, and forgets the remembered plan. First it refuses jsonwebtoken's
 * habit, a callback (`callback`, the caller's 4th argument, or `options`) where isojwt
 * returns a promise: the app would wait for it forever.
 */
export function reusePlan<K extends string, P>(slot: PlanSlot<P>, options: unknown, names: readonly K[], make: (o: Options<K>, remembered: boolean) => P, callback?: unknown): P {
  if (typeof (callback ?? options) === 'function') invalid('isojwt returns promises')
  const values = readValues(options, names, foreignHint, slot.read)
  const m = slot.memo
  if (m && values.every((v, i) => same(v, m.values[i]))) return m.plan
  const keep = values.every(rememberable)
  const copy = keep ? values.map((v) => (Array.isArray(v) ? v.slice() : v)) : values
  slot.memo = undefined
  const plan = validating(() => make(record(names, copy), keep))
  if (keep) slot.memo = { plan, values: copy }
  return plan
}
