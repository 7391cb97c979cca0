// The command line and measuring loop of bench/ab.mjs and bench/ab-web.mjs (bench/README.md, item 12):
// contenders run in turn, in slices, in an order shuffled per slice, and each is rated in
// calls per second of this process's CPU time (process.cpuUsage: user + system, the thread
// pool's work included), so time the process spends descheduled does not count.
import { pathToFileURL } from 'node:url'
import { median } from './harness.mjs'

/**
 * The command line both A/B scripts take: `--builds a.mjs,b.mjs` (required, else `usage`
 * is printed and the process exits 2), `--only` (default `only`), `--rounds`, `--ms`.
 * Returns the builds imported, their short names (`0:old`), and the rest.
 */
export async function abArgs(usage, only) {
  const argv = process.argv.slice(2)
  const arg = (n, d) => (argv.includes(n) ? argv[argv.indexOf(n) + 1] : d)
  if (!arg('--builds')) {
    console.error(`usage: ${usage}`)
    process.exit(2)
  }
  const builds = arg('--builds').split(',')
  return {
    names: builds.map((b, j) => `${j}:${b.replace(/^.*\//, '').replace(/\.[cm]?js$/, '')}`),
    libs: await Promise.all(builds.map((b) => import(pathToFileURL(b).href))),
    only: arg('--only', only).split(','),
    rounds: +arg('--rounds', 12),
    ms: +arg('--ms', 150),
  }
}

const SLICE = 20

/** Runs a contender for `wall` ms; returns [calls, CPU µs]. `c.sync`: `c.fn` returns no promise. */
async function box(c, wall) {
  let i = c.next
  const u0 = process.cpuUsage()
  const end = performance.now() + wall
  do {
    if (c.sync) for (let k = 0; k < 8; k++) c.fn(i++)
    else for (let k = 0; k < 8; k++) await c.fn(i++)
  } while (performance.now() < end)
  const u = process.cpuUsage(u0)
  const n = i - c.next
  c.next = i
  return [n, u.user + u.system]
}

/**
 * Warms each contender (`{ name, fn(i), sync? }`) for 3 × 100 ms, then runs `rounds` rounds
 * of `ms` each, in slices; sets `c.rate`, one rate per round. Returns `ratio(p, q)`: the
 * median and p10–p90 of the within-round ratios of contender p's rate to q's, by name.
 */
export async function cpuRounds(c, rounds, ms) {
  for (const x of c) {
    x.next = 0
    x.rate = []
    for (let k = 0; k < 3; k++) await box(x, 100)
  }
  let seed = 7
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
  for (let r = 0; r < rounds; r++) {
    const acc = c.map(() => [0, 0])
    for (let s = 0; s < ms / SLICE; s++) {
      const order = c.map((_, k) => k).sort(() => random() - 0.5)
      for (const k of order) {
        const [n, us] = await box(c[k], SLICE)
        acc[k][0] += n
        acc[k][1] += us
      }
    }
    c.forEach((x, k) => x.rate.push((acc[k][0] / acc[k][1]) * 1e6))
  }
  const by = Object.fromEntries(c.map((x) => [x.name, x]))
  return (p, q) => {
    const per = by[p].rate.map((v, k) => v / by[q].rate[k]).sort((x, y) => x - y)
    return { med: median(per), lo: per[Math.floor(per.length * 0.1)], hi: per[Math.ceil(per.length * 0.9) - 1] }
  }
}
