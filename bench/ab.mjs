// A/B of node builds of isojwt in one process, by CPU time: how a change was measured on a
// shared machine (bench/README.md, item 12). Each build is an ESM bundle of the node build
// (dist/node.js of a checkout, or `npx esbuild src/index.ts --bundle --format=esm
// --platform=neutral --conditions=isojwt-node --external:node:crypto --external:node:buffer
// --outfile=/tmp/new.mjs`):
//   node bench/ab.mjs --builds /tmp/old.mjs,/tmp/new.mjs [--only sign-HS256,verify-RS256] [--rounds 12] [--ms 150]
// Every build first runs every algorithm's sign and verify paths (as in npm run bench, the
// code is warm and its feedback polymorphic); then, per scenario, rounds in which every
// contender runs `ms` in 20 ms slices, in an order shuffled per slice. A contender's rate
// is its calls per second of this process's CPU time (process.cpuUsage: user + system), so
// time the process spends descheduled by the other load of the machine does not count.
// Printed per scenario: each build's one-shot and prepared function over the first
// build's, and over fast-jwt and the bare node:crypto calls, as the median of the
// within-round ratios (p10–p90 for the A/B). The last line is the same as JSON.
import { createHmac, timingSafeEqual, verify as nodeVerify } from 'node:crypto'
import { createRequire } from 'node:module'
import { AUD, ISS, makeFixtures, nodeParams } from './lib/fixtures.mjs'
import { abArgs, cpuRounds } from './lib/cpu-rounds.mjs'
import { median } from './lib/harness.mjs'

const fastJwt = createRequire(import.meta.url)('fast-jwt')
const { names, libs, only, rounds, ms } = await abArgs('node bench/ab.mjs --builds old.mjs,new.mjs [--only sign-HS256,verify-RS256] [--rounds 12] [--ms 150]', 'sign-HS256,verify-HS256,verify-RS256')
const fx = await makeFixtures()
const at = (a, i) => a[i % a.length]

for (const L of libs) {
  for (const alg of ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA']) {
    const a = fx.algs[alg]
    const opts = { algorithms: [alg], issuer: ISS, audience: AUD }
    const kp = await L.importKey(a.privateJwk, alg)
    const kv = await L.importKey(a.publicJwk, alg)
    const s = L.createSigner(kp, { alg })
    const v = L.createVerifier(kv, opts)
    const vc = L.createVerifier(kv, { ...opts, cache: 1000 })
    const end = performance.now() + 60
    for (let i = 0; performance.now() < end; i++) {
      await L.sign(at(a.payloads, i), kp, { alg })
      await s(at(a.payloads, i))
      await L.verify(at(a.tokens, i).token, kv, opts)
      await v(at(a.tokens, i).token)
      await vc(at(a.tokens, i).token)
    }
  }
}

function contenders(op, alg) {
  const a = fx.algs[alg]
  const c = []
  if (op === 'verify') {
    const opts = { algorithms: [alg], issuer: ISS, audience: AUD }
    libs.forEach((L, j) => {
      c.push({ name: `${names[j]} verify`, make: async () => { const k = await L.importKey(a.publicJwk, alg); return (i) => L.verify(at(a.tokens, i).token, k, opts) } })
      c.push({ name: `${names[j]} createVerifier`, make: async () => { const v = L.createVerifier(await L.importKey(a.publicJwk, alg), opts); return (i) => v(at(a.tokens, i).token) } })
    })
    if (alg === 'HS256') {
      c.push({ name: 'node:crypto', sync: true, make: async () => (i) => { const t = at(a.tokens, i); return timingSafeEqual(createHmac('sha256', a.nodePublic).update(t.input).digest(), t.sig) } })
    } else {
      const [d, k] = nodeParams(alg, a.nodePublic)
      c.push({ name: 'node:crypto', sync: true, make: async () => (i) => { const t = at(a.tokens, i); return nodeVerify(d, t.input, k, t.sig) } })
      if (alg === 'ES256') c.push({ name: 'node:crypto DER', sync: true, make: async () => (i) => { const t = at(a.tokens, i); return nodeVerify('sha256', t.input, a.nodePublic, t.sigDer) } })
      // The bare call plus what every verifier of a token must do first: the signing input's
      // bytes and the signature decoded from its segment.
      c.push({ name: 'node:crypto+decode', sync: true, make: async () => (i) => { const tk = at(a.tokens, i).token; const b = tk.lastIndexOf('.'); return nodeVerify(d, Buffer.from(tk.slice(0, b), 'latin1'), k, Buffer.from(tk.slice(b + 1), 'base64url')) } })
    }
    c.push({ name: 'fast-jwt', sync: true, make: async () => { const v = fastJwt.createVerifier({ key: a.secret ?? a.publicPem, algorithms: [alg], allowedIss: ISS, allowedAud: AUD }); return (i) => v(at(a.tokens, i).token) } })
  } else {
    libs.forEach((L, j) => {
      c.push({ name: `${names[j]} sign`, make: async () => { const k = await L.importKey(a.privateJwk, alg); return (i) => L.sign(at(a.payloads, i), k, { alg }) } })
      c.push({ name: `${names[j]} createSigner`, make: async () => { const s = L.createSigner(await L.importKey(a.privateJwk, alg), { alg }); return (i) => s(at(a.payloads, i)) } })
    })
    c.push({ name: 'fast-jwt', sync: true, make: async () => { const s = fastJwt.createSigner({ key: a.secret ?? a.privatePem, algorithm: alg }); return (i) => s(at(a.payloads, i)) } })
  }
  return c
}

const out = {}
for (const sc of only) {
  const [op, alg] = sc.split('-')
  const c = contenders(op, alg)
  for (const x of c) x.fn = await x.make()
  const ratio = await cpuRounds(c, rounds, ms)
  const by = Object.fromEntries(c.map((x) => [x.name, x]))
  const f = (x) => x.toFixed(3)
  console.log(`\n## ${sc} on ${process.version} (${rounds} rounds × ${ms} ms per contender; calls per CPU second)`)
  for (const x of c) console.log(`  ${x.name.padEnd(28)} ${Math.round(median(x.rate))}`)
  out[sc] = {}
  for (const kind of op === 'verify' ? ['verify', 'createVerifier'] : ['sign', 'createSigner']) {
    for (let j = 1; j < names.length; j++) {
      const q = ratio(`${names[j]} ${kind}`, `${names[0]} ${kind}`)
      console.log(`  ${kind}: ${names[j]} ÷ ${names[0]} = ${f(q.med)} (p10–p90 ${f(q.lo)}–${f(q.hi)})`)
      out[sc][`${kind} ${names[j]} ÷ ${names[0]}`] = +q.med.toFixed(3)
    }
    for (let j = 0; j < names.length; j++) {
      for (const other of ['node:crypto', 'node:crypto DER', 'node:crypto+decode', 'fast-jwt']) {
        if (!by[other]) continue
        const q = ratio(`${names[j]} ${kind}`, other)
        console.log(`  ${kind}: ${names[j]} ÷ ${other} = ${f(q.med)}`)
        out[sc][`${kind} ${names[j]} ÷ ${other}`] = +q.med.toFixed(3)
      }
    }
  }
}
console.log(`\nJSON ${JSON.stringify({ node: process.version, out })}`)
