/**
 * DPoP interop with oauth4webapi (an independent implementation of RFC 9449): the proofs
 * its DPoP handle adds to resource requests (captured through customFetch) verify with
 * verifyDpopProof, its nonce retry works against a stateless nonce, and the proofs
 * createDpopProof makes are accepted by its validateJwtAccessToken with requireDPoP.
 * Real clock on both sides (oauth4webapi reads Date.now).
 */
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { createDpopProof, createResourceServer, exportJwk, generateKeyPair, sign, thumbprint, verifyDpopProof, type Alg } from '../../src/index.ts'
import { createDpopNonces } from '../../src/oauth/nonce.ts'
import { memoryReplayStore } from '../../src/oauth/replay.ts'

const ISS = 'https://as.example'
const API = 'https://api.example/orders/7'
const TOKEN = 'opaque-access-token'

/** Sends one resource request through oauth4webapi and returns the headers it sent. */
async function sent(dpop: oauth.DPoPHandle, answer: () => Response = () => new Response('{}')): Promise<Headers> {
  let headers = new Headers()
  await oauth.protectedResourceRequest(TOKEN, 'GET', new URL(`${API}?page=2`), undefined, null, {
    DPoP: dpop,
    [oauth.customFetch]: async (_url, init) => ((headers = new Headers(init.headers)), answer()),
  })
  return headers
}

describe('oauth4webapi client → verifyDpopProof', () => {
  for (const alg of ['ES256', 'Ed25519', 'PS256', 'RS256'] as const) {
    it(`${alg}: its proof (with ath) verifies; the thumbprint is the one it computes; a replay is refused`, async () => {
      const pair = await oauth.generateKeyPair(alg)
      const dpop = oauth.DPoP({}, pair)
      const h = await sent(dpop)
      expect(h.get('authorization')).toBe(`DPoP ${TOKEN}`)
      const replayStore = memoryReplayStore()
      const o = { htm: 'GET', htu: API, accessToken: TOKEN, jkt: await dpop.calculateThumbprint(), replayStore }
      const r = await verifyDpopProof(h.get('dpop')!, o)
      expect(r.jkt).toBe(await dpop.calculateThumbprint())
      await expect(verifyDpopProof(h.get('dpop')!, o)).rejects.toMatchObject({ code: 'ERR_DPOP_INVALID', claim: 'jti', reason: 'replayed' })
      await expect(verifyDpopProof(h.get('dpop')!, { ...o, htm: 'POST', replayStore: undefined })).rejects.toMatchObject({ code: 'ERR_DPOP_INVALID', claim: 'htm' })
    })
  }

  it('server nonce round trip: 401 use_dpop_nonce with dpop-nonce → it retries with the nonce, which verifies', async () => {
    const nonces = createDpopNonces({ secret: new Uint8Array(32).fill(1) })
    const nonce = await nonces.current()
    const dpop = oauth.DPoP({}, await oauth.generateKeyPair('ES256'))
    const o = { htm: 'GET', htu: API, accessToken: TOKEN, nonce: (n: string) => nonces.check(n) }
    const challenge = () => new Response(null, {
      status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce", algs="ES256"', 'dpop-nonce': nonce },
    })
    const err = await sent(dpop, challenge).then(() => undefined, (e: unknown) => e)
    expect(oauth.isDPoPNonceError(err)).toBe(true)
    const first = await sent(oauth.DPoP({}, await oauth.generateKeyPair('ES256')))
    await expect(verifyDpopProof(first.get('dpop')!, o)).rejects.toMatchObject({ code: 'ERR_DPOP_NONCE_REQUIRED', claim: 'nonce', reason: 'missing' })
    const retry = await sent(dpop)
    const r = await verifyDpopProof(retry.get('dpop')!, o)
    expect(r.payload.nonce).toBe(nonce)
  })
})

describe('createDpopProof → oauth4webapi validateJwtAccessToken (requireDPoP)', () => {
  for (const alg of ['ES256', 'EdDSA', 'PS256', 'RS256'] as const satisfies readonly Alg[]) {
    it(`${alg} proof, bound token (cnf.jkt): accepted; with another key's proof: refused`, async () => {
      const as = await generateKeyPair('ES256')
      const jwks = { keys: [{ ...(await exportJwk(as.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }
      const client = await generateKeyPair(alg)
      const jkt = await thumbprint(await exportJwk(client.publicKey))
      const at = await sign({ sub: 'user-1', client_id: 'app', jti: 'at-1', scope: 'read', cnf: { jkt } }, as.privateKey, {
        alg: 'ES256', kid: 'k1', typ: 'at+jwt', issuer: ISS, audience: API, expiresIn: 300,
      })
      const request = (proof: string) => new Request(`${API}?page=2`, { headers: { authorization: `DPoP ${at}`, dpop: proof } })
      const options = {
        requireDPoP: true, [oauth.customFetch]: async () => new Response(JSON.stringify(jwks), { headers: { 'content-type': 'application/json' } }),
      }
      const server: oauth.AuthorizationServer = { issuer: ISS, jwks_uri: `${ISS}/jwks` }
      const proof = await createDpopProof(client, { htm: 'GET', htu: `${API}?page=2`, accessToken: at })
      const claims = await oauth.validateJwtAccessToken(server, request(proof), API, options)
      expect(claims.cnf?.jkt).toBe(jkt)
      const stranger = await createDpopProof(await generateKeyPair(alg), { htm: 'GET', htu: API, accessToken: at })
      await expect(oauth.validateJwtAccessToken(server, request(stranger), API, options)).rejects.toBeDefined()
    })
  }
})

describe('oauth4webapi protectedResourceRequest (DPoP handle) → createResourceServer', () => {
  /** oauth4webapi's request, sent to a fetch that answers with authenticate's outcome. */
  async function call(rs: ReturnType<typeof createResourceServer>, at: string, dpop: oauth.DPoPHandle, method = 'GET'): Promise<Response> {
    return oauth.protectedResourceRequest(at, method, new URL(`${API}?page=2`), undefined, method === 'GET' ? null : '{"a":1}', {
      DPoP: dpop,
      [oauth.customFetch]: async (url, init) => {
        const o = await rs.authenticate(new Request(url, init as RequestInit))
        return o.ok ? Response.json({ sub: o.payload.sub, jkt: o.jkt }, { headers: o.headers }) : o.response()
      },
    })
  }
  const boundToken = async (as: CryptoKeyPair, jkt: string) => sign({ sub: 'user-1', client_id: 'app', jti: 'at-1', scope: 'read', cnf: { jkt } }, as.privateKey, {
    alg: 'ES256', typ: 'at+jwt', issuer: ISS, audience: API, expiresIn: 300,
  })

  for (const alg of ['ES256', 'Ed25519', 'PS256', 'RS256'] as const) {
    it(`${alg}: its DPoP requests are accepted (GET and POST), the same proof replayed is not`, async () => {
      const as = await generateKeyPair('ES256')
      const dpop = oauth.DPoP({}, await oauth.generateKeyPair(alg))
      const jkt = await dpop.calculateThumbprint()
      const rs = createResourceServer({ issuer: ISS, audience: API, jwks: as.publicKey, requiredScopes: ['read'] })
      const at = await boundToken(as, jkt)
      for (const method of ['GET', 'POST']) {
        const res = await call(rs, at, dpop, method)
        expect([res.status, await res.json()]).toEqual([200, { sub: 'user-1', jkt }])
      }
      let proof = ''
      await oauth.protectedResourceRequest(at, 'GET', new URL(API), undefined, null, {
        DPoP: dpop, [oauth.customFetch]: async (_u, init) => ((proof = new Headers(init.headers).get('dpop')!), new Response('{}')),
      })
      const r = () => rs.authenticate(new Request(API, { headers: { authorization: `DPoP ${at}`, dpop: proof } }))
      expect((await r()).ok).toBe(true)
      expect(await r()).toMatchObject({ ok: false, status: 401, error: { code: 'ERR_DPOP_INVALID', claim: 'jti' } })
    })
  }

  it('server nonces: its first request gets use_dpop_nonce (a nonce error to it), the retry with the nonce is accepted', async () => {
    const as = await generateKeyPair('ES256')
    const dpop = oauth.DPoP({}, await oauth.generateKeyPair('ES256'))
    const rs = createResourceServer({ issuer: ISS, audience: API, jwks: as.publicKey, dpopNonce: { secret: new Uint8Array(32).fill(3) } })
    const at = await boundToken(as, await dpop.calculateThumbprint())
    const err = await call(rs, at, dpop).then(() => undefined, (e: unknown) => e)
    expect(oauth.isDPoPNonceError(err)).toBe(true)
    expect((await call(rs, at, dpop)).status).toBe(200)
  })
})
