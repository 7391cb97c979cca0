/**
 * isojwt/providers against the hostile-input table (test/hostile/values.ts): every factory
 * with the whole options object and each of its options replaced by each hostile value,
 * and a provider's methods with a hostile token, options object or option. Each call
 * either succeeds or fails with a proper JoseError (verify rejects, never throws), within
 * the harness's hang limit, and no prototype changes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auth0, clerk, cognito, entraId, firebase, google, keycloak, okta, supabase } from '../../src/providers/index.ts'
import { errorName, isProperJose, pollutionSince, run, snapshotPrototypes } from '../hostile/harness.ts'
import { HOSTILE } from '../hostile/values.ts'
import { NOW, NOW_S, rsaKeys, serve, signed } from './fixtures.ts'

const FACTORIES: Array<[string, (o: never) => unknown, Record<string, unknown>]> = [
  ['entraId', entraId, { tenant: 'common', audience: 'api://x', allowedTenants: '*', version: 'both', appId: 'a2dfd48e-30d5-4b4b-8b2b-5ad3e9b8a9a5' }],
  ['google', google, { clientId: 'c.apps.googleusercontent.com' }],
  ['firebase', firebase, { projectId: 'my-project-1234' }],
  ['cognito', cognito, { region: 'eu-west-1', userPoolId: 'eu-west-1_abc', clientId: 'c', tokenUse: 'access' }],
  ['auth0', auth0, { domain: 'example.auth0.com', audience: 'api' }],
  ['okta', okta, { issuer: 'https://example.okta.com/oauth2/default', audience: 'api', clientId: 'c' }],
  ['keycloak', keycloak, { url: 'https://sso.example.com', realm: 'r', audience: 'a', authorizedParty: 'p' }],
  ['clerk', clerk, { issuer: 'https://clerk.example.com', authorizedParties: ['https://example.com'] }],
  ['supabase', supabase, { url: 'https://abcdefghijklmnop.supabase.co', audience: 'authenticated' }],
]
const COMMON = ['fetch', 'cacheStore', 'onEvent', 'clockTolerance', 'now']

let before: ReturnType<typeof snapshotPrototypes>
beforeEach(() => {
  before = snapshotPrototypes()
})
afterEach(() => {
  expect(pollutionSince(before)).toEqual([])
})

/** A success, or a proper JoseError; `mustBeAsync`: never a synchronous throw. */
async function settles(label: string, f: () => unknown, mustBeAsync = false): Promise<void> {
  const r = await run(f)
  if (r.ok) return
  expect(isProperJose(r.error), `${label}: ${errorName(r.error)}`).toBe(true)
  if (mustBeAsync) expect(r.sync, `${label}: threw synchronously`).toBe(false)
}

describe('providers: hostile factory options', () => {
  for (const [name, make, base] of FACTORIES) {
    it(`${name}: the options object and each option, every hostile value`, async () => {
      for (const h of HOSTILE) {
        await settles(`${name}(${h.name})`, () => make(h.value as never))
        for (const k of [...Object.keys(base), ...COMMON]) await settles(`${name}({ ${k}: ${h.name} })`, () => make({ ...base, [k]: h.value } as never))
      }
    }, 60_000)
  }
})

describe('providers: hostile tokens and options to the methods', () => {
  it('verify, createVerifier and resourceServer of a provider', async () => {
    const [a] = await rsaKeys()
    const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47'
    const s = serve({ 'https://login.microsoftonline.com/common/discovery/v2.0/keys': { keys: [{ ...a.pub, kid: 'k' }] } })
    const p = entraId({ tenant: 'common', audience: 'api://x', allowedTenants: '*', fetch: s.fetch, now: NOW })
    const token = await signed({ iss: `https://login.microsoftonline.com/${tid}/v2.0`, tid, aud: 'api://x', exp: NOW_S + 60 }, a.priv, 'RS256', { typ: 'JWT', kid: 'k' })
    expect((await p.verify(token)).payload.tid).toBe(tid)
    const OPTS = ['requiredScopes', 'schema', 'subject', 'maxAge', 'clockTolerance', 'requiredClaims', 'now', 'crit', 'maxTokenLength', 'issuer', 'typ']
    for (const h of HOSTILE) {
      await settles(`verify(${h.name})`, () => p.verify(h.value as never), true)
      await settles(`verify(token, ${h.name})`, () => p.verify(token, h.value as never), true)
      for (const k of OPTS) await settles(`verify(token, { ${k}: ${h.name} })`, () => p.verify(token, { [k]: h.value } as never), true)
      await settles(`createVerifier(${h.name})`, () => p.createVerifier(h.value as never))
      await settles(`resourceServer(${h.name})`, () => p.resourceServer(h.value as never))
      for (const k of ['requiredScopes', 'schema', 'dpop', 'publicUrl', 'clockTolerance', 'now']) {
        await settles(`resourceServer({ ${k}: ${h.name} })`, () => p.resourceServer({ [k]: h.value } as never))
      }
    }
  }, 120_000)
})
