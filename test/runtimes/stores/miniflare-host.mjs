// Run by Node 24 (miniflare needs Node >= 22.12; the runner's Node is 20) for
// run-stores-miniflare.mjs: one Miniflare instance, Cloudflare's local simulator (the
// engine `wrangler dev` runs: workerd plus miniflare's own KV and Durable Object storage),
// with three Workers, each its own isolate:
//   replay             hosts isojwt/stores' ReplayStoreObject (SQLite-backed, as docs/stores.md's
//                      new_sqlite_classes migration deploys it)
//   front-a, front-b   the same front Worker (stores-front.js), each binding that Durable
//                      Object namespace as REPLAY and one KV namespace (same id) as JWKS_CACHE,
//                      each on its own loopback socket
// Storage lives in a scratch folder (resourcePersistencePath, removed on exit); no dev
// registry, no telemetry. Prints `MINIFLARE {"a": url, "b": url, ...}` once ready, then
// stays up until stdin closes (the runner ends it that way, or kills it). workerd's output
// goes to this process's stdout/stderr, and so do miniflare's warnings and errors (to
// stderr): the runner fails on any stderr line.
// Usage: node miniflare-host.mjs <miniflare folder> <front bundle> <replay bundle> <storage dir>
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [dir, front, replay, storage] = process.argv.slice(2)
const require = createRequire(join(dir, 'package.json'))
const { Miniflare, Log, LogLevel } = await import(pathToFileURL(require.resolve('miniflare')).href)
const version = require('miniflare/package.json').version
const workerdVersion = createRequire(require.resolve('miniflare'))('workerd/package.json').version

const COMPATIBILITY_DATE = '2026-11-17'
const worker = (name, file, env, { exports, socket = false } = {}) => ({
  config: {
    name,
    compatibilityDate: COMPATIBILITY_DATE,
    manifest: { mainModule: 'main.js', modules: { 'main.js': { type: 'esm', contents: readFileSync(file, 'utf8') } } },
    env,
    exports,
  },
  dev: socket ? { unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }] } : {},
})
const frontEnv = {
  REPLAY: { type: 'durable-object', worker: 'replay', exportName: 'ReplayStoreObject' },
  JWKS_CACHE: { type: 'kv', id: 'isojwt-jwks-cache' },
}

// miniflare logs through console.log: its warnings and errors go to stderr here instead.
class StderrLog extends Log {
  log(message) { process.stderr.write(`${message}\n`) }
}

const mf = new Miniflare({
  host: '127.0.0.1',
  port: 0,
  log: new StderrLog(LogLevel.WARN),
  enableDevRegistry: false,
  telemetry: { enabled: false },
  cf: false, // a placeholder Request.cf, never fetched from Cloudflare
  resourcePersistencePath: storage,
  workers: [
    worker('front-a', front, frontEnv, { socket: true }),
    worker('front-b', front, frontEnv, { socket: true }),
    worker('replay', replay, {}, { exports: { ReplayStoreObject: { type: 'durable-object', storage: 'sqlite' } } }),
  ],
})
await mf.ready
const urls = { a: String(await mf.unsafeGetDirectURL('front-a')), b: String(await mf.unsafeGetDirectURL('front-b')) }
console.log(`MINIFLARE ${JSON.stringify({ ...urls, version, workerd: workerdVersion, node: process.version })}`)

let closing = false
const close = async () => {
  if (closing) return
  closing = true
  await mf.dispose()
  process.exit(0)
}
process.stdin.on('end', close).on('close', close).resume()
process.on('SIGTERM', close)
