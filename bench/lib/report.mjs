// Tables for stdout and bench/RESULTS.md, made from the results document (latest.json).
import { fmtOps, fmtRatio, mdTable, scenarioRows, textTable } from './harness.mjs'

const PEERS = ['jose', 'jsonwebtoken', 'fast-jwt', 'fast-jwt+cache', 'hono', 'tsndr']

export function printScenario(result) {
  return `\n${result.name}\n${textTable(scenarioRows(result))}`
}

/** The summary's two ceiling columns: the WebCrypto one and the Node one (for decode,
 * Buffer + JSON.parse; at 8 in flight the sync crypto.verify, the async one is in the table). */
const CEILINGS = [['÷ subtle ceiling', ['crypto.subtle']], ['÷ node ceiling', ['node:crypto', 'Buffer + JSON.parse']]]

/**
 * One row per scenario: isojwt's median ops/s; its ratio to isojwt/web (the same code
 * today, so an A/A check of the noise; the node backend's gain once it lands), to each
 * peer and to the two ceilings; and the spread of its ratios over the rounds (median of
 * (max − min) / 2 / median), a noise gauge for the row.
 */
export function summaryRows(scenarios, subject = 'isojwt') {
  const peers = PEERS.filter((p) => scenarios.some((s) => s.contenders.some((c) => c.name === p)))
  const rows = [['scenario', `${subject} ops/s`, '÷ isojwt/web', ...peers.map((p) => `÷ ${p}`), ...CEILINGS.map(([h]) => h), '± over rounds']]
  for (const s of scenarios) {
    const me = s.contenders.find((c) => c.name === subject)
    if (!me) continue
    const mine = s.ratios.filter((x) => x.subject === subject)
    const ratio = (names) => {
      const r = mine.find((x) => names.includes(x.other))
      return r ? fmtRatio(r.median) : '—'
    }
    const spreads = mine.map((r) => (r.max - r.min) / 2 / r.median).filter(Number.isFinite).sort((a, b) => a - b)
    const spread = spreads.length ? `${Math.round(spreads[spreads.length >> 1] * 100)}%` : ''
    rows.push([s.name, fmtOps(me.median), ratio(['isojwt/web']), ...peers.map((p) => ratio([p])), ...CEILINGS.map(([, names]) => ratio(names)), spread])
  }
  return rows
}

export function coldRows(cold) {
  const rows = [['module', 'import ms (median)', 'import ms (min)', 'process ms (median)', 'process − empty ms']]
  for (const c of cold.targets) rows.push([c.name, c.importMs.toFixed(2), c.importMinMs.toFixed(2), c.processMs.toFixed(1), c.overEmptyMs.toFixed(1)])
  return rows
}

export function memoryRows(memory) {
  const rows = [['verifier', 'tokens', 'cache', 'heap at start MB', 'heap, cache full MB', 'heap at end MB', 'growth after full MB', 'bytes/entry', 'verifies/s', 'bounded']]
  for (const m of memory.runs) {
    if (m.error) {
      rows.push([m.contender, '', '', '', '', '', '', '', '', `error: ${m.error.slice(0, 60)}`])
      continue
    }
    const full = m.samples.find((s) => s.tokens === 2 * m.cache) ?? m.samples.find((s) => s.tokens === m.cache)
    rows.push([m.contender, m.tokens.toLocaleString('en'), m.cache.toLocaleString('en'), m.samples[0].heapMB.toFixed(1), full.heapMB.toFixed(1), m.samples.at(-1).heapMB.toFixed(1), m.growthAfterFullMB.toFixed(2), m.bytesPerEntry, fmtOps(m.verifiesPerSecond), m.bounded ? 'yes' : 'NO'])
  }
  return rows
}

export function memorySampleRows(m) {
  const rows = [['tokens fed', 'heap MB', 'rss MB', 'seconds']]
  for (const s of m.samples) rows.push([s.tokens.toLocaleString('en'), s.heapMB.toFixed(1), s.rssMB.toFixed(1), s.seconds.toFixed(1)])
  return rows
}

/** Per runtime: the floor, then per scenario isojwt/web's ops/s and its ratio to jose and to the ceiling. */
export function runtimeRows(runtimes) {
  const ok = runtimes.runs.filter((r) => !r.error && r.scenarios)
  const head = ['scenario', ...ok.flatMap((r) => [`${r.runtime.name} isojwt/web`, `÷ jose`, `÷ subtle`, 'node backend ÷ isojwt/web'])]
  const names = [...new Set(ok.flatMap((r) => r.scenarios.map((s) => s.name)))]
  const rows = [head]
  for (const name of names) {
    const cells = [name]
    for (const r of ok) {
      const s = r.scenarios.find((x) => x.name === name)
      if (!s || s.unsupported) {
        cells.push(s?.unsupported ? 'unsupported' : '', '', '', '')
        continue
      }
      if (s.group === 'floor') {
        const d = s.contenders.find((c) => c.name.startsWith('subtle.digest'))
        cells.push(d ? `${fmtOps(d.median)} (digest)` : '', '', '', '')
        continue
      }
      const me = s.contenders.find((c) => c.name === 'isojwt/web')
      const ratio = (pred) => {
        const x = s.ratios.find((q) => q.subject === 'isojwt/web' && pred(q))
        return x ? fmtRatio(x.median) : '—'
      }
      const node = s.ratios.find((q) => q.subject === 'isojwt node backend' && q.other === 'isojwt/web')
      cells.push(me ? fmtOps(me.median) : 'failed', ratio((q) => q.other === 'jose'), ratio((q) => q.kind === 'ceiling'), node ? fmtRatio(node.median) : '')
    }
    rows.push(cells)
  }
  return rows
}

const entry = (doc, name) => doc.isojwt?.find((e) => e.name === name)
const sameFile = (doc) => entry(doc, 'isojwt')?.file === entry(doc, 'isojwt/web')?.file
const backendOf = (doc, name) => entry(doc, name)?.backend ?? 'unknown'

function machineLine(m) {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`
}

/** Where isojwt stands against fast-jwt and the node:crypto ceiling, one column per Node version. */
export function versionRows(runs) {
  const rows = [['scenario, ratio', ...runs.map((r) => `Node ${r.machine.node.replace(/^v/, '')}`)]]
  const cell = (run, scenario, subject, other) => {
    const x = run.scenarios?.find((s) => s.name === scenario)?.ratios.find((q) => q.subject === subject && q.other === other)
    return x ? fmtRatio(x.median) : '—'
  }
  const add = (label, scenario, subject, other) => rows.push([label, ...runs.map((r) => cell(r, scenario, subject, other))])
  for (const op of ['sign', 'verify']) {
    const prepared = op === 'sign' ? 'isojwt createSigner' : 'isojwt createVerifier'
    for (const alg of ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA']) {
      add(`${op} ${alg}: isojwt ÷ fast-jwt`, `${op} ${alg}`, 'isojwt', 'fast-jwt')
      add(`${op} ${alg}: ${prepared.slice(7)} ÷ fast-jwt`, `${op} ${alg}`, prepared, 'fast-jwt')
      if (op === 'verify' && alg !== 'HS256') add(`${op} ${alg}: isojwt ÷ node:crypto`, `${op} ${alg}`, 'isojwt', 'node:crypto')
      if (alg === 'ES256') add(`${op} ${alg}: isojwt ÷ node:crypto DER`, `${op} ${alg}`, 'isojwt', 'node:crypto DER')
    }
  }
  add('verify ES256: cached ÷ fast-jwt cached', 'verify ES256', 'isojwt createVerifier+cache', 'fast-jwt+cache')
  add('decode: isojwt ÷ fast-jwt', 'decode (ES256 token)', 'isojwt', 'fast-jwt')
  return rows
}

/** RESULTS.md from latest.json: the versions side by side, then each version's tables. */
export function resultsMarkdown(doc) {
  const runs = doc.runs
  const first = runs[0]
  const t = first?.options?.timing
  const out = [
    '# isojwt benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.mjs): one process per Node version, one after the other; the raw numbers are in `bench/results/latest.json`.',
    '',
    `- **Machine:** ${machineLine(doc.machine ?? first.machine)}`,
    `- **Date:** ${doc.date}${doc.partial ? ' (some versions or sections re-run separately; each carries its own date)' : ''}`,
    `- **Node:** ${runs.map((r) => `${r.machine.node} (V8 ${r.machine.v8})`).join(', ')}`,
    `- **Peers:** ${first ? Object.entries(first.peers).map(([k, v]) => `${k} ${v}`).join(', ') : ''}`,
    '',
    'How to read: every scenario runs all its contenders in one process, in 5 rounds; in a round each contender gets the',
    `same time${t ? ` (${t.roundMs} ms in ${t.sliceMs} ms turns)` : ''}, the turns taken in an order shuffled anew for each slice, after a minor GC.`,
    'ops/s is the median over the rounds (min beside it); `isojwt ÷ X` is the median over the rounds of the within-round',
    'ratio of ops/s, so above 1× isojwt is faster. The ceilings do only the cryptographic operation over the same signing',
    'input and signature: `crypto.subtle` on an imported CryptoKey (the ceiling of a WebCrypto library) and `node:crypto`',
    'on a KeyObject (that of a node:crypto one). The machine is shared (2 cores, noisy): read ratios, not absolute numbers,',
    'and weigh each row by its "± over rounds". Ratios compare contenders within one version\'s run; absolute ops/s of',
    'different versions were measured at different moments and are not compared.',
    '',
    '## Across Node versions',
    '',
    mdTable(versionRows(runs)),
    '',
    ...runs.map(versionMarkdown),
  ]
  return out.join('\n')
}

/** One Node version's document: its summary, scenarios and sections, headed at level 3. */
function versionMarkdown(doc) {
  const out = []
  const m = doc.machine
  out.push(`## Node ${m.node}`)
  out.push('')
  out.push(`- **Run:** ${doc.date}${doc.partial ? ' (some sections re-run separately; each carries its own date in latest.json)' : ''}, V8 ${m.v8}`)
  out.push(`- **isojwt:** ${doc.isojwt.map((e) => `\`${e.name}\` → \`${e.file}\` (${e.backend} backend)`).join('; ')}`)
  out.push('')
  const scenarios = doc.scenarios ?? []
  if (scenarios.length) {
    out.push(`### Summary: \`isojwt\` (the Node entry, ${backendOf(doc, 'isojwt')} backend) against each peer and ceiling`)
    out.push('')
    out.push(mdTable(summaryRows(scenarios)))
    out.push('')
    out.push('`isojwt` is `verify(token, key, options)` / `sign(payload, key, { alg })` with the key prepared once (a CryptoKey),')
    out.push('except where the scenario names the key form; "verify X" has 1 call in flight. Peers are called as their docs show,')
    out.push('each with the key form it takes best (notes under each table below). `÷ isojwt/web` compares the two entries:')
    out.push(sameFile(doc)
      ? 'here they are the same file, so that column is an A/A check and shows the noise of the run. The node ceiling of'
      : `\`isojwt\` (${backendOf(doc, 'isojwt')} backend) over \`isojwt/web\` (${backendOf(doc, 'isojwt/web')}), the same code above the backend. The node ceiling of`)
    out.push('decode is `Buffer.from(base64url)` + `JSON.parse` without any check. "± over rounds" is the typical half-range of')
    out.push('the row\'s ratios across the 5 rounds. fast-jwt+cache and isojwt createVerifier+cache verify a pool of 64 tokens')
    out.push('again and again, so every call after the first round is a cache hit; they are compared with each other only.')
    out.push('')
    out.push(`<details><summary>Node ${m.node}: every scenario, every contender</summary>`)
    for (const s of scenarios) {
      out.push('')
      out.push(`**${s.name}**`)
      out.push('')
      out.push(mdTable(scenarioRows(s)))
      const notes = s.contenders.filter((c) => c.note).map((c) => `${c.name}: ${c.note}`)
      const failed = (s.failed ?? []).map((f) => `${f.name} not run: ${f.error}`)
      if (notes.length || failed.length) {
        out.push('')
        out.push(`<sub>${[...notes, ...failed].join(' · ').replace(/\|/g, '\\|')}</sub>`)
      }
    }
    out.push('')
    out.push('</details>')
    out.push('')
  }
  if (doc.coldImport) {
    out.push('### Cold import')
    out.push('')
    out.push(`A fresh \`node\` process per sample imports one module (${doc.coldImport.targets[0].runs} samples each, interleaved). ` +
      '"import ms" is timed inside the process around `await import()`; "process" is the whole process as the parent saw it. ' +
      `Run ${doc.coldImport.date}.`)
    out.push('')
    out.push(mdTable(coldRows(doc.coldImport)))
    out.push('')
  }
  if (doc.memory) {
    out.push('### Memory: a caching verifier fed distinct tokens')
    out.push('')
    out.push(`\`createVerifier(key, { cache: ${doc.memory.runs[0]?.cache?.toLocaleString('en')} })\` fed ${doc.memory.runs[0]?.tokens?.toLocaleString('en')} distinct valid HS256 tokens, one process per verifier, heap after a full GC. ` +
      '"Bounded" means the heap grew by less than a quarter of the full cache\'s size (+2 MB) between the cache filling up and the last token. ' +
      `Run ${doc.memory.date} (\`npm run bench -- --memory\`).`)
    out.push('')
    out.push(mdTable(memoryRows(doc.memory)))
    for (const r of doc.memory.runs.filter((x) => x.samples)) {
      out.push('')
      out.push(`<details><summary>${r.contender}: heap as tokens are fed</summary>`)
      out.push('')
      out.push(mdTable(memorySampleRows(r)))
      out.push('')
      out.push('</details>')
    }
    out.push('')
  }
  if (doc.runtimes) {
    out.push('### Other runtimes (WebCrypto): Node, Deno, Bun')
    out.push('')
    out.push(`The same script (bench/run-webcrypto.mjs) in each runtime, \`isojwt/web\` against the bare \`crypto.subtle\` call, after the runtime's dispatch floor (\`subtle.digest\` of 32 bytes). Run ${doc.runtimes.date} (\`npm run bench -- --runtimes\`).`)
    out.push('')
    out.push('`node backend ÷ isojwt/web` is the node:crypto build (`dist/node.js`, keys from its own `importKey`) over `isojwt/web` in the same rounds: the measurement that gives each runtime its backend (Bun: the node:crypto build; Deno: WebCrypto, its `node:crypto` being slower for ES256 verify and RS256 sign; bench/README.md has the decision and its runs).')
    out.push('')
    out.push(`Runtimes: ${doc.runtimes.runs.map((r) => (r.error ? `${r.name}: ${r.error}` : `${r.runtime.name} ${r.runtime.version} (${r.runtime.engine})`)).join('; ')}`)
    out.push('')
    out.push(mdTable(runtimeRows(doc.runtimes)))
    for (const r of doc.runtimes.runs.filter((x) => x.scenarios)) {
      out.push('')
      out.push(`<details><summary>${r.runtime.name} ${r.runtime.version}: every contender</summary>`)
      for (const s of r.scenarios) {
        out.push('')
        out.push(`**${s.name}**${s.unsupported ? `: unsupported (${s.unsupported})` : ''}`)
        if (!s.unsupported) {
          out.push('')
          out.push(mdTable(scenarioRows(s)))
        }
      }
      out.push('')
      out.push('</details>')
    }
    out.push('')
  }
  return out.join('\n')
}
