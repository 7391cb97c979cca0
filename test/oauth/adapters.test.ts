/**
 * The framework recipes of docs/express-and-hono.md, taken from the Markdown as written
 * and run against the real frameworks (dev dependencies): Hono 4 through `app.request()`,
 * Express 5 on a loopback port with fetch. Each gets a valid Bearer token, none, an
 * expired one, one without the scope, a DPoP-bound token with its proof, the same proof
 * again, the bound token as a Bearer token, and a DPoP client (createDpopFetch) through
 * a server nonce round trip; status and www-authenticate are asserted byte for byte.
 * Then docs/resource-server.md's recipes, as written: its quick start (a Worker's fetch),
 * the Next.js proxy with next/server's own NextRequest and NextResponse (Next.js is a dev
 * dependency; test/runtimes/run-nextjs.mjs runs the same file in a built Next.js app), and
 * node:http; and its Worker recipe is examples/cloudflare-worker/src/index.ts byte for byte
 * (test/runtimes/run-example-worker.mjs runs that file in workerd).
 */
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { transformSync } from 'esbuild'
import express from 'express'
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { NextRequest, NextResponse } from 'next/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createDpopFetch, createDpopProof, createResourceServer, exportJwk, generateKeyPair, thumbprint,
  type ResourceServer, type ResourceServerOptions,
} from '../../src/index.ts'
import { esKeys, token, type Keys } from './helpers.ts'

const GUIDE = readFileSync(join(import.meta.dirname, '../../docs/express-and-hono.md'), 'utf8')
const blocks = [...GUIDE.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
/** The `requireAuth` function of the guide's block importing `framework`, as written, bound to a server. */
function recipe<F>(framework: string): (rs: ResourceServer) => F {
  const block = blocks.find((b) => b.includes(`from '${framework}'`))
  const fn = block && /^export (?:async )?function requireAuth[\s\S]*?^}$/m.exec(block)?.[0]
  if (!fn) throw new Error(`docs/express-and-hono.md has no ${framework} requireAuth`)
  const js = transformSync(fn.replace(/^export /, ''), { loader: 'ts' }).code
  return new Function('rs', `${js}\nreturn requireAuth`) as (rs: ResourceServer) => F
}

const ISS = 'https://id.example/'
const AUD = 'https://api.example'
const PUBLIC = 'https://api.example'
const URL_ = `${PUBLIC}/api/orders`
const ALGS = 'algs="ES256 EdDSA Ed25519 PS256 RS256"'
const MISSING = `Bearer, DPoP ${ALGS}`
const bearerError = (code: string, error = 'invalid_token', scope = '') =>
  `Bearer error="${error}", error_description="${code}"${scope && `, scope="${scope}"`}, DPoP ${ALGS}`
const dpopError = (code: string, error = 'invalid_dpop_proof') => `Bearer, DPoP error="${error}", error_description="${code}", ${ALGS}`

let as: Keys
let client: CryptoKeyPair
let jkt: string
beforeAll(async () => {
  as = await esKeys()
  client = await generateKeyPair('ES256')
  jkt = await thumbprint(await exportJwk(client.publicKey))
})
const now = () => Math.floor(Date.now() / 1000)
const at = (over: Record<string, unknown> = {}) => token({
  iss: ISS, sub: 'user-1', aud: AUD, exp: now() + 300, iat: now() - 5, jti: crypto.randomUUID(), client_id: 'app', scope: 'orders:read', ...over,
}, 'at+jwt')
const server = (o: Partial<ResourceServerOptions> = {}) =>
  createResourceServer({ issuer: ISS, audience: AUD, jwks: as.pub, requiredScopes: ['orders:read'], publicUrl: PUBLIC, ...o })
const SECRET = new Uint8Array(32).fill(9)

type Send = (path: string, headers?: Record<string, string>) => Promise<Response>

/** The cases every recipe must pass, through `send` (a framework app behind the recipe). */
function cases(name: string, send: () => Send, dpopFetchUrl: () => string) {
  describe(`${name}: the recipe of docs/express-and-hono.md, in the real framework`, () => {
    const expectAnswer = async (res: Response, status: number, www: string | null) => {
      expect([res.status, res.headers.get('www-authenticate')]).toEqual([status, www])
      return res
    }

    it('a valid Bearer token reaches the route with the verified claims', async () => {
      const res = await expectAnswer(await send()('/api/orders', { authorization: `Bearer ${await at()}` }), 200, null)
      expect(await res.json()).toEqual({ sub: 'user-1', scheme: 'Bearer' })
    })

    it('no token: 401 and both challenges, no error; an empty body', async () => {
      const res = await expectAnswer(await send()('/api/orders'), 401, MISSING)
      expect(await res.text()).toBe('')
    })

    it('a bad token (expired): 401 invalid_token', async () => {
      await expectAnswer(await send()('/api/orders', { authorization: `Bearer ${await at({ exp: now() - 60 })}` }), 401, bearerError('ERR_JWT_EXPIRED'))
    })

    it('a token without the scope: 403 insufficient_scope with scope="orders:read"', async () => {
      await expectAnswer(await send()('/api/orders', { authorization: `Bearer ${await at({ scope: 'orders:write' })}` }), 403,
        bearerError('ERR_JWT_CLAIM_INVALID', 'insufficient_scope', 'orders:read'))
    })

    it('DPoP: the bound token with its proof passes (htu is publicUrl + the full path); the same proof again is refused', async () => {
      const t = await at({ cnf: { jkt } })
      const headers = { authorization: `DPoP ${t}`, dpop: await createDpopProof(client, { htm: 'GET', htu: URL_, accessToken: t }) }
      const res = await expectAnswer(await send()('/api/orders', headers), 200, null)
      expect(await res.json()).toEqual({ sub: 'user-1', scheme: 'DPoP' })
      await expectAnswer(await send()('/api/orders', headers), 401, dpopError('ERR_DPOP_INVALID'))
    })

    it('DPoP: a stolen bound token without its key is refused, as Bearer or with another key\'s proof', async () => {
      const t = await at({ cnf: { jkt } })
      await expectAnswer(await send()('/api/orders', { authorization: `Bearer ${t}` }), 401, bearerError('ERR_DPOP_INVALID'))
      const thief = await generateKeyPair('ES256')
      const dpop = await createDpopProof(thief, { htm: 'GET', htu: URL_, accessToken: t })
      // The proof is sound but its key is not the token's (cnf.jkt): the token's binding fails, invalid_token.
      await expectAnswer(await send()('/api/orders', { authorization: `DPoP ${t}`, dpop }), 401, dpopError('ERR_DPOP_INVALID', 'invalid_token'))
    })

    it('createDpopFetch through a server nonce: use_dpop_nonce, then the retry passes', async () => {
      const seen: Array<[number, string | null]> = []
      const dpopFetch = createDpopFetch(client, {
        fetch: (async (r: Request) => {
          const res = await fetch(r)
          seen.push([res.status, res.headers.get('www-authenticate')])
          return res
        }) as typeof fetch,
      })
      const res = await dpopFetch(dpopFetchUrl(), { accessToken: await at({ cnf: { jkt } }) })
      expect(res.status).toBe(200)
      expect(seen).toEqual([[401, dpopError('ERR_DPOP_NONCE_REQUIRED', 'use_dpop_nonce')], [200, null]])
    })
  })
}

// Hono: app.request() hands the app a Request for http://localhost/…; publicUrl makes the
// proof's URL the public one. A nonce route for createDpopFetch goes through a fetch stub.
let hono: Hono
beforeAll(() => {
  const requireAuth = recipe<MiddlewareHandler>('hono')
  hono = new Hono()
  hono.use('/api/*', requireAuth(server()))
  // The DPoP client calls http://honoapp.test (routed to the app below): that is its public URL.
  hono.use('/nonce/*', requireAuth(server({ dpopNonce: { secret: SECRET }, publicUrl: 'http://honoapp.test' })))
  const route = (c: Context) => {
    const auth = c.get('auth') as { payload: { sub: string }; scheme: string }
    return c.json({ sub: auth.payload.sub, scheme: auth.scheme })
  }
  hono.get('/api/orders', route)
  hono.get('/nonce/orders', route)
})
const honoSend: Send = async (path, headers = {}) => hono.request(path, { headers })
cases('Hono', () => honoSend, () => 'http://honoapp.test/nonce/orders')
// createDpopFetch's requests go to the app, not the network, for Hono.
const realFetch = globalThis.fetch
beforeAll(() => {
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const r = new Request(input, init)
    return new URL(r.url).host === 'honoapp.test' ? hono.request(new URL(r.url).pathname, { headers: r.headers, method: r.method }) : realFetch(r)
  }) as typeof fetch
})
afterAll(() => {
  globalThis.fetch = realFetch
})

// Express: a real server on 127.0.0.1, the middleware mounted under /api (Express strips
// the mount path from req.url: the recipe passes originalUrl).
let origin = ''
let close: () => void = () => {}
beforeAll(async () => {
  const requireAuth = recipe<express.RequestHandler>('express')
  const app = express()
  app.use('/api', requireAuth(server()))
  // The DPoP client calls the loopback origin, known once listening: that is its public URL.
  let nonceServer: ResourceServer | undefined
  app.use('/nonce', requireAuth({ authenticate: (r) => nonceServer!.authenticate(r) }))
  const route: express.RequestHandler = (req, res) => void res.json({ sub: res.locals.auth.payload.sub, scheme: res.locals.auth.scheme })
  app.get('/api/orders', route)
  app.get('/nonce/orders', route)
  const listener = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => listener.once('listening', resolve))
  origin = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`
  nonceServer = server({ dpopNonce: { secret: SECRET }, publicUrl: origin })
  close = () => listener.close()
})
afterAll(() => close())
const expressSend: Send = (path, headers = {}) => realFetch(origin + path, { headers })
cases('Express', () => expressSend, () => `${origin}/nonce/orders`)

// docs/resource-server.md: the Cloudflare Worker (its quick start), Next.js middleware and
// node:http recipes, as written. The Worker and Next.js get Fetch Requests (the Request
// their runtimes hand over); node:http runs on a loopback port and is sent two
// Authorization header lines, which it must see through req.rawHeaders.
const RS_GUIDE = readFileSync(join(import.meta.dirname, '../../docs/resource-server.md'), 'utf8')
const rsBlocks = [...RS_GUIDE.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
/**
 * `pattern`'s first group in the guide's first block containing `marker`, transpiled, as a
 * function of `rs` (and of the names in `scope`, which the block imports).
 */
function rsRecipe<F>(marker: string, pattern: RegExp, name: string, scope: Record<string, unknown> = {}): (rs: ResourceServer) => F {
  const code = pattern.exec(rsBlocks.find((b) => b.includes(marker)) ?? '')?.[1]
  if (!code) throw new Error(`docs/resource-server.md has no ${marker}`)
  const js = transformSync(code.startsWith('async function') ? code : `const ${name} = ${code}`, { loader: 'ts' }).code
  const make = new Function('rs', ...Object.keys(scope), `${js}\nreturn ${name}`) as (rs: ResourceServer, ...values: unknown[]) => F
  return (rs) => make(rs, ...Object.values(scope))
}

describe('docs/resource-server.md: the Worker, Next.js and node:http recipes as written', () => {
  const api = (headers: Record<string, string> = {}) => new Request(URL_, { headers })

  it('the Worker: 200 with the claims, 401/403 with the challenge and an empty body', async () => {
    const worker = rsRecipe<{ fetch(r: Request): Promise<Response> }>('export default {', /^export default (\{[\s\S]*?^\})$/m, 'worker')
    const w = worker(server({ publicUrl: undefined }))
    const ok = await w.fetch(api({ authorization: `Bearer ${await at()}` }))
    expect([ok.status, await ok.json()]).toEqual([200, { sub: 'user-1', scopes: ['orders:read'] }])
    const missing = await w.fetch(api())
    expect([missing.status, missing.headers.get('www-authenticate'), await missing.text()]).toEqual([401, MISSING, ''])
    const scope = await w.fetch(api({ authorization: `Bearer ${await at({ scope: 'x' })}` }))
    expect([scope.status, scope.headers.get('www-authenticate')]).toEqual([403, bearerError('ERR_JWT_CLAIM_INVALID', 'insufficient_scope', 'orders:read')])
    const t = await at({ cnf: { jkt } })
    const bound = await w.fetch(api({ authorization: `DPoP ${t}`, dpop: await createDpopProof(client, { htm: 'GET', htu: URL_, accessToken: t }) }))
    expect(bound.status).toBe(200)
  })

  it('the Worker recipe is examples/cloudflare-worker/src/index.ts, byte for byte (run in workerd by run-example-worker.mjs)', () => {
    const section = RS_GUIDE.slice(RS_GUIDE.indexOf('### Cloudflare Worker'), RS_GUIDE.indexOf('### Next.js'))
    const block = /^```ts\n([\s\S]*?)^```$/m.exec(section)?.[1]
    expect(block).toBe(readFileSync(join(import.meta.dirname, '../../examples/cloudflare-worker/src/index.ts'), 'utf8'))
  })

  describe('Next.js: the proxy of docs/resource-server.md with next/server\'s NextRequest and NextResponse', () => {
    const proxyOf = rsRecipe<(r: Request) => Promise<Response>>('export async function proxy', /^export (async function proxy[\s\S]*?^\})$/m, 'proxy', { NextResponse })
    let proxy: (r: Request) => Promise<Response>
    beforeAll(() => {
      proxy = proxyOf(server())
    })
    const next = (headers: Record<string, string> = {}) => new NextRequest(URL_, { headers })
    const answer = (res: Response) => [res.status, res.headers.get('x-middleware-next'), res.headers.get('www-authenticate')]

    it('a valid token: NextResponse.next() (on to the route), no challenge', async () => {
      const res = await proxy(next({ authorization: `Bearer ${await at()}` }))
      expect(res).toBeInstanceOf(NextResponse)
      expect(answer(res)).toEqual([200, '1', null])
    })

    it('refusals: the status and challenge, an empty body, never on to the route', async () => {
      const cases: Array<[Record<string, string>, number, string]> = [
        [{}, 401, MISSING],
        [{ authorization: `Bearer ${await at({ exp: now() - 60 })}` }, 401, bearerError('ERR_JWT_EXPIRED')],
        [{ authorization: `Bearer ${await at({ scope: 'orders:write' })}` }, 403, bearerError('ERR_JWT_CLAIM_INVALID', 'insufficient_scope', 'orders:read')],
        [{ authorization: `Bearer ${await at({ cnf: { jkt } })}` }, 401, bearerError('ERR_DPOP_INVALID')],
      ]
      for (const [headers, status, www] of cases) {
        const res = await proxy(next(headers))
        expect([...answer(res), await res.text()]).toEqual([status, null, www, ''])
      }
    })

    it('DPoP: the bound token with its proof goes on; the same request again is a replay', async () => {
      const t = await at({ cnf: { jkt } })
      const headers = { authorization: `DPoP ${t}`, dpop: await createDpopProof(client, { htm: 'GET', htu: URL_, accessToken: t }) }
      expect(answer(await proxy(next(headers)))).toEqual([200, '1', null])
      expect(answer(await proxy(next(headers)))).toEqual([401, null, dpopError('ERR_DPOP_INVALID')])
    })

    it('server nonces: use_dpop_nonce with dpop-nonce; a proof with the previous window\'s nonce goes on with the current one', async () => {
      let clock = Date.now()
      const p = proxyOf(server({ dpopNonce: { secret: SECRET, lifetime: '5m' }, now: () => new Date(clock) }))
      const t = await at({ cnf: { jkt }, exp: now() + 3600 })
      const call = async (nonce?: string) => p(next({
        authorization: `DPoP ${t}`,
        dpop: await createDpopProof(client, { htm: 'GET', htu: URL_, accessToken: t, now: () => new Date(clock), ...(nonce !== undefined && { nonce }) }),
      }))
      const first = await call()
      expect(answer(first)).toEqual([401, null, dpopError('ERR_DPOP_NONCE_REQUIRED', 'use_dpop_nonce')])
      const nonce = first.headers.get('dpop-nonce')!
      expect([nonce.length > 0, first.headers.get('cache-control')]).toEqual([true, 'no-store'])
      expect([...answer(await call(nonce)), (await call(nonce)).headers.get('dpop-nonce')]).toEqual([200, '1', null, null])
      clock += 300_000 // the next window: the nonce is the previous one, still accepted
      const later = await call(nonce)
      expect(answer(later)).toEqual([200, '1', null])
      expect([later.headers.get('dpop-nonce') !== nonce && later.headers.get('dpop-nonce') !== null, later.headers.get('cache-control')]).toEqual([true, 'no-store'])
    })
  })

  it('node:http: req passed as is; two Authorization lines are a 400, not the first one accepted', async () => {
    const { createServer, request } = await import('node:http')
    const handler = rsRecipe<Parameters<typeof createServer>[1]>('node:http', /createServer\((async \(req, res\) => \{[\s\S]*?^\})\)\.listen/m, 'handler')
    const srv = createServer(handler(server()))
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
    const port = (srv.address() as AddressInfo).port
    const call = (authorization?: string | string[]) => new Promise<[number, string | undefined]>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/api/orders', headers: authorization === undefined ? {} : { authorization: authorization as string } }, (res) => { // an array: one line each
        res.resume()
        resolve([res.statusCode!, res.headers['www-authenticate'] as string | undefined])
      }).on('error', reject).end()
    })
    try {
      const good = `Bearer ${await at()}`
      expect(await call(good)).toEqual([200, undefined])
      expect(await call()).toEqual([401, MISSING])
      expect(await call([good, `Bearer ${await at({ sub: 'mallory' })}`])).toEqual([400, bearerError('ERR_REQUEST_INVALID', 'invalid_request')])
    } finally {
      srv.close()
    }
  })
})
