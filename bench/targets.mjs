// Issue 5's Node targets over several runs of the bench, from their results files:
//   node bench/targets.mjs run1.json run2.json …   (copies of bench/results/latest.json)
// Each run gives, per scenario, the within-run median ratio (bench/lib/harness.mjs); a
// cell here is "median / lowest" of those over the runs, and a target is met when the
// lowest is at least the target − 0.1 (the issue's rule). Prints a Markdown table and
// the verdicts; --json prints the numbers instead.
import { readFileSync } from 'node:fs'

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'))
if (files.length === 0) {
  console.error('usage: node bench/targets.mjs run1.json run2.json … [--json]')
  process.exit(2)
}
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')))
const ALGS = ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA']
const WEB_PEERS = ['jose', 'hono', 'tsndr']

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** The within-run median ratio subject ÷ other, as the harness recorded it. */
function ratio(run, scenario, subject, other) {
  const s = run.scenarios.find((x) => x.name === scenario)
  return s?.ratios.find((r) => r.subject === subject && r.other === other)?.median
}

/** A contender's within-round ratio to another, median over the rounds (for peer ÷ ceiling). */
function roundRatio(run, scenario, a, b) {
  const s = run.scenarios.find((x) => x.name === scenario)
  const ca = s?.contenders.find((c) => c.name === a)
  const cb = s?.contenders.find((c) => c.name === b)
  if (!ca?.rounds || !cb?.rounds) return undefined
  return median(ca.rounds.map((x, i) => x / cb.rounds[i]))
}

/** A WebCrypto gap: isojwt/web ÷ subtle minus the best WebCrypto peer's ÷ subtle, in one run. */
function webGap(run, scenario) {
  const web = roundRatio(run, scenario, 'isojwt/web', 'crypto.subtle')
  const peers = WEB_PEERS.map((p) => roundRatio(run, scenario, p, 'crypto.subtle')).filter((x) => x !== undefined)
  return web === undefined || peers.length === 0 ? undefined : web - Math.max(...peers)
}

const rows = []
const row = (label, target, values) => {
  const xs = values.filter((x) => typeof x === 'number' && Number.isFinite(x))
  const lowest = xs.length ? Math.min(...xs) : NaN
  rows.push({ label, target, runs: xs.length, median: xs.length ? median(xs) : NaN, lowest, met: xs.length === runs.length && lowest >= target - 0.1 - 1e-9 })
}

for (const op of ['sign', 'verify']) {
  const prepared = op === 'sign' ? 'isojwt createSigner' : 'isojwt createVerifier'
  for (const alg of ALGS) {
    const s = `${op} ${alg}`
    const fj = alg === 'HS256' ? 1.1 : 1.0
    row(`${s}: one-shot ÷ fast-jwt`, fj, runs.map((r) => ratio(r, s, 'isojwt', 'fast-jwt')))
    row(`${s}: prepared ÷ fast-jwt`, fj, runs.map((r) => ratio(r, s, prepared, 'fast-jwt')))
    if (alg !== 'HS256') {
      row(`${s}: one-shot ÷ node:crypto`, 0.85, runs.map((r) => ratio(r, s, 'isojwt', 'node:crypto')))
      row(`${s}: prepared ÷ node:crypto`, 0.85, runs.map((r) => ratio(r, s, prepared, 'node:crypto')))
    }
    row(`${s}: isojwt/web ÷ crypto.subtle`, 0.85, runs.map((r) => ratio(r, s, 'isojwt/web', 'crypto.subtle')))
    // "Within 0.05 of the best WebCrypto peer's ratio to raw": a gap of at least −0.05, by the same rule.
    row(`${s}: isojwt/web − best WebCrypto peer, both ÷ subtle`, -0.05, runs.map((r) => webGap(r, s)))
  }
  if (op === 'verify') for (const alg of ALGS) row(`verify ${alg}: cached ÷ fast-jwt cached`, 1.0, runs.map((r) => ratio(r, `verify ${alg}`, 'isojwt createVerifier+cache', 'fast-jwt+cache')))
}
row('decode: ÷ jose decodeJwt', 1.0, runs.map((r) => ratio(r, 'decode (ES256 token)', 'isojwt', 'jose')))

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ runs: files.length, rows }, null, 2))
} else {
  const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—')
  console.log(`${runs.length} runs: ${runs.map((r) => r.date).join(', ')}\n`)
  console.log('| target | wanted | median | lowest | met (lowest ≥ wanted − 0.1) | median ≥ wanted |')
  console.log('|---|---|---|---|---|---|')
  for (const r of rows) console.log(`| ${r.label} | ≥ ${r.target} | ${f(r.median)} | ${f(r.lowest)} | ${r.met ? 'yes' : '**no**'} | ${r.median >= r.target - 1e-9 ? 'yes' : 'no'} |`)
  const missed = rows.filter((r) => !r.met)
  const short = rows.filter((r) => r.met && !(r.median >= r.target - 1e-9))
  console.log(`\n${rows.length - missed.length} of ${rows.length} met${missed.length ? `; missed: ${missed.map((r) => r.label).join('; ')}` : ''}`)
  if (short.length) console.log(`met with a median below the wanted figure: ${short.map((r) => `${r.label} (${f(r.median)})`).join('; ')}`)
}
