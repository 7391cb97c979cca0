// The memory scenario (opt-in: `npm run bench -- --memory`), one verifier per process:
//   node --expose-gc bench/lib/memory.mjs <isojwt|fast-jwt> <isojwt entry URL> <tokens> <cache size>
// A caching verifier is fed that many distinct valid HS256 tokens (made here with
// node:crypto, one at a time, never all held at once); the heap after a full GC is
// sampled as it goes. The cache holds at most <cache size> entries, so once it is full
// the heap must stop growing. Prints one line `ISOJWT_MEMORY {json}`.
import { createHmac, randomBytes } from 'node:crypto'

const [which, isojwtUrl, totalArg, cacheArg] = process.argv.slice(2)
const TOTAL = Number(totalArg)
const CACHE = Number(cacheArg)
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc')

const secret = randomBytes(32).toString('base64url')
const now = Math.floor(Date.now() / 1000)
const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')
const hmac = (input) => createHmac('sha256', secret).update(input).digest('base64url')
const tokenAt = (i) => {
  const payload = Buffer.from(JSON.stringify({ iss: 'https://issuer.example', aud: 'bench-api', sub: `user-${i}`, iat: now, exp: now + 86_400, jti: `t${i}` })).toString('base64url')
  const input = `${header}.${payload}`
  return `${input}.${hmac(input)}`
}

async function makeVerifier() {
  if (which === 'isojwt') {
    const { createVerifier } = await import(isojwtUrl)
    const key = await crypto.subtle.importKey('raw', Buffer.from(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
    return createVerifier(key, { algorithms: ['HS256'], issuer: 'https://issuer.example', audience: 'bench-api', cache: CACHE })
  }
  const { createVerifier } = (await import('fast-jwt')).default
  return createVerifier({ key: secret, algorithms: ['HS256'], allowedIss: 'https://issuer.example', allowedAud: 'bench-api', cache: CACHE })
}

function heap() {
  globalThis.gc()
  globalThis.gc()
  return process.memoryUsage().heapUsed
}

const verify = await makeVerifier()
// Warm the code paths on tokens outside the measured range, then start from a clean slate.
for (let i = 0; i < 200; i++) await verify(tokenAt(-1 - i))
const checkpoints = new Set([0, CACHE / 2, CACHE, 2 * CACHE, 5 * CACHE, 10 * CACHE, TOTAL / 4, TOTAL / 2, (3 * TOTAL) / 4, TOTAL].filter((n) => Number.isInteger(n) && n <= TOTAL))
const samples = []
const t0 = performance.now()
for (let i = 0; i <= TOTAL; i++) {
  if (checkpoints.has(i)) samples.push({ tokens: i, heapMB: +(heap() / 2 ** 20).toFixed(2), rssMB: +(process.memoryUsage().rss / 2 ** 20).toFixed(1), seconds: +((performance.now() - t0) / 1000).toFixed(1) })
  if (i === TOTAL) break
  const r = await verify(tokenAt(i))
  const sub = r.payload ? r.payload.sub : r.sub
  if (sub !== `user-${i}`) throw new Error(`token ${i}: wrong result`)
}
const at = (n) => samples.find((s) => s.tokens === n)?.heapMB
const base = samples[0].heapMB
const full = at(2 * CACHE) ?? at(CACHE)
const end = samples.at(-1).heapMB
const cacheMB = full - base
const growthMB = end - full
// Bounded: after the cache filled, the heap grows by less than a quarter of what the full
// cache itself takes, plus 2 MB of slack for the collector's own bookkeeping.
const bounded = growthMB < cacheMB * 0.25 + 2
console.log(`ISOJWT_MEMORY ${JSON.stringify({
  contender: which, tokens: TOTAL, cache: CACHE, samples,
  cacheMB: +cacheMB.toFixed(2), bytesPerEntry: Math.round((cacheMB * 2 ** 20) / CACHE),
  growthAfterFullMB: +growthMB.toFixed(2), bounded,
  verifiesPerSecond: Math.round(TOTAL / ((performance.now() - t0) / 1000)),
})}`)
