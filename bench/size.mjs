// Bundle size of typical imports: esbuild --bundle --minify --format=esm
// --platform=browser over the built package, then gzip -9. Prints a table and writes
// bench/results/size.json. Run with `npm run size`.
import { build } from 'esbuild'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const entries = {
  'sign + verify': 'export { sign, verify } from "isojwt"',
  'verify only': 'export { verify } from "isojwt"',
  'decode only': 'export { decode } from "isojwt"',
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
