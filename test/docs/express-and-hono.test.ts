/**
 * docs/express-and-hono.md, run: the guide's glue (`authenticate`, `failure`) and its
 * Express and Hono `requireAuth` are taken from the Markdown as written, joined into one
 * module importing the library's source, and driven with Fetch `Request`s (Hono's context
 * faked around one) and fake Express req/res objects. The key set's `fetch` is stubbed:
 * it serves a generated RS256 key, or fails as an unreachable provider does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { exportJwk, generateKeyPair, sign, type Jwk, type JwtPayload } from '../../src/index.ts'

const ROOT = join(import.meta.dirname, '../..')
const GUIDE = readFileSync(join(ROOT, 'docs/express-and-hono.md'), 'utf8')
const blocks = [...GUIDE.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
const glue = blocks.find((b) => b.includes('export async function authenticate'))!
/** The exported `requireAuth` function of the block that imports `framework`, as written. */
const requireAuth = (framework: string) => /^export (?:async )?function requireAuth[\s\S]*?^}$/m.exec(blocks.find((b) => b.includes(`from '${framework}'`))!)![0]
const dir = mkdtempSync(join(tmpdir(), 'isojwt-guide-'))

type Auth = { ok: true; payload: JwtPayload; scopes: string[] } | { ok: false; status: number; headers: Record<string, string> }
interface Guide {
  authenticate(authorization: string | null | undefined): Promise<Auth>
  failure(e: unknown): Auth
  expressAuth(req: unknown, res: unknown, next: (e?: unknown) => void): void
  honoAuth(c: unknown, next: () => Promise<void>): Promise<Response | void>
}
let n = 0
/** A fresh copy of the guide's module (its own key set). */
async function load(): Promise<Guide> {
  const src = [
    glue.replace(`from 'isojwt'`, `from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/index.ts')).href)}`),
    requireAuth('express').replace('function requireAuth', 'function expressAuth'),
    requireAuth('hono').replace('function requireAuth', 'function honoAuth'),
  ].join('\n')
  const file = join(dir, `guide-${n++}.ts`)
  writeFileSync(file, src)
  return import(/* @vite-ignore */ pathToFileURL(file).href)
}

let jwk: Jwk
let privateKey: CryptoKey
const claims = { iss: 'https://id.example/', aud: 'https://api.example', sub: 'u1', client_id: 'c1', jti: 'j1' }
const access = (extra: Record<string, unknown> = {}, key: CryptoKey = privateKey, now = new Date()) =>
  sign({ ...claims, scope: 'orders:read orders:write', ...extra }, key, { alg: 'RS256', typ: 'at+jwt', kid: 'k1', expiresIn: '5m', now })

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true })
  privateKey = pair.privateKey
  jwk = { ...(await exportJwk(pair.publicKey)), kid: 'k1' }
})
afterEach(() => vi.unstubAllGlobals())
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const serveKeys = () => vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ keys: [jwk] }), { status: 200, headers: { 'content-type': 'application/json' } }))

describe('docs/express-and-hono.md: the glue', () => {
  it('the guide has the glue and both middlewares', () => {
    expect(glue).toContain('export const BEARER')
    expect(requireAuth('express')).toContain('res.status(auth.status).set(auth.headers).end()')
    expect(requireAuth('hono')).toContain('c.body(null, auth.status, auth.headers)')
  })

  it('a good token passes; the scope, the token, the header and the key set map to 403, 401 and 503', async () => {
    serveKeys()
    const g = await load()
    const ok = await g.authenticate(`Bearer ${await access()}`)
    expect(ok).toMatchObject({ ok: true, payload: { sub: 'u1' }, scopes: ['orders:read', 'orders:write'] })
    expect(await g.authenticate(`bearer   ${await access()}`)).toMatchObject({ ok: true })
    expect(await g.authenticate(`Bearer ${await access({ scope: 'orders:write' })}`)).toEqual({
      ok: false, status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope", error_description="ERR_JWT_CLAIM_INVALID", scope="orders:read"' },
    })
    expect(await g.authenticate(`Bearer ${await access({ scope: undefined })}`)).toMatchObject({ status: 403 })
    expect(await g.authenticate(`Bearer ${await access({ scope: 5 })}`)).toMatchObject({ status: 401 }) // a malformed claim: a bad token
    const forged = (await generateKeyPair('RS256')).privateKey
    expect(await g.authenticate(`Bearer ${await access({}, forged)}`)).toEqual({
      ok: false, status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="ERR_JWS_SIGNATURE_INVALID"' },
    })
    expect(await g.authenticate(`Bearer ${await access({}, privateKey, new Date(Date.now() - 3_600_000))}`)).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="ERR_JWT_EXPIRED"' } })
    for (const h of [undefined, null, '', 'Bearer', 'Basic dTpw', `Bearer "${await access()}"`]) {
      expect(await g.authenticate(h)).toEqual({ ok: false, status: 401, headers: { 'www-authenticate': 'Bearer' } })
    }
  })

  it('an unreachable key set is 503 with retry-after, never 401', async () => {
    vi.stubGlobal('fetch', async () => { throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }) })
    const g = await load()
    expect(await g.authenticate(`Bearer ${await access()}`)).toEqual({ ok: false, status: 503, headers: { 'retry-after': '10' } })
  })

  it('our own mistakes are thrown (a 500), not answered as the client\'s', async () => {
    const g = await load()
    const bug = new Error('bug')
    expect(() => g.failure(bug)).toThrow(bug)
    const { JoseError } = await import('../../src/index.ts')
    expect(() => g.failure(new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'x'))).toThrow()
  })
})

describe('docs/express-and-hono.md: the middlewares', () => {
  it('Hono: a Request without a token gets the 401 response; with one, next() runs with the user set', async () => {
    serveKeys()
    const g = await load()
    const context = (request: Request) => {
      const vars = new Map<string, unknown>()
      return {
        vars,
        req: { raw: request, header: (name: string) => request.headers.get(name) ?? undefined },
        set: (k: string, v: unknown) => vars.set(k, v),
        body: (data: string | null, status?: number, headers?: Record<string, string>) => new Response(data, { status, headers }),
      }
    }
    const next = vi.fn(async () => {})
    const denied = await g.honoAuth(context(new Request('https://api.example/api/orders')), next)
    expect(denied).toBeInstanceOf(Response)
    expect([(denied as Response).status, (denied as Response).headers.get('www-authenticate')]).toEqual([401, 'Bearer'])
    expect(next).not.toHaveBeenCalled()
    const c = context(new Request('https://api.example/api/orders', { headers: { Authorization: `Bearer ${await access()}` } }))
    expect(await g.honoAuth(c, next)).toBeUndefined()
    expect(next).toHaveBeenCalledOnce()
    expect(c.vars.get('user')).toMatchObject({ sub: 'u1' })
  })

  it('Express: the answer goes to res (status, headers, end); a pass sets res.locals.user and calls next()', async () => {
    serveKeys()
    const g = await load()
    const run = (authorization: string | undefined) => new Promise<{ res: Record<string, unknown>; next: unknown[] | undefined }>((resolve) => {
      const res = {
        locals: {} as Record<string, unknown>, sent: {} as Record<string, unknown>,
        status(code: number) { this.sent.status = code; return this },
        set(headers: Record<string, string>) { this.sent.headers = headers; return this },
        end() { resolve({ res: this, next: undefined }); return this },
      }
      g.expressAuth({ headers: { authorization } }, res, (...args: unknown[]) => resolve({ res, next: args }))
    })
    const denied = await run(`Bearer ${await access({ scope: 'other' })}`)
    expect(denied.next).toBeUndefined()
    expect((denied.res.sent as Record<string, unknown>).status).toBe(403)
    const passed = await run(`Bearer ${await access()}`)
    expect(passed.next).toEqual([])
    expect((passed.res.locals as Record<string, JwtPayload>).user?.sub).toBe('u1')
    // a rejection in the chain (here: res throwing) reaches next(error), as Express 4 needs
    const boom = new Error('boom')
    const err = await new Promise((resolve) => g.expressAuth({ headers: {} }, { status: () => { throw boom } }, resolve))
    expect(err).toBe(boom)
  })
})
