/**
 * API.md decode, isExpired, verifyJws, signJws, maxTokenLength, base64url strictness,
 * crit and b64.
 */
import { constants, sign as nodeSign } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { decode, isExpired, signJws, verify, verifyJws } from '../../src/index.ts'
import type { Alg, VerifyOptions } from '../../src/types.ts'
import {
  NOW, SECRET, SECRET_STR, T, b64u, badSig, craft, craftSegments, ec, fromB64u, hs, parts, rawVerify, rejects,
  rejectsJose, rsa, segment, throwsSync, type Pair,
} from './helpers.ts'

let P256: Pair

beforeAll(() => {
  P256 = ec('P-256')
})

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Same bytes for a lenient decoder, but non-zero trailing bits: must be refused. */
function dirtyTrailingBits(seg: string): string {
  expect(seg.length % 4, 'only segments with trailing bits').not.toBe(0)
  const last = ALPHABET.indexOf(seg.at(-1)!)
  expect(last & 1, 'canonical input has zero trailing bits').toBe(0)
  return seg.slice(0, -1) + ALPHABET[last | 1]
}

const HS: VerifyOptions = { algorithms: ['HS256'], now: NOW }

/** An HS256 JWT of exactly `total` characters. */
function jwtOfLength(total: number, headerAlg = 'HS256'): string {
  for (let extra = 0; extra < 8; extra++) {
    const header = extra ? { alg: headerAlg, typ: 'JWT', kid: 'k'.repeat(extra) } : { alg: headerAlg, typ: 'JWT' }
    const h = segment(header)
    const len = total - h.length - 43 - 2
    if (len % 4 === 1) continue
    const bytes = Math.floor((len * 3) / 4)
    const token = craftSegments(h, b64u(`{"pad":"${'a'.repeat(bytes - 10)}"}`), SECRET, 'HS256')
    expect(token).toHaveLength(total)
    return token
  }
  throw new Error('unreachable')
}

/** An HS256 JWS over raw bytes, of exactly `total` characters. */
function jwsOfLength(total: number): string {
  for (let extra = 0; extra < 8; extra++) {
    const h = segment(extra ? { alg: 'HS256', kid: 'k'.repeat(extra) } : { alg: 'HS256' })
    const len = total - h.length - 43 - 2
    if (len % 4 === 1) continue
    const token = craftSegments(h, b64u(new Uint8Array(Math.floor((len * 3) / 4)).fill(7)), SECRET, 'HS256')
    expect(token).toHaveLength(total)
    return token
  }
  throw new Error('unreachable')
}

describe('decode', () => {
  it('returns header, payload and signature bytes, without trusting anything', () => {
    const token = hs({ sub: 'a', exp: T - 1000, iss: 5 }, { alg: 'HS256', typ: 'JWT', kid: 'k' })
    const d = decode(token)
    expect(d.header).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'k' })
    expect(d.payload).toEqual({ sub: 'a', exp: T - 1000, iss: 5 })
    expect(d.signature).toBeInstanceOf(Uint8Array)
    expect(d.signature).toEqual(parts(token).signature)
  })

  it('no alg support, crit or claim checks', () => {
    expect(decode(craft({ alg: 'none' }, { a: 1 })).header.alg).toBe('none')
    expect(decode(craft({ alg: 'XYZ999' }, { a: 1 })).header.alg).toBe('XYZ999')
    expect(decode(craft({ alg: 'HS256', crit: ['ext'], ext: 1 }, { a: 1 })).header.crit).toEqual(['ext'])
    expect(decode(badSig(hs({ nbf: T + 1e6 }))).payload).toEqual({ nbf: T + 1e6 })
  })

  it('a header that is not a JSON object with a string alg → ERR_JWS_INVALID', () => {
    for (const h of ['{}', '{"alg":5}', '{"alg":null}', '[]', '["HS256"]', 'null', '"HS256"', '{"alg":"HS256"', 'HS256']) {
      throwsSync(() => decode(craftSegments(b64u(h), segment({ a: 1 }))), 'ERR_JWS_INVALID')
    }
  })

  it('an empty header segment → ERR_JWS_INVALID, in decode and verify (the payload and signature being sound)', async () => {
    const t = craftSegments('', segment({ a: 1 }), SECRET, 'HS256')
    throwsSync(() => decode(t), 'ERR_JWS_INVALID')
    await rejects(() => verify(t, SECRET, HS), 'ERR_JWS_INVALID')
  })

  it('b64: false → ERR_JWT_INVALID, as in verify (API.md: RFC 7797 §7 forbids it for JWTs); b64: true passes', () => {
    throwsSync(() => decode(craft({ alg: 'HS256', b64: false, crit: ['b64'] }, { a: 1 })), 'ERR_JWT_INVALID')
    throwsSync(() => decode(craft({ alg: 'HS256', b64: false }, { a: 1 })), 'ERR_JWT_INVALID')
    expect(decode(craft({ alg: 'HS256', b64: true, crit: ['b64'] }, { a: 1 })).payload).toEqual({ a: 1 })
  })

  it('a payload that is not a JSON object → ERR_JWT_INVALID', () => {
    for (const p of ['[]', 'null', '1', '"x"', '{"a":', 'abc']) {
      throwsSync(() => decode(craftSegments(segment({ alg: 'HS256' }), b64u(p))), 'ERR_JWT_INVALID')
    }
  })

  it('segments: exactly three', () => {
    const t = hs({})
    for (const bad of ['', '.', '..x', 'abc', t.split('.').slice(0, 2).join('.'), `${t}.`, `${t}.x`, `${t}..`]) {
      expect(() => decode(bad)).toThrow()
      throwsSync(() => decode(bad), 'ERR_JWS_INVALID')
    }
  })

  it('header bytes must be valid UTF-8', () => {
    const bad = [
      Buffer.from([0x7b, 0x22, 0x61, 0x6c, 0x67, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), // {"alg":"\xff"}
      Buffer.concat([Buffer.from('{"alg":"HS256","x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), // overlong
      Buffer.concat([Buffer.from('{"alg":"HS256","x":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), // surrogate
    ]
    for (const h of bad) {
      throwsSync(() => decode(craftSegments(b64u(new Uint8Array(h)), segment({}))), 'ERR_JWS_INVALID')
    }
  })

  it('a non-string token is refused with a JoseError', () => {
    for (const v of [undefined, null, 5, {}, ['a.b.c']]) {
      expect(() => decode(v as never)).toThrow()
      try {
        decode(v as never)
      } catch (e) {
        expect(['ERR_JWS_INVALID', 'ERR_JOSE_INVALID_ARGUMENT']).toContain((e as { code?: string }).code)
      }
    }
  })
})

describe('base64url strictness (decode and verify)', () => {
  const h = segment({ alg: 'HS256', typ: 'JWT' })

  it('padding, standard-alphabet characters, whitespace, len % 4 = 1', () => {
    const tokens = [
      craftSegments(h, 'e30='), // {} padded
      craftSegments(h, 'e30', undefined).replace(/\.([^.]*)$/, '.-__-+//+'), // + and / in the signature
      craftSegments(h, 'e3 0'),
      craftSegments(h, 'e30\n'),
      craftSegments(`${h}=`, 'e30'),
      craftSegments(h, `${b64u('{"abc":1}')}A`), // 12 + 1 chars
      craftSegments(h, '%7B%7D'),
    ]
    for (const t of tokens) throwsSync(() => decode(t), 'ERR_JWS_INVALID')
  })

  it('non-zero trailing bits in the payload or signature', () => {
    const payload = b64u('{}') // 'e30': 2 trailing bits
    throwsSync(() => decode(craftSegments(h, dirtyTrailingBits(payload))), 'ERR_JWS_INVALID')
    const [hh, pp, ss] = hs({ a: 1 }).split('.')
    throwsSync(() => decode(`${hh}.${pp}.${dirtyTrailingBits(ss!)}`), 'ERR_JWS_INVALID')
  })

  it('verify refuses a valid token whose signature segment has dirty trailing bits (same bytes)', async () => {
    const token = hs({ sub: 'a' })
    await expect(verify(token, SECRET, HS)).resolves.toBeTruthy()
    const [hh, pp, ss] = token.split('.')
    expect(fromB64u(dirtyTrailingBits(ss!))).toEqual(fromB64u(ss!)) // a lenient decoder sees the same MAC
    await rejects(() => verify(`${hh}.${pp}.${dirtyTrailingBits(ss!)}`, SECRET, HS), 'ERR_JWS_INVALID')
  })

  it('verify refuses dirty trailing bits in a header or payload that is correctly signed as written', async () => {
    const hSeg = dirtyTrailingBits(segment({ alg: 'HS256', x: 12 })) // 22 bytes → 30 chars
    await rejects(() => verify(craftSegments(hSeg, segment({ a: 1 }), SECRET, 'HS256'), SECRET, HS), 'ERR_JWS_INVALID')
    const pSeg = dirtyTrailingBits(b64u('{"sub":"a"}')) // 11 bytes → 15 chars
    await rejects(() => verify(craftSegments(segment({ alg: 'HS256' }), pSeg, SECRET, 'HS256'), SECRET, HS), 'ERR_JWS_INVALID')
  })

  it('verify refuses padding and the standard alphabet even when signed as written', async () => {
    const signed = craftSegments(segment({ alg: 'HS256' }), 'e30=', SECRET, 'HS256')
    await rejects(() => verify(signed, SECRET, HS), 'ERR_JWS_INVALID')
    // find a signature containing '-' or '_' and rewrite it in standard base64
    for (let i = 0; i < 200; i++) {
      const t = hs({ i })
      const sig = t.split('.')[2]!
      if (/[-_]/.test(sig)) {
        const std = sig.replace(/-/g, '+').replace(/_/g, '/')
        await rejects(() => verify(`${t.slice(0, t.lastIndexOf('.'))}.${std}`, SECRET, HS), 'ERR_JWS_INVALID')
        return
      }
    }
    throw new Error('no signature with - or _ found')
  })
})

describe('maxTokenLength', () => {
  it('verify: default 16 384; exactly the limit is processed, one more is ERR_JWS_INVALID', async () => {
    const at = jwtOfLength(16_384)
    await expect(verify(at, SECRET, HS)).resolves.toBeTruthy()
    await rejects(() => verify(jwtOfLength(16_385), SECRET, HS), 'ERR_JWS_INVALID')
  })

  it('decode: default 16 384', () => {
    expect(decode(jwtOfLength(16_384)).header.alg).toBe('HS256')
    throwsSync(() => decode(jwtOfLength(16_385)), 'ERR_JWS_INVALID')
  })

  it('the length check comes before any other work', async () => {
    const none = jwtOfLength(16_385, 'none')
    await rejects(() => verify(none, SECRET, HS), 'ERR_JWS_INVALID')
    const garbage = '!'.repeat(16_385)
    await rejects(() => verify(garbage, SECRET, HS), 'ERR_JWS_INVALID')
    throwsSync(() => decode(garbage), 'ERR_JWS_INVALID')
  })

  it('a custom limit, both ways', async () => {
    const t = hs({ sub: 'a' })
    await expect(verify(t, SECRET, { ...HS, maxTokenLength: t.length })).resolves.toBeTruthy()
    await rejects(() => verify(t, SECRET, { ...HS, maxTokenLength: t.length - 1 }), 'ERR_JWS_INVALID')
    expect(decode(t, { maxTokenLength: t.length }).payload).toEqual({ sub: 'a' })
    throwsSync(() => decode(t, { maxTokenLength: t.length - 1 }), 'ERR_JWS_INVALID')
    const big = jwtOfLength(20_000)
    await expect(verify(big, SECRET, { ...HS, maxTokenLength: 20_000 })).resolves.toBeTruthy()
    await expect(verifyJws(t, SECRET, { algorithms: ['HS256'], maxTokenLength: t.length })).resolves.toBeTruthy()
    await rejects(() => verifyJws(t, SECRET, { algorithms: ['HS256'], maxTokenLength: t.length - 1 }), 'ERR_JWS_INVALID')
  })

  it('verifyJws: default 1 048 576', async () => {
    const at = jwsOfLength(1_048_576)
    const r = await verifyJws(at, SECRET, { algorithms: ['HS256'] })
    expect(r.payload.length).toBeGreaterThan(780_000)
    await rejects(() => verifyJws(jwsOfLength(1_048_577), SECRET, { algorithms: ['HS256'] }), 'ERR_JWS_INVALID')
  })

  it('an unusable maxTokenLength is ERR_JOSE_INVALID_ARGUMENT', async () => {
    const t = hs({})
    for (const maxTokenLength of [-1, Number.NaN, '100', {}]) {
      await rejects(() => verify(t, SECRET, { ...HS, maxTokenLength: maxTokenLength as never }), 'ERR_JOSE_INVALID_ARGUMENT')
      throwsSync(() => decode(t, { maxTokenLength: maxTokenLength as never }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })
})

describe('isExpired', () => {
  it('decode-only: no exp is not expired; exp ≤ t − tol is expired', () => {
    expect(isExpired(hs({}), { now: NOW })).toBe(false)
    expect(isExpired(hs({ exp: T }), { now: NOW })).toBe(true)
    expect(isExpired(hs({ exp: T + 1 }), { now: NOW })).toBe(false)
    expect(isExpired(hs({ exp: T - 10 }), { now: NOW, clockTolerance: 10 })).toBe(true)
    expect(isExpired(hs({ exp: T - 10 }), { now: NOW, clockTolerance: 11 })).toBe(false)
    expect(isExpired(badSig(hs({ exp: T - 10 })), { now: () => NOW })).toBe(true)
  })

  it('throws what decode throws', () => {
    throwsSync(() => isExpired('nope'), 'ERR_JWS_INVALID')
    throwsSync(() => isExpired(craftSegments(segment({ alg: 'HS256' }), b64u('[1]'))), 'ERR_JWT_INVALID')
    throwsSync(() => isExpired(jwtOfLength(16_385)), 'ERR_JWS_INVALID')
  })
})

describe('verifyJws', () => {
  it('arbitrary bytes round trip through signJws', async () => {
    const bytes = new Uint8Array([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff])
    const jws = await signJws(bytes, SECRET, { alg: 'HS256' })
    expect(rawVerify(jws, SECRET)).toBe(true)
    expect(fromB64u(jws.split('.')[1]!)).toEqual(bytes)
    const r = await verifyJws(jws, SECRET, { algorithms: ['HS256'] })
    expect(r.payload).toBeInstanceOf(Uint8Array)
    expect(r.payload).toEqual(bytes)
    expect(r.header).toMatchObject({ alg: 'HS256' })
    expect(r.key).toBeInstanceOf(CryptoKey)
    expect(r.key.extractable).toBe(false)
    expect(r.key.type).toBe('secret')
  })

  it('a string payload is its UTF-8 bytes', async () => {
    const jws = await signJws('héllo ✓', P256.privJwk, { alg: 'ES256' })
    const r = await verifyJws(jws, P256.pubJwk)
    expect(Buffer.from(r.payload).toString('utf8')).toBe('héllo ✓')
    expect(rawVerify(jws, P256.publicKey)).toBe(true)
  })

  it('no JWT checks: expired JSON payload, any typ', async () => {
    const jws = craft({ alg: 'HS256', typ: 'at+jwt' }, { exp: 1, nbf: 9e12 }, SECRET)
    await expect(verifyJws(jws, SECRET, { algorithms: ['HS256'] })).resolves.toBeTruthy()
    const notJson = craft({ alg: 'HS256' }, '[not json', SECRET)
    expect((await verifyJws(notJson, SECRET, { algorithms: ['HS256'] })).payload).toEqual(new Uint8Array(Buffer.from('[not json')))
  })

  it("never accepts alg 'none'; bad signatures fail", async () => {
    await rejects(() => verifyJws(craft({ alg: 'none' }, 'x'), SECRET, { algorithms: ['HS256'] }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await rejects(() => verifyJws(`${segment({ alg: 'none' })}.${b64u('x')}.`, SECRET, { algorithms: ['HS256'] }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await rejects(() => verifyJws(badSig(craft({ alg: 'HS256' }, 'x', SECRET)), SECRET, { algorithms: ['HS256'] }), 'ERR_JWS_SIGNATURE_INVALID')
    await rejects(() => verifyJws(craft({ alg: 'HS256' }, 'x', SECRET), SECRET), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })

  it('HMAC tags are compared as whole bytes: truncated or extended tags fail', async () => {
    const good = craft({ alg: 'HS256' }, 'x', SECRET)
    const [h, p, s] = good.split('.')
    const tag = fromB64u(s!)
    for (const wrong of [tag.subarray(0, 16), tag.subarray(0, 31), new Uint8Array([...tag, 0]), new Uint8Array(0)]) {
      await rejectsJose(() => verifyJws(`${h}.${p}.${b64u(wrong)}`, SECRET, { algorithms: ['HS256'] }), [
        'ERR_JWS_SIGNATURE_INVALID', 'ERR_JWS_INVALID',
      ])
    }
  })

  it('RSA-PSS: salt length must equal the hash length (RFC 7518 §3.5)', async () => {
    const R = rsa()
    const h = segment({ alg: 'PS256' })
    const p = b64u('payload')
    for (const saltLength of [0, 20, 64]) {
      const sig = nodeSign('sha256', Buffer.from(`${h}.${p}`), {
        key: R.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength,
      })
      await rejects(() => verifyJws(`${h}.${p}.${b64u(new Uint8Array(sig))}`, R.pubJwk, { algorithms: ['PS256'] }),
        'ERR_JWS_SIGNATURE_INVALID')
    }
    const ok = craft({ alg: 'PS256' }, 'payload', R.privateKey)
    await expect(verifyJws(ok, R.pubJwk, { algorithms: ['PS256'] })).resolves.toBeTruthy()
    const mine = await signJws('payload', R.privPem, { alg: 'PS512' })
    expect(rawVerify(mine, R.publicKey)).toBe(true) // helper verifies with saltLength 64 exactly
  })

  it('ECDSA signatures must be r‖s of the right length (a DER signature does not verify)', async () => {
    const h = segment({ alg: 'ES256' })
    const p = b64u('payload')
    const der = nodeSign('sha256', Buffer.from(`${h}.${p}`), { key: P256.privateKey, dsaEncoding: 'der' })
    await rejectsJose(() => verifyJws(`${h}.${p}.${b64u(new Uint8Array(der))}`, P256.pubJwk), [
      'ERR_JWS_SIGNATURE_INVALID', 'ERR_JWS_INVALID',
    ])
    const good = craft({ alg: 'ES256' }, 'payload', P256.privateKey)
    const sig = fromB64u(good.split('.')[2]!)
    for (const wrong of [sig.subarray(0, 63), new Uint8Array([...sig, 0]), new Uint8Array(0)]) {
      await rejectsJose(() => verifyJws(`${h}.${p}.${b64u(wrong)}`, P256.pubJwk), ['ERR_JWS_SIGNATURE_INVALID', 'ERR_JWS_INVALID'])
    }
  })
})

describe('crit and b64', () => {
  const J = (header: Record<string, unknown>, payload: unknown = { sub: 'a' }) => craft({ alg: 'HS256', ...header }, payload, SECRET)
  const V = (token: string, o: VerifyOptions = {}) => () => verify(token, SECRET, { ...HS, ...o })
  const VJ = (token: string, crit?: Record<string, true>) => () => verifyJws(token, SECRET, { algorithms: ['HS256'], ...(crit ? { crit } : {}) })

  it('malformed crit → ERR_JWS_INVALID (verify and verifyJws)', async () => {
    const bad: Array<Record<string, unknown>> = [
      { crit: [] },
      { crit: 'ext', ext: 1 },
      { crit: ['ext', 'ext'], ext: 1 },
      { crit: ['ext'] }, // not present in the header
      { crit: [5] },
      { crit: null },
      { crit: {} },
      { crit: ['alg'] },
      { crit: ['typ'], typ: 'JWT' },
      { crit: ['kid'], kid: 'k' },
      { crit: ['jku'], jku: 'https://x.example' },
      { crit: ['x5t#S256'], 'x5t#S256': 'abc' },
      { crit: ['epk'], epk: {} },
      { crit: ['iss'], iss: 'x' },
    ]
    for (const header of bad) {
      await rejects(V(J(header), { crit: { ext: true } }), 'ERR_JWS_INVALID')
      await rejects(VJ(J(header), { ext: true }), 'ERR_JWS_INVALID')
    }
  })

  it('a crit name nobody understands → ERR_JOSE_NOT_SUPPORTED; the caller may understand it', async () => {
    const t = J({ crit: ['ext'], ext: 1 })
    await rejects(V(t), 'ERR_JOSE_NOT_SUPPORTED')
    await rejects(VJ(t), 'ERR_JOSE_NOT_SUPPORTED')
    await rejects(V(t, { crit: { other: true } }), 'ERR_JOSE_NOT_SUPPORTED')
    const ok = await verify(t, SECRET, { ...HS, crit: { ext: true } })
    expect(ok.header).toMatchObject({ crit: ['ext'], ext: 1 })
    await expect(verifyJws(t, SECRET, { algorithms: ['HS256'], crit: { ext: true } })).resolves.toBeTruthy()
  })

  it('crit is checked before the signature', async () => {
    await rejects(V(badSig(J({ crit: ['ext'], ext: 1 }))), 'ERR_JOSE_NOT_SUPPORTED')
    await rejects(V(badSig(J({ crit: [] }))), 'ERR_JWS_INVALID')
  })

  it('crit option: only own properties with value true count', async () => {
    await rejects(V(J({ crit: ['constructor'], constructor: 1 })), 'ERR_JOSE_NOT_SUPPORTED')
    await rejects(V(J({ crit: ['toString'], toString: 1 }), { crit: {} }), 'ERR_JOSE_NOT_SUPPORTED')
    const inherited = Object.create({ ext: true }) as Record<string, true>
    await rejects(V(J({ crit: ['ext'], ext: 1 }), { crit: inherited }), 'ERR_JOSE_NOT_SUPPORTED')
  })

  it('an unusable crit option is ERR_JOSE_INVALID_ARGUMENT', async () => {
    for (const crit of [['ext'], 'ext', 5]) {
      await rejects(V(J({}), { crit: crit as never }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('b64: true listed in crit is accepted', async () => {
    const t = J({ b64: true, crit: ['b64'] })
    await expect(verify(t, SECRET, HS)).resolves.toMatchObject({ payload: { sub: 'a' } })
    await expect(verifyJws(t, SECRET, { algorithms: ['HS256'] })).resolves.toBeTruthy()
  })

  it('b64: false is ERR_JWT_INVALID in verify and ERR_JOSE_NOT_SUPPORTED in verifyJws', async () => {
    const t = J({ b64: false, crit: ['b64'] })
    await rejects(V(t), 'ERR_JWT_INVALID')
    await rejects(VJ(t), 'ERR_JOSE_NOT_SUPPORTED')
  })

  it('b64 present but not listed in crit is ERR_JWS_INVALID', async () => {
    for (const b64 of [true, false]) {
      await rejects(V(J({ b64 })), 'ERR_JWS_INVALID')
      await rejects(VJ(J({ b64 })), 'ERR_JWS_INVALID')
      await rejects(V(J({ b64, crit: ['ext'], ext: 1 }), { crit: { ext: true } }), 'ERR_JWS_INVALID')
    }
  })
})

describe('header members', () => {
  it('non-string kid / typ / cty are ERR_JWS_INVALID (even with typ: false)', async () => {
    await rejects(() => verify(hs({}, { alg: 'HS256', kid: 5 }), SECRET, HS), 'ERR_JWS_INVALID')
    await rejects(() => verify(hs({}, { alg: 'HS256', typ: 5 }), SECRET, { ...HS, typ: false }), 'ERR_JWS_INVALID')
    await rejects(() => verify(hs({}, { alg: 'HS256', cty: ['x'] }), SECRET, HS), 'ERR_JWS_INVALID')
  })

  it('a malformed header fails before the alg policy', async () => {
    await rejects(() => verify(craft({ alg: 'none', crit: [] }, {}), SECRET, HS), 'ERR_JWS_INVALID')
    await rejects(() => verify(craft({ alg: 'none', kid: 5 }, {}), SECRET, HS), 'ERR_JWS_INVALID')
  })

  it('jku / x5u / jwk / x5c in the header are never used to obtain a key', async () => {
    const attacker = ec('P-256', 'attacker')
    const header = {
      alg: 'ES256',
      jwk: attacker.pubJwk,
      jku: 'https://attacker.example/jwks',
      x5u: 'https://attacker.example/cert',
    }
    const token = craft(header, { sub: 'a' }, attacker.privateKey)
    await rejects(() => verify(token, P256.pubJwk, { now: NOW }), 'ERR_JWS_SIGNATURE_INVALID')
  })
})

describe('what is reported first (the payload is decoded and parsed lazily, or while the signature is being checked)', () => {
  const notJson = b64u('not json')
  const h = (alg: string) => segment({ alg, typ: 'JWT' })

  it('a bad signature is reported before a payload that is not JSON, HMAC and ECDSA', async () => {
    const es = { algorithms: ['ES256'] as Alg[], now: NOW }
    await rejects(() => verify(badSig(craftSegments(h('HS256'), notJson, SECRET, 'HS256')), SECRET, HS), 'ERR_JWS_SIGNATURE_INVALID')
    await rejects(() => verify(badSig(craftSegments(h('ES256'), notJson, P256.privateKey, 'ES256')), P256.pubJwk, es), 'ERR_JWS_SIGNATURE_INVALID')
    await rejects(() => verify(craftSegments(h('HS256'), notJson, SECRET, 'HS256'), SECRET, HS), 'ERR_JWT_INVALID')
    await rejects(() => verify(craftSegments(h('ES256'), notJson, P256.privateKey, 'ES256'), P256.pubJwk, es), 'ERR_JWT_INVALID')
  })

  it('a bad signature is reported before an expired token', async () => {
    const expired = segment({ exp: T - 3600 })
    await rejects(() => verify(badSig(craftSegments(h('ES256'), expired, P256.privateKey, 'ES256')), P256.pubJwk, { algorithms: ['ES256'], now: NOW }), 'ERR_JWS_SIGNATURE_INVALID')
    await rejects(() => verify(craftSegments(h('ES256'), expired, P256.privateKey, 'ES256'), P256.pubJwk, { algorithms: ['ES256'], now: NOW }), 'ERR_JWT_EXPIRED')
  })

  it('a payload or signature segment that is not canonical base64url is malformed before any policy or key work', async () => {
    const token = hs({ sub: 'a' })
    const [hh, pp, ss] = token.split('.') as [string, string, string]
    for (const bad of [`${hh}.${pp}*.${ss}`, `${hh}.${pp}.${ss}=`, `${hh}.${dirtyTrailingBits(pp)}.${ss}`, `${hh}.${pp}.${dirtyTrailingBits(ss)}`]) {
      await rejects(() => verify(bad, SECRET, HS), 'ERR_JWS_INVALID')
      await rejects(() => verify(bad, SECRET, { algorithms: ['ES256'], now: NOW }), 'ERR_JWS_INVALID') // not ERR_JOSE_ALG_NOT_ALLOWED
      expect(() => decode(bad)).toThrow()
    }
  })
})

describe('signJws', () => {
  it('alg and kid go to the header; extra header members too', async () => {
    const jws = await signJws('x', SECRET, { alg: 'HS256', kid: 'k1', header: { cty: 'text', ext: 1, crit: ['ext'] } })
    const header = JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString('utf8'))
    expect(header).toMatchObject({ alg: 'HS256', kid: 'k1', cty: 'text', ext: 1, crit: ['ext'] })
    expect(rawVerify(jws, SECRET)).toBe(true)
    await expect(verifyJws(jws, SECRET, { algorithms: ['HS256'], crit: { ext: true } })).resolves.toBeTruthy()
  })

  it('a key pinning one alg needs no alg', async () => {
    const jws = await signJws('x', P256.privJwk, {})
    expect(JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString()).alg).toBe('ES256')
  })

  it('header with alg, b64 or __proto__ → ERR_JOSE_INVALID_ARGUMENT', async () => {
    const headers = [{ alg: 'HS256' }, { alg: 'none' }, { b64: false }, { b64: true }, JSON.parse('{"__proto__":{"x":1}}')]
    for (const header of headers) {
      await rejects(() => signJws('x', SECRET, { alg: 'HS256', header }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
    await rejects(() => signJws('x', SECRET, { alg: 'HS256', kid: 'a', header: { kid: 'b' } }), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  it('registered header members of the wrong type → ERR_JOSE_INVALID_ARGUMENT (sign\'s rule)', async () => {
    for (const header of [{ typ: 5 }, { kid: 5 }, { cty: null }]) {
      await rejects(() => signJws('x', SECRET, { alg: 'HS256', header }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('header crit must satisfy the crit rule → else ERR_JOSE_INVALID_ARGUMENT', async () => {
    const bad: Array<Record<string, unknown>> = [
      { crit: [] },
      { crit: 'ext', ext: 1 },
      { crit: ['ext'] },
      { crit: ['ext', 'ext'], ext: 1 },
      { crit: ['kid'], kid: 'k' },
      { crit: ['typ'], typ: 'x' },
      { crit: [1] },
    ]
    for (const header of bad) {
      await rejects(() => signJws('x', SECRET, { alg: 'HS256', header }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it("alg 'none' or a non-Alg is never produced", async () => {
    for (const alg of ['none', 'NONE', 'hs256']) {
      await rejects(() => signJws('x', SECRET, { alg: alg as Alg }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('a payload that is neither bytes nor a string → ERR_JOSE_INVALID_ARGUMENT', async () => {
    for (const payload of [{}, 5, null, undefined, [1, 2], new Uint16Array(2)]) {
      await rejects(() => signJws(payload as never, SECRET, { alg: 'HS256' }), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('keys follow the same rules as sign', async () => {
    await rejects(() => signJws('x', SECRET, { alg: 'ES256' }), 'ERR_KEY_INVALID')
    await rejects(() => signJws('x', SECRET_STR, {}), 'ERR_JOSE_INVALID_ARGUMENT')
    await rejects(() => signJws('x', P256.pubJwk, { alg: 'ES256' }), 'ERR_KEY_INVALID')
  })
})
