// One process of the cross-process store tests (processes.test.ts): its own Redis client
// and its own isojwt, loaded from the built package by its name ('isojwt', 'isojwt/stores':
// dist/node.js and dist/stores.js, which imports the same dist/node.js). For each phase of
// the job it prints `ready`, waits for `go <epoch ms>` on stdin (every process starts the
// phase at that instant), runs it and prints `result <json>`.
import { createInterface } from 'node:readline'
import { createRemoteJwks, createResourceServer, isJoseError, verify, verifyClientAssertion, verifyDpopProof } from 'isojwt'
import { redisCacheStore, redisReplayStore } from 'isojwt/stores'

const job = JSON.parse(process.argv[2])
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()

async function connect() {
  if (job.kind === 'ioredis') {
    const { Redis } = await import('ioredis')
    const c = new Redis(job.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true })
    await c.connect()
    return { client: c, close: () => c.disconnect() }
  }
  const { createClient } = await import('redis')
  const c = await createClient({ url: job.url, disableOfflineQueue: true }).connect()
  return { client: c, close: () => c.destroy() }
}

/** Runs `n` copies of `attempt` at once: how many were accepted, and the codes of the rest. */
async function tally(n, attempt) {
  const outcomes = await Promise.all(Array.from({ length: n }, () => attempt().then(() => 'accepted', (e) => (isJoseError(e) ? `${e.code}${e.reason ? `/${e.reason}` : ''}` : String(e)))))
  const codes = {}
  for (const o of outcomes) codes[o] = (codes[o] ?? 0) + 1
  return codes
}

const { client, close } = await connect()
const replayStore = redisReplayStore(client)
const phases = {
  async jtis() {
    const until = new Date(Date.now() + 60_000)
    // Each process in its own order, so that they meet on the same keys from all sides.
    const order = [...job.jtis].sort(() => Math.random() - 0.5)
    const added = await Promise.all(order.map((jti) => replayStore.add(jti, until)))
    return order.filter((_, i) => added[i] === true)
  },
  assertion: () => tally(job.times, () => verifyClientAssertion(job.assertion, job.publicJwk, { clientId: 'app', audience: 'https://as.example', replayStore })),
  dpop: () => tally(job.times, () => verifyDpopProof(job.proof, { htm: 'POST', htu: 'https://as.example/token', replayStore })),
  // This process's own resource server (issue 19): the same DPoP-bound request, job.times at once.
  resource() {
    const rs = createResourceServer({ issuer: 'https://as.example', audience: 'https://api.example', jwks: job.asJwk, algorithms: ['ES256'], dpop: 'required', replayStore })
    const request = () => new Request('https://api.example/resource', { headers: { authorization: `DPoP ${job.accessToken}`, dpop: job.resourceProof } })
    return tally(job.times, async () => {
      const outcome = await rs.authenticate(request())
      if (!outcome.ok) throw outcome.error
    })
  },
  async jwks() {
    const cacheStore = redisCacheStore(client)
    await verify(job.token, createRemoteJwks(job.jwksUrl, { cacheStore }), { issuer: 'https://id.example' })
    // The store write is not awaited by the key set: wait until it landed before exiting.
    for (let i = 0; i < 100 && (await cacheStore.get(job.jwksUrl)) === undefined; i++) await new Promise((r) => setTimeout(r, 20))
    return 'verified'
  },
}
try {
  for (const phase of job.phases) {
    console.log('ready')
    const go = /^go (\d+)$/.exec((await lines.next()).value ?? '')
    if (!go) throw new Error('expected go <time>')
    // Every process starts the phase at the same instant, not as each reads its `go`.
    await new Promise((r) => setTimeout(r, Number(go[1]) - Date.now()))
    console.log(`result ${JSON.stringify(await phases[phase]())}`)
  }
} finally {
  close()
  process.stdin.destroy()
}
