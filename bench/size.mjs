// Bundle size of typical imports: esbuild --bundle --minify --format=esm
// --platform=browser over the built package, then gzip -9.
//   node bench/size.mjs           print the table, write bench/results/size.json
//   node bench/size.mjs --check   also compare with bench/size-baseline.json and fail on
//                                 growth above 3% (a commit that grows the library on
//                                 purpose updates the baseline with --update and says why)
//   node bench/size.mjs --update  write the current sizes as the new baseline
import { build } from 'esbuild'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const baselineFile = join(root, 'bench/size-baseline.json')
const entries = {
  'sign + verify': 'export { sign, verify } from "isojwt"',
  'verify only': 'export { verify } from "isojwt"',
  'decode only': 'export { decode } from "isojwt"',
  'verify + createRemoteJwks': 'export { verify, createRemoteJwks } from "isojwt"',
  'encrypt + decrypt': 'export { encrypt, decrypt } from "isojwt"',
  'signJwsJson + verifyJwsJson': 'export { signJwsJson, verifyJwsJson } from "isojwt"',
  createResourceServer: 'export { createResourceServer } from "isojwt"',
  everything: 'export * from "isojwt"',
}

const rows = []
for (const [name, contents] of Object.entries(entries)) {
  const out = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'error',
  })
  const code = out.outputFiles[0].contents
  rows.push({ entry: name, minified: code.length, gzip: gzipSync(code, { level: 9 }).length })
}
console.table(rows.map((r) => ({ entry: r.entry, 'min (B)': r.minified, 'min+gzip (B)': r.gzip, 'min+gzip (KB)': (r.gzip / 1024).toFixed(2) })))
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(join(root, 'bench/results/size.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2) + '\n')

const arg = process.argv[2]
if (arg === '--update') {
  writeFileSync(baselineFile, JSON.stringify(Object.fromEntries(rows.map((r) => [r.entry, r.gzip])), null, 2) + '\n')
  console.log(`baseline written to ${baselineFile}`)
} else if (arg === '--check') {
  if (!existsSync(baselineFile)) throw new Error('no bench/size-baseline.json: run `node bench/size.mjs --update`')
  const base = JSON.parse(readFileSync(baselineFile, 'utf8'))
  let failed = 0
  for (const r of rows) {
    const b = base[r.entry]
    if (b === undefined) { console.log(`size: ${r.entry}: no baseline`); failed++; continue }
    const growth = (r.gzip - b) / b
    const verdict = growth > 0.03 ? 'FAIL' : 'ok'
    if (verdict === 'FAIL') failed++
    console.log(`size ${verdict}: ${r.entry}: ${r.gzip} B gzip vs baseline ${b} B (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%)`)
  }
  console.log(`size: ${rows.length - failed} passed, ${failed} failed`)
  if (failed) process.exit(1)
}
