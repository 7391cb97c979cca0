// `npm start`: bundles app.js for the browser, then serves the page and the demo back end
// (api.js) on one origin, http://127.0.0.1:8000 (PORT to change it; 0 picks a free one).
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { createDemoApi } from './api.js'

const HERE = fileURLToPath(new URL('.', import.meta.url))

const FILES = new Map([
  ['/', ['index.html', 'text/html; charset=utf-8']],
  ['/index.html', ['index.html', 'text/html; charset=utf-8']],
  ['/style.css', ['style.css', 'text/css; charset=utf-8']],
  ['/dist/app.js', ['dist/app.js', 'text/javascript; charset=utf-8']],
])

await esbuild.build({ absWorkingDir: HERE, entryPoints: ['app.js'], bundle: true, format: 'esm', conditions: ['browser'], outdir: 'dist', logLevel: 'warning' })
let api = async () => false // the demo back end, once the port is known
const server = createServer(async (req, res) => {
  if (await api(req, res)) return
  const file = req.method === 'GET' && FILES.get(new URL(req.url ?? '/', 'http://x').pathname)
  if (!file) return void res.writeHead(404).end()
  res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' }).end(await readFile(HERE + file[0]))
})
server.listen(Number(process.env.PORT ?? 8000), '127.0.0.1')
await new Promise((resolve) => server.once('listening', resolve))
const origin = `http://127.0.0.1:${server.address().port}`
api = await createDemoApi(origin)
console.log(`Serving ${origin}/`)
