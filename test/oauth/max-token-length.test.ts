/**
 * API.md, OAuth profiles: "Every profile also takes maxTokenLength". The profiles run
 * `verify`'s own pipeline, so the limit means the same as in `verify`: longer tokens are
 * ERR_JWS_INVALID before any other work, the default is 16 384, a bad value is refused.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { verifyAccessToken, verifyClientAssertion, verifyIdToken } from '../../src/index.ts'
import { esKeys, NOW, NOW_S, rejects, token, type Keys } from './helpers.ts'

const ISS = 'https://as.example'
const pad = 'x'.repeat(20_000) // a claim that makes the token longer than 16 384
let keys: Keys
beforeAll(async () => {
  keys = await esKeys()
})

type Run = (token: string, extra: Record<string, unknown>) => Promise<unknown>
const profiles: [string, string | null, Record<string, unknown>, Run][] = [
  ['verifyAccessToken', 'at+jwt',
    { iss: ISS, sub: 'u', aud: 'api', client_id: 'app', iat: NOW_S, exp: NOW_S + 60, jti: 'j' },
    (t, extra) => verifyAccessToken(t, keys.pub, { issuer: ISS, audience: 'api', now: NOW, ...extra })],
  ['verifyIdToken', null,
    { iss: ISS, sub: 'u', aud: 'app', iat: NOW_S, exp: NOW_S + 60 },
    (t, extra) => verifyIdToken(t, keys.pub, { issuer: ISS, clientId: 'app', now: NOW, ...extra })],
  ['verifyClientAssertion', null,
    { iss: 'app', sub: 'app', aud: ISS, iat: NOW_S, exp: NOW_S + 60, jti: 'j' },
    (t, extra) => verifyClientAssertion(t, keys.pub, { clientId: 'app', audience: ISS, now: NOW, ...extra })],
]

describe.each(profiles)('%s takes maxTokenLength', (_name, typ, claims, run) => {
  it('refuses a token over the default 16 384 before any other work, accepts it under a raised limit', async () => {
    const long = await token({ ...claims, pad }, typ)
    expect(long.length).toBeGreaterThan(16_384)
    await rejects(run(long, {}), 'ERR_JWS_INVALID')
    await expect(run(long, { maxTokenLength: long.length })).resolves.toBeTruthy()
    await rejects(run(long, { maxTokenLength: long.length - 1 }), 'ERR_JWS_INVALID')
  })

  it('refuses a bad maxTokenLength', async () => {
    const t = await token(claims, typ)
    for (const bad of [0, -1, 1.5, '100', Number.NaN]) await rejects(run(t, { maxTokenLength: bad }), 'ERR_JOSE_INVALID_ARGUMENT')
  })
})
