/**
 * JWE rules (API.md, JWE): round trips for random plaintexts and every alg × enc, any bit
 * flip refused, one answer for every cryptographic failure (tag, padding, unwrap, key),
 * epk checks, the PBES2 count cap, the zip cap (a 1 GB bomb), dir key sizes, policy.
 */
import { createHmac } from 'node:crypto'
import { deflateRawSync, constants } from 'node:zlib'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { decrypt, encrypt, isJoseError, type Jwk } from '../../src/index.ts'
import { b64u, fromB64u } from '../support/base64url.ts'
import { ALGS, CURVES, ENCS, curvePair, keyFor, opts, rsaPair, type Pair } from './keys.ts'

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p
  } catch (e) {
    if (isJoseError(e)) return { code: e.code, message: e.message }
    return { code: `non-JoseError ${String(e)}`, message: '' }
  }
  return { code: 'resolved', message: '' }
}
const codeOf = async (p: Promise<unknown>): Promise<string> => (await failure(p)).code

/** A compact JWE with its header replaced (the rest kept). */
function withHeader(jwe: string, edit: (h: Record<string, unknown>) => Record<string, unknown>): string {
  const [h, ...rest] = jwe.split('.')
  return [b64u(new TextEncoder().encode(JSON.stringify(edit(JSON.parse(new TextDecoder().decode(fromB64u(h!))))))), ...rest].join('.')
}

const pairs: { rsa?: Pair; curves: Record<string, Pair> } = { curves: {} }
beforeAll(async () => {
  pairs.rsa = await rsaPair()
  for (const crv of CURVES) pairs.curves[crv] = await curvePair(crv)
}, 60_000)

describe('round trips and bit flips, every alg × enc', () => {
  for (const alg of ALGS) for (const enc of ENCS) {
    it(`${alg.alg} + ${enc.enc}`, async () => {
      const k = keyFor(alg, enc, { rsa: pairs.rsa!, curve: pairs.curves['P-256']! })
      await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.boolean(), async (pt, zip) => {
        const jwe = await encrypt(pt, k.pub, { alg: alg.alg, enc: enc.enc, ...(zip ? { zip: 'DEF' as const } : {}), p2c: 1000 })
        const { plaintext } = await decrypt(jwe, k.priv, opts(alg, enc))
        expect(plaintext).toEqual(pt)
      }), { numRuns: 4 })
      const jwe = await encrypt('secret text', k.pub, { alg: alg.alg, enc: enc.enc, p2c: 1000 })
      // One bit of any decoded segment flipped: never a plaintext, only these answers.
      await fc.assert(fc.asyncProperty(fc.nat(4), fc.nat(), fc.nat(7), async (seg, at, bit) => {
        const parts = jwe.split('.')
        const bytes = fromB64u(parts[seg]!)
        fc.pre(bytes.length > 0)
        bytes[at % bytes.length]! ^= 1 << bit
        parts[seg] = b64u(bytes)
        const code = await codeOf(decrypt(parts.join('.'), k.priv, opts(alg, enc)))
        // The header is structure and policy; every other segment is cryptography.
        expect(seg === 0 ? ['ERR_JWE_INVALID', 'ERR_JWE_DECRYPTION_FAILED', 'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED'] : ['ERR_JWE_DECRYPTION_FAILED']).toContain(code)
      }), { numRuns: 12 })
    })
  }
})

describe('one answer for every cryptographic failure', () => {
  it('a bad tag, bad padding under a valid tag, a failed unwrap, a wrong key: one code, one message', async () => {
    const key = crypto.getRandomValues(new Uint8Array(32))
    const o = opts('dir', 'A128CBC-HS256')
    const good = await encrypt('hello', key, { alg: 'dir', enc: 'A128CBC-HS256' })
    const [h, , iv, , tag] = good.split('.')
    const badTag = [h, '', iv, good.split('.')[3], b64u(fromB64u(tag!).map((b, i) => (i ? b : b ^ 1)))].join('.')
    // A ciphertext block that decrypts to bad padding, with a tag made right by hand (RFC 7518 §5.2.2.1).
    const ct = crypto.getRandomValues(new Uint8Array(16))
    const aad = new TextEncoder().encode(h)
    const al = Buffer.alloc(8)
    al.writeBigUInt64BE(BigInt(aad.length * 8))
    const mac = createHmac('sha256', key.subarray(0, 16)).update(aad).update(fromB64u(iv!)).update(ct).update(al).digest().subarray(0, 16)
    const badPadding = [h, '', iv, b64u(ct), b64u(mac)].join('.')
    const wrongKey = crypto.getRandomValues(new Uint8Array(32))
    const kek = crypto.getRandomValues(new Uint8Array(16))
    const wrapped = await encrypt('hello', kek, { alg: 'A128KW', enc: 'A128CBC-HS256' })
    const badUnwrap = wrapped.split('.').map((s, i) => (i === 1 ? b64u(fromB64u(s).map((b, j) => (j ? b : b ^ 1))) : s)).join('.')
    const results = await Promise.all([
      failure(decrypt(badTag, key, o)), failure(decrypt(badPadding, key, o)), failure(decrypt(good, wrongKey, o)),
      failure(decrypt(badUnwrap, kek, opts('A128KW', 'A128CBC-HS256'))),
      failure(decrypt(wrapped, crypto.getRandomValues(new Uint8Array(16)), opts('A128KW', 'A128CBC-HS256'))),
    ])
    for (const r of results) expect(r).toEqual(results[0])
    expect(results[0]!.code).toBe('ERR_JWE_DECRYPTION_FAILED')
  })

  it('RSA-OAEP with the wrong private key and an ECDH-ES agreement with another key: the same answer', async () => {
    const other = await rsaPair()
    const jwe = await encrypt('x', pairs.rsa!.pub, { alg: 'RSA-OAEP-256', enc: 'A256GCM' })
    const a = await failure(decrypt(jwe, other.priv, opts('RSA-OAEP-256', 'A256GCM')))
    const e = await encrypt('x', pairs.curves['P-256']!.pub, { alg: 'ECDH-ES+A128KW', enc: 'A256GCM' })
    const b = await failure(decrypt(e, (await curvePair('P-256')).priv, opts('ECDH-ES+A128KW', 'A256GCM')))
    expect(a).toEqual(b)
    expect(a.code).toBe('ERR_JWE_DECRYPTION_FAILED')
  })
})

describe('epk (RFC 7518 §4.6.1.1)', () => {
  it('the wrong kty or crv is ERR_JWE_INVALID; a private epk too', async () => {
    const jwe = await encrypt('x', pairs.curves['P-256']!.pub, { alg: 'ECDH-ES', enc: 'A128GCM' })
    const o = opts('ECDH-ES', 'A128GCM')
    const priv = pairs.curves['P-256']!.priv
    const p384 = pairs.curves['P-384']!.pub as Jwk
    expect(await codeOf(decrypt(withHeader(jwe, (h) => ({ ...h, epk: p384 })), priv, o))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(decrypt(withHeader(jwe, (h) => ({ ...h, epk: pairs.curves.X25519!.pub })), priv, o))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(decrypt(withHeader(jwe, (h) => ({ ...h, epk: { ...(h.epk as object), d: 'AAAA' } })), priv, o))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(decrypt(withHeader(jwe, (h) => ({ ...h, epk: 'nope' })), priv, o))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(decrypt(withHeader(jwe, ({ epk: _, ...h }) => h), priv, o))).toBe('ERR_JWE_INVALID')
  })

  it('an off-curve P-256 point and small-order X25519 points are decryption failures', async () => {
    const jwe = await encrypt('x', pairs.curves['P-256']!.pub, { alg: 'ECDH-ES', enc: 'A128GCM' })
    const off = { kty: 'EC', crv: 'P-256', x: b64u(new Uint8Array(32).fill(1)), y: b64u(new Uint8Array(32).fill(2)) }
    expect(await codeOf(decrypt(withHeader(jwe, (h) => ({ ...h, epk: off })), pairs.curves['P-256']!.priv, opts('ECDH-ES', 'A128GCM')))).toBe('ERR_JWE_DECRYPTION_FAILED')
    const xj = await encrypt('x', pairs.curves.X25519!.pub, { alg: 'ECDH-ES+A256KW', enc: 'A128GCM' })
    // u = 0 and u = 1 (RFC 7748 §6.1: the shared secret would be all zeros).
    for (const u of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      const small = withHeader(xj, (h) => ({ ...h, epk: { kty: 'OKP', crv: 'X25519', x: b64u(u) } }))
      expect(await codeOf(decrypt(small, pairs.curves.X25519!.priv, opts('ECDH-ES+A256KW', 'A128GCM')))).toBe('ERR_JWE_DECRYPTION_FAILED')
    }
  })
})

describe('PBES2 (RFC 7518 §4.8)', () => {
  const o = opts('PBES2-HS256+A128KW', 'A128GCM')
  it('only when algorithms lists it, even for a JWK that pins it', async () => {
    const jwk = { kty: 'oct', k: b64u(new TextEncoder().encode('pw')), alg: 'PBES2-HS256+A128KW' }
    const jwe = await encrypt('x', jwk, { alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 1000 })
    expect(await codeOf(decrypt(jwe, jwk))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    expect((await decrypt(jwe, jwk, o)).plaintext).toEqual(new TextEncoder().encode('x'))
  })
  it('p2c above maxPbes2Count (default 10 000) or below 1 000, and a p2s under 8 bytes, are ERR_JWE_INVALID', async () => {
    const jwe = await encrypt('x', 'pw', { alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 10_001 })
    expect(await codeOf(decrypt(jwe, 'pw', o))).toBe('ERR_JWE_INVALID')
    expect((await decrypt(jwe, 'pw', { ...o, maxPbes2Count: 10_001 })).plaintext.length).toBe(1)
    const ten = await encrypt('x', 'pw', { alg: 'PBES2-HS256+A128KW', enc: 'A128GCM' })
    expect(JSON.parse(new TextDecoder().decode(fromB64u(ten.split('.')[0]!))).p2c).toBe(10_000)
    expect(await codeOf(decrypt(withHeader(ten, (h) => ({ ...h, p2c: 999 })), 'pw', { ...o, maxPbes2Count: 2e9 }))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(decrypt(withHeader(ten, (h) => ({ ...h, p2c: 2 ** 31 })), 'pw', o))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(decrypt(withHeader(ten, (h) => ({ ...h, p2s: b64u(new Uint8Array(7)) })), 'pw', o))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(encrypt('x', 'pw', { alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 999 }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
    expect(await codeOf(decrypt(ten, 'pw', { ...o, maxPbes2Count: 999 }))).toBe('ERR_JOSE_INVALID_ARGUMENT')
  })
})

describe('zip: "DEF" and its cap', () => {
  const key = crypto.getRandomValues(new Uint8Array(32))
  const o = opts('dir', 'A256GCM')
  it('past maxDecompressedLength (default 256 KiB) is ERR_JWE_INVALID', async () => {
    const jwe = await encrypt(new Uint8Array(262_145), key, { alg: 'dir', enc: 'A256GCM', zip: 'DEF' })
    expect(await codeOf(decrypt(jwe, key, o))).toBe('ERR_JWE_INVALID')
    expect((await decrypt(jwe, key, { ...o, maxDecompressedLength: 262_145 })).plaintext.length).toBe(262_145)
  })
  it('a 1 GB zip bomb is abandoned early', async () => {
    // 1 MiB of zeros compressed with a full flush is a self-contained chunk: 1024 of them
    // and a final empty block are a valid raw DEFLATE stream of 1 GiB (about 1 MB long).
    const chunk = deflateRawSync(new Uint8Array(1 << 20), { finishFlush: constants.Z_FULL_FLUSH })
    const bomb = Buffer.concat([...Array(1024).fill(chunk), Buffer.from([3, 0])])
    // Sealed by hand as jose would: our encrypt compresses by itself.
    const { seal } = await import('../../src/jwe/content.ts')
    const { JWE_ENCS } = await import('../../src/jwa/jwe.ts')
    const h = b64u(new TextEncoder().encode(JSON.stringify({ alg: 'dir', enc: 'A256GCM', zip: 'DEF' })))
    const s = await seal(JWE_ENCS.find((e) => e.enc === 'A256GCM')!, key, new TextEncoder().encode(h), bomb)
    const jwe = [h, '', b64u(s.iv), b64u(s.ciphertext), b64u(s.tag)].join('.')
    const started = performance.now()
    expect(await codeOf(decrypt(jwe, key, { ...o, maxTokenLength: 4_000_000 }))).toBe('ERR_JWE_INVALID')
    expect(performance.now() - started).toBeLessThan(3000)
  })
})

describe('structure and policy', () => {
  it('dir key sizes: encrypt refuses a key of another size; decrypt answers ERR_JWE_INVALID', async () => {
    expect(await codeOf(encrypt('x', new Uint8Array(16), { alg: 'dir', enc: 'A256GCM' }))).toBe('ERR_KEY_INVALID')
    expect(await codeOf(encrypt('x', new Uint8Array(32), { alg: 'dir', enc: 'A256CBC-HS512' }))).toBe('ERR_KEY_INVALID')
    const jwe = await encrypt('x', new Uint8Array(16).fill(7), { alg: 'dir', enc: 'A128GCM' })
    expect(await codeOf(decrypt(jwe, new Uint8Array(32).fill(7), { algorithms: ['dir'] }))).toBe('ERR_JWE_INVALID')
  })
  it('segments, sizes, encrypted key for dir, crit, zip values', async () => {
    const key = new Uint8Array(16).fill(9)
    const o = { algorithms: ['dir' as const] }
    const jwe = await encrypt('x', key, { alg: 'dir', enc: 'A128GCM' })
    const p = jwe.split('.')
    expect(await codeOf(decrypt(p.slice(0, 4).join('.'), key, o))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(decrypt(`${jwe}.`, key, o))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(decrypt([p[0], 'AAAA', ...p.slice(2)].join('.'), key, o))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(decrypt([...p.slice(0, 2), b64u(new Uint8Array(16)), ...p.slice(3)].join('.'), key, o))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(decrypt([...p.slice(0, 4), b64u(new Uint8Array(15))].join('.'), key, o))).toBe('ERR_JWE_INVALID')
    expect(await codeOf(decrypt(withHeader(jwe, (h) => ({ ...h, crit: ['x'], x: 1 })), key, o))).toBe('ERR_JOSE_NOT_SUPPORTED')
    expect(await codeOf(decrypt(withHeader(jwe, (h) => ({ ...h, zip: 'GZIP' })), key, o))).toBe('ERR_JOSE_NOT_SUPPORTED')
    expect(await codeOf(decrypt(jwe, key, { ...o, maxTokenLength: 10 }))).toBe('ERR_JWE_INVALID')
  })
  it('the key and options decide, never the header', async () => {
    const secret = new Uint8Array(16).fill(3)
    const jwe = await encrypt('x', secret, { alg: 'A128KW', enc: 'A128GCM' })
    expect(await codeOf(decrypt(jwe, secret))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    expect(await codeOf(decrypt(jwe, secret, { algorithms: ['dir'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    expect(await codeOf(decrypt(jwe, secret, { algorithms: ['A128KW'], encryptions: ['A256GCM'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    expect(await codeOf(decrypt(jwe, { kty: 'oct', k: b64u(secret), alg: 'A128GCMKW' }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    expect((await decrypt(jwe, { kty: 'oct', k: b64u(secret), alg: 'A128KW' })).plaintext.length).toBe(1)
    // An EC key pins ECDH-ES*; an RSA JWK without alg pins nothing.
    const e = await encrypt('x', pairs.curves['P-521']!.pub, { alg: 'ECDH-ES+A256KW', enc: 'A256GCM' })
    expect((await decrypt(e, pairs.curves['P-521']!.priv)).plaintext.length).toBe(1)
    const r = await encrypt('x', pairs.rsa!.pub, { alg: 'RSA-OAEP', enc: 'A256GCM' })
    expect(await codeOf(decrypt(r, pairs.rsa!.priv))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
    expect(await codeOf(encrypt('x', pairs.rsa!.priv, { alg: 'RSA-OAEP', enc: 'A256GCM' }))).toBe('ERR_KEY_INVALID')
    expect(await codeOf(encrypt('x', { ...(pairs.rsa!.pub as Jwk), use: 'sig' }, { alg: 'RSA-OAEP', enc: 'A256GCM' }))).toBe('ERR_KEY_INVALID')
  })
  it('RSA keys under 2048 bits are ERR_KEY_INVALID', async () => {
    const small = await rsaPair(1024)
    expect(await codeOf(encrypt('x', small.pub, { alg: 'RSA-OAEP-256', enc: 'A128GCM' }))).toBe('ERR_KEY_INVALID')
  })
  it('a resolver: candidates that fail to decrypt are passed over', async () => {
    const right = new Uint8Array(32).fill(1)
    const jwe = await encrypt('x', right, { alg: 'A256KW', enc: 'A128GCM', kid: 'k' })
    const seen: unknown[] = []
    const { plaintext } = await decrypt(jwe, (h) => (seen.push(h.kid), [new Uint8Array(32).fill(2), right]), { algorithms: ['A256KW'] })
    expect(plaintext.length).toBe(1)
    expect(seen).toEqual(['k'])
    expect(await codeOf(decrypt(jwe, () => [new Uint8Array(32).fill(2)], { algorithms: ['A256KW'] }))).toBe('ERR_JWE_DECRYPTION_FAILED')
    expect(await codeOf(decrypt(jwe, () => undefined, { algorithms: ['A256KW'] }))).toBe('ERR_JWKS_NO_MATCHING_KEY')
  })
})
