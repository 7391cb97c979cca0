/**
 * Runtime gaps (API.md, JWE: "An `enc` the runtime lacks (AES-192 in browsers, …) is
 * ERR_JOSE_NOT_SUPPORTED"): WebCrypto is made to answer as Chromium does (a 192-bit AES
 * key refused with an OperationError, "192-bit AES keys are not supported", measured on
 * Chromium 150) and as a runtime without X25519 does (NotSupportedError). Every JWE
 * operation that needs the missing piece, encrypting or decrypting, then answers
 * ERR_JOSE_NOT_SUPPORTED, never a raw DOMException, ERR_KEY_INVALID or a decryption
 * failure; everything else keeps working. The conformance suite checks the real runtimes
 * (test/conformance/suite.mjs, JWE section; the capability matrix in matrix.mjs).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { decrypt, decryptJwt, encrypt, encryptJwt, isJoseError, type JweAlg, type JweEnc } from '../../src/index.ts'
import { curvePair, type Pair } from './keys.ts'

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    return isJoseError(e) ? `${e.code}: ${e.message}` : `non-JoseError ${String(e)}`
  }
  return 'resolved'
}

const realImport = crypto.subtle.importKey.bind(crypto.subtle)
const realGenerate = crypto.subtle.generateKey.bind(crypto.subtle)

/** WebCrypto as Chromium answers a 192-bit AES key (raw import; generateKey is never used for AES). */
function withoutAes192(): void {
  vi.spyOn(crypto.subtle, 'importKey').mockImplementation(((format: string, data: BufferSource, alg: AlgorithmIdentifier, ...rest: unknown[]) => {
    const name = typeof alg === 'string' ? alg : alg.name
    if (format === 'raw' && name.startsWith('AES') && (data as ArrayBufferView).byteLength === 24) {
      return Promise.reject(new DOMException('192-bit AES keys are not supported', 'OperationError'))
    }
    return (realImport as (...a: unknown[]) => Promise<CryptoKey>)(format, data, alg, ...rest)
  }) as typeof crypto.subtle.importKey)
}

/** WebCrypto without X25519: import and generate say NotSupportedError, as for any unknown algorithm. */
function withoutX25519(): void {
  const refuse = () => Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'))
  const isX = (alg: AlgorithmIdentifier) => (typeof alg === 'string' ? alg : alg.name) === 'X25519'
  vi.spyOn(crypto.subtle, 'importKey').mockImplementation(((format: string, data: unknown, alg: AlgorithmIdentifier, ...rest: unknown[]) =>
    isX(alg) ? refuse() : (realImport as (...a: unknown[]) => Promise<CryptoKey>)(format, data, alg, ...rest)) as typeof crypto.subtle.importKey)
  vi.spyOn(crypto.subtle, 'generateKey').mockImplementation(((alg: AlgorithmIdentifier, ...rest: unknown[]) =>
    isX(alg) ? refuse() : (realGenerate as (...a: unknown[]) => Promise<CryptoKeyPair>)(alg, ...rest)) as typeof crypto.subtle.generateKey)
}

afterEach(() => vi.restoreAllMocks())

const pairs: Record<string, Pair> = {}
beforeAll(async () => {
  pairs['P-256'] = await curvePair('P-256')
  pairs.X25519 = await curvePair('X25519')
}, 30_000)

const s = (n: number) => new Uint8Array(n).fill(5)
/** Every way AES-192 enters a JWE: as the content key, the wrap key, a derived wrap key. */
const AES192: ReadonlyArray<[JweAlg, JweEnc, () => { pub: unknown; priv: unknown }]> = [
  ['dir', 'A192GCM', () => ({ pub: s(24), priv: s(24) })],
  ['dir', 'A192CBC-HS384', () => ({ pub: s(48), priv: s(48) })],
  ['A128KW', 'A192GCM', () => ({ pub: s(16), priv: s(16) })],
  ['A192KW', 'A128GCM', () => ({ pub: s(24), priv: s(24) })],
  ['A192GCMKW', 'A256GCM', () => ({ pub: s(24), priv: s(24) })],
  ['ECDH-ES+A192KW', 'A128GCM', () => pairs['P-256']!],
  ['ECDH-ES', 'A192GCM', () => pairs['P-256']!],
  ['PBES2-HS384+A192KW', 'A128CBC-HS256', () => ({ pub: 'a password', priv: 'a password' })],
]

describe('AES-192 missing (as in Chromium): ERR_JOSE_NOT_SUPPORTED, both ways', () => {
  for (const [alg, enc, keys] of AES192) {
    it(`${alg} + ${enc}`, async () => {
      const { pub, priv } = keys()
      const options = { algorithms: [alg], encryptions: [enc] }
      // Made while AES-192 is there (another runtime), read where it is not.
      const jwe = await encrypt('x', pub as never, { alg, enc, p2c: 1000 })
      withoutAes192()
      expect(await failure(encrypt('x', pub as never, { alg, enc, p2c: 1000 }))).toMatch(/^ERR_JOSE_NOT_SUPPORTED: this runtime (does not support|cannot import) .*(192|A192)/)
      expect(await failure(decrypt(jwe, priv as never, options))).toMatch(/^ERR_JOSE_NOT_SUPPORTED: /)
      if (!alg.startsWith('ECDH')) expect(await failure(encryptJwt({}, pub as never, { alg, enc }))).toMatch(/^ERR_JOSE_NOT_SUPPORTED: /)
      // A tampered token gets the same answer: the gap is found before any decryption result.
      const parts = jwe.split('.')
      parts[4] = (parts[4]![0] === 'A' ? 'B' : 'A') + parts[4]!.slice(1)
      expect(await failure(decrypt(parts.join('.'), priv as never, options))).toMatch(/^ERR_JOSE_NOT_SUPPORTED: /)
    })
  }

  it('AES-128 and AES-256 keep working meanwhile', async () => {
    withoutAes192()
    for (const [alg, enc, key] of [['dir', 'A256GCM', s(32)], ['A128KW', 'A128CBC-HS256', s(16)], ['A256GCMKW', 'A256CBC-HS512', s(32)]] as const) {
      const jwe = await encrypt('ok', key, { alg, enc })
      expect(new TextDecoder().decode((await decrypt(jwe, key, { algorithms: [alg] })).plaintext)).toBe('ok')
    }
  })
})

describe('X25519 missing: ERR_JOSE_NOT_SUPPORTED, both ways', () => {
  for (const alg of ['ECDH-ES', 'ECDH-ES+A128KW'] as const) {
    it(alg, async () => {
      const { pub, priv } = pairs.X25519!
      const jwe = await encrypt('x', pub, { alg, enc: 'A128GCM' })
      withoutX25519()
      expect(await failure(encrypt('x', pub, { alg, enc: 'A128GCM' }))).toMatch(/^ERR_JOSE_NOT_SUPPORTED: /)
      expect(await failure(decrypt(jwe, priv, { algorithms: [alg] }))).toMatch(/^ERR_JOSE_NOT_SUPPORTED: /)
      expect(await failure(decryptJwt(jwe, priv, { algorithms: [alg], publicKeyEncryption: true }))).toMatch(/^ERR_JOSE_NOT_SUPPORTED: /)
      // P-256 is untouched.
      const p = await encrypt('y', pairs['P-256']!.pub, { alg, enc: 'A128GCM' })
      expect(new TextDecoder().decode((await decrypt(p, pairs['P-256']!.priv, { algorithms: [alg] })).plaintext)).toBe('y')
    })
  }
})
