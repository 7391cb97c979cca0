// A/B of web builds of isojwt (the crypto.subtle backend, what `isojwt/web` serves) in one
// process by CPU time, beside the WebCrypto peers and the bare subtle call: the sibling of
// ab.mjs (same method, bench/README.md, item 12) for the target "isojwt/web − best
// WebCrypto peer, both ÷ subtle". Each build is an ESM bundle of the web build (dist/index.js
// of a checkout, or `npx esbuild src/index.ts --bundle --format=esm --platform=neutral
// --target=es2022 --outfile=/tmp/new-web.mjs`, no `isojwt-node` condition):
//   node bench/ab-web.mjs --builds /tmp/old-web.mjs,/tmp/new-web.mjs [--only sign-RS256,verify-ES256] [--rounds 12] [--ms 150]
// Every contender is given the same CryptoKeys (crypto.subtle.importKey of the fixtures'
// JWKs), as in run-webcrypto.mjs. A contender's rate is its calls per second of this
// process's CPU time (process.cpuUsage, which counts the thread pool's work on subtle's jobs
// too). Printed per scenario: each build's one-shot function over the first build's (median
// of the within-round ratios, p10–p90), every contender ÷ crypto.subtle, and each build's
// gap to the best peer (both ÷ subtle, as bench/targets.mjs reads it). Last line: JSON.
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { AUD, ISS, makeFixtures, WEB } from './lib/fixtures.mjs'
import { abArgs, cpuRounds } from './lib/cpu-rounds.mjs'
import { median } from './lib/harness.mjs'

const require = createRequire(import.meta.url)
const { names, libs, only, rounds, ms } = await abArgs('node bench/ab-web.mjs --builds old-web.mjs,new-web.mjs [--only sign-RS256,verify-ES256] [--rounds 12] [--ms 150]', 'sign-RS256,verify-RS256,verify-ES256')
const [jose, hono, tsndr] = await Promise.all(['jose', 'hono/jwt', '@tsndr/cloudflare-worker-jwt'].map((m) => import(pathToFileURL(require.resolve(m)).href)))
const fx = await makeFixtures()
const at = (a, i) => a[i % a.length]
const PEERS = ['jose', 'hono', 'tsndr']

const keysOf = (alg) => ({ priv: fx.algs[alg].webPrivate, pub: fx.algs[alg].webPublic })

// Every build first runs every algorithm's sign and verify (warm, polymorphic feedback, as in the bench).
for (const L of libs) {
  for (const alg of ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA']) {
    const a = fx.algs[alg]
    const { priv, pub } = keysOf(alg)
    const opts = { algorithms: [alg], issuer: ISS, audience: AUD }
    const s = L.createSigner(priv, { alg })
    const v = L.createVerifier(pub, opts)
    const end = performance.now() + 60
    for (let i = 0; performance.now() < end; i++) {
      await L.sign(at(a.payloads, i), priv, { alg })
      await s(at(a.payloads, i))
      await L.verify(at(a.tokens, i).token, pub, opts)
      await v(at(a.tokens, i).token)
    }
  }
}

async function contenders(op, alg) {
  const a = fx.algs[alg]
  const { priv, pub } = keysOf(alg)
  const w = WEB[alg]
  const tsndrHas = alg !== 'PS256' && alg !== 'EdDSA'
  const c = []
  if (op === 'sign') {
    libs.forEach((L, j) => {
      c.push({ name: `${names[j]} sign`, fn: (i) => L.sign(at(a.payloads, i), priv, { alg }) })
      const s = L.createSigner(priv, { alg })
      c.push({ name: `${names[j]} createSigner`, fn: (i) => s(at(a.payloads, i)) })
    })
    c.push({ name: 'jose', fn: (i) => new jose.SignJWT(at(a.payloads, i)).setProtectedHeader({ alg, typ: 'JWT' }).sign(priv) })
    c.push({ name: 'hono', fn: (i) => hono.sign(at(a.payloads, i), priv, alg) })
    if (tsndrHas) c.push({ name: 'tsndr', fn: (i) => tsndr.sign(at(a.payloads, i), priv, { algorithm: alg }) })
    c.push({ name: 'crypto.subtle', fn: (i) => crypto.subtle.sign(w.op, priv, at(a.tokens, i).input) })
  } else {
    const opts = { algorithms: [alg], issuer: ISS, audience: AUD }
    libs.forEach((L, j) => {
      c.push({ name: `${names[j]} verify`, fn: (i) => L.verify(at(a.tokens, i).token, pub, opts) })
      const v = L.createVerifier(pub, opts)
      c.push({ name: `${names[j]} createVerifier`, fn: (i) => v(at(a.tokens, i).token) })
    })
    c.push({ name: 'jose', fn: (i) => jose.jwtVerify(at(a.tokens, i).token, pub, opts) })
    c.push({ name: 'hono', fn: (i) => hono.verify(at(a.tokens, i).token, pub, { alg, iss: ISS, aud: AUD }) })
    if (tsndrHas) c.push({ name: 'tsndr', fn: (i) => tsndr.verify(at(a.tokens, i).token, pub, { algorithm: alg, throwError: true }) })
    c.push({ name: 'crypto.subtle', fn: (i) => { const t = at(a.tokens, i); return crypto.subtle.verify(w.op, pub, t.sig, t.input) } })
  }
  return c
}

const out = {}
for (const sc of only) {
  const [op, alg] = sc.split('-')
  const c = await contenders(op, alg)
  const ratio = await cpuRounds(c, rounds, ms)
  const by = Object.fromEntries(c.map((x) => [x.name, x]))
  const f = (x) => x.toFixed(3)
  const kind = op === 'verify' ? 'verify' : 'sign'
  console.log(`\n## ${sc} on ${process.version} (${rounds} rounds × ${ms} ms per contender; calls per CPU second)`)
  for (const x of c) console.log(`  ${x.name.padEnd(28)} ${Math.round(median(x.rate))}  ÷ subtle ${f(ratio(x.name, 'crypto.subtle').med)}`)
  out[sc] = {}
  for (const k of [kind, op === 'verify' ? 'createVerifier' : 'createSigner']) {
    for (let j = 1; j < names.length; j++) {
      const q = ratio(`${names[j]} ${k}`, `${names[0]} ${k}`)
      console.log(`  ${k}: ${names[j]} ÷ ${names[0]} = ${f(q.med)} (p10–p90 ${f(q.lo)}–${f(q.hi)})`)
      out[sc][`${k} ${names[j]} ÷ ${names[0]}`] = +q.med.toFixed(3)
    }
  }
  // The target's reading: isojwt/web ÷ subtle minus the best peer's ÷ subtle (medians over rounds).
  const peers = PEERS.filter((p) => by[p]).map((p) => [p, ratio(p, 'crypto.subtle').med])
  const best = peers.reduce((m, p) => (p[1] > m[1] ? p : m))
  for (let j = 0; j < names.length; j++) {
    const gap = ratio(`${names[j]} ${kind}`, 'crypto.subtle').med - best[1]
    console.log(`  ${names[j]} ${kind} − best peer (${best[0]}), both ÷ subtle = ${gap >= 0 ? '+' : ''}${f(gap)}`)
    out[sc][`gap ${names[j]}`] = +gap.toFixed(3)
  }
}
console.log(`\nJSON ${JSON.stringify({ node: process.version, out })}`)
