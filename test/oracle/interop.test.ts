/**
 * jose as an independent oracle, both directions: jose signs → isojwt verifies, and
 * isojwt signs → jose verifies, for every alg and every key form (JWK with and without
 * `alg`, SPKI/PKCS#8 PEM, X.509 certificate, CryptoKey, raw and string secrets). The
 * payload and protected header each side reports must agree.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import * as jose from 'jose'
import { decode, sign, verify } from '../../src/index.ts'
import type { Alg, JwtPayload, VerifyOptions } from '../../src/types.ts'
import { ALL_ALGS, NOW, T, algInfo, opensslAvailable } from './helpers.ts'
import { ASYM_FORMS, HS_FORMS, formApplies, formKeys, makeMaterial, type Form, type Material } from './forms.ts'

const HAVE_OPENSSL = opensslAvailable()
let m: Material

beforeAll(() => {
  m = makeMaterial({ certs: HAVE_OPENSSL })
})

const ISS = 'https://issuer.example'
const SUB = 'user-1'
const AUD = ['api://one', 'api://two']
const EXTRA: JwtPayload = {
  name: 'Zoë 🔑 "quoted" \\ </script>',
  nested: { list: [1, 'two', null, true, { deep: 1.5 }] },
  empty: {},
  big: 9_007_199_254_740_991,
}
const EXT_HEADER = { 'x-ext': { n: 1, s: 'ü' } }

function casesFor(use: 'sign' | 'verify'): [Alg, Form][] {
  const out: [Alg, Form][] = []
  for (const alg of ALL_ALGS) {
    for (const form of algInfo(alg).family === 'HS' ? HS_FORMS : ASYM_FORMS) {
      if (formApplies(alg, form, use)) out.push([alg, form])
    }
  }
  return out
}

const certSkip = (form: Form) => form === 'cert' && !HAVE_OPENSSL

describe('jose signs → isojwt verifies', () => {
  it.each(casesFor('verify'))('%s with a %s key', async (alg, form) => {
    if (certSkip(form)) return void console.warn('skipped: no openssl CLI to make an X.509 certificate')
    const signer = await formKeys(m, alg, form === 'cert' ? 'pem' : form, 'sign')
    const verifier = await formKeys(m, alg, form, 'verify')
    const token = await new jose.SignJWT({ ...EXTRA })
      .setProtectedHeader({ alg, typ: 'JWT', kid: 'k-1', ...EXT_HEADER })
      .setIssuer(ISS)
      .setSubject(SUB)
      .setAudience(AUD)
      .setIssuedAt(T)
      .setExpirationTime(T + 3600)
      .sign(signer.jose)

    // jose itself accepts its own token with the verification key (sanity of the oracle)
    const ref = await jose.jwtVerify(token, verifier.jose, { currentDate: NOW, algorithms: [alg] })

    const opts: VerifyOptions = { now: NOW, issuer: ISS, subject: SUB, audience: 'api://two' }
    const res = await verify(token, verifier.iso, { ...opts, algorithms: [alg] })
    expect(res.payload).toEqual(ref.payload)
    expect(res.header).toEqual(ref.protectedHeader)
    expect(res.header).toEqual({ alg, typ: 'JWT', kid: 'k-1', ...EXT_HEADER })
    expect(res.key.type).toBe(algInfo(alg).family === 'HS' ? 'secret' : 'public')
    if (form === 'bytes' || form === 'string') expect(res.key.extractable).toBe(false)

    // a key that pins its alg needs no `algorithms`; one that pins nothing must be refused
    if (verifier.pins) {
      const again = await verify(token, verifier.iso, opts)
      expect(again.payload).toEqual(ref.payload)
    } else {
      await expect(verify(token, verifier.iso, opts)).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' })
    }
  })
})

describe('isojwt signs → jose verifies', () => {
  it.each(casesFor('sign'))('%s with a %s key', async (alg, form) => {
    const signer = await formKeys(m, alg, form, 'sign')
    const verifier = await formKeys(m, alg, form, 'verify')
    const token = await sign({ ...EXTRA }, signer.iso, {
      alg,
      kid: 'k-1',
      header: { ...EXT_HEADER },
      issuer: ISS,
      subject: SUB,
      audience: AUD,
      expiresIn: 3600,
      now: NOW,
    })
    const res = await jose.jwtVerify(token, verifier.jose, {
      algorithms: [alg],
      currentDate: NOW,
      issuer: ISS,
      subject: SUB,
      audience: 'api://two',
      typ: 'JWT',
    })
    expect(res.payload).toEqual({ ...EXTRA, iss: ISS, sub: SUB, aud: AUD, iat: T, exp: T + 3600 })
    expect(res.protectedHeader).toEqual({ alg, typ: 'JWT', kid: 'k-1', ...EXT_HEADER })

    // isojwt's own decode and verify agree with what jose saw
    const dec = decode(token)
    expect(dec.header).toEqual(res.protectedHeader)
    expect(dec.payload).toEqual(res.payload)
    expect(jose.decodeJwt(token)).toEqual(dec.payload)
    const back = await verify(token, verifier.iso, { now: NOW, algorithms: [alg] })
    expect(back.payload).toEqual(res.payload)
  })

  it.each(ALL_ALGS)('%s: a key that pins exactly one alg signs without `alg`; jose reads the same alg', async (alg) => {
    // JWK with `alg` pins {alg}; sign() needs no `alg` option then (API.md, sign).
    const signer = await formKeys(m, alg, 'jwk', 'sign')
    const verifier = await formKeys(m, alg, 'jwk', 'verify')
    const token = await sign({ sub: SUB }, signer.iso, { now: NOW })
    const res = await jose.jwtVerify(token, verifier.jose, { currentDate: NOW, algorithms: [alg] })
    expect(res.protectedHeader.alg).toBe(alg)
    expect(res.payload).toEqual({ sub: SUB, iat: T })
  })

  it.each(ALL_ALGS)('%s: typ null omits typ; jose sees no typ and the same payload', async (alg) => {
    const signer = await formKeys(m, alg, 'jwk', 'sign')
    const verifier = await formKeys(m, alg, 'jwk', 'verify')
    const token = await sign({ n: 1 }, signer.iso, { typ: null, issuedAt: false, now: NOW })
    const res = await jose.jwtVerify(token, verifier.jose, { currentDate: NOW })
    expect(res.protectedHeader).toEqual({ alg })
    expect(res.payload).toEqual({ n: 1 })
  })
})

describe('decode agrees with jose.decodeJwt / decodeProtectedHeader', () => {
  it.each(ALL_ALGS)('%s', async (alg) => {
    const signer = await formKeys(m, alg, 'jwk', 'sign')
    const token = await new jose.SignJWT({ ...EXTRA, aud: 'x' })
      .setProtectedHeader({ alg, kid: 'abc', cty: 'JWT', ...EXT_HEADER })
      .sign(signer.jose)
    const d = decode(token)
    expect(d.header).toEqual(jose.decodeProtectedHeader(token))
    expect(d.payload).toEqual(jose.decodeJwt(token))
    expect(Buffer.from(d.signature).toString('base64url')).toBe(token.split('.')[2])
  })
})

describe('X.509 certificates', () => {
  it.skipIf(!HAVE_OPENSSL)('the certificate key pins like its SPKI: an EC certificate needs no `algorithms`', async () => {
    const signer = await formKeys(m, 'ES384', 'jwk', 'sign')
    const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'ES384' }).sign(signer.jose)
    const res = await verify(token, m.certs!.p384!, { now: NOW })
    expect(res.payload).toEqual({ a: 1 })
    // and a certificate of another curve does not verify it
    await expect(verify(token, m.certs!.p256!, { now: NOW })).rejects.toMatchObject({
      code: 'ERR_JOSE_ALG_NOT_ALLOWED',
    })
  })
  if (!HAVE_OPENSSL) {
    it('certificate tests skipped: no openssl CLI on this machine', () => {
      console.warn('X.509 certificate interop skipped: `openssl` not found on PATH')
    })
  }
})
