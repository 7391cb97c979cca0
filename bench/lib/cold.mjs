// Cold import: a fresh `node` process per sample that imports one module and reports how
// long the import took; the parent also times the whole process. Targets are sampled in
// interleaved rounds; the baseline is the same script importing nothing.
import { spawnSync } from 'node:child_process'
import { median } from './harness.mjs'

const script = (url) => `const t0 = performance.now();${url ? ` await import(${JSON.stringify(url)});` : ''} process.stdout.write(JSON.stringify({ importMs: performance.now() - t0, bootMs: t0 }))`

function sample(url) {
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(url)], { encoding: 'utf8' })
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6
  if (r.status !== 0) throw new Error(`import of ${url} failed: ${r.stderr.slice(0, 300)}`)
  return { wallMs, ...JSON.parse(r.stdout) }
}

/** targets: [{ name, url }] (url undefined for the empty baseline). */
export function coldImport(targets, runs, log = () => {}) {
  const per = new Map(targets.map((t) => [t.name, []]))
  for (let r = 0; r < runs; r++) {
    const order = r % 2 ? [...targets].reverse() : targets
    for (const t of order) per.get(t.name).push(sample(t.url))
    log(`    cold import: round ${r + 1}/${runs}`)
  }
  const empty = median(per.get(targets[0].name).map((s) => s.wallMs))
  return targets.map((t) => {
    const s = per.get(t.name)
    const wall = median(s.map((x) => x.wallMs))
    return {
      name: t.name,
      url: t.url,
      importMs: +median(s.map((x) => x.importMs)).toFixed(2),
      importMinMs: +Math.min(...s.map((x) => x.importMs)).toFixed(2),
      processMs: +wall.toFixed(1),
      overEmptyMs: +(wall - empty).toFixed(1),
      runs,
    }
  })
}
