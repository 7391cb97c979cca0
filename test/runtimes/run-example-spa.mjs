// examples/browser-spa end to end: bundle app.js from the installed tarball (browser
// condition), serve the page on 127.0.0.1 (with its strict CSP), drive it in headless
// Chromium with tokens minted here by the installed isojwt; screenshot to .runtimes/spa.png.
import { readFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, OUT_DIR, backendFor, bundle, runMain, installedIsojwt } from './web-support.mjs'
import { launchChromium, serveFiles } from './chromium/browser.mjs'

const DIR = join(ROOT, 'examples/browser-spa')
const CONDITIONS = ['browser']
const ISSUER = 'https://id.example'
const AUDIENCE = 'https://api.example'

await runMain('example: browser-spa', async () => {
  const lib = installedIsojwt()
  const { privateKey, publicKey } = await lib.generateKeyPair('ES256')
  const jwk = { ...(await lib.exportJwk(publicKey)), alg: 'ES256', kid: 'spa-1' }
  const mint = (payload, options = {}) =>
    lib.sign(payload, privateKey, { issuer: ISSUER, audience: AUDIENCE, expiresIn: '1h', kid: 'spa-1', ...options })
  const valid = await mint({ sub: 'user-42', name: 'Ada Lovelace', scope: 'orders:read orders:write' }, { notBefore: '-1m' })
  const [h, p, s] = valid.split('.')
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url')), sub: 'admin' })).toString('base64url')

  const { code } = await bundle(join(DIR, 'app.js'), { conditions: CONDITIONS, platform: 'browser' })
  const html = readFileSync(join(DIR, 'index.html'), 'utf8')
  const origin = await serveFiles(new Map([
    ['/', html], ['/index.html', html], ['/style.css', readFileSync(join(DIR, 'style.css'))], ['/dist/app.js', code],
  ]))
  const { page, version, errors, unexpected } = await launchChromium({ origin, viewport: { width: 1200, height: 860 } })
  console.log(`Chromium ${version} (headless), page ${origin}/`)
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
    mkdirSync(OUT_DIR, { recursive: true })
    await page.screenshot({ path: join(OUT_DIR, 'spa.png'), fullPage: true })
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
  await check('no page errors (strict CSP, no eval)', async () => {
    if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '))
  })
  await check('no console error or warning, no failed request', async () => {
    if (unexpected.length > 0) throw new Error(unexpected.join('; '))
  })
  return { version, backend: await backendFor(CONDITIONS), passed, failed }
})
