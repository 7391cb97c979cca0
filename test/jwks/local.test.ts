/**
 * API.md "Key sets", local: createLocalJwks selection rules (kid, kty/crv, use, key_ops,
 * exact alg, oct only with allowSymmetric, at most 3 candidates without kid), malformed
 * documents, broken keys beside good ones, the JWK objects a resolver call returns, and
 * the import cache behind them.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { createLocalJwks, verify, verifyJws } from '../../src/index.ts'
import type { Jwk, JwsHeader, KeyResolver } from '../../src/types.ts'
import { doc, makeKey, rejectsWith, throwsWith, tokenFor, type TestKey } from './helpers.ts'

let es1: TestKey
let es2: TestKey
let es384: TestKey
let ed: TestKey
let rsa: TestKey

beforeAll(() => {
  es1 = makeKey('ES256', { kid: 'es-1' })
  es2 = makeKey('ES256', { kid: 'es-2' })
  es384 = makeKey('ES384', { kid: 'es-384' })
  ed = makeKey('EdDSA', { kid: 'ed' })
  rsa = makeKey('RS256', { kid: 'rsa' })
})

/** What the resolver hands back for a header (JWKs, not CryptoKeys). */
async function pick(resolver: KeyResolver, header: Record<string, unknown>): Promise<Jwk[]> {
  const out = await resolver(Object.freeze({ typ: 'JWT', ...header }) as JwsHeader, { payload: {} })
  expect(Array.isArray(out)).toBe(true)
  return out as Jwk[]
}

const kids = (list: Jwk[]) => list.map((k) => k.kid)

describe('selection', () => {
  it('by kid: only the key with the token\'s kid is returned, and it verifies', async () => {
    const set = createLocalJwks(doc(es1, es2, es384))
    expect(kids(await pick(set, { alg: 'ES256', kid: 'es-2' }))).toEqual(['es-2'])
    const out = await verify(tokenFor(es2), set)
    expect(out.payload).toEqual({ sub: 'user' })
    expect(out.header.kid).toBe('es-2')
  })

  it('a kid no key has → ERR_JWKS_NO_MATCHING_KEY, even if another key would verify', async () => {
    const set = createLocalJwks(doc(es1))
    await rejectsWith(() => verify(tokenFor(es1, {}, { kid: 'es-9' }), set), 'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('without kid: every key whose kty/crv fits the alg, nothing else', async () => {
    const noKid = (k: TestKey) => ({ ...k.jwk, kid: undefined })
    const set = createLocalJwks({ keys: [es1.jwk, es384.jwk, ed.jwk, rsa.jwk] })
    expect(kids(await pick(set, { alg: 'ES256' }))).toEqual(['es-1'])
    expect(kids(await pick(set, { alg: 'ES384' }))).toEqual(['es-384'])
    expect(kids(await pick(set, { alg: 'EdDSA' }))).toEqual(['ed'])
    expect(kids(await pick(set, { alg: 'RS256' }))).toEqual(['rsa'])
    expect(kids(await pick(set, { alg: 'PS256' }))).toEqual(['rsa'])
    await rejectsWith(() => verify(tokenFor(es1, {}, { kid: undefined }), createLocalJwks({ keys: [noKid(es384), noKid(ed)] })),
      'ERR_JWKS_NO_MATCHING_KEY')
    // The fitting key among misfits verifies a token without kid.
    const out = await verify(tokenFor(es1, {}, { kid: undefined }), set)
    expect(out.header.kid).toBeUndefined()
  })

  it('an EC key on another curve with the same kid is not a candidate', async () => {
    const wrongCurve = { ...es384.jwk, kid: 'es-1', alg: undefined }
    const set = createLocalJwks({ keys: [wrongCurve] })
    await rejectsWith(() => verify(tokenFor(es1), set), 'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('use: "sig" or absent fits; "enc" does not', async () => {
    const sig = { ...es1.jwk, use: 'sig' }
    const enc = { ...es1.jwk, use: 'enc' }
    expect(await pick(createLocalJwks({ keys: [sig] }), { alg: 'ES256', kid: 'es-1' })).toHaveLength(1)
    await verify(tokenFor(es1), createLocalJwks({ keys: [sig] }))
    await rejectsWith(() => verify(tokenFor(es1), createLocalJwks({ keys: [enc] })), 'ERR_JWKS_NO_MATCHING_KEY')
    // The enc key is skipped, the sig key with the same kid is chosen.
    expect(await pick(createLocalJwks({ keys: [enc, sig] }), { alg: 'ES256', kid: 'es-1' })).toEqual([sig])
  })

  it('key_ops: containing "verify" or absent fits; otherwise not', async () => {
    const ok = { ...es1.jwk, key_ops: ['verify'] }
    await verify(tokenFor(es1), createLocalJwks({ keys: [ok] }))
    for (const ops of [['sign'], ['encrypt'], [], 'verify']) {
      const set = createLocalJwks({ keys: [{ ...es1.jwk, key_ops: ops as string[] }] })
      await rejectsWith(() => verify(tokenFor(es1), set), 'ERR_JWKS_NO_MATCHING_KEY')
    }
  })

  it('JWK alg: equal or absent fits; a different alg does not', async () => {
    const pinned384 = { ...es1.jwk, alg: 'ES384' }
    await rejectsWith(() => verify(tokenFor(es1), createLocalJwks({ keys: [pinned384] })), 'ERR_JWKS_NO_MATCHING_KEY')
    const unpinned = { ...es1.jwk, alg: undefined }
    await verify(tokenFor(es1), createLocalJwks({ keys: [JSON.parse(JSON.stringify(unpinned))] }))
  })

  it('exact alg: a JWK with alg EdDSA does not serve Ed25519 tokens, nor Ed25519 EdDSA tokens', async () => {
    const asEdDSA = { ...ed.jwk, alg: 'EdDSA' }
    const asEd25519 = { ...ed.jwk, alg: 'Ed25519' }
    const edTok = tokenFor(ed) // alg EdDSA
    const ed25519Tok = tokenFor(ed, { sub: 'user' }, { alg: 'Ed25519' })
    await verify(edTok, createLocalJwks({ keys: [asEdDSA] }))
    await verify(ed25519Tok, createLocalJwks({ keys: [asEd25519] }))
    await rejectsWith(() => verify(ed25519Tok, createLocalJwks({ keys: [asEdDSA] })), 'ERR_JWKS_NO_MATCHING_KEY')
    await rejectsWith(() => verify(edTok, createLocalJwks({ keys: [asEd25519] })), 'ERR_JWKS_NO_MATCHING_KEY')
    // An OKP key without alg pins both names: each token verifies.
    const bare = JSON.parse(JSON.stringify({ ...ed.jwk, alg: undefined })) as Jwk
    await verify(edTok, createLocalJwks({ keys: [bare] }))
    await verify(ed25519Tok, createLocalJwks({ keys: [bare] }))
  })

  it('more than 3 fitting keys and no kid → ERR_JWKS_NO_MATCHING_KEY; 3 are all tried; 4 with kid are fine', async () => {
    const four = [0, 1, 2, 3].map(() => makeKey('ES256', { kid: undefined }))
    const three = createLocalJwks(doc(four[0]!, four[1]!, four[2]!))
    // The key that signs is the last of three: every candidate is tried.
    const out = await verify(tokenFor(four[2]!), three)
    expect(out.payload).toEqual({ sub: 'user' })
    await rejectsWith(() => verify(tokenFor(four[3]!), three), 'ERR_JWS_SIGNATURE_INVALID')
    await rejectsWith(() => verify(tokenFor(four[0]!), createLocalJwks(doc(...four))), 'ERR_JWKS_NO_MATCHING_KEY')
    // With kids, four keys are fine.
    const withKids = four.map((k, i) => ({ ...k, jwk: { ...k.jwk, kid: `k${i}` } }))
    await verify(tokenFor(withKids[3]!), createLocalJwks(doc(...withKids)))
    // Misfits do not count towards the 3: four ES384 keys beside one ES256 key.
    const es384s = [0, 1, 2, 3].map(() => makeKey('ES384', { kid: undefined }))
    await verify(tokenFor(four[0]!), createLocalJwks(doc(four[0]!, ...es384s)))
  })
})

describe('the resolver itself (what verify receives)', () => {
  const call = (set: KeyResolver, header: Record<string, unknown>) => async () =>
    set(Object.freeze({ typ: 'JWT', ...header }) as JwsHeader, { payload: {} })

  it('only keys that may verify are handed out: use, key_ops and alg filters', async () => {
    const enc = { ...es1.jwk, kid: 'x', use: 'enc' }
    const signOnly = { ...es1.jwk, kid: 'x', key_ops: ['sign'] }
    const opsNotArray = { ...es1.jwk, kid: 'x', key_ops: 'verify' }
    const otherAlg = { ...es1.jwk, kid: 'x', alg: 'ES384' }
    const good = { ...es1.jwk, kid: 'x', key_ops: ['verify'], use: 'sig' }
    const set = createLocalJwks({ keys: [enc, signOnly, opsNotArray, otherAlg, good] as Jwk[] })
    expect(await pick(set, { alg: 'ES256', kid: 'x' })).toEqual([good])
    await rejectsWith(call(createLocalJwks({ keys: [enc, signOnly, opsNotArray, otherAlg] as Jwk[] }), { alg: 'ES256', kid: 'x' }),
      'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('filtered-out keys do not count towards the 3 candidates', async () => {
    const three = [0, 1, 2].map(() => makeKey('ES256', { kid: undefined }))
    const noise = [
      { ...three[0]!.jwk, use: 'enc' },
      { ...three[1]!.jwk, key_ops: ['sign'] },
      { ...three[2]!.jwk, alg: 'ES384' },
    ]
    const set = createLocalJwks({ keys: [...noise, ...three.map((k) => k.jwk)] as Jwk[] })
    expect(await pick(set, { alg: 'ES256' })).toHaveLength(3)
    await verify(tokenFor(three[2]!), set)
  })

  it('4 fitting keys and no kid: the set itself refuses (ERR_JWKS_NO_MATCHING_KEY), it does not hand out 4', async () => {
    const four = [0, 1, 2, 3].map(() => makeKey('ES256', { kid: undefined }))
    await rejectsWith(call(createLocalJwks(doc(...four)), { alg: 'ES256' }), 'ERR_JWKS_NO_MATCHING_KEY')
    expect(await pick(createLocalJwks(doc(...four.slice(0, 3))), { alg: 'ES256' })).toHaveLength(3)
  })
})

describe('symmetric keys', () => {
  it('oct keys are ignored unless allowSymmetric: true', async () => {
    const hs = makeKey('HS256', { kid: 'hs' })
    const tok = tokenFor(hs)
    await rejectsWith(() => verify(tok, createLocalJwks(doc(hs)), { algorithms: ['HS256'] }), 'ERR_JWKS_NO_MATCHING_KEY')
    await rejectsWith(() => verify(tok, createLocalJwks(doc(hs), { allowSymmetric: false }), { algorithms: ['HS256'] }), 'ERR_JWKS_NO_MATCHING_KEY')
    const allowed = createLocalJwks(doc(hs), { allowSymmetric: true })
    const out = await verify(tok, allowed, { algorithms: ['HS256'] })
    expect(out.key.algorithm.name).toBe('HMAC')
    // An oct JWK without alg pins nothing: no algorithms → not allowed.
    await rejectsWith(() => verify(tok, allowed), 'ERR_JOSE_ALG_NOT_ALLOWED')
    // With alg in the JWK it pins HS256.
    const pinned = createLocalJwks({ keys: [{ ...hs.jwk, alg: 'HS256' }] }, { allowSymmetric: true })
    await verify(tok, pinned)
  })

  it('allowSymmetric must be a boolean', () => {
    throwsWith(() => createLocalJwks({ keys: [] }, { allowSymmetric: 'yes' as unknown as boolean }), 'ERR_JOSE_INVALID_ARGUMENT')
  })
})

describe('RSA key without alg (IdP style)', () => {
  it('without algorithms → ERR_JOSE_ALG_NOT_ALLOWED; with algorithms [RS256] → valid', async () => {
    expect(rsa.jwk.alg).toBeUndefined()
    const set = createLocalJwks(doc(rsa))
    const tok = tokenFor(rsa)
    await rejectsWith(() => verify(tok, set), 'ERR_JOSE_ALG_NOT_ALLOWED')
    const out = await verify(tok, set, { algorithms: ['RS256'] })
    expect(out.payload).toEqual({ sub: 'user' })
    expect(out.key.algorithm.name).toBe('RSASSA-PKCS1-v1_5')
    // algorithms not naming the header alg: refused before any key.
    await rejectsWith(() => verify(tok, set, { algorithms: ['PS256'] }), 'ERR_JOSE_ALG_NOT_ALLOWED')
  })
})

describe('broken keys beside good ones', () => {
  it('entries that are not keys, and keys that cannot be imported, are skipped', async () => {
    const good = makeKey('ES256', { kid: 'same' })
    const x = Buffer.from(good.jwk.x as string, 'base64url')
    const brokenX = { ...good.jwk, x: Buffer.concat([x, Buffer.from([0])]).toString('base64url') }
    const offCurve = { ...good.jwk, y: good.jwk.x }
    const notB64 = { ...good.jwk, x: 'not base64url!' }
    const junk = [null, 42, 'str', [], {}, { kty: 5 }, { kty: 'EC' }, { kty: 'XYZ', kid: 'same' }]
    const keys = [...junk, brokenX, notB64, good.jwk] as unknown as Jwk[]
    const set = createLocalJwks({ keys })
    const out = await verify(tokenFor(good), set)
    expect(out.payload).toEqual({ sub: 'user' })
    // Without kid (3 candidates, 2 broken): the broken ones are skipped, the good one verifies.
    const strip = (k: object) => ({ ...k, kid: undefined })
    const noKid = createLocalJwks({ keys: [strip(brokenX), strip(offCurve), strip(good.jwk)] as unknown as Jwk[] })
    await verify(tokenFor(good, {}, { kid: undefined }), noKid)
  })

  it('a private JWK and a 1024-bit RSA key beside a good RSA key are skipped', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' })
    const good = makeKey('RS256', { kid: 'r' })
    const priv = (good.privateKey as import('node:crypto').KeyObject).export({ format: 'jwk' })
    const set = createLocalJwks({ keys: [{ ...small, kid: 'r' }, { ...priv, kid: 'r' }, good.jwk] as Jwk[] })
    const out = await verify(tokenFor(good), set, { algorithms: ['RS256'] })
    expect(out.key.type).toBe('public')
  })

  it('a broken key beside an RSA key without alg changes nothing: still ERR_JOSE_ALG_NOT_ALLOWED without algorithms', async () => {
    // The broken key is skipped "like one outside the policy"; the good key is outside
    // the policy (pins nothing, no algorithms): none is left, and not only because of an
    // import failure, so the verdict must be the one the good key alone gives.
    const good = makeKey('RS256', { kid: undefined })
    const brokenN = { ...good.jwk, n: 'AQAB' } // a 17-bit modulus: refused at import
    const tok = tokenFor(good)
    await rejectsWith(() => verify(tok, createLocalJwks({ keys: [good.jwk] })), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await rejectsWith(() => verify(tok, createLocalJwks({ keys: [brokenN, good.jwk] })), 'ERR_JOSE_ALG_NOT_ALLOWED')
    await rejectsWith(() => verify(tok, createLocalJwks({ keys: [good.jwk, brokenN] })), 'ERR_JOSE_ALG_NOT_ALLOWED')
    // With algorithms the broken key is skipped and the good one verifies.
    await verify(tok, createLocalJwks({ keys: [brokenN, good.jwk] }), { algorithms: ['RS256'] })
  })

  it('only unusable keys fit → ERR_JWKS_NO_MATCHING_KEY (not a key or signature error)', async () => {
    const good = makeKey('ES256', { kid: 'only' })
    const brokenX = { ...good.jwk, x: Buffer.from('short').toString('base64url') }
    const offCurve = { ...good.jwk, y: good.jwk.x }
    await rejectsWith(() => verify(tokenFor(good), createLocalJwks({ keys: [brokenX] })), 'ERR_JWKS_NO_MATCHING_KEY')
    await rejectsWith(() => verify(tokenFor(good), createLocalJwks({ keys: [brokenX, offCurve] })), 'ERR_JWKS_NO_MATCHING_KEY')
    await rejectsWith(() => verifyJws(tokenFor(good), createLocalJwks({ keys: [offCurve] })), 'ERR_JWKS_NO_MATCHING_KEY')
  })
})

describe('malformed documents', () => {
  const bad: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['a string', '{"keys":[]}'],
    ['an array', []],
    ['a number', 1],
    ['no keys', {}],
    ['keys null', { keys: null }],
    ['keys an object', { keys: {} }],
    ['keys a string', { keys: 'abc' }],
    ['keys an array-like', { keys: { length: 1, 0: { kty: 'EC' } } }],
  ]
  it.each(bad)('%s → ERR_JOSE_INVALID_ARGUMENT, thrown at creation', (_name, value) => {
    throwsWith(() => createLocalJwks(value as never), 'ERR_JOSE_INVALID_ARGUMENT')
  })

  it('an empty set is a valid document that matches nothing', async () => {
    const set = createLocalJwks({ keys: [] })
    await rejectsWith(() => verify(tokenFor(es1), set), 'ERR_JWKS_NO_MATCHING_KEY')
  })
})

describe('what a set returns, and the import cache', () => {
  it('a resolver call returns the JWK objects themselves, never CryptoKeys', async () => {
    const set = createLocalJwks(doc(es1, es2))
    const out = await pick(set, { alg: 'ES256' })
    expect(out).toHaveLength(2)
    for (const k of out) {
      expect(k).not.toBeInstanceOf(CryptoKey)
      expect(Object.getPrototypeOf(Object.getPrototypeOf(k))).toBeNull()
    }
    expect(out).toEqual([es1.jwk, es2.jwk])
    // The same objects on the next call (so their imports can be cached).
    const again = await pick(set, { alg: 'ES256' })
    expect(again[0]).toBe(out[0])
    expect(again[1]).toBe(out[1])
  })

  it('the set keeps its own copy: changing the document afterwards changes nothing', async () => {
    const mine = { keys: [{ ...es1.jwk }] }
    const set = createLocalJwks(mine)
    mine.keys[0]!.kid = 'changed'
    mine.keys.push({ ...es2.jwk })
    await verify(tokenFor(es1), set)
    await rejectsWith(() => verify(tokenFor(es2), set), 'ERR_JWKS_NO_MATCHING_KEY')
  })

  it('each imported key is cached: a second verify returns the same CryptoKey', async () => {
    const set = createLocalJwks(doc(es1, rsa))
    const a = await verify(tokenFor(es1), set)
    const b = await verify(tokenFor(es1, { sub: 'other' }), set)
    expect(a.key).toBeInstanceOf(CryptoKey)
    expect(b.key).toBe(a.key)
    const r1 = await verify(tokenFor(rsa), set, { algorithms: ['RS256'] })
    const r2 = await verify(tokenFor(rsa), set, { algorithms: ['RS256'] })
    expect(r2.key).toBe(r1.key)
    expect(r1.key).not.toBe(a.key)
  })
})
