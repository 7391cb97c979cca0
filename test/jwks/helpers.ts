/**
 * Keys, tokens, a settable clock and assertions for the key-set suite. Tokens are signed
 * here with node:crypto, independently of the library under test.
 */
import { createHmac, generateKeyPairSync, randomBytes, sign as nodeSign, type KeyObject } from 'node:crypto'
import { expect } from 'vitest'
import { JoseError, createRemoteJwks, isJoseError } from '../../src/index.ts'
import type { JoseErrorCode, JwksEvent, JwksEventType, RemoteJwks, RemoteJwksOptions } from '../../src/index.ts'
import type { Endpoint } from './servers.ts'
import type { Jwk } from '../../src/types.ts'

export interface TestKey {
  /** Public JWK as it appears in a set (kid, and alg when asked for). */
  readonly jwk: Jwk
  readonly alg: string
  readonly privateKey: KeyObject | Uint8Array
}

type KeyKind = 'ES256' | 'ES384' | 'RS256' | 'EdDSA' | 'HS256'

/** RSA generation is slow: one modulus per label per worker. */
const rsaPairs = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>()

/**
 * A fresh key of `kind`. `kid: undefined` leaves the JWK without a kid; `alg: false`
 * leaves it without `alg` (the default sets `alg` for every kind but RSA and oct, which
 * are left without it unless `alg` is a string); `extra` adds members (use, key_ops, …).
 */
export function makeKey(kind: KeyKind, opts: { kid?: string | undefined; alg?: string | false; extra?: Record<string, unknown> } = {}): TestKey {
  const kid = 'kid' in opts ? opts.kid : `${kind.toLowerCase()}-${randomBytes(4).toString('hex')}`
  let jwk: Record<string, unknown>
  let privateKey: KeyObject | Uint8Array
  const tokenAlg = kind
  if (kind === 'HS256') {
    const secret = new Uint8Array(randomBytes(32))
    privateKey = secret
    jwk = { kty: 'oct', k: Buffer.from(secret).toString('base64url') }
  } else {
    let pair: { privateKey: KeyObject; publicKey: KeyObject }
    if (kind === 'RS256') {
      const label = kid ?? 'none'
      pair = rsaPairs.get(label) ?? generateKeyPairSync('rsa', { modulusLength: 2048 })
      rsaPairs.set(label, pair)
    } else if (kind === 'EdDSA') pair = generateKeyPairSync('ed25519')
    else pair = generateKeyPairSync('ec', { namedCurve: kind === 'ES256' ? 'P-256' : 'P-384' })
    privateKey = pair.privateKey
    jwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>
  }
  const defaultAlg = kind === 'RS256' || kind === 'HS256' ? false : kind
  const alg = opts.alg === undefined ? defaultAlg : opts.alg
  if (kid !== undefined) jwk.kid = kid
  if (alg !== false) jwk.alg = alg
  Object.assign(jwk, opts.extra)
  return { jwk: jwk as Jwk, alg: tokenAlg, privateKey }
}

const HASH: Record<string, string> = { ES256: 'sha256', ES384: 'sha384', RS256: 'sha256', HS256: 'sha256' }
const b64u = (x: string | Uint8Array): string => Buffer.from(x).toString('base64url')

/**
 * A compact JWS signed by `key`: header `{ alg, typ: 'JWT', kid }` (kid from the JWK
 * unless `header` overrides it; `kid: undefined` in `header` drops it).
 */
export function tokenFor(key: TestKey, payload: Record<string, unknown> = { sub: 'user' }, header: Record<string, unknown> = {}): string {
  const h: Record<string, unknown> = { alg: key.alg, typ: 'JWT', ...(key.jwk.kid === undefined ? {} : { kid: key.jwk.kid }), ...header }
  for (const k of Object.keys(h)) if (h[k] === undefined) delete h[k]
  const input = `${b64u(JSON.stringify(h))}.${b64u(JSON.stringify(payload))}`
  const data = Buffer.from(input, 'ascii')
  const alg = String(h.alg)
  let sig: Uint8Array
  if (key.privateKey instanceof Uint8Array) sig = createHmac(HASH.HS256!, key.privateKey).update(data).digest()
  else if (alg === 'EdDSA' || alg === 'Ed25519') sig = nodeSign(null, data, key.privateKey)
  else if (alg.startsWith('RS')) sig = nodeSign(HASH.RS256!, data, key.privateKey)
  else sig = nodeSign(HASH[alg] ?? 'sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
  return `${input}.${b64u(sig)}`
}

/** A token for `kid` with a junk signature: for kids no set holds (never reaches the signature). */
export function unknownKidToken(kid: string): string {
  return `${b64u(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }))}.${b64u('{"sub":"x"}')}.${b64u(new Uint8Array(64))}`
}

export const doc = (...keys: TestKey[]): { keys: Jwk[] } => ({ keys: keys.map((k) => k.jwk) })

// ------------------------------------------------------------------ clock

/** A settable clock for the `now` option: starts at 2030-01-01T00:00:00Z. */
export function makeClock(start = Date.UTC(2030, 0, 1)) {
  let t = start
  return {
    now: (): Date => new Date(t),
    /** Moves the clock forward by `seconds` (fractions allowed). */
    advance(seconds: number): void {
      t += Math.round(seconds * 1000)
    },
    get ms(): number {
      return t
    },
    start,
  }
}

// ------------------------------------------------------------------ events

export function eventLog() {
  const events: JwksEvent[] = []
  return {
    events,
    onEvent: (e: JwksEvent): void => {
      events.push(e)
    },
    get types(): JwksEventType[] {
      return events.map((e) => e.type)
    },
    clear(): void {
      events.length = 0
    },
  }
}

// ------------------------------------------------------------------ assertions

function describe(e: unknown): string {
  if (isJoseError(e)) return `${e.code}: ${e.message}`
  if (e instanceof Error) return `${e.name}: ${e.message}`
  return String(e)
}

/** Expects `run()` to reject (not throw) with a JoseError of `code`. */
export async function rejectsWith(run: () => Promise<unknown>, code: JoseErrorCode): Promise<JoseError> {
  let p: Promise<unknown>
  try {
    p = run()
  } catch (e) {
    throw new Error(`threw synchronously instead of rejecting (expected ${code}): ${describe(e)}`)
  }
  try {
    await p
  } catch (e) {
    expect(e, `expected a JoseError ${code}, got ${describe(e)}`).toBeInstanceOf(JoseError)
    expect(isJoseError(e)).toBe(true)
    expect((e as JoseError).code, describe(e)).toBe(code)
    return e as JoseError
  }
  throw new Error(`expected a rejection with ${code}, but it resolved`)
}

/** Expects `run()` to throw synchronously a JoseError of `code`. */
export function throwsWith(run: () => unknown, code: JoseErrorCode): JoseError {
  try {
    run()
  } catch (e) {
    expect(e, `expected a JoseError ${code}, got ${describe(e)}`).toBeInstanceOf(JoseError)
    expect((e as JoseError).code, describe(e)).toBe(code)
    return e as JoseError
  }
  throw new Error(`expected a synchronous throw with ${code}, but it returned`)
}

/** The deep-frozen check for `jwks` snapshots. */
export function expectDeepFrozen(value: unknown, path = 'value'): void {
  if (typeof value !== 'object' || value === null) return
  expect(Object.isFrozen(value), `${path} is frozen`).toBe(true)
  for (const [k, v] of Object.entries(value)) expectDeepFrozen(v, `${path}.${k}`)
}

// ------------------------------------------------------------------ remote sets

/** A remote set on `ep` with its own clock and event log (options override both). */
export function remoteSet(ep: Endpoint | string, opts: RemoteJwksOptions = {}): {
  set: RemoteJwks
  clock: ReturnType<typeof makeClock>
  log: ReturnType<typeof eventLog>
} {
  const clock = makeClock()
  const log = eventLog()
  const set = createRemoteJwks(typeof ep === 'string' ? ep : ep.url, { now: clock.now, onEvent: log.onEvent, ...opts })
  return { set, clock, log }
}
