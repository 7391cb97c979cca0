// The measuring core, shared by run.mjs (Node) and run-webcrypto.mjs (Node, Deno, Bun):
// plain ECMAScript plus `performance.now()`, no runtime imports.
//
// One scenario = a few contenders doing the same job. Each contender is checked once
// (its result must be right), warmed up, then measured in R runs ("rounds"). A round
// gives every contender the same time, cut into short slices taken in turn (the order
// rotates from slice to slice), so a busy phase of a shared machine falls on all of them
// alike instead of on whoever ran during it; the order of the turns is shuffled anew
// for every slice. Per round: ops/s per contender and the
// within-round ratio of each subject (isojwt) to every other contender. Reported: the
// median and the min of ops/s over the rounds, and the median (min, max) of each ratio
// over the rounds: a ratio is never a quotient of two medians.

/** @typedef {{ name: string, kind: 'subject' | 'peer' | 'ceiling' | 'floor', note?: string,
 *   sync?: boolean, compare?: string[], make: () => Promise<(i: number) => unknown>, check?: (result: unknown, i: number) => unknown }} Contender
 * `compare`: for a subject, the only contenders it is compared with (a cached verifier
 * is only compared with the other cached one). */

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

// Results go to a global sink so that no engine can prove a call's value unused.
globalThis.__isojwtBenchSink = undefined

/**
 * Runs `fn(i)` for about `ms` milliseconds; returns { ops, ms }. `inflight` > 1 keeps
 * that many calls pending at once (each of `inflight` loops awaits its own call). A
 * `sync` contender at 1 in flight is called in a plain loop, as an application would.
 * `i` goes on from `from`, so slices of one contender walk through its token pool.
 */
export async function timeBox(fn, ms, { inflight = 1, sync = false, from = 0 } = {}) {
  let i = from
  const start = performance.now()
  const end = start + ms
  let last
  if (sync && inflight === 1) {
    let t
    do {
      for (let k = 0; k < 4; k++) last = fn(i++)
    } while ((t = performance.now()) < end)
    globalThis.__isojwtBenchSink = last
    return { ops: i - from, ms: t - start }
  }
  const loop = async () => {
    while (performance.now() < end) {
      last = await fn(i++)
    }
  }
  if (inflight === 1) await loop()
  else await Promise.all(Array.from({ length: inflight }, loop))
  const t = performance.now()
  globalThis.__isojwtBenchSink = last
  return { ops: i - from, ms: t - start }
}

/** A small seeded PRNG (mulberry32 over a string hash), so slice orders are reproducible. */
function seeded(text) {
  let h = 2166136261
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 16777619)
  return () => {
    h = (h + 0x6d2b79f5) | 0
    let x = Math.imul(h ^ (h >>> 15), 1 | h)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

function shuffle(xs, random) {
  for (let k = xs.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1))
    ;[xs[k], xs[j]] = [xs[j], xs[k]]
  }
  return xs
}

/**
 * Measures one scenario. `opts`: rounds, roundMs (each contender's time per round),
 * sliceMs (the turn length inside a round), warmupMs, log (progress lines), collect (an
 * optional minor GC, run before each turn). A scenario may set `inflight`. Returns { contenders, ratios, failed }.
 */
export async function runScenario(scenario, opts) {
  const { rounds = 5, roundMs = 300, sliceMs = 50, warmupMs = 300, log = () => {}, collect } = opts
  const inflight = scenario.inflight ?? 1
  const live = []
  const failed = []
  for (const c of scenario.contenders) {
    try {
      const fn = await c.make()
      // Check a few results before timing anything: a contender that does the wrong job
      // (or fails) is reported, never measured.
      for (let i = 0; i < 3; i++) {
        const r = await fn(i)
        if (c.check) {
          const problem = await c.check(r, i)
          if (problem) throw new Error(`wrong result: ${problem}`)
        }
      }
      live.push({ c, fn, perRound: [], next: 0 })
    } catch (e) {
      failed.push({ name: c.name, kind: c.kind, note: c.note, error: String(e?.message ?? e).slice(0, 200) })
      log(`    ${c.name}: skipped (${String(e?.message ?? e).slice(0, 120)})`)
    }
  }
  const turn = async (x, ms, acc) => {
    const r = await timeBox(x.fn, ms, { inflight, sync: x.c.sync, from: x.next })
    x.next += r.ops
    if (acc) {
      acc.ops += r.ops
      acc.ms += r.ms
    }
  }
  for (const x of live) await turn(x, warmupMs)
  const slices = Math.max(1, Math.round(roundMs / sliceMs))
  const random = seeded(scenario.name)
  for (let r = 0; r < rounds; r++) {
    const acc = new Map(live.map((x) => [x, { ops: 0, ms: 0 }]))
    for (let s = 0; s < slices; s++) {
      // A new random order for every slice (seeded: the same for every run of the
      // scenario): no contender always goes first, or right after the same neighbour.
      const order = shuffle([...live], random)
      for (const x of order) {
        // Empty the young generation between turns, where the runtime lets us: a
        // contender's scavenges then pay for its own garbage, not its predecessor's.
        collect?.()
        try {
          await turn(x, roundMs / slices, acc.get(x))
        } catch (e) {
          x.error ??= String(e?.message ?? e).slice(0, 200)
          acc.get(x).ops = NaN
        }
      }
    }
    for (const x of live) {
      const a = acc.get(x)
      x.perRound[r] = (a.ops / a.ms) * 1000
    }
  }
  const contenders = live.map((x) => ({
    name: x.c.name,
    kind: x.c.kind,
    note: x.c.note,
    median: median(x.perRound),
    min: Math.min(...x.perRound),
    max: Math.max(...x.perRound),
    rounds: x.perRound.map((v) => Math.round(v)),
    ...(x.error ? { error: x.error } : {}),
  }))
  const ratios = []
  for (const s of live.filter((x) => x.c.kind === 'subject')) {
    for (const o of live) {
      if (o === s || (s.c.compare && !s.c.compare.includes(o.c.name))) continue
      const per = s.perRound.map((v, r) => v / o.perRound[r])
      ratios.push({ subject: s.c.name, other: o.c.name, kind: o.c.kind, median: median(per), min: Math.min(...per), max: Math.max(...per) })
    }
  }
  return { contenders, ratios, failed }
}

// ---- formatting, shared by the stdout tables and RESULTS.md ----

export function fmtOps(v) {
  if (!Number.isFinite(v)) return 'n/a'
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`
  if (v >= 1e4) return `${Math.round(v / 1e3)} k`
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`
  return v.toFixed(v >= 100 ? 0 : 1)
}

export function fmtRatio(v) {
  if (!Number.isFinite(v)) return 'n/a'
  if (v >= 10) return `${v.toFixed(1)}×`
  return v >= 0.095 ? `${v.toFixed(2)}×` : `${v.toPrecision(2)}×`
}

/** A plain-text table: rows of cells, first row the header, numbers right-aligned. */
export function textTable(rows) {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => String(r[j] ?? '').length)))
  const line = (r) => r.map((c, j) => {
    const s = String(c ?? '')
    return /^[\d.,\s×%kM-]+$/.test(s) && j > 0 ? s.padStart(widths[j]) : s.padEnd(widths[j])
  }).join('  ')
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

/** A Markdown table from the same rows. */
export function mdTable(rows) {
  const esc = (c) => String(c ?? '').replace(/\|/g, '\\|')
  return [
    `| ${rows[0].map(esc).join(' | ')} |`,
    `| ${rows[0].map((_, j) => (j === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.slice(1).map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n')
}

/** Rows for one scenario: contenders with median and min ops/s, and the subjects' ratios. */
export function scenarioRows(result) {
  const subjects = result.contenders.filter((c) => c.kind === 'subject')
  const head = ['contender', 'median ops/s', 'min ops/s', ...subjects.map((s) => `${s.name} ÷ it`)]
  const rows = [head]
  for (const c of result.contenders) {
    const cells = [c.kind === 'subject' ? c.name : c.kind === 'peer' ? c.name : `${c.name} (${c.kind})`, fmtOps(c.median), fmtOps(c.min)]
    for (const s of subjects) {
      const r = result.ratios.find((x) => x.subject === s.name && x.other === c.name)
      cells.push(r ? `${fmtRatio(r.median)}` : s.name === c.name ? '—' : '')
    }
    rows.push(cells)
  }
  for (const f of result.failed ?? []) rows.push([`${f.name} (not run)`, '', '', ...subjects.map(() => '')])
  return rows
}
