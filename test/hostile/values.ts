/**
 * The hostile-input table: values thrown at every export in every argument position.
 * Modelled on noble's "invalid inputs" tables: wrong primitive types, other typed
 * arrays, spoofed objects, huge and deeply nested strings/objects, objects that throw
 * when touched. Each entry has a stable name used in failure reports (values themselves
 * are never printed: some throw on inspection, some are megabytes long).
 */

export interface Hostile {
  readonly name: string
  readonly value: unknown
  /** a string a plain HMAC secret may legitimately be (so "key" positions may accept it) */
  readonly secretLike?: boolean
}

export const MB2 = 2 * 1024 * 1024
export const DEPTH = 100_000

const THROWING_NAMES = [
  // option and member names the library is likely to read
  'alg', 'kty', 'crv', 'k', 'd', 'x', 'y', 'n', 'e', 'p', 'q', 'dp', 'dq', 'qi', 'kid', 'typ', 'use', 'key_ops', 'ext',
  'cty', 'crit', 'b64', 'header', 'payload', 'algorithms', 'audience', 'issuer', 'subject', 'maxAge', 'clockTolerance',
  'requiredClaims', 'now', 'maxTokenLength', 'expiresIn', 'notBefore', 'issuedAt', 'jwtId', 'extractable',
  'modulusLength', 'cache', 'cacheTtl', 'keys', 'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'type', 'algorithm',
  'usages', 'name', 'hash', 'namedCurve', 'length', 'byteLength', 'byteOffset', 'buffer', 'clientId', 'key', 'fetch',
  'allowSymmetric', 'nonce', 'then', 'toJSON', 'toString', 'valueOf', 'constructor',
]

/** An object whose every likely-read property (and coercion hook) throws. */
function throwingGetters(): object {
  const o: Record<PropertyKey, unknown> = {}
  for (const k of [...THROWING_NAMES, Symbol.toPrimitive, Symbol.iterator, Symbol.toStringTag, Symbol.asyncIterator]) {
    Object.defineProperty(o, k, {
      enumerable: true,
      get() {
        throw new Error(`hostile getter ${String(k)}`)
      },
    })
  }
  return o
}

/** An object that throws on coercion to a primitive only (template literals, String(), +x). */
function throwingCoercion(): object {
  return {
    [Symbol.toPrimitive]() {
      throw new Error('hostile toPrimitive')
    },
    toString() {
      throw new Error('hostile toString')
    },
    valueOf() {
      throw new Error('hostile valueOf')
    },
  }
}

const TRAPS = [
  'get', 'set', 'has', 'deleteProperty', 'ownKeys', 'getOwnPropertyDescriptor', 'defineProperty', 'getPrototypeOf',
  'setPrototypeOf', 'isExtensible', 'preventExtensions', 'apply', 'construct',
] as const

function throwingProxy<T extends object>(target: T): T {
  const handler: ProxyHandler<T> = {}
  for (const t of TRAPS) {
    ;(handler as Record<string, unknown>)[t] = () => {
      throw new Error(`hostile proxy trap ${t}`)
    }
  }
  return new Proxy(target, handler)
}

function deepObject(depth: number): unknown {
  let o: unknown = { a: 1 }
  for (let i = 0; i < depth; i++) o = { a: o }
  return o
}

function deepArray(depth: number): unknown {
  let o: unknown = [1]
  for (let i = 0; i < depth; i++) o = [o]
  return o
}

/** Looks like a CryptoKey to duck typing. */
function spoofedKey(): object {
  return {
    type: 'secret',
    extractable: true,
    algorithm: { name: 'HMAC', hash: { name: 'SHA-256' }, length: 256 },
    usages: ['sign', 'verify'],
  }
}

/** Passes `instanceof CryptoKey`, with own data properties shadowing the native getters. */
function spoofedKeyWithPrototype(): object {
  const o = spoofedKey()
  Object.setPrototypeOf(o, CryptoKey.prototype)
  return o
}

function spoofedEcKey(): object {
  const o = { type: 'public', extractable: true, algorithm: { name: 'ECDSA', namedCurve: 'P-256' }, usages: ['verify'] }
  Object.setPrototypeOf(o, CryptoKey.prototype)
  return o
}

const longPem = `-----BEGIN PUBLIC KEY-----\n${'A'.repeat(MB2)}\n-----END PUBLIC KEY-----\n`

export const HOSTILE: readonly Hostile[] = [
  { name: 'undefined', value: undefined },
  { name: 'null', value: null },
  { name: '0', value: 0 },
  { name: '-1', value: -1 },
  { name: '-0', value: -0 },
  { name: 'NaN', value: Number.NaN },
  { name: 'Infinity', value: Number.POSITIVE_INFINITY },
  { name: '-Infinity', value: Number.NEGATIVE_INFINITY },
  { name: '1n', value: 1n },
  { name: 'true', value: true },
  { name: 'false', value: false },
  { name: "''", value: '' },
  { name: '[]', value: [] },
  { name: '[1,2]', value: [1, 2] },
  { name: '() => {}', value: () => {} },
  { name: "Symbol('x')", value: Symbol('x') },
  { name: 'new Uint16Array(4)', value: new Uint16Array(4) },
  { name: 'new Int8Array(4)', value: new Int8Array(4) },
  { name: 'new Uint8ClampedArray(32)', value: new Uint8ClampedArray(32) },
  { name: 'new DataView(4)', value: new DataView(new ArrayBuffer(4)) },
  { name: 'new ArrayBuffer(8)', value: new ArrayBuffer(8) },
  { name: 'new Uint8Array(0)', value: new Uint8Array(0) },
  { name: 'fake Uint8Array (prototype only)', value: Object.create(Uint8Array.prototype) },
  { name: "'a' x 2MB", value: 'a'.repeat(MB2), secretLike: true },
  { name: "'A.' x 1M (2MB)", value: 'A.'.repeat(MB2 / 2), secretLike: true },
  { name: '2MB PEM', value: longPem },
  { name: "'[' x 1e5 + ']' x 1e5", value: '['.repeat(DEPTH) + ']'.repeat(DEPTH), secretLike: true },
  { name: "'{\"a\":' x 1e5", value: '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH) },
  { name: 'object 1e5 deep', value: deepObject(DEPTH) },
  { name: 'array 1e5 deep', value: deepArray(DEPTH) },
  { name: 'throwing getters', value: throwingGetters() },
  { name: 'throwing coercion', value: throwingCoercion() },
  { name: 'Proxy (object) with throwing traps', value: throwingProxy({}) },
  { name: 'Proxy (function) with throwing traps', value: throwingProxy(function hostile() {}) },
  { name: 'Object.create(null)', value: Object.create(null) },
  { name: 'spoofed CryptoKey-like', value: spoofedKey() },
  { name: 'spoofed CryptoKey (CryptoKey.prototype)', value: spoofedKeyWithPrototype() },
  { name: 'spoofed EC CryptoKey (CryptoKey.prototype)', value: spoofedEcKey() },
  { name: 'bare Object.create(CryptoKey.prototype)', value: Object.create(CryptoKey.prototype) },
  { name: 'new Date(NaN)', value: new Date(Number.NaN) },
  { name: "new String('HS256')", value: new String('HS256') },
  { name: '/regex/', value: /HS256/ },
  { name: 'new Map()', value: new Map([['alg', 'HS256']]) },
]

export const HOSTILE_NAMES = HOSTILE.map((h) => h.name)

/** Property names that are dangerous as lookup keys on plain objects. */
export const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const

/** Runs of hostile text that must never reach an error message (untrusted text is cut at 64 chars). */
export const FORBIDDEN_RUNS = ['a'.repeat(65), 'A.'.repeat(33), 'A'.repeat(65), '['.repeat(65), ']'.repeat(65), '{"a":'.repeat(13)]
