// examples/browser-spa end to end, as a user runs it: the example's files copied to
// .runtimes/example-spa with node_modules/isojwt the installed tarball (and esbuild the
// repository's), then `node server.js` (npm start: it bundles app.js with the browser
// condition and serves the page and its demo back end, api.js, on one loopback origin),
// driven in headless Chromium. The verifier gets tokens minted here by the installed
// isojwt; the DPoP panel gets a token bound to its non-extractable key and calls the API
// through a server nonce, and the runner replays and steals from what the page sent.
// Screenshot to .runtimes/spa.png.
import { cpSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { APP_DIR, ROOT, OUT_DIR, backendFor, runMain, installedIsojwt, spawnTracked } from './web-support.mjs'
import { launchChromium } from './chromium/browser.mjs'

const DIR = join(ROOT, 'examples/browser-spa')
const COPY = join(OUT_DIR, 'example-spa')
const CONDITIONS = ['browser']
const ISSUER = 'https://id.example'
const AUDIENCE = 'https://api.example'
const ALGS = 'algs="ES256 EdDSA Ed25519 PS256 RS256"'
/**
 * The API's nonce challenge, each time a page's createDpopFetch meets it: Chromium logs
 * every 4xx answer to fetch, and reports the challenge's request as aborted since
 * createDpopFetch cancels its body before it retries. Counted against the 401s below.
 */
const EXPECTED = [
  /^\[error\] Failed to load resource: the server responded with a status of 401 \(Unauthorized\) \(http:\/\/127\.0\.0\.1:\d+\/api\/orders\)$/,
  /^\[request failed\] http:\/\/127\.0\.0\.1:\d+\/api\/orders net::ERR_ABORTED$/,
]

/** The example's own files beside node_modules/{isojwt,esbuild}, as `npm install` would leave them. */
function copyExample() {
  rmSync(COPY, { recursive: true, force: true })
  mkdirSync(join(COPY, 'node_modules'), { recursive: true })
  for (const f of readdirSync(DIR)) if (!['node_modules', 'dist'].includes(f)) cpSync(join(DIR, f), join(COPY, f), { recursive: true })
  symlinkSync(join(APP_DIR, 'node_modules/isojwt'), join(COPY, 'node_modules/isojwt'), 'dir')
  symlinkSync(realpathSync(join(ROOT, 'node_modules/esbuild')), join(COPY, 'node_modules/esbuild'), 'dir')
}

/** `node server.js` on a free port; resolves with its origin once it serves. */
function startServer() {
  const child = spawnTracked(process.execPath, ['server.js'], { cwd: COPY, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { err += d })
  const origin = new Promise((resolve, reject) => {
    child.stdout.on('data', () => { const m = /Serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(out); if (m) resolve(m[1]) })
    child.once('exit', (code) => reject(new Error(`server.js exited ${code}\n${out}${err}`)))
  })
  return { origin, out: () => out, err: () => err }
}

await runMain('example: browser-spa', async () => {
  const lib = installedIsojwt()
  const { privateKey, publicKey } = await lib.generateKeyPair('ES256')
  const jwk = { ...(await lib.exportJwk(publicKey)), alg: 'ES256', kid: 'spa-1' }
  const mint = (payload, options = {}) =>
    lib.sign(payload, privateKey, { issuer: ISSUER, audience: AUDIENCE, expiresIn: '1h', kid: 'spa-1', ...options })
  const valid = await mint({ sub: 'user-42', name: 'Ada Lovelace', scope: 'orders:read orders:write' }, { notBefore: '-1m' })
  const [h, p, s] = valid.split('.')
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url')), sub: 'admin' })).toString('base64url')

  copyExample()
  const server = startServer()
  const origin = await server.origin
  const { page, version, errors, unexpected } = await launchChromium({ origin, viewport: { width: 1200, height: 1100 }, expected: EXPECTED })
  console.log(`Chromium ${version} (headless), page ${origin}/ (served by the example's server.js)`)
  // What the page sends to the demo back end and what it gets: [path, request headers, status, response headers].
  const exchanges = []
  page.on('response', async (res) => {
    const path = new URL(res.url()).pathname
    if (path === '/token' || path.startsWith('/api/')) exchanges.push([path, await res.request().allHeaders(), res.status(), await res.allHeaders()])
  })
  const aborted = []
  page.on('requestfailed', (r) => aborted.push(r.url()))
  await page.goto(origin + '/')

  let passed = 0
  let failed = 0
  const check = async (name, fn) => {
    try { await fn(); passed++; console.log(`  ok   ${name}`) } catch (e) { failed++; console.log(`  FAIL ${name}: ${e.message.split('\n')[0]}`) }
  }
  const verdict = async (state, code = '') => {
    await page.waitForFunction(([st, c]) => {
      const v = document.getElementById('verdict')
      return v.dataset.state === st && (v.dataset.code ?? '') === c
    }, [state, code], { timeout: 5000 })
    return page.locator('#verdict').innerText()
  }
  const submit = async (token, key = jwk) => {
    await page.fill('#token', token)
    await page.fill('#jwk', JSON.stringify(key, null, 2))
    await page.fill('#issuer', ISSUER)
    await page.fill('#audience', AUDIENCE)
    await page.click('#verify')
  }

  await check('valid token → verdict valid, claims and dates shown', async () => {
    await submit(valid)
    const text = await verdict('valid')
    if (!/Valid/.test(text) || !text.includes('ES256')) throw new Error(`verdict text ${JSON.stringify(text)}`)
    const claims = await page.locator('#claims').innerText()
    for (const want of ['sub', 'user-42', 'Ada Lovelace', 'exp', 'iat', 'nbf', 'UTC', 'in 1 hour']) {
      if (!claims.includes(want)) throw new Error(`claims lack ${want}: ${JSON.stringify(claims)}`)
    }
    if (!(await page.locator('#header').innerText()).includes('"kid": "spa-1"')) throw new Error('header not shown')
    if ((await page.locator('#trust').innerText()) !== 'verified') throw new Error('claims not marked verified')
  })
  await check('tampered token → ERR_JWS_SIGNATURE_INVALID shown', async () => {
    await submit(`${h}.${forged}.${s}`)
    const text = await verdict('invalid', 'ERR_JWS_SIGNATURE_INVALID')
    if (!text.includes('ERR_JWS_SIGNATURE_INVALID')) throw new Error(`verdict text ${JSON.stringify(text)}`)
    if ((await page.locator('#trust').innerText()) !== 'decoded, not verified') throw new Error('forged claims not marked untrusted')
  })
  await check('expired token → ERR_JWT_EXPIRED shown', async () => {
    await submit(await mint({ sub: 'u' }, { now: new Date(Date.now() - 7200_000), expiresIn: '10m' }))
    await verdict('invalid', 'ERR_JWT_EXPIRED')
  })
  await check('wrong key → ERR_JWS_SIGNATURE_INVALID', async () => {
    const other = { ...(await lib.exportJwk((await lib.generateKeyPair('ES256')).publicKey)), alg: 'ES256', kid: 'spa-1' }
    await submit(valid, other)
    await verdict('invalid', 'ERR_JWS_SIGNATURE_INVALID')
  })
  await check('JWKS picks the key by kid', async () => {
    await submit(valid, { keys: [{ ...jwk, kid: 'other', x: jwk.y }, jwk] })
    await verdict('valid')
  })
  await check('garbage → ERR_JWS_INVALID shown', async () => {
    await submit('not.a-token')
    await verdict('invalid', 'ERR_JWS_INVALID')
  })
  await check('"Load a sample" signs in the browser and verifies', async () => {
    await page.click('#sample')
    await verdict('idle')
    await page.click('#verify')
    await verdict('valid')
  })

  // The DPoP panel (dpop.js) against the example's back end (api.js).
  const idb = () => page.evaluate(async () => {
    const open = indexedDB.open('isojwt-example', 1)
    const db = await new Promise((resolve, reject) => { open.onsuccess = () => resolve(open.result); open.onerror = () => reject(open.error) })
    const get = db.transaction('keys', 'readonly').objectStore('keys').get('dpop')
    const pair = await new Promise((resolve, reject) => { get.onsuccess = () => resolve(get.result); get.onerror = () => reject(get.error) })
    let exported = 'exported'
    try { await crypto.subtle.exportKey('jwk', pair.privateKey) } catch (e) { exported = e.name }
    db.close()
    return { alg: pair.privateKey.algorithm, extractable: pair.privateKey.extractable, exported, publicJwk: await crypto.subtle.exportKey('jwk', pair.publicKey) }
  })
  const shown = async (state, title) => {
    await page.waitForFunction(([st, t]) => {
      const box = document.getElementById('dpop-result')
      return box.dataset.state === st && box.querySelector('strong')?.textContent.startsWith(t)
    }, [state, title], { timeout: 5000 })
    return page.locator('#dpop-result').innerText()
  }
  const apiCalls = () => exchanges.filter(([path]) => path === '/api/orders')
  let pageJkt = ''
  let token = ''
  let accepted = {}
  let nonce = ''
  await check('DPoP key: an ES256 pair in IndexedDB whose private key is non-extractable (exportKey throws)', async () => {
    await page.waitForFunction(() => document.getElementById('dpop-key').dataset.jkt, null, { timeout: 5000 })
    pageJkt = await page.locator('#dpop-key').getAttribute('data-jkt')
    const key = await idb()
    const problems = [
      key.alg.name !== 'ECDSA' || key.alg.namedCurve !== 'P-256' ? `algorithm ${JSON.stringify(key.alg)}` : '',
      key.extractable !== false ? 'private key extractable' : '',
      key.exported !== 'InvalidAccessError' ? `exportKey of the private key: ${key.exported}` : '',
      'd' in key.publicJwk ? 'public JWK has d' : '',
      (await lib.thumbprint(key.publicJwk)) !== pageJkt ? 'stored key is not the key shown' : '',
      !(await page.locator('#dpop-key').innerText()).includes('not extractable') ? 'page does not say not extractable' : '',
    ].filter(Boolean)
    if (problems.length) throw new Error(problems.join('; '))
  })
  await check('Get a token: POST /token with a proof of that key (public jwk only); the token is bound to it (cnf.jkt)', async () => {
    await page.click('#get-token')
    await shown('valid', 'Got a DPoP token')
    const [, request, status, response] = exchanges.find(([path]) => path === '/token')
    if (status !== 200 || response['content-type'] !== 'application/json') throw new Error(`token endpoint ${status}`)
    const proof = lib.decode(request.dpop)
    if (proof.header.typ !== 'dpop+jwt' || 'd' in proof.header.jwk || proof.payload.htm !== 'POST' || proof.payload.htu !== origin + '/token') throw new Error(`proof ${JSON.stringify(proof)}`)
    const { jkt } = await lib.verifyDpopProof(request.dpop, { htm: 'POST', htu: origin + '/token' })
    const said = await page.locator('#dpop-result').innerText()
    if (jkt !== pageJkt || !said.includes(pageJkt)) throw new Error(`proof key ${jkt}, page key ${pageJkt}, page says ${said}`)
  })
  await check('Call the API: 401 use_dpop_nonce (challenge byte for byte, dpop-nonce), then createDpopFetch retries with that nonce: 200', async () => {
    await page.click('#call-api')
    await shown('valid', 'API: 200')
    const calls = apiCalls()
    const got = calls.map(([, , status, res]) => [status, res['www-authenticate'] ?? null])
    const want = [[401, `DPoP error="use_dpop_nonce", error_description="ERR_DPOP_NONCE_REQUIRED", ${ALGS}`], [200, null]]
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`answers ${JSON.stringify(got)}`)
    nonce = calls[0][3]['dpop-nonce']
    const [first, second] = calls.map(([, req]) => lib.decode(req.dpop).payload)
    if (!nonce || calls[0][3]['cache-control'] !== 'no-store' || first.nonce !== undefined || second.nonce !== nonce) throw new Error(`nonces: sent ${first.nonce}, ${second.nonce}; got ${nonce}`)
    if (first.jti === second.jti || second.htu !== origin + '/api/orders' || second.htm !== 'GET' || !second.ath) throw new Error(`proof ${JSON.stringify(second)}`)
    token = calls[1][1].authorization.replace(/^DPoP /, '')
    accepted = { authorization: calls[1][1].authorization, dpop: calls[1][1].dpop }
    const body = JSON.parse(await page.locator('#api-body').innerText())
    if (body.sub !== 'demo-user' || body.scheme !== 'DPoP' || body.jkt !== pageJkt) throw new Error(`body ${JSON.stringify(body)}`)
  })
  await check('Call the API again: the remembered nonce, one request, 200', async () => {
    const before = apiCalls().length
    await page.evaluate(() => { document.getElementById('dpop-result').dataset.state = 'idle' })
    await page.click('#call-api')
    await shown('valid', 'API: 200')
    const calls = apiCalls().slice(before)
    if (calls.length !== 1 || calls[0][2] !== 200 || lib.decode(calls[0][1].dpop).payload.nonce !== nonce) throw new Error(`calls ${JSON.stringify(calls.map((c) => c[2]))}`)
  })
  const api = async (headers) => {
    const res = await fetch(origin + '/api/orders', { headers })
    return [res.status, res.headers.get('www-authenticate'), await res.text()]
  }
  const expectAnswer = (got, want) => { if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`got ${JSON.stringify(got)}`) }
  await check('the page\'s accepted request sent again (a replayed proof) → 401 invalid_dpop_proof', async () => {
    expectAnswer(await api(accepted), [401, `DPoP error="invalid_dpop_proof", error_description="ERR_DPOP_INVALID", ${ALGS}`, ''])
  })
  await check('the page\'s token stolen, as a Bearer token → 401, only the DPoP challenge', async () => {
    expectAnswer(await api({ authorization: `Bearer ${token}` }), [401, `DPoP ${ALGS}`, ''])
  })
  await check('the page\'s token stolen, with the thief\'s own proof (and the nonce) → 401 invalid_token', async () => {
    const thief = await lib.generateKeyPair('ES256')
    const dpop = await lib.createDpopProof(thief, { htm: 'GET', htu: origin + '/api/orders', accessToken: token, nonce })
    expectAnswer(await api({ authorization: `DPoP ${token}`, dpop }), [401, `DPoP error="invalid_token", error_description="ERR_DPOP_INVALID", ${ALGS}`, ''])
  })
  await check('after a reload: the same key from IndexedDB, still non-extractable', async () => {
    await page.reload()
    await page.waitForFunction(() => document.getElementById('dpop-key').dataset.jkt, null, { timeout: 5000 })
    const jkt = await page.locator('#dpop-key').getAttribute('data-jkt')
    const key = await idb()
    if (jkt !== pageJkt || key.extractable !== false || key.exported !== 'InvalidAccessError') throw new Error(`jkt ${jkt}, extractable ${key.extractable}`)
    mkdirSync(OUT_DIR, { recursive: true })
    await page.click('#get-token')
    await shown('valid', 'Got a DPoP token')
    await page.click('#call-api')
    await shown('valid', 'API: 200')
    await page.screenshot({ path: join(OUT_DIR, 'spa.png'), fullPage: true })
  })
  await check('no page errors (strict CSP, no eval)', async () => {
    if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '))
  })
  await check('no console error or warning, no failed request, but for each nonce challenge (its 401, its body cancelled)', async () => {
    if (unexpected.length > 0) throw new Error(unexpected.join('; '))
    const challenges = exchanges.filter(([, , status, res]) => status === 401 && /use_dpop_nonce/.test(res['www-authenticate'])).length
    if (challenges !== 2 || aborted.length !== challenges) throw new Error(`${challenges} nonce challenges (2 expected: first call, after the reload), ${aborted.length} aborted requests`)
  })
  await check('server.js wrote nothing to stderr', async () => {
    if (server.err().trim()) throw new Error(server.err().trim())
  })
  return { version, backend: await backendFor(CONDITIONS), passed, failed }
})
