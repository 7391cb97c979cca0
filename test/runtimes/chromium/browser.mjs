// Chromium plumbing for the runners: a loopback static server and a headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core; never `playwright install`).
import { createServer } from 'node:http'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { OUT_DIR, tool, onCleanup } from '../web-support.mjs'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]
const TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'], ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'], ['.css', 'text/css; charset=utf-8'],
  ['.json', 'application/json'], ['.ico', 'image/x-icon'],
])

/**
 * Serve `files` (a Map from URL path to string/Buffer) on 127.0.0.1, random port.
 * `handler(req, res)`, when given, is asked first and returns true for requests it
 * answered (the JWK Set routes). Anything else is a 404. Returns the origin; the server
 * closes at cleanup.
 */
export async function serveFiles(files, { headers = {}, handler } = {}) {
  const server = createServer((req, res) => {
    if (handler?.(req, res)) return
    const path = new URL(req.url, 'http://127.0.0.1').pathname
    const body = files.get(path)
    if (req.method !== 'GET' || body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    const name = path.slice(path.lastIndexOf('/') + 1)
    const ext = name.includes('.') ? name.slice(name.lastIndexOf('.')) : '.html'
    res.writeHead(200, { 'content-type': TYPES.get(ext) ?? 'application/octet-stream', 'cache-control': 'no-store', ...headers })
    res.end(body)
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  onCleanup(() => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()) }))
  return `http://127.0.0.1:${server.address().port}`
}

/**
 * A new empty profile directory under .runtimes/ (git-ignored), removed at cleanup and
 * again at exit. Chromium can outlive a killed runner by a moment and write into it, so
 * profiles older than 10 minutes left by killed runs are swept here.
 */
function freshProfile() {
  const parent = join(OUT_DIR, 'chromium-profiles')
  mkdirSync(parent, { recursive: true })
  for (const name of readdirSync(parent)) {
    const dir = join(parent, name)
    try {
      if (Date.now() - statSync(dir).mtimeMs > 600_000) rmSync(dir, { recursive: true, force: true })
    } catch { /* raced with its owner */ }
  }
  const profile = mkdtempSync(join(parent, 'p-'))
  const remove = () => { try { rmSync(profile, { recursive: true, force: true }) } catch { /* Chromium still writing; swept later */ } }
  onCleanup(remove)
  process.once('exit', remove)
  return profile
}

/**
 * Launch headless Chromium with a fresh temporary profile. Requests to anything but our
 * loopback origin are aborted, so a page can never reach the network. Page errors and
 * console output are forwarded (errors are collected in `errors`). A browser's stderr is
 * its console: every console error or warning and every failed request is collected in
 * `unexpected` (a failure for the runner) unless its line matches one of `expected`.
 */
export async function launchChromium({ origin, viewport = { width: 1100, height: 900 }, expected = [] } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM_PATH)`)
  const { chromium } = tool('playwright-core')
  const profile = freshProfile()
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport, timeout: 30_000,
  })
  onCleanup(() => context.close())
  const version = context.browser()?.version() ?? 'unknown'
  await context.route('**/*', (route) => {
    const url = route.request().url()
    return origin && url.startsWith(origin + '/') ? route.continue() : route.abort('blockedbyclient')
  })
  const page = context.pages()[0] ?? await context.newPage()
  const errors = []
  const unexpected = []
  const judge = (line) => {
    const ok = expected.some((re) => re.test(line))
    if (!ok) unexpected.push(line)
    console.log(ok ? line : `  FAIL unexpected: ${line}`)
  }
  page.on('pageerror', (e) => { errors.push(e); console.log(`[page error] ${e.message}`) })
  page.on('console', (m) => {
    const line = `[${m.type()}] ${m.text()}`
    if (m.type() === 'error' || m.type() === 'warning' || m.type() === 'assert') judge(`${line} (${m.location()?.url ?? ''})`)
    else console.log(line)
  })
  page.on('requestfailed', (r) => judge(`[request failed] ${r.url()} ${r.failure()?.errorText ?? ''}`))
  return { context, page, version, errors, unexpected }
}
