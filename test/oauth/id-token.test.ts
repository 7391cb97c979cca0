/** OIDC Core §3.1.3.7, §3.2.2.11, §3.3.2.11 ID tokens: claims, typ, azp, nonce, max_age, at_hash/c_hash. */
import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { exportJwk, generateKeyPair, verifyIdToken, type Alg, type Jwk, type JwtPayload } from '../../src/index.ts'
import { esKeys, NOW, NOW_S, rejects, SECRET, token, omit, type Keys } from './helpers.ts'

const ISS = 'https://id.example'
const CLIENT = 'app-1'
const opts = { issuer: ISS, clientId: CLIENT, now: NOW }
const base = (): JwtPayload => ({ iss: ISS, sub: 'user-1', aud: CLIENT, exp: NOW_S + 300, iat: NOW_S - 10 })
let keys: Keys
beforeAll(async () => {
  keys = await esKeys()
})
const without = (claim: string): JwtPayload => omit(base(), claim)
const id = (p: unknown, typ: string | null = 'JWT') => token(p, typ)

// OIDC Core Appendix A.3/A.4/A.6 (RS256 examples: SHA-256, like ES256 here).
const A_ACCESS_TOKEN = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y'
const A_AT_HASH = '77QmUPtjPfzWtF2AnpK9RQ'
const A_CODE = 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk'
const A_C_HASH = 'LDktKdoQak3Pk0cnXxCltA'

/** Independent left-half hash (node:crypto), for the algorithms the spec has no example for. */
const leftHalf = (hash: string, v: string) => {
  const d = createHash(hash).update(v, 'ascii').digest()
  return d.subarray(0, d.length / 2).toString('base64url')
}

describe('verifyIdToken: required claims', () => {
  it('accepts a valid ID token', async () => {
    expect((await verifyIdToken(await id(base()), keys.pub, opts)).payload).toEqual(base())
  })
  it.each(['iss', 'sub', 'aud', 'exp', 'iat'])('refuses an ID token without %s', async (claim) => {
    const e = await rejects(verifyIdToken(await id(without(claim)), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', claim, 'missing')
    expect(e.payload).toEqual(without(claim))
  })
  it.each([['iss', 1], ['sub', null], ['aud', [1]], ['exp', 'x'], ['iat', true]] as const)('refuses %s of the wrong type', async (claim, value) => {
    await rejects(verifyIdToken(await id({ ...base(), [claim]: value }), keys.pub, opts), 'ERR_JWT_INVALID', claim, 'invalid')
  })
  it.each([
    ['iss', 'https://id.example/', 'ERR_JWT_CLAIM_INVALID', 'mismatch'], ['aud', 'app-2', 'ERR_JWT_CLAIM_INVALID', 'mismatch'],
    ['aud', ['app-2', 'app-3'], 'ERR_JWT_CLAIM_INVALID', 'mismatch'], ['exp', NOW_S - 1, 'ERR_JWT_EXPIRED', 'too_old'],
    ['nbf', NOW_S + 60, 'ERR_JWT_NOT_YET_VALID', 'in_future'],
  ] as const)('refuses %s = %j', async (claim, value, code, reason) => {
    await rejects(verifyIdToken(await id({ ...base(), [claim]: value }), keys.pub, opts), code, claim, reason)
  })
  it('clockTolerance applies to exp', async () => {
    const t = await id({ ...base(), exp: NOW_S - 10 })
    await rejects(verifyIdToken(t, keys.pub, opts), 'ERR_JWT_EXPIRED')
    await expect(verifyIdToken(t, keys.pub, { ...opts, clockTolerance: '30s' })).resolves.toBeDefined()
  })
})

describe('verifyIdToken: typ', () => {
  it.each([null, 'JWT', 'jwt', 'application/jwt'])('accepts %s', async (typ) => {
    await expect(verifyIdToken(await id(base(), typ), keys.pub, opts)).resolves.toBeDefined()
  })
  it.each(['at+jwt', 'application/at+jwt', 'logout+jwt', 'AT+JWT', 'id+jwt', 'JOSE'])('refuses %s', async (typ) => {
    await rejects(verifyIdToken(await id(base(), typ), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'typ', 'mismatch')
  })
  it('takes no typ option', async () => {
    await rejects(verifyIdToken(await id(base()), keys.pub, { ...opts, typ: 'at+jwt' } as never), 'ERR_JOSE_INVALID_ARGUMENT')
  })
})

describe('verifyIdToken: azp (OIDC Core §3.1.3.7 items 4–5)', () => {
  it.each([
    [{ aud: CLIENT, azp: CLIENT }, undefined], [{ aud: [CLIENT], }, undefined], [{ aud: [CLIENT, 'api'], azp: CLIENT }, undefined],
    [{ aud: CLIENT, azp: 'other' }, 'mismatch'], [{ aud: [CLIENT, 'api'], azp: 'api' }, 'mismatch'],
    [{ aud: [CLIENT, 'api'] }, 'missing'], [{ aud: CLIENT, azp: 5 }, 'invalid'], [{ aud: CLIENT, azp: '' }, 'mismatch'],
  ] as const)('%j → %s', async (claims, reason) => {
    const p = verifyIdToken(await id({ ...base(), ...claims }), keys.pub, opts)
    if (reason === undefined) await expect(p).resolves.toBeDefined()
    else await rejects(p, 'ERR_JWT_CLAIM_INVALID', 'azp', reason)
  })
})

describe('verifyIdToken: nonce (§3.1.3.7 item 11)', () => {
  it('present and equal is accepted', async () => {
    await expect(verifyIdToken(await id({ ...base(), nonce: 'n-0S6' }), keys.pub, { ...opts, nonce: 'n-0S6' })).resolves.toBeDefined()
  })
  it.each([[undefined, 'missing'], ['n-0S7', 'mismatch'], ['N-0S6', 'mismatch'], [['n-0S6'], 'mismatch'], ['', 'mismatch']] as const)('nonce %j → %s', async (nonce, reason) => {
    const p = nonce === undefined ? without('nonce') : { ...base(), nonce }
    await rejects(verifyIdToken(await id(p), keys.pub, { ...opts, nonce: 'n-0S6' }), 'ERR_JWT_CLAIM_INVALID', 'nonce', reason)
  })
  it('without options.nonce a nonce claim is not checked', async () => {
    await expect(verifyIdToken(await id({ ...base(), nonce: 'anything' }), keys.pub, opts)).resolves.toBeDefined()
  })
  it('an empty options.nonce is refused', async () => {
    await rejects(verifyIdToken(await id(base()), keys.pub, { ...opts, nonce: '' }), 'ERR_JOSE_INVALID_ARGUMENT')
  })
})

describe('verifyIdToken: maxAge is OIDC max_age against auth_time (§3.1.3.7 item 13)', () => {
  const withAuth = (auth_time: unknown) => id({ ...base(), auth_time })
  it('auth_time is required with maxAge', async () => {
    await rejects(verifyIdToken(await id(base()), keys.pub, { ...opts, maxAge: 600 }), 'ERR_JWT_CLAIM_INVALID', 'auth_time', 'missing')
  })
  it('boundary: now = auth_time + maxAge is accepted, one second later is not', async () => {
    await expect(verifyIdToken(await withAuth(NOW_S - 600), keys.pub, { ...opts, maxAge: '10m' })).resolves.toBeDefined()
    await rejects(verifyIdToken(await withAuth(NOW_S - 601), keys.pub, { ...opts, maxAge: '10m' }), 'ERR_JWT_CLAIM_INVALID', 'auth_time', 'too_old')
    await expect(verifyIdToken(await withAuth(NOW_S - 601), keys.pub, { ...opts, maxAge: '10m', clockTolerance: 1 })).resolves.toBeDefined()
  })
  it('maxAge does not read iat (unlike verify)', async () => {
    await expect(verifyIdToken(await id({ ...base(), iat: NOW_S - 7200, auth_time: NOW_S - 60 }), keys.pub, { ...opts, maxAge: 600 })).resolves.toBeDefined()
  })
  it('auth_time in the future is refused', async () => {
    await rejects(verifyIdToken(await withAuth(NOW_S + 60), keys.pub, { ...opts, maxAge: 600 }), 'ERR_JWT_CLAIM_INVALID', 'auth_time', 'in_future')
  })
  it.each([['1700000000'], [null], [[1]]])('auth_time %j is of the wrong type, with or without maxAge', async (v) => {
    await rejects(verifyIdToken(await withAuth(v), keys.pub, { ...opts, maxAge: 600 }), 'ERR_JWT_CLAIM_INVALID', 'auth_time', 'invalid')
    await rejects(verifyIdToken(await withAuth(v), keys.pub, opts), 'ERR_JWT_CLAIM_INVALID', 'auth_time', 'invalid')
  })
})

describe('verifyIdToken: at_hash and c_hash (§3.1.3.6, §3.3.2.11)', () => {
  it('the OIDC Core Appendix A values verify', async () => {
    const t = await id({ ...base(), at_hash: A_AT_HASH, c_hash: A_C_HASH })
    await expect(verifyIdToken(t, keys.pub, { ...opts, accessToken: A_ACCESS_TOKEN, code: A_CODE })).resolves.toBeDefined()
  })
  it('a different access token or code is a mismatch', async () => {
    const t = await id({ ...base(), at_hash: A_AT_HASH, c_hash: A_C_HASH })
    await rejects(verifyIdToken(t, keys.pub, { ...opts, accessToken: `${A_ACCESS_TOKEN}x` }), 'ERR_JWT_CLAIM_INVALID', 'at_hash', 'mismatch')
    await rejects(verifyIdToken(t, keys.pub, { ...opts, code: A_CODE.slice(1) }), 'ERR_JWT_CLAIM_INVALID', 'c_hash', 'mismatch')
    // the full-length hash is not the left half
    const full = createHash('sha256').update(A_ACCESS_TOKEN).digest('base64url')
    await rejects(verifyIdToken(await id({ ...base(), at_hash: full }), keys.pub, { ...opts, accessToken: A_ACCESS_TOKEN }), 'ERR_JWT_CLAIM_INVALID', 'at_hash', 'mismatch')
  })
  it('the claim is required when the value is given, ignored otherwise', async () => {
    await rejects(verifyIdToken(await id(base()), keys.pub, { ...opts, accessToken: A_ACCESS_TOKEN }), 'ERR_JWT_CLAIM_INVALID', 'at_hash', 'missing')
    await rejects(verifyIdToken(await id(base()), keys.pub, { ...opts, code: A_CODE }), 'ERR_JWT_CLAIM_INVALID', 'c_hash', 'missing')
    await expect(verifyIdToken(await id({ ...base(), at_hash: 'junk', c_hash: 'junk' }), keys.pub, opts)).resolves.toBeDefined()
    await rejects(verifyIdToken(await id({ ...base(), at_hash: 1 }), keys.pub, { ...opts, accessToken: A_ACCESS_TOKEN }), 'ERR_JWT_CLAIM_INVALID', 'at_hash', 'invalid')
  })
  it.each([['ES384', 'sha384'], ['ES512', 'sha512'], ['EdDSA', 'sha512'], ['Ed25519', 'sha512'], ['HS512', 'sha512'], ['PS384', 'sha384']] as const)(
    '%s uses %s (SHA-512 for EdDSA)', async (alg: Alg, hash) => {
      let priv: Jwk | string = SECRET + SECRET
      let pub: Jwk | string = priv
      if (!alg.startsWith('HS')) {
        const pair = await generateKeyPair(alg, { extractable: true })
        priv = { ...(await exportJwk(pair.privateKey)), alg }
        pub = { ...(await exportJwk(pair.publicKey)), alg }
      }
      const at_hash = leftHalf(hash, A_ACCESS_TOKEN)
      const c_hash = leftHalf(hash, A_CODE)
      const t = await token({ ...base(), at_hash, c_hash }, 'JWT', priv, alg)
      const o = { ...opts, accessToken: A_ACCESS_TOKEN, code: A_CODE, algorithms: [alg] }
      await expect(verifyIdToken(t, pub, o)).resolves.toBeDefined()
      // SHA-256 halves (what a library ignoring the alg would compute) are refused
      const wrong = await token({ ...base(), at_hash: A_AT_HASH, c_hash }, 'JWT', priv, alg)
      await rejects(verifyIdToken(wrong, pub, o), 'ERR_JWT_CLAIM_INVALID', 'at_hash', 'mismatch')
    },
  )
  it.each([[''], ['tök'], ['a\nb'], [42]])('accessToken %j is refused as an argument', async (v) => {
    await rejects(verifyIdToken(await id(base()), keys.pub, { ...opts, accessToken: v as never }), 'ERR_JOSE_INVALID_ARGUMENT')
  })
})

describe('verifyIdToken: options', () => {
  it.each([[{ issuer: ISS }], [{ clientId: CLIENT }], [{ issuer: [], clientId: CLIENT }], [{ ...opts, audience: CLIENT }], [{ ...opts, maxAge: '-1m' }], [undefined]])(
    'refuses %j', async (o) => {
      await rejects(verifyIdToken(await id(base()), keys.pub, o as never), 'ERR_JOSE_INVALID_ARGUMENT')
    },
  )
})
