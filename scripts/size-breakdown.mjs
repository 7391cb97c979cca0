// Which source files make up a bundle: esbuild over src/ (WebCrypto backend, the
// browser build bench/size.mjs measures), minified bytes per file, biggest first.
//   node scripts/size-breakdown.mjs                      sign + verify
//   node scripts/size-breakdown.mjs decode               any export list of src/index.ts
//   node scripts/size-breakdown.mjs verify,createRemoteJwks
import { build } from 'esbuild'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const names = (process.argv[2] ?? 'sign,verify').split(',')
const contents = names[0] === '*' ? 'export * from "./src/index.ts"' : `export { ${names.join(', ')} } from "./src/index.ts"`
const out = await build({
  stdin: { contents, resolveDir: root, loader: 'ts' },
  bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'error',
})
const inputs = Object.values(out.metafile.outputs)[0].inputs
const rows = Object.entries(inputs).filter(([, v]) => v.bytesInOutput > 0).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
for (const [file, v] of rows) console.log(String(v.bytesInOutput).padStart(7), file)
const code = out.outputFiles[0].contents
console.log(`${String(code.length).padStart(7)} minified, ${gzipSync(code, { level: 9 }).length} min+gzip (${names.join(' + ')})`)
