/**
 * The hostile table thrown at every export, in every argument position, in every named
 * option field and in the members the library reads from payloads, headers and JWKs.
 * For each call (API.md, Errors; STYLE.md, "One public boundary"):
 *   - only a JoseError escapes (async functions reject, never throw synchronously);
 *   - positions where no hostile value can be valid must actually be refused;
 *   - after a warm-up call, the call settles in < 100 ms;
 *   - no built-in prototype gained, lost or changed a property;
 *   - no error text carries a secret, the token, a signature or > 64 chars of input.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as lib from '../../src/index.ts'
import {
  DPOP_HTU,
  DPOP_PROOF,
  EC_PRIVATE_JWK,
  EC_PUBLIC_JWK,
  JWE,
  JWE_JWT,
  JWE_KEY,
  JWS,
  NOW,
  OCT_JWK,
  OCT_TOKEN,
  SECRET,
  SECRETS,
  TOKEN,
  ecCryptoKeys,
} from './fixtures.ts'
import { exercise, pollutionSince, snapshotPrototypes, strictAsync, type Position, type Problem, type Reject } from './harness.ts'
import { HOSTILE, type Hostile } from './values.ts'
import { EXPORTS } from '../conformance/exports.mjs'

const api = lib as unknown as Record<string, (...a: unknown[]) => unknown>

const ALL: Reject = () => true
const NONE: Reject = () => false
const but = (...names: string[]): Reject => (h) => !names.includes(h.name)
const isString = (h: Hostile) => typeof h.value === 'string'
const exceptUndefined: Reject = (h) => h.value !== undefined
const notBool: Reject = (h) => h.value !== undefined && typeof h.value !== 'boolean'
const nonJson: Reject = (h) =>
  ['1n', 'NaN', 'Infinity', '-Infinity', 'throwing getters', 'Proxy (object) with throwing traps', 'Proxy (function) with throwing traps'].includes(h.name)

interface FnSpec {
  name: string
  isAsync: boolean
  positions: () => Position[]
}

/** Replace argument `i` of `base()` by the hostile value. */
function arg(fn: string, i: number, base: () => unknown[], isAsync: boolean, mustReject: Reject): Position {
  return {
    label: `${fn} arg${i}`,
    mustReject,
    syncCall: !isAsync,
    call: (h) => {
      const a = base()
      a[i] = h
      return isAsync ? strictAsync(() => api[fn]!(...a)) : api[fn]!(...a)
    },
  }
}

/** Replace member `path` (e.g. ['header','x']) of argument `i` by the hostile value. */
function member(fn: string, i: number, path: string[], base: () => unknown[], isAsync: boolean, mustReject: Reject, slowWhenOk = false): Position {
  return {
    label: `${fn} arg${i}.${path.join('.')}`,
    mustReject,
    syncCall: !isAsync,
    slowWhenOk,
    call: (h) => {
      const a = base()
      let o = (a[i] = { ...((a[i] as object) ?? {}) }) as Record<string, unknown>
      for (const k of path.slice(0, -1)) o = o[k] = { ...((o[k] as object) ?? {}) }
      o[path[path.length - 1]!] = h
      return isAsync ? strictAsync(() => api[fn]!(...a)) : api[fn]!(...a)
    },
  }
}

/** Option `field` of argument `i` set to a derived value: `[h]` (array member) or `() => h` (a `now` clock). */
function derived(fn: string, i: number, field: string, how: 'list' | 'clock', base: () => unknown[], isAsync: boolean, mustReject: Reject): Position {
  return {
    label: `${fn} arg${i}.${field} = ${how === 'list' ? '[h]' : '() => h'}`,
    mustReject,
    syncCall: !isAsync,
    call: (h) => {
      const a = base()
      a[i] = { ...(a[i] as object), [field]: how === 'list' ? [h] : () => h }
      return isAsync ? strictAsync(() => api[fn]!(...a)) : api[fn]!(...a)
    },
  }
}

let ecPair: CryptoKeyPair

const SIGN_OPTS = ['alg', 'kid', 'typ', 'header', 'expiresIn', 'notBefore', 'issuedAt', 'issuer', 'subject', 'audience', 'jwtId', 'now']
const VERIFY_OPTS = ['algorithms', 'issuer', 'audience', 'subject', 'typ', 'maxAge', 'clockTolerance', 'requiredClaims', 'now', 'crit', 'maxTokenLength']

const stringsOk: Reject = (h) => !isString(h) && h.value !== undefined
const numbersOk: Reject = (h) => !(typeof h.value === 'number' && Number.isFinite(h.value)) && h.value !== undefined

const SPECS: FnSpec[] = [
  {
    name: 'sign',
    isAsync: true,
    positions: () => {
      const base = () => [{ sub: 'x' }, SECRET, { alg: 'HS256', now: NOW }]
      return [
        // a plain object (null prototype included) with JSON-able members is a valid payload
        arg('sign', 0, base, true, but('Object.create(null)', 'spoofed CryptoKey-like', 'throwing coercion', 'object 1e5 deep')),
        arg('sign', 1, base, true, (h) => !h.secretLike),
        arg('sign', 2, base, true, NONE),
        ...SIGN_OPTS.map((f) => member('sign', 2, [f], base, true, f === 'now' || f === 'alg' ? exceptUndefined : NONE)),
        ...['iss', 'sub', 'jti'].map((c) => member('sign', 0, [c], base, true, stringsOk)),
        member('sign', 0, ['aud'], base, true, (h) => stringsOk(h) && h.name !== '[]'),
        ...['exp', 'nbf', 'iat'].map((c) => member('sign', 0, [c], base, true, numbersOk)),
        member('sign', 0, ['x'], base, true, nonJson),
        derived('sign', 2, 'audience', 'list', base, true, (h) => !isString(h)),
        // iat needs the clock: nothing but a valid Date from it will do
        derived('sign', 2, 'now', 'clock', base, true, ALL),
        ...['x', 'typ', 'kid', 'crit'].map((m) => member('sign', 2, ['header', m], base, true, m === 'x' ? nonJson : NONE)),
        // JWK members of a private EC key used to sign: nothing hostile is a valid member
        ...['kty', 'crv', 'x', 'y', 'd'].map((m) => ({
          ...member('sign', 1, [m], () => [{ sub: 'x' }, { ...EC_PRIVATE_JWK }, { alg: 'ES256', now: NOW }], true, exceptUndefined),
          label: `sign (EC private JWK).${m}`,
        })),
      ]
    },
  },
  {
    name: 'verify',
    isAsync: true,
    positions: () => {
      const base = () => [TOKEN, SECRET, { algorithms: ['HS256'], now: NOW }]
      return [
        arg('verify', 0, base, true, ALL),
        arg('verify', 1, base, true, ALL),
        // a string secret pins nothing: without `algorithms` nothing is allowed
        arg('verify', 2, base, true, ALL),
        ...VERIFY_OPTS.map((f) => member('verify', 2, [f], base, true, f === 'algorithms' ? ALL : f === 'now' ? exceptUndefined : NONE)),
        // TOKEN has no aud/iss, typ JWT: no hostile list member can make any of these pass
        ...['algorithms', 'audience', 'issuer', 'requiredClaims', 'typ'].map((f) => derived('verify', 2, f, 'list', base, true, ALL)),
        derived('verify', 2, 'now', 'clock', base, true, ALL),
        ...['kty', 'k', 'alg'].map((m) => ({
          ...member('verify', 1, [m], () => [OCT_TOKEN, { ...OCT_JWK }, { algorithms: ['HS256'], now: NOW }], true, m === 'alg' ? exceptUndefined : ALL),
          label: `verify (oct JWK).${m}`,
        })),
        {
          label: 'verify resolver returning the hostile value',
          mustReject: ALL,
          call: (h) => strictAsync(() => lib.verify(TOKEN, () => h as never, { algorithms: ['HS256'], now: NOW })),
        },
        {
          label: 'verify resolver resolving to the hostile value',
          mustReject: ALL,
          call: (h) => strictAsync(() => lib.verify(TOKEN, async () => h as never, { algorithms: ['HS256'], now: NOW })),
        },
      ]
    },
  },
  {
    name: 'decode',
    isAsync: false,
    positions: () => {
      const base = () => [TOKEN, undefined]
      return [arg('decode', 0, base, false, ALL), arg('decode', 1, base, false, NONE), member('decode', 1, ['maxTokenLength'], base, false, NONE)]
    },
  },
  {
    name: 'isExpired',
    isAsync: false,
    positions: () => {
      const base = () => [TOKEN, { now: NOW }]
      return [
        arg('isExpired', 0, base, false, ALL),
        arg('isExpired', 1, base, false, NONE),
        member('isExpired', 1, ['now'], base, false, NONE),
        derived('isExpired', 1, 'now', 'clock', base, false, NONE),
        member('isExpired', 1, ['clockTolerance'], base, false, NONE),
      ]
    },
  },
  {
    name: 'signJws',
    isAsync: true,
    positions: () => {
      const base = () => ['hello', SECRET, { alg: 'HS256' }]
      return [
        // API.md: payload is Uint8Array | string; other views and look-alikes are refused
        arg('signJws', 0, base, true, (h) => !isString(h) && h.name !== 'new Uint8Array(0)'),
        arg('signJws', 1, base, true, (h) => !h.secretLike),
        arg('signJws', 2, base, true, ALL),
        member('signJws', 2, ['alg'], base, true, ALL),
        member('signJws', 2, ['kid'], base, true, NONE),
        member('signJws', 2, ['header'], base, true, NONE),
        ...['x', 'typ', 'crit', 'b64'].map((m) => member('signJws', 2, ['header', m], base, true, m === 'x' ? nonJson : m === 'b64' ? exceptUndefined : NONE)),
        // b64: false needs detached: true in compact form
        member('signJws', 2, ['b64'], base, true, (h) => h.value !== undefined && h.value !== true),
        member('signJws', 2, ['detached'], base, true, notBool),
      ]
    },
  },
  {
    name: 'verifyJws',
    isAsync: true,
    positions: () => {
      const base = () => [JWS, SECRET, { algorithms: ['HS256'] }]
      return [
        arg('verifyJws', 0, base, true, ALL),
        arg('verifyJws', 1, base, true, ALL),
        arg('verifyJws', 2, base, true, ALL),
        member('verifyJws', 2, ['algorithms'], base, true, ALL),
        derived('verifyJws', 2, 'algorithms', 'list', base, true, ALL),
        member('verifyJws', 2, ['crit'], base, true, NONE),
        member('verifyJws', 2, ['maxTokenLength'], base, true, NONE),
        // JWS is not detached: any payload option is refused
        member('verifyJws', 2, ['payload'], base, true, exceptUndefined),
      ]
    },
  },
  {
    name: 'signJwsJson',
    isAsync: true,
    positions: () => {
      const base = () => ['hello', [{ key: SECRET, alg: 'HS256' }], undefined]
      const signer = (m: string, mustReject: Reject): Position => ({
        label: `signJwsJson arg1[0].${m}`,
        mustReject,
        call: (h) => strictAsync(() => api.signJwsJson!('hello', [{ key: SECRET, alg: 'HS256', [m]: h }])),
      })
      return [
        arg('signJwsJson', 0, base, true, (h) => !isString(h) && h.name !== 'new Uint8Array(0)'),
        arg('signJwsJson', 1, base, true, ALL),
        arg('signJwsJson', 2, base, true, NONE),
        member('signJwsJson', 2, ['b64'], base, true, notBool),
        member('signJwsJson', 2, ['detached'], base, true, notBool),
        signer('key', (h) => !h.secretLike),
        signer('alg', ALL),
        signer('kid', (h) => h.value !== undefined && !isString(h)),
        signer('header', NONE),
        signer('unprotected', NONE),
      ]
    },
  },
  {
    name: 'verifyJwsJson',
    isAsync: true,
    positions: () => {
      const [p, pl, sig] = JWS.split('.')
      const base = () => [{ protected: p, payload: pl, signature: sig }, SECRET, { algorithms: ['HS256'] }]
      return [
        arg('verifyJwsJson', 0, base, true, ALL),
        arg('verifyJwsJson', 1, base, true, ALL),
        arg('verifyJwsJson', 2, base, true, ALL),
        member('verifyJwsJson', 2, ['algorithms'], base, true, ALL),
        member('verifyJwsJson', 2, ['crit'], base, true, NONE),
        member('verifyJwsJson', 2, ['maxTokenLength'], base, true, NONE),
        member('verifyJwsJson', 2, ['payload'], base, true, exceptUndefined),
        ...['protected', 'payload', 'signature', 'header', 'signatures'].map((m) => member('verifyJwsJson', 0, [m], base, true, m === 'header' ? NONE : ALL)),
      ]
    },
  },
  {
    name: 'embeddedJwk',
    isAsync: false,
    positions: () => {
      const base = () => [{ alg: 'ES256', jwk: { ...EC_PUBLIC_JWK } }, { payload: undefined }]
      return [arg('embeddedJwk', 0, base, false, ALL), member('embeddedJwk', 0, ['jwk'], base, false, ALL)]
    },
  },
  {
    name: 'encrypt',
    isAsync: true,
    positions: () => {
      const base = () => ['hello', JWE_KEY, { alg: 'dir', enc: 'A256GCM' }]
      return [
        arg('encrypt', 0, base, true, (h) => !isString(h) && h.name !== 'new Uint8Array(0)'),
        arg('encrypt', 1, base, true, ALL),
        arg('encrypt', 2, base, true, ALL),
        member('encrypt', 2, ['alg'], base, true, ALL),
        member('encrypt', 2, ['enc'], base, true, ALL),
        ...['kid', 'cty', 'typ', 'header', 'zip', 'p2c'].map((m) => member('encrypt', 2, [m], base, true, NONE)),
      ]
    },
  },
  {
    name: 'decrypt',
    isAsync: true,
    positions: () => {
      const base = () => [JWE, JWE_KEY, { algorithms: ['dir'] }]
      return [
        arg('decrypt', 0, base, true, ALL),
        arg('decrypt', 1, base, true, ALL),
        arg('decrypt', 2, base, true, NONE),
        member('decrypt', 2, ['algorithms'], base, true, ALL),
        ...['encryptions', 'crit', 'maxTokenLength', 'maxPbes2Count', 'maxDecompressedLength'].map((m) => member('decrypt', 2, [m], base, true, NONE)),
      ]
    },
  },
  {
    name: 'encryptJwt',
    isAsync: true,
    positions: () => {
      const base = () => [{ sub: 'x' }, JWE_KEY, { alg: 'dir', enc: 'A256GCM', now: NOW }]
      return [
        // the payload rules are sign's (the same code builds the claims)
        arg('encryptJwt', 0, base, true, but('Object.create(null)', 'spoofed CryptoKey-like', 'throwing coercion', 'object 1e5 deep')),
        arg('encryptJwt', 1, base, true, ALL),
        arg('encryptJwt', 2, base, true, ALL),
        member('encryptJwt', 2, ['alg'], base, true, ALL),
        member('encryptJwt', 2, ['enc'], base, true, ALL),
        ...['kid', 'expiresIn', 'notBefore', 'issuedAt', 'issuer', 'subject', 'audience', 'jwtId', 'now'].map((f) => member('encryptJwt', 2, [f], base, true, f === 'now' ? exceptUndefined : NONE)),
        ...['exp', 'nbf', 'iat'].map((c) => member('encryptJwt', 0, [c], base, true, numbersOk)),
        derived('encryptJwt', 2, 'now', 'clock', base, true, ALL),
      ]
    },
  },
  {
    name: 'decryptJwt',
    isAsync: true,
    positions: () => {
      const base = () => [JWE_JWT, JWE_KEY, { algorithms: ['dir'], now: NOW }]
      return [
        arg('decryptJwt', 0, base, true, ALL),
        arg('decryptJwt', 1, base, true, ALL),
        // a secret pins nothing: without `algorithms` nothing is allowed
        arg('decryptJwt', 2, base, true, ALL),
        ...['algorithms', 'encryptions', 'publicKeyEncryption', 'crit', 'maxTokenLength', 'maxPbes2Count', 'maxDecompressedLength', ...VERIFY_OPTS.slice(1, 9)] // verify's claim options
          .map((f) => member('decryptJwt', 2, [f], base, true, f === 'algorithms' ? ALL : f === 'now' ? exceptUndefined : NONE)),
        // JWE_JWT has no aud/iss, typ JWT: no hostile list member can make any of these pass
        ...['algorithms', 'audience', 'issuer', 'requiredClaims', 'typ'].map((f) => derived('decryptJwt', 2, f, 'list', base, true, ALL)),
        derived('decryptJwt', 2, 'now', 'clock', base, true, ALL),
      ]
    },
  },
  {
    name: 'importKey',
    isAsync: true,
    positions: () => {
      const base = () => [{ ...EC_PUBLIC_JWK }, 'ES256', undefined]
      return [
        arg('importKey', 0, base, true, ALL),
        arg('importKey', 1, base, true, ALL),
        arg('importKey', 2, base, true, NONE),
        member('importKey', 2, ['extractable'], base, true, NONE),
        ...['kty', 'crv', 'x', 'y'].map((m) => member('importKey', 0, [m], base, true, ALL)),
        member('importKey', 0, ['alg'], base, true, exceptUndefined),
        ...['kid', 'use', 'key_ops', 'ext'].map((m) => member('importKey', 0, [m], base, true, NONE)),
        ...['kty', 'crv', 'x', 'y', 'd'].map((m) => ({
          ...member('importKey', 0, [m], () => [{ ...EC_PRIVATE_JWK }, 'ES256', undefined], true, m === 'd' ? exceptUndefined : ALL),
          label: `importKey (EC private JWK).${m}`,
        })),
        // 'a' x 2MB is canonical base64url: a (huge) valid k
        ...['kty', 'k'].map((m) => ({
          ...member('importKey', 0, [m], () => [{ ...OCT_JWK }, 'HS256', undefined], true, m === 'k' ? but("'a' x 2MB") : ALL),
          label: `importKey (oct JWK).${m}`,
        })),
      ]
    },
  },
  {
    name: 'exportJwk',
    isAsync: true,
    positions: () => [arg('exportJwk', 0, () => [ecPair.publicKey], true, ALL)],
  },
  {
    name: 'thumbprint',
    isAsync: true,
    positions: () => {
      const base = () => [{ ...EC_PUBLIC_JWK }, 'SHA-256']
      return [
        arg('thumbprint', 0, base, true, ALL),
        arg('thumbprint', 1, base, true, exceptUndefined),
        member('thumbprint', 0, ['kty'], base, true, ALL),
        // RFC 7638 §3.2 needs the required members as strings; their content is not parsed
        ...['crv', 'x', 'y'].map((m) => member('thumbprint', 0, [m], base, true, (h) => !isString(h))),
        member('thumbprint', 0, ['toString'], base, true, NONE),
      ]
    },
  },
  {
    name: 'thumbprintUri',
    isAsync: true,
    positions: () => {
      const base = () => [{ ...EC_PUBLIC_JWK }, 'SHA-256']
      return [
        arg('thumbprintUri', 0, base, true, ALL),
        arg('thumbprintUri', 1, base, true, exceptUndefined),
        member('thumbprintUri', 0, ['kty'], base, true, ALL),
        ...['crv', 'x', 'y'].map((m) => member('thumbprintUri', 0, [m], base, true, (h) => !isString(h))),
      ]
    },
  },
  {
    name: 'generateKeyPair',
    isAsync: true,
    positions: () => {
      const base = () => ['ES256', undefined]
      return [
        arg('generateKeyPair', 0, base, true, ALL),
        arg('generateKeyPair', 1, base, true, NONE),
        member('generateKeyPair', 1, ['extractable'], base, true, NONE),
        // 2048 | 3072 | 4096 only; undefined is the 2048 default (slow, timing exempt)
        member('generateKeyPair', 1, ['modulusLength'], () => ['RS256', {}], true, exceptUndefined, true),
      ]
    },
  },
  {
    name: 'generateSecret',
    isAsync: false,
    positions: () => [arg('generateSecret', 0, () => ['HS256'], false, ALL)],
  },
  // API.md functions beyond the current index list: exercised when exported.
  {
    name: 'createSigner',
    isAsync: false,
    positions: () => {
      const base = (): unknown[] => [SECRET, { alg: 'HS256', now: NOW }]
      const thenSign = (h: unknown, i: number): unknown => {
        const a = base()
        a[i] = h
        const s = api.createSigner!(...a) as (p: unknown) => unknown
        return strictAsync(() => s({ sub: 'x' }))
      }
      return [
        { label: 'createSigner arg0 (then sign)', mustReject: (h) => !h.secretLike, call: (h) => thenSign(h, 0) },
        { label: 'createSigner arg1 (then sign)', mustReject: NONE, call: (h) => thenSign(h, 1) },
        ...SIGN_OPTS.map((f) => member('createSigner', 1, [f], base, false, NONE)),
        {
          label: 'createSigner(...)(hostile payload)',
          mustReject: but('Object.create(null)', 'spoofed CryptoKey-like', 'throwing coercion', 'object 1e5 deep'),
          call: (h) => strictAsync(() => (api.createSigner!(...base()) as (p: unknown) => unknown)(h)),
        },
      ]
    },
  },
  {
    name: 'createVerifier',
    isAsync: false,
    positions: () => {
      const base = (): unknown[] => [SECRET, { algorithms: ['HS256'], now: NOW }]
      const thenVerify = (h: unknown, i: number): unknown => {
        const a = base()
        a[i] = h
        const v = api.createVerifier!(...a) as (t: unknown) => unknown
        return strictAsync(() => v(TOKEN))
      }
      return [
        { label: 'createVerifier arg0 (then verify)', mustReject: ALL, call: (h) => thenVerify(h, 0) },
        { label: 'createVerifier arg1 (then verify)', mustReject: ALL, call: (h) => thenVerify(h, 1) },
        ...[...VERIFY_OPTS, 'cache', 'cacheTtl'].map((f) => member('createVerifier', 1, [f], base, false, NONE)),
        {
          label: 'createVerifier(...)(hostile token)',
          mustReject: ALL,
          call: (h) => strictAsync(() => (api.createVerifier!(...base()) as (t: unknown) => unknown)(h)),
        },
      ]
    },
  },
  {
    name: 'createLocalJwks',
    isAsync: false,
    positions: () => {
      const base = () => [{ keys: [{ ...EC_PUBLIC_JWK, kid: 'k1' }] }, undefined]
      const resolve = (jwksArgs: unknown[], header: unknown, token: unknown) => {
        const r = api.createLocalJwks!(...jwksArgs) as (h: unknown, t: unknown) => unknown
        return r(header, token)
      }
      return [
        { label: 'createLocalJwks arg0 (then resolve)', mustReject: NONE, call: (h) => resolve([h], { alg: 'ES256', kid: 'k1' }, { payload: undefined }) },
        { label: 'createLocalJwks arg1 (then resolve)', mustReject: NONE, call: (h) => resolve([base()[0], h], { alg: 'ES256', kid: 'k1' }, { payload: undefined }) },
        member('createLocalJwks', 0, ['keys'], base, false, NONE),
        { label: 'createLocalJwks resolver arg0', mustReject: NONE, call: (h) => resolve(base(), h, { payload: undefined }) },
        { label: 'createLocalJwks resolver arg1', mustReject: NONE, call: (h) => resolve(base(), { alg: 'ES256', kid: 'k1' }, h) },
        { label: 'createLocalJwks resolver header.kid', mustReject: NONE, call: (h) => resolve(base(), { alg: 'ES256', kid: h }, { payload: undefined }) },
        { label: 'createLocalJwks resolver header.alg', mustReject: NONE, call: (h) => resolve(base(), { alg: h, kid: 'k1' }, { payload: undefined }) },
      ]
    },
  },
  {
    name: 'createRemoteJwks',
    isAsync: false,
    positions: () => {
      // never fetched here: only creation-time validation is exercised
      const offline = async () => {
        throw new Error('offline')
      }
      const base = () => ['https://jwks.example.test/keys', { fetch: offline }]
      const OPTS = ['timeout', 'cooldown', 'minTtl', 'maxTtl', 'staleIfError', 'maxResponseBytes', 'maxKeys', 'allowHttp', 'headers', 'fetch', 'cacheStore', 'onEvent']
      return [
        arg('createRemoteJwks', 0, base, false, NONE),
        arg('createRemoteJwks', 1, base, false, NONE),
        ...OPTS.map((f) => member('createRemoteJwks', 1, [f], base, false, NONE)),
      ]
    },
  },
  {
    name: 'discover',
    isAsync: true,
    positions: () => {
      // Never on the network: the injected fetch, and the global one while a call runs
      // (a hostile options value leaves discover with the global fetch), fail at once.
      const offline = async () => {
        throw new Error('offline')
      }
      const base = () => ['https://id.example', { fetch: offline }]
      const offlineGlobal = (p: Position): Position => ({
        ...p,
        call: async (h) => {
          const saved = globalThis.fetch
          globalThis.fetch = offline as typeof fetch
          try {
            return await p.call(h)
          } finally {
            globalThis.fetch = saved
          }
        },
      })
      return [
        arg('discover', 0, base, true, ALL),
        ...[arg('discover', 1, base, true, ALL), ...['fetch', 'timeout', 'allowHttp', 'cacheStore', 'now'].map((f) => member('discover', 1, [f], base, true, ALL))].map(offlineGlobal),
        derived('discover', 1, 'now', 'clock', base, true, ALL),
      ]
    },
  },
  {
    name: 'signClientAssertion',
    isAsync: true,
    positions: () => {
      const base = () => [{ clientId: 'client', audience: 'https://as.example', key: SECRET, alg: 'HS256', now: NOW }]
      return [
        arg('signClientAssertion', 0, base, true, ALL),
        ...['clientId', 'audience', 'key', 'alg', 'expiresIn', 'jwtId', 'now'].map((f) => member('signClientAssertion', 0, [f], base, true, NONE)),
      ]
    },
  },
  {
    name: 'createDpopProof',
    isAsync: true,
    positions: () => {
      const base = () => [ecPair, { htm: 'GET', htu: DPOP_HTU, now: NOW }]
      return [
        arg('createDpopProof', 0, base, true, ALL),
        arg('createDpopProof', 1, base, true, ALL),
        member('createDpopProof', 0, ['privateKey'], base, true, ALL),
        member('createDpopProof', 0, ['publicKey'], base, true, ALL),
        // a method, an access token or a nonce may be any (long) string of the right characters
        ...['htm', 'accessToken', 'nonce'].map((f) => member('createDpopProof', 1, [f], base, true, f === 'htm' ? stringsOk : (h) => !isString(h) && h.value !== undefined && h.value !== '')),
        ...['htu', 'alg', 'now'].map((f) => member('createDpopProof', 1, [f], base, true, f === 'htu' ? ALL : exceptUndefined)),
      ]
    },
  },
  {
    name: 'verifyDpopProof',
    isAsync: true,
    positions: () => {
      // DPOP_PROOF verifies with these options: only the hostile value can make a call fail
      const base = () => [DPOP_PROOF, { htm: 'GET', htu: DPOP_HTU, now: NOW }]
      return [
        arg('verifyDpopProof', 0, base, true, ALL),
        arg('verifyDpopProof', 1, base, true, ALL),
        ...['htm', 'htu'].map((f) => member('verifyDpopProof', 1, [f], base, true, ALL)),
        ...['accessToken', 'jkt', 'nonce', 'algorithms', 'replayStore', 'now'].map((f) => member('verifyDpopProof', 1, [f], base, true, exceptUndefined)),
        ...['maxAge', 'clockTolerance'].map((f) => member('verifyDpopProof', 1, [f], base, true, NONE)),
        derived('verifyDpopProof', 1, 'algorithms', 'list', base, true, ALL),
        derived('verifyDpopProof', 1, 'now', 'clock', base, true, ALL),
      ]
    },
  },
  {
    name: 'createResourceServer',
    isAsync: false,
    positions: () => {
      const OPTS = ['issuer', 'audience', 'jwks', 'algorithms', 'requiredScopes', 'profile', 'dpop', 'dpopAlgorithms', 'dpopNonce',
        'replayStore', 'proofMaxAge', 'publicUrl', 'realm', 'schema', 'clockTolerance', 'now', 'maxTokenLength', 'verifier']
      const base = (): unknown[] => [{ issuer: 'https://as.example', audience: 'api', jwks: SECRET, algorithms: ['HS256'], now: NOW, publicUrl: 'https://rs.example' }]
      const request = () => ({ method: 'GET', url: '/x', headers: { authorization: `DPoP ${TOKEN}`, dpop: DPOP_PROOF } })
      /** authenticate with a hostile value in one place of the request: an outcome, or a JoseError rejection. */
      const at = (label: string, put: (r: Record<string, unknown>, h: unknown) => void): Position => ({
        label: `createResourceServer(...).authenticate(${label})`,
        mustReject: NONE,
        call: (h) => {
          const r = request() as Record<string, unknown>
          put(r, h)
          return strictAsync(() => (api.createResourceServer!(...base()) as { authenticate(r: unknown): unknown }).authenticate(r))
        },
      })
      return [
        arg('createResourceServer', 0, base, false, ALL),
        ...OPTS.map((f) => member('createResourceServer', 0, [f], base, false, NONE)),
        at('hostile request', (r, h) => Object.assign(r, { hostile: h, headers: h, method: h, url: h })),
        ...['method', 'url', 'headers', 'rawHeaders', 'headersDistinct'].map((f) => at(`request.${f}`, (r, h) => (r[f] = h))),
        ...['authorization', 'dpop', 'Authorization'].map((f) => at(`request.headers.${f}`, (r, h) => ((r.headers as Record<string, unknown>)[f] = h))),
        at('request.headersDistinct.authorization', (r, h) => (r.headersDistinct = { authorization: h })),
        at('request.rawHeaders pair', (r, h) => (r.rawHeaders = ['authorization', h])),
      ]
    },
  },
  {
    name: 'createDpopFetch',
    isAsync: false,
    positions: () => {
      const base = (): unknown[] => [ecPair, { fetch: async () => new Response(null, { status: 204 }) }]
      const then = (args: (h: unknown) => unknown[]) => (h: unknown) =>
        strictAsync(() => (api.createDpopFetch!(...base()) as (...a: unknown[]) => unknown)(...args(h)))
      return [
        arg('createDpopFetch', 0, base, false, ALL),
        arg('createDpopFetch', 1, base, false, NONE),
        member('createDpopFetch', 1, ['fetch'], base, false, NONE),
        { label: 'createDpopFetch(...)(hostile input)', mustReject: NONE, call: then((h) => [h]) },
        { label: 'createDpopFetch(...)(url, hostile init)', mustReject: NONE, call: then((h) => ['https://rs.example/x', h]) },
        ...['accessToken', 'method', 'headers', 'body'].map((f): Position => ({
          label: `createDpopFetch(...)(url, { ${f}: hostile })`, mustReject: NONE, call: then((h) => ['https://rs.example/x', { [f]: h }]),
        })),
      ]
    },
  },
  ...(
    [
      ['verifyClientAssertion', { clientId: 'client', audience: 'https://as.example', algorithms: ['HS256'], now: NOW }, ['clientId', 'audience', 'algorithms', 'now', 'clockTolerance', 'maxLifetime', 'replayStore']],
      ['verifyAccessToken', { issuer: 'https://as.example', audience: 'api', algorithms: ['HS256'], now: NOW }, ['issuer', 'audience', 'algorithms', 'requiredScopes', 'now', 'clockTolerance']],
      ['verifyIdToken', { issuer: 'https://as.example', clientId: 'client', algorithms: ['HS256'], now: NOW }, ['issuer', 'clientId', 'nonce', 'maxAge', 'accessToken', 'code', 'algorithms', 'now', 'clockTolerance']],
    ] as const
  ).map(
    ([name, opts, fields]): FnSpec => ({
      name,
      isAsync: true,
      positions: () => {
        // TOKEN lacks the profile's required claims: every call must fail
        const base = () => [TOKEN, SECRET, { ...opts }]
        return [
          arg(name, 0, base, true, ALL),
          arg(name, 1, base, true, ALL),
          arg(name, 2, base, true, ALL),
          ...fields.map((f) => member(name, 2, [f], base, true, ALL)),
        ]
      },
    }),
  ),
]


beforeAll(async () => {
  ecPair = await ecCryptoKeys()
})

describe('hostile table: export coverage', () => {
  it('the table covers exactly the package\'s exports (a new export must join it; a lost one fails)', () => {
    expect([...SPECS.map((s) => s.name), 'JoseError', 'isJoseError'].sort()).toEqual([...EXPORTS].sort())
    for (const n of EXPORTS) expect(typeof api[n], n).toBe('function')
  })
})

describe('hostile table: isJoseError / JoseError', () => {
  it('isJoseError returns false (never throws) for every hostile value', () => {
    const before = snapshotPrototypes()
    for (const h of HOSTILE) {
      let r: unknown
      expect(() => (r = lib.isJoseError(h.value)), h.name).not.toThrow()
      expect(r, h.name).toBe(false)
    }
    expect(lib.isJoseError(new lib.JoseError('ERR_JWS_INVALID', 'x'))).toBe(true)
    expect(pollutionSince(before)).toEqual([])
  })

  it('JoseError: hostile values are not instances; a JoseError is both instanceof and branded', () => {
    for (const h of HOSTILE) {
      if (h.name.startsWith('Proxy')) continue // instanceof runs the getPrototypeOf trap by language rule
      expect((h.value as object) instanceof lib.JoseError, h.name).toBe(false)
    }
    const e = new lib.JoseError('ERR_JWT_INVALID', 'fixed text')
    expect(e).toBeInstanceOf(Error)
    expect(e.name).toBe('JoseError')
    expect(e.code).toBe('ERR_JWT_INVALID')
  })
})

describe('hostile table: every export × every position × every hostile value', () => {
  for (const spec of SPECS) {
    it(`${spec.name}`, { timeout: 240_000 }, async () => {
      const problems: Problem[] = []
      for (const pos of spec.positions()) {
        for (const h of HOSTILE) await exercise(pos, h, spec.isAsync, problems, SECRETS)
      }
      expect(problems, `${problems.length} problems: ${JSON.stringify(problems.slice(0, 5))}`).toEqual([])
    })
  }
})
