/**
 * Harness for the hostile table: run one call, classify what escaped, time it, and check
 * that no built-in prototype changed and no error text carries secrets or huge input.
 */
import { Buffer } from 'node:buffer'
import { createHmac } from 'node:crypto'
import { JoseError, isJoseError } from '../../src/index.ts'
import { FORBIDDEN_RUNS, type Hostile } from './values.ts'

/** Marks an async entry point that threw synchronously instead of rejecting. */
export class SyncThrowFromAsync extends Error {
  constructor(readonly inner: unknown) {
    super('async function threw synchronously')
  }
}

export type Outcome = { ok: true; value: unknown; sync: boolean } | { ok: false; error: unknown; sync: boolean }

const HANG_MS = 5_000

/** Calls `f`; awaits a returned thenable (bounded, so a hang is reported not waited out). */
export async function run(f: () => unknown, hangMs = HANG_MS): Promise<Outcome> {
  let r: unknown
  try {
    r = f()
  } catch (error) {
    return { ok: false, error, sync: true }
  }
  if (!isThenable(r)) return { ok: true, value: r, sync: true }
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: no settlement within ${hangMs} ms`)), hangMs)
  })
  try {
    return { ok: true, value: await Promise.race([r, hang]), sync: false }
  } catch (error) {
    return { ok: false, error, sync: false }
  } finally {
    clearTimeout(timer)
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  // only genuine promises: reading `.then` on a hostile return value is not our business
  return x instanceof Promise
}

/** Call an async entry point, turning a synchronous throw into a marked failure. */
export function strictAsync(f: () => unknown): Promise<unknown> {
  let p: unknown
  try {
    p = f()
  } catch (e) {
    return Promise.reject(new SyncThrowFromAsync(e))
  }
  return Promise.resolve(p)
}

export function errorName(e: unknown): string {
  try {
    if (e instanceof SyncThrowFromAsync) return `sync throw from async fn: ${errorName(e.inner)}`
    if (isJoseError(e)) return `JoseError ${(e as JoseError).code}`
    if (e instanceof Error) return `${e.constructor?.name ?? 'Error'}: ${String(e.message).slice(0, 120)}`
    return `non-Error: ${typeof e}`
  } catch {
    return 'unprintable'
  }
}

export function isProperJose(e: unknown): boolean {
  return isJoseError(e) && e instanceof JoseError && typeof (e as JoseError).code === 'string'
}

// ---------------------------------------------------------------- prototype pollution

const WATCHED: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Boolean.prototype', Boolean.prototype],
  ['Symbol.prototype', Symbol.prototype],
  ['BigInt.prototype', BigInt.prototype],
  ['Promise.prototype', Promise.prototype],
  ['Error.prototype', Error.prototype],
  ['TypedArray.prototype', Object.getPrototypeOf(Uint8Array.prototype) as object],
  ['Uint8Array.prototype', Uint8Array.prototype],
  ['ArrayBuffer.prototype', ArrayBuffer.prototype],
  ['Date.prototype', Date.prototype],
  ['RegExp.prototype', RegExp.prototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
  ['CryptoKey.prototype', CryptoKey.prototype],
  ['JoseError.prototype', JoseError.prototype],
  ['Object', Object],
  ['Array', Array],
  ['JSON', JSON],
]

type Snapshot = Map<string, Map<PropertyKey, PropertyDescriptor>>

export function snapshotPrototypes(): Snapshot {
  const s: Snapshot = new Map()
  for (const [name, obj] of WATCHED) {
    const m = new Map<PropertyKey, PropertyDescriptor>()
    for (const k of Reflect.ownKeys(obj)) m.set(k, Object.getOwnPropertyDescriptor(obj, k)!)
    s.set(name, m)
  }
  return s
}

/** Differences between `before` and now, plus the classic probes. Empty = clean. */
export function pollutionSince(before: Snapshot): string[] {
  const out: string[] = []
  const now = snapshotPrototypes()
  for (const [name, was] of before) {
    const is = now.get(name)!
    for (const [k, d] of is) {
      const old = was.get(k)
      if (!old) out.push(`${name}: new own property ${String(k)}`)
      else if (old.value !== d.value || old.get !== d.get || old.set !== d.set || old.writable !== d.writable || old.enumerable !== d.enumerable) {
        out.push(`${name}: property ${String(k)} changed`)
      }
    }
    for (const k of was.keys()) if (!is.has(k)) out.push(`${name}: property ${String(k)} deleted`)
  }
  for (const [name, obj] of WATCHED) {
    if (name.endsWith('.prototype') && !Object.isExtensible(obj)) out.push(`${name} was frozen/sealed`)
  }
  const probes = { obj: {} as Record<string, unknown>, arr: [] as unknown as Record<string, unknown>, fn: (() => {}) as unknown as Record<string, unknown> }
  for (const [k, o] of Object.entries(probes)) {
    for (const p of ['polluted', 'alg', 'kty', 'x', 'a', 'isAdmin', 'admin', 'crit', 'b64']) {
      if (o[p] !== undefined) out.push(`({})-style probe ${k}.${p} is defined`)
    }
  }
  if (Object.getPrototypeOf({}) !== Object.prototype) out.push('Object literal prototype changed')
  return out
}

// ---------------------------------------------------------------- error text

/** Everything an error exposes as text: message, stack, String(), JSON, enumerable props, causes. */
export function errorText(e: unknown, depth = 0, skip: ReadonlySet<string> = new Set()): string {
  if (depth > 8 || e === null || e === undefined) return ''
  const parts: string[] = []
  const safe = (f: () => unknown) => {
    try {
      const v = f()
      if (typeof v === 'string') parts.push(v)
      else if (v !== undefined) parts.push(String(v))
    } catch {
      // unreadable member: nothing to leak from it
    }
  }
  if (typeof e !== 'object' && typeof e !== 'function') {
    safe(() => String(e))
    return parts.join('\n')
  }
  const o = e as Record<string, unknown>
  safe(() => o.message)
  safe(() => o.stack)
  safe(() => String(e))
  safe(() => JSON.stringify(e, (k, v) => (k !== '' && skip.has(k) ? undefined : v)))
  try {
    for (const k of Object.keys(o)) {
      if (skip.has(k)) continue
      safe(() => {
        const v = o[k]
        return typeof v === 'string' ? v : JSON.stringify(v)
      })
    }
  } catch {
    // hostile error object
  }
  try {
    if ('cause' in o) parts.push(errorText(o.cause, depth + 1, skip))
    if (Array.isArray(o.errors)) for (const x of o.errors) parts.push(errorText(x, depth + 1, skip))
  } catch {
    // ignore
  }
  return parts.join('\n')
}

/** Which forbidden strings (secrets, tokens, long input runs) an error's text contains. */
export function leaksIn(e: unknown, secrets: readonly string[]): string[] {
  const text = errorText(e)
  const out: string[] = []
  for (const s of secrets) if (s.length > 0 && text.includes(s)) out.push(`secret/token ${s.slice(0, 12)}… (${s.length} chars)`)
  for (const r of FORBIDDEN_RUNS) if (text.includes(r)) out.push(`long input run ${JSON.stringify(r.slice(0, 6))}…`)
  return out
}

// ---------------------------------------------------------------- the table cell

export type Reject = (h: Hostile) => boolean

export const LIMIT_MS = 100

/** How many times the native reference below a call may take, when the machine is slow. */
const REFERENCE_FACTOR = 8

/**
 * The fastest of three runs of native work the size of the largest hostile payloads (a
 * 50 000-member object: base64url-decoded, parsed, frozen, HMAC'd with node's own code).
 * A shared machine under load slows both this and the library alike, so a call over
 * LIMIT_MS is judged against a multiple of it: a hang or a quadratic path is many times
 * slower, a busy neighbour is not.
 */
function referenceMs(): number {
  const members: Record<string, number> = {}
  for (let i = 0; i < 50_000; i++) members[`m${i}`] = i
  const b64 = Buffer.from(JSON.stringify(members)).toString('base64url')
  let best = Infinity
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    Object.freeze(JSON.parse(Buffer.from(b64, 'base64url').toString('utf8')))
    createHmac('sha256', 'reference').update(b64).digest()
    best = Math.min(best, performance.now() - t)
  }
  return best
}

export interface Position {
  label: string
  call: (h: unknown) => unknown
  mustReject: Reject
  /** a successful call may be slow (RSA key generation) */
  slowWhenOk?: boolean
  /** the call is a direct call of a synchronous export: it must not return a Promise */
  syncCall?: boolean
}

export interface Problem {
  where: string
  hostile: string
  problem: string
}

/**
 * One table cell: a warm-up call, then a measured one. Records every problem (a
 * non-JoseError escaping, a synchronous throw from an async function, an acceptance
 * where refusal is required, a leak, a slow call, prototype pollution) in `problems`.
 */
export async function exercise(
  pos: Position,
  h: Hostile,
  isAsyncFn: boolean,
  problems: Problem[],
  secrets: readonly string[],
  limitMs = LIMIT_MS,
  hangMs = HANG_MS,
  referenceFactor = REFERENCE_FACTOR,
): Promise<void> {
  const report = (problem: string) => problems.push({ where: pos.label, hostile: h.name, problem })
  const before = snapshotPrototypes()
  // warm-up (JIT, first key import), then a measured call; a measured call over budget
  // is retried twice and reported only when the last retry is over budget too (GC pauses
  // and a neighbour's burst on a busy 2-core runner are not the library's fault; a
  // consistently slow path is).
  const attempts = ['warm-up', 'measured', 'measured (retry)', 'measured (last retry)'] as const
  for (const attempt of attempts) {
    const t0 = performance.now()
    const r = await run(() => pos.call(h.value), hangMs)
    const ms = performance.now() - t0
    if (!r.ok) {
      if (!isProperJose(r.error)) report(`${attempt}: non-JoseError escaped (${errorName(r.error)})`)
      if (isAsyncFn && r.sync) report(`${attempt}: async function threw synchronously`)
      const leaks = leaksIn(r.error, secrets)
      if (leaks.length) report(`${attempt}: error text leaks ${leaks.join(', ')}`)
    } else if (pos.mustReject(h)) {
      report(`${attempt}: accepted (must be refused)`)
    }
    if (pos.syncCall && !r.sync) report(`${attempt}: synchronous export returned a Promise`)
    if (attempt === 'warm-up') {
      if (ms >= 10_000) {
        report(`warm-up took ${ms.toFixed(0)} ms`)
        break
      }
      continue
    }
    const slow = ms >= limitMs && !(pos.slowWhenOk && r.ok)
    if (!slow) break
    if (attempt === 'measured (last retry)') {
      const allowed = referenceFactor * referenceMs()
      if (ms >= allowed) report(`took ${ms.toFixed(1)} ms three times (limit ${limitMs}, or ${allowed.toFixed(0)} ms on this machine now)`)
    }
  }
  const polluted = pollutionSince(before)
  if (polluted.length) report(`prototype pollution: ${polluted.join('; ')}`)
}

