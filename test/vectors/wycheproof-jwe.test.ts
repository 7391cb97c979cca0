/**
 * Wycheproof files that JWE's primitives meet, each run the way JWE uses the primitive
 * (test/vectors/README.md lists the files and why others were left out):
 * - aes_gcm_test: content decryption (src/jwe/content.ts `open`) with a 96-bit IV and a
 *   128-bit tag, the only sizes JWE's AES-GCM takes (RFC 7518 §5.3); other sizes skipped.
 * - aes_cbc_pkcs5_test: AES-CBC inside the CBC-HS composition (RFC 7518 §5.2): `open` with
 *   a tag made right by hand, so that a padding failure is reached and must be the one
 *   decryption failure.
 * - aes_wrap_test, rsa_oaep_*: the CEK through key management (src/jwe/keymgmt.ts
 *   `unwrapCek`), A128KW/A192KW/A256KW and RSA-OAEP/-256/-384/-512 (the hash pairs JWE
 *   uses: OAEP hash = MGF1 hash, no label). A failed unwrap is not an error there: it is
 *   replaced by a random CEK (RFC 7516 §11.5), so "refused" means unwrapCek drew random
 *   bytes (crypto.getRandomValues observed); "accepted" means it returned the unwrapped
 *   key, which must equal `msg`.
 * - ecdh_secp{256,384,521}r1_webcrypto_test, x25519_jwk_test: the agreement through
 *   src/jwe/ecdh.ts `deriveFromEpk`, the vector's public JWK as the `epk`, its private JWK as
 *   the recipient key; "accepted" must give the Concat KDF (RFC 7518 §4.6.2) of the
 *   vector's shared secret, computed here with node:crypto.
 * - json_web_encryption_test, json_web_crypto_test: the public API (decrypt; verifyJws for
 *   the JWS groups of the second file), every disagreement listed in wycheproof-exceptions.ts.
 *
 * Verdicts against labels: `valid` must be accepted with the right bytes, `invalid` refused;
 * `acceptable` cases are judged by the policy stated where they occur (ACCEPTABLE below).
 * Internal modules are used where the public API cannot carry the vector's input (an
 * arbitrary AAD, a bare wrapped key, a bare public point).
 */
import { createHash, createHmac } from 'node:crypto'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { decrypt, isJoseError, verifyJws } from '../../src/index.ts'
import { lookupAlg, lookupEnc, JWE_ENCS, type JweEncEntry } from '../../src/jwa/jwe.ts'
import { open } from '../../src/jwe/content.ts'
import { deriveFromEpk } from '../../src/jwe/ecdh.ts'
import { unwrapCek } from '../../src/jwe/keymgmt.ts'
import { checkJweFit, describeJweKey, type JweKey } from '../../src/keys/jwe.ts'
import type { Jwk, JweAlg, KeyInput, KeyResolver } from '../../src/types.ts'
import { fromB64u, fromHex, outcome, utf8, wycheproofFile, type WycheproofGroup, type WycheproofTest } from './load.ts'
import type { Verdict } from './wycheproof-exceptions.ts'
import { formatSummaries, Ledger, type CaseOutcome, type Summary } from './wycheproof-ledger.ts'

const summaries: Summary[] = []
const reasons: string[] = []
afterAll(() => {
  console.log(formatSummaries('Wycheproof JWE vectors (isojwt verdict vs label)', summaries))
  if (reasons.length) console.log(['Not applicable, by reason:', ...reasons].join('\n'))
})

/** Close a file's books: its summary and skip reasons are printed once, its problems fail the test. */
function finish(ledger: Ledger): void {
  summaries.push(ledger.finish())
  for (const [why, n] of ledger.skipped) reasons.push(`  ${ledger.file}: ${n} cases, ${why}`)
  expect(ledger.problems).toEqual([])
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b))

/** What a call that refuses gives: its JoseError code, else a contract violation. */
function refusal(error: unknown, codes: readonly string[]): CaseOutcome {
  if (!isJoseError(error)) return { verdict: 'rejected', contractViolation: `threw a non-JoseError: ${String(error)}` }
  const out: CaseOutcome = { verdict: 'rejected', code: error.code }
  if (!codes.includes(error.code)) out.contractViolation = `refused with ${error.code}, expected ${codes.join(' or ')}`
  return out
}

/** The `acceptable` policies, one per file that has such cases. */
const ACCEPTABLE = {
  wrap: 'an 8-byte wrapped key (ShortKey) is no JWE CEK size: refused (random CEK), whatever RFC 3394 allows',
  ecdh: 'none are in the P-256/384/521 files: any would fail the run',
  x25519: 'RFC 7748 §6.1: an all-zero shared secret (small-order point) is refused; any other point (twist, non-canonical u) is accepted with the right key, as RFC 7748 §5 computes it',
} as const

// ------------------------------------------------------------------------------------
// Content encryption (RFC 7518 §5)

describe('Wycheproof aes_gcm_test.json: open() as A128GCM / A192GCM / A256GCM', () => {
  it('96-bit IV, 128-bit tag: valid decrypts to msg, invalid is ERR_JWE_DECRYPTION_FAILED', async () => {
    const data = wycheproofFile('aes_gcm_test.json')
    const ledger = new Ledger('aes_gcm_test.json', data.numberOfTests)
    for (const g of data.testGroups) {
      const enc = lookupEnc(`A${g.keySize as number}GCM`)
      for (const t of g.tests) {
        if (g.ivSize !== 96 || g.tagSize !== 128 || !enc) {
          ledger.skip(t.tcId, "an IV other than 96 bits: JWE's AES-GCM takes a 96-bit IV and a 128-bit tag only (RFC 7518 §5.3; other sizes are ERR_JWE_INVALID as structure)")
          continue
        }
        const sealed = { iv: fromHex(t.iv as string), ciphertext: fromHex(t.ct as string), tag: fromHex(t.tag as string) }
        const o = await outcome(() => open(enc, fromHex(t.key as string), fromHex(t.aad as string), sealed))
        const out: CaseOutcome = o.ok ? { verdict: 'accepted' } : refusal(o.error, ['ERR_JWE_DECRYPTION_FAILED'])
        if (o.ok && !same(o.value, fromHex(t.msg as string))) out.contractViolation = 'decrypted to other bytes than msg'
        ledger.record(t.tcId, t.result, out, t.comment)
      }
    }
    finish(ledger)
  })
})

/** RFC 7518 §5.2.2.1 steps 4–5, with node:crypto: the tag of (mac key, AAD, IV, ciphertext). */
function cbcHsTag(enc: JweEncEntry, macKey: Uint8Array, aad: Uint8Array, iv: Uint8Array, ct: Uint8Array): Uint8Array {
  const al = Buffer.alloc(8)
  al.writeBigUInt64BE(BigInt(aad.length * 8))
  const hash = `sha${enc.hash!.slice(4)}`
  return new Uint8Array(createHmac(hash, macKey).update(aad).update(iv).update(ct).update(al).digest().subarray(0, enc.tagBytes))
}

describe('Wycheproof aes_cbc_pkcs5_test.json: AES-CBC inside A128CBC-HS256 / A192CBC-HS384 / A256CBC-HS512', () => {
  it('under a valid tag, valid decrypts to msg and bad padding is the one decryption failure', async () => {
    const data = wycheproofFile('aes_cbc_pkcs5_test.json')
    const ledger = new Ledger('aes_cbc_pkcs5_test.json', data.numberOfTests)
    const aad = utf8('eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0')
    for (const g of data.testGroups) {
      const enc = JWE_ENCS.find((e) => e.family === 'CBC' && e.keyBytes === (g.keySize as number) / 4)
      for (const t of g.tests) {
        if (!enc || g.ivSize !== 128) {
          ledger.skip(t.tcId, 'not a CBC-HS key size')
          continue
        }
        // CEK = MAC_KEY ‖ ENC_KEY (§5.2.2.1 step 1): the vector's key is the encryption half.
        const macKey = createHash('sha512').update(`mac key ${t.tcId}`).digest().subarray(0, enc.keyBytes / 2)
        const cek = new Uint8Array([...macKey, ...fromHex(t.key as string)])
        const iv = fromHex(t.iv as string)
        const ct = fromHex(t.ct as string)
        const o = await outcome(() => open(enc, cek, aad, { iv, ciphertext: ct, tag: cbcHsTag(enc, macKey, aad, iv, ct) }))
        const out: CaseOutcome = o.ok ? { verdict: 'accepted' } : refusal(o.error, ['ERR_JWE_DECRYPTION_FAILED'])
        if (o.ok && !same(o.value, fromHex(t.msg as string))) out.contractViolation = 'decrypted to other bytes than msg'
        ledger.record(t.tcId, t.result, out, t.comment)
      }
    }
    finish(ledger)
  })
})

// ------------------------------------------------------------------------------------
// Key management (RFC 7518 §4.3, §4.4): unwrapCek, with the random-CEK failure path observed

describe('key management through unwrapCek', () => {
  let draws = 0
  beforeEach(() => {
    const real = crypto.getRandomValues.bind(crypto)
    vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(a: T): T => {
      draws++
      return real(a as never) as T
    })
  })
  afterEach(() => vi.restoreAllMocks())

  /**
   * The CEK size JWE would ask for: the real `enc` whose key is `size` bytes, else one of
   * that size (JWE asks 16–64 bytes; the random-CEK rule is tested in test/jwe with the real
   * sizes). Sequential calls only: the draw count tells a failure from a success.
   */
  const encOfSize = (size: number): JweEncEntry => JWE_ENCS.find((e) => e.keyBytes === size) ?? { ...JWE_ENCS[0]!, keyBytes: size }

  async function unwrapOutcome(alg: JweAlg, key: JweKey, encryptedKey: Uint8Array, size: number, msg: Uint8Array | undefined): Promise<CaseOutcome> {
    const entry = lookupAlg(alg)!
    const before = draws
    const o = await outcome(() => unwrapCek(entry, encOfSize(size), key, {}, encryptedKey))
    if (!o.ok) return { verdict: 'rejected', contractViolation: `unwrapCek threw ${o.jose ? o.code : String(o.error)}; a failed unwrap must give a random CEK` }
    if (draws !== before) return o.value.length === size ? { verdict: 'rejected' } : { verdict: 'rejected', contractViolation: 'the random CEK has the wrong size' }
    return msg && !same(o.value, msg) ? { verdict: 'accepted', contractViolation: 'unwrapped to other bytes than msg' } : { verdict: 'accepted' }
  }

  it('aes_wrap_test.json: A128KW / A192KW / A256KW', async () => {
    const data = wycheproofFile('aes_wrap_test.json')
    const ledger = new Ledger('aes_wrap_test.json', data.numberOfTests)
    for (const g of data.testGroups) {
      const alg = `A${g.keySize as number}KW` as JweAlg
      for (const t of g.tests) {
        const kek = describeJweKey(fromHex(t.key as string))
        checkJweFit(kek, lookupAlg(alg)!, true)
        const msg = fromHex(t.msg as string)
        const ct = fromHex(t.ct as string)
        // The size JWE would expect: the message's, else what the wrapped key would hold.
        const size = msg.length || Math.max(ct.length - 8, 16)
        const out = await unwrapOutcome(alg, kek, ct, size, t.result === 'valid' ? msg : undefined)
        if (t.result === 'acceptable') ledger.byPolicy(t.tcId, t.result, out, ['rejected'], ACCEPTABLE.wrap, t.comment)
        else ledger.record(t.tcId, t.result, out, t.comment)
      }
    }
    finish(ledger)
  })

  const OAEP: Record<string, JweAlg> = { 'SHA-1': 'RSA-OAEP', 'SHA-256': 'RSA-OAEP-256', 'SHA-384': 'RSA-OAEP-384', 'SHA-512': 'RSA-OAEP-512' }
  const OAEP_FILES = [
    'rsa_oaep_2048_sha1_mgf1sha1_test.json', 'rsa_oaep_2048_sha256_mgf1sha256_test.json',
    'rsa_oaep_2048_sha384_mgf1sha384_test.json', 'rsa_oaep_2048_sha512_mgf1sha512_test.json',
    'rsa_oaep_3072_sha256_mgf1sha256_test.json', 'rsa_oaep_3072_sha512_mgf1sha512_test.json',
    'rsa_oaep_4096_sha256_mgf1sha256_test.json', 'rsa_oaep_4096_sha512_mgf1sha512_test.json',
  ]
  for (const file of OAEP_FILES) {
    it(`${file}: ${file.includes('sha1_') ? 'RSA-OAEP' : `RSA-OAEP-${/sha(\d+)_/.exec(file)![1]}`}, private key as PKCS#8 PEM and (when given) as JWK`, async () => {
      const data = wycheproofFile(file)
      const ledger = new Ledger(file, data.numberOfTests)
      for (const g of data.testGroups) {
        // JWE's pairs (RFC 7518 §4.3, RFC 7518 + IANA for -384/-512): MGF1 with the OAEP hash.
        expect([g.mgf, g.mgfSha]).toEqual(['MGF1', g.sha])
        const alg = OAEP[g.sha as string]!
        const keys = [describeJweKey(g.privateKeyPem as string)]
        if (g.privateKeyJwk) keys.push(describeJweKey(g.privateKeyJwk))
        for (const k of keys) checkJweFit(k, lookupAlg(alg)!, true)
        for (const t of g.tests) {
          if ((t.label as string) !== '') {
            ledger.skip(t.tcId, 'an OAEP label: JWE RSA-OAEP* always uses the empty label (RFC 7518 §4.3)')
            continue
          }
          const msg = fromHex(t.msg as string)
          const outs = []
          for (const k of keys) outs.push(await unwrapOutcome(alg, k, fromHex(t.ct as string), msg.length, t.result === 'valid' ? msg : undefined))
          const out = outs[0]!
          if (outs.some((x) => x.verdict !== out.verdict)) out.contractViolation = 'the PEM and JWK forms of the key disagree'
          ledger.record(t.tcId, t.result, out, t.comment)
        }
      }
      finish(ledger)
    })
  }
})

// ------------------------------------------------------------------------------------
// ECDH-ES (RFC 7518 §4.6, RFC 8037 §3.2): deriveFromEpk with the vector's public key as epk

/** RFC 7518 §4.6.2 with node:crypto: ECDH-ES for A128GCM from Z, no apu/apv. */
function concatKdf(z: Uint8Array, algId: string, bits: number): Uint8Array {
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b }
  const id = Buffer.from(algId, 'utf8')
  const info = Buffer.concat([u32(id.length), id, u32(0), u32(0), u32(bits)])
  return new Uint8Array(createHash('sha256').update(Buffer.concat([u32(1), z, info])).digest().subarray(0, bits / 8))
}

async function agreement(priv: unknown, epk: unknown, shared: Uint8Array): Promise<CaseOutcome> {
  let key: JweKey
  try {
    key = describeJweKey(priv)
  } catch (e) {
    return { verdict: 'rejected', contractViolation: `the vector's private key was refused: ${isJoseError(e) ? e.code : String(e)}` }
  }
  const o = await outcome(() => deriveFromEpk(key, 'A128GCM', { epk }, 128))
  if (!o.ok) return refusal(o.error, ['ERR_JWE_INVALID', 'ERR_JWE_DECRYPTION_FAILED'])
  return same(o.value, concatKdf(shared, 'A128GCM', 128)) ? { verdict: 'accepted' } : { verdict: 'accepted', contractViolation: 'derived another key than the shared secret gives' }
}

describe('ECDH through deriveFromEpk', () => {
  for (const crv of ['256', '384', '521']) {
    const file = `ecdh_secp${crv}r1_webcrypto_test.json`
    it(`${file}: P-${crv}`, async () => {
      const data = wycheproofFile(file)
      const ledger = new Ledger(file, data.numberOfTests)
      for (const g of data.testGroups) {
        expect(g.curve).toBe(`P-${crv}`)
        // In parallel: WebCrypto works off the main thread, and nothing here is observed globally.
        const outs = await Promise.all(g.tests.map((t) => agreement(t.private, t.public, fromHex(t.shared as string))))
        g.tests.forEach((t, i) => {
          if (t.result === 'acceptable') ledger.byPolicy(t.tcId, t.result, outs[i]!, [], ACCEPTABLE.ecdh, t.comment)
          else ledger.record(t.tcId, t.result, outs[i]!, t.comment)
        })
      }
      finish(ledger)
    })
  }

  it('x25519_jwk_test.json: X25519', async () => {
    const data = wycheproofFile('x25519_jwk_test.json')
    const ledger = new Ledger('x25519_jwk_test.json', data.numberOfTests)
    for (const g of data.testGroups) {
      for (const t of g.tests) {
        const shared = fromHex(t.shared as string)
        const out = await agreement(t.private, t.public, shared)
        if (t.result !== 'acceptable') {
          ledger.record(t.tcId, t.result, out, t.comment)
          continue
        }
        const zero = shared.every((b) => b === 0)
        if (zero && out.verdict === 'rejected' && out.code !== 'ERR_JWE_DECRYPTION_FAILED') out.contractViolation = `a small-order point gave ${out.code}, not the one decryption failure`
        ledger.byPolicy(t.tcId, t.result, out, [zero ? 'rejected' : 'accepted'], ACCEPTABLE.x25519, t.comment)
      }
    }
    finish(ledger)
  })
})

// ------------------------------------------------------------------------------------
// The JOSE files, through decrypt (and verifyJws)

/** decrypt with the group's private JWK; the key's `alg` pins what the token may use. */
async function jweCase(t: WycheproofTest, key: Jwk): Promise<CaseOutcome> {
  const o = await outcome(() => decrypt(t.jwe as string, key))
  if (!o.ok) {
    return o.jose ? { verdict: 'rejected', code: o.code } : { verdict: 'rejected', contractViolation: `non-JoseError: ${String(o.error)}` }
  }
  const out: CaseOutcome = { verdict: 'accepted' }
  if (typeof t.pt === 'string' && !same(o.value.plaintext, fromHex(t.pt))) out.contractViolation = 'decrypted to other bytes than pt'
  return out
}

/** verifyJws with the group's key (its `alg` pins); a JWK Set answers by kid. */
async function jwsCase(t: WycheproofTest, group: WycheproofGroup): Promise<CaseOutcome> {
  const k = (group.public ?? group.private) as Jwk
  const set = k.keys as Jwk[] | undefined
  const key: KeyInput | KeyResolver = set ? (header) => set.filter((x) => x.kid === header.kid) : k
  const o = await outcome(() => verifyJws(t.jws as string, key))
  if (o.ok) return { verdict: 'accepted' }
  return o.jose ? { verdict: 'rejected', code: o.code } : { verdict: 'rejected', contractViolation: `non-JoseError: ${String(o.error)}` }
}

describe('Wycheproof JOSE files', () => {
  for (const file of ['json_web_encryption_test.json', 'json_web_crypto_test.json']) {
    it(`${file}: every case agrees with its label or is a listed exception`, async () => {
      const data = wycheproofFile(file)
      const ledger = new Ledger(file, data.numberOfTests)
      for (const g of data.testGroups) {
        for (const t of g.tests) {
          const out = t.jwe !== undefined ? await jweCase(t, g.private as Jwk) : await jwsCase(t, g)
          ledger.record(t.tcId, t.result, out, t.comment)
        }
      }
      finish(ledger)
    })
  }
})

// Self-checks of the harness: the observations above can see what they claim to see.
describe('harness self-checks', () => {
  it('the Concat KDF here reproduces RFC 7518 Appendix C (ECDH-ES, A128GCM, apu "Alice", apv "Bob")', () => {
    const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b }
    const z = Uint8Array.from([158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49, 110, 163, 218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196])
    const info = Buffer.concat([u32(7), Buffer.from('A128GCM'), u32(5), Buffer.from('Alice'), u32(3), Buffer.from('Bob'), u32(128)])
    const key = createHash('sha256').update(Buffer.concat([u32(1), z, info])).digest().subarray(0, 16)
    expect(key.toString('base64url')).toBe('VqqN6vgjbSBcIijNcacQGg')
    // And without apu/apv, as concatKdf computes it, the first block is the same construction.
    expect(concatKdf(z, 'A128GCM', 128)).toHaveLength(16)
  })

  it('a tampered wrapped key is seen as refused (random CEK), a good one as accepted', async () => {
    const kek = new Uint8Array(16).fill(7)
    const cek = new Uint8Array(16).fill(9)
    const k = await crypto.subtle.importKey('raw', kek, 'AES-KW', false, ['wrapKey'])
    const c = await crypto.subtle.importKey('raw', cek, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])
    const wrapped = new Uint8Array(await crypto.subtle.wrapKey('raw', c, k, 'AES-KW'))
    const key = describeJweKey(kek)
    let calls = 0
    const real = crypto.getRandomValues.bind(crypto)
    const spy = vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(a: T): T => (calls++, real(a as never) as T))
    try {
      expect(await unwrapCek(lookupAlg('A128KW')!, lookupEnc('A128GCM')!, key, {}, wrapped)).toEqual(cek)
      expect(calls).toBe(0)
      wrapped[3]! ^= 1
      expect(await unwrapCek(lookupAlg('A128KW')!, lookupEnc('A128GCM')!, key, {}, wrapped)).not.toEqual(cek)
      expect(calls).toBe(1)
    } finally {
      spy.mockRestore()
    }
  })

  it('fromB64u and the vector JWKs agree on sizes (P-521 coordinates are 66 bytes)', () => {
    const data = wycheproofFile('ecdh_secp521r1_webcrypto_test.json')
    expect(fromB64u((data.testGroups[0]!.tests[0]!.public as Jwk).x as string)).toHaveLength(66)
  })
})
