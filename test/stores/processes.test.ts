/**
 * Replay protection across processes (issue 19): separate Node processes, each with its own
 * Redis client and its own isojwt (the built package, test/stores/child.mjs), share one real
 * redis-server. The same jtis, the same client assertion, the same DPoP proof and the same
 * DPoP-bound request (to each process's own createResourceServer) arrive at all of them at once: each is accepted exactly once in total. And two processes sharing
 * the Redis cacheStore make one JWK Set request between them. Needs dist/ (`npm run build`;
 * `npm test` builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDpopProof, exportJwk, generateKeyPair, sign, signClientAssertion, thumbprint } from '../../src/index.ts'
import { NO_REDIS, startRedis, type RedisServer } from './redis-server.ts'
import { clientKeys, idToken, jwksServer, type Kind } from './fixtures.ts'

const CHILD = new URL('./child.mjs', import.meta.url).pathname
const BUILT = existsSync(new URL('../../dist/stores.js', import.meta.url))
const PROCESSES = 4

interface Child { proc: ChildProcess; next(): Promise<string> }

function start(job: object): Child {
  const proc = spawn(process.execPath, [CHILD, JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const out = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]()
  return { proc, next: async () => String((await out.next()).value ?? '') }
}

/** Runs the children's phases in lockstep: all ready, then each phase starts in all of them at one instant. */
async function lockstep(children: Child[], phases: number): Promise<unknown[][]> {
  const results: unknown[][] = []
  for (let p = 0; p < phases; p++) {
    expect(await Promise.all(children.map((c) => c.next()))).toEqual(children.map(() => 'ready'))
    const at = Date.now() + 150
    for (const c of children) c.proc.stdin!.write(`go ${at}\n`)
    const lines = await Promise.all(children.map((c) => c.next()))
    results.push(lines.map((l) => {
      expect(l.startsWith('result '), l).toBe(true)
      return JSON.parse(l.slice(7))
    }))
  }
  await Promise.all(children.map((c) => new Promise((r) => (c.proc.exitCode !== null ? r(0) : c.proc.once('exit', r)))))
  return results
}

describe.skipIf(NO_REDIS || !BUILT).each<Kind>(['node-redis', 'ioredis'])('across %d processes through %s (real redis-server)'.replace('%d', String(PROCESSES)), (kind) => {
  let server: RedisServer
  beforeAll(async () => { server = await startRedis() })
  afterAll(async () => { await server?.stop() })

  it('50 jtis, 100 copies of one client assertion, of one DPoP proof and of one DPoP-bound request to each process\'s own resource server: each accepted exactly once in total', async () => {
    const keys = await clientKeys()
    const assertion = await signClientAssertion({ clientId: 'app', audience: 'https://as.example', key: keys.privateJwk, alg: 'ES256' })
    const dpopKey = await generateKeyPair('ES256')
    const proof = await createDpopProof(dpopKey, { htm: 'POST', htu: 'https://as.example/token' })
    // An RFC 9068 access token bound to the DPoP key (cnf.jkt), and a proof for one API request.
    const as = await clientKeys()
    const accessToken = await sign({ sub: 'user-1', client_id: 'app', jti: `${kind}-at`, cnf: { jkt: await thumbprint(await exportJwk(dpopKey.publicKey)) } },
      as.privateJwk, { alg: 'ES256', typ: 'at+jwt', issuer: 'https://as.example', audience: 'https://api.example', expiresIn: '5m' })
    const resourceProof = await createDpopProof(dpopKey, { htm: 'GET', htu: 'https://api.example/resource', accessToken })
    const jtis = Array.from({ length: 50 }, (_, i) => `${kind}-jti-${i}`)
    const job = { kind, url: server.url, phases: ['jtis', 'assertion', 'dpop', 'resource'], jtis, assertion, publicJwk: keys.publicJwk, proof, asJwk: as.publicJwk, accessToken, resourceProof, times: 100 }
    const [added, assertions, proofs, resources] = await lockstep(Array.from({ length: PROCESSES }, () => start(job)), 4)
    const all = (added as string[][]).flat()
    expect(all.length).toBe(50)
    expect(new Set(all)).toEqual(new Set(jtis))
    const total = (rows: unknown[], key: string) => (rows as Record<string, number>[]).reduce((n, r) => n + (r[key] ?? 0), 0)
    for (const [rows, replayed] of [[assertions, 'ERR_JWT_CLAIM_INVALID/replayed'], [proofs, 'ERR_DPOP_INVALID/replayed'], [resources, 'ERR_DPOP_INVALID/replayed']] as const) {
      expect(total(rows!, 'accepted'), JSON.stringify(rows)).toBe(1)
      expect(total(rows!, replayed), JSON.stringify(rows)).toBe(PROCESSES * 100 - 1)
    }
    console.log(`${kind}: jtis accepted per process ${(added as string[][]).map((a) => a.length).join('+')} = 50; assertion ${JSON.stringify(assertions)}; DPoP ${JSON.stringify(proofs)}; resource servers ${JSON.stringify(resources)}`)
  })

  it('two processes sharing the Redis cacheStore, one after the other: one JWK Set request between them', async () => {
    const keys = await clientKeys()
    const jwks = await jwksServer({ keys: [{ ...keys.publicJwk, kid: 'k1', alg: 'ES256' }] })
    try {
      const job = { kind, url: server.url, phases: ['jwks'], jwksUrl: jwks.url, token: await idToken(keys.privateJwk) }
      expect(await lockstep([start(job)], 1)).toEqual([['verified']])
      expect(await lockstep([start(job)], 1)).toEqual([['verified']])
      expect(jwks.requests()).toBe(1)
    } finally {
      await jwks.close()
    }
  })
})
