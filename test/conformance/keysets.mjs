// Conformance sections for key sets (createLocalJwks, createRemoteJwks) and prepared
// signers and verifiers (createSigner, createVerifier): API.md "Key sets" and "Prepared
// signers and verifiers". Loaded by suite.mjs, which passes its harness helpers in `h`;
// like the suite, plain JavaScript that every runtime loads unchanged.
//
// The remote section talks to a loopback JWK Set server the runner starts
// (test/runtimes/jwks-server.mjs) and names in `opts.jwksBaseUrl`. The suite owns the
// keys: it PUTs the public JWKs it signs with into a slot of its own (a random name) and
// reads back how many requests the server saw in that slot, which no other test touches. Whether
// concurrent callers share one request comes from the capability matrix
// (`jwksInflight`): 'shared' everywhere but workerd, where a promise cannot cross request
// contexts and each caller may fetch for itself ('per-request').

const ES = 'ES256'
const NO_MATCH = 'ERR_JWKS_NO_MATCHING_KEY'
const NOT_ALLOWED = 'ERR_JOSE_ALG_NOT_ALLOWED'
const FETCH_FAILED = 'ERR_JWKS_FETCH_FAILED'
const INVALID_ARG = 'ERR_JOSE_INVALID_ARGUMENT'

/** ES256 key pairs made by the library (JWKs without kid or alg), memoised per run: { priv, pub }. */
function esKey(ctx, name) {
  return ctx.once(`keyset:${name}`, async () => {
    const { privateKey, publicKey } = await ctx.lib.generateKeyPair(ES, { extractable: true })
    return { priv: await ctx.lib.exportJwk(privateKey), pub: await ctx.lib.exportJwk(publicKey) }
  })
}

/** The public JWK of `name` with these members added (kid, alg, use, …). */
async function pubJwk(ctx, name, extra = {}) {
  return { ...(await esKey(ctx, name)).pub, ...extra }
}

/** A token signed by key `name` (header kid only when given), valid at ctx.NOW. */
async function tokenBy(ctx, name, kid, payload = { sub: name }) {
  const { priv } = await esKey(ctx, name)
  return ctx.lib.sign(payload, priv, { alg: ES, ...(kid === undefined ? {} : { kid }), now: ctx.NOW, expiresIn: 600 })
}

const list = (got) => (Array.isArray(got) ? got : [got])
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function needsEs256(ctx, h) {
  h.ok(ctx.roundTrip.has(ES), `the key-set sections sign with ${ES}, which must round-trip here`)
}

// ───────────────────────────── local key sets ─────────────────────────────

export function localKeySetTests(t, ctx, h) {
  const { lib } = ctx
  const { ok, eq } = h
  const verify = (token, set, opts = {}) => lib.verify(token, set, { now: ctx.NOW, ...opts })

  t('selection by kid; the set hands back JWK objects, not CryptoKeys', async () => {
    needsEs256(ctx, h)
    const set = lib.createLocalJwks({ keys: [await pubJwk(ctx, 'a', { kid: 'a' }), await pubJwk(ctx, 'b', { kid: 'b' })] })
    eq(typeof set, 'function', 'createLocalJwks returns a resolver')
    const r = await verify(await tokenBy(ctx, 'b', 'b'), set)
    eq(r.payload.sub, 'b', 'token of key b, kid b')
    ok(h.isCryptoKey(r.key), 'result.key is a CryptoKey')
    eq((await verify(await tokenBy(ctx, 'a', 'a'), set)).payload.sub, 'a', 'token of key a, kid a')
    // kid b names the key: key a is never tried, so a token of key a with kid b fails.
    await ctx.rejects(async () => verify(await tokenBy(ctx, 'a', 'b'), set), 'ERR_JWS_SIGNATURE_INVALID', 'token of key a carrying kid b')
    await ctx.rejects(async () => verify(await tokenBy(ctx, 'a', 'zzz'), set), NO_MATCH, 'an unknown kid')
    // Without kid, both keys fit (≤ 3 candidates) and the right one verifies.
    eq((await verify(await tokenBy(ctx, 'b'), set)).payload.sub, 'b', 'no kid: tried in turn')
    const got = list(await set(Object.freeze({ alg: ES, kid: 'a' }), Object.freeze({ payload: undefined })))
    eq(got.length, 1, 'candidates for kid a')
    ok(!h.isCryptoKey(got[0]) && got[0].kty === 'EC' && got[0].kid === 'a', `the resolver returns the JWK itself, got ${h.show(got[0])}`)
  })

  t('use, key_ops and JWK alg rule keys out', async () => {
    needsEs256(ctx, h)
    const a = await pubJwk(ctx, 'a')
    const set = lib.createLocalJwks({ keys: [
      { ...a, kid: 'enc', use: 'enc' },
      { ...a, kid: 'ops', key_ops: ['sign'] },
      { ...a, kid: 'es384', alg: 'ES384' },
      { ...a, kid: 'sig', use: 'sig', key_ops: ['verify'], alg: ES },
    ] })
    for (const kid of ['enc', 'ops', 'es384']) await ctx.rejects(async () => verify(await tokenBy(ctx, 'a', kid), set), NO_MATCH, `kid ${kid}`)
    eq((await verify(await tokenBy(ctx, 'a', 'sig'), set)).payload.sub, 'a', 'use sig, key_ops [verify], alg ES256')
  })

  t('an RSA key without alg needs options.algorithms', async () => {
    if (!ctx.roundTrip.has('RS256')) return
    const { pub } = await ctx.jwks('RS256')
    const bare = { ...h.withoutAlg(h.publicOf(pub)), kid: 'r' }
    const { privateKey } = await ctx.pair('RS256')
    const token = await lib.sign({ sub: 'rsa' }, privateKey, { kid: 'r', now: ctx.NOW, expiresIn: 600 })
    eq(h.split(token).header.alg, 'RS256', 'header alg')
    const set = lib.createLocalJwks({ keys: [bare] })
    await ctx.rejects(() => verify(token, set), NOT_ALLOWED, 'RSA JWK without alg, no algorithms')
    eq((await verify(token, set, { algorithms: ['RS256'] })).payload.sub, 'rsa', "algorithms ['RS256']")
    eq((await verify(token, set, { algorithms: ['PS256', 'RS256'] })).payload.sub, 'rsa', "algorithms ['PS256', 'RS256']")
    await ctx.rejects(() => verify(token, set, { algorithms: ['PS256'] }), NOT_ALLOWED, "algorithms ['PS256']")
    // Control: the same key with alg pins RS256 and needs no algorithms.
    eq((await verify(token, lib.createLocalJwks({ keys: [{ ...bare, alg: 'RS256' }] }))).payload.sub, 'rsa', 'the same JWK with alg RS256')
  })

  t('oct keys are ignored unless allowSymmetric', async () => {
    const doc = { keys: [{ kty: 'oct', k: h.b64u(h.SECRET), kid: 'h' }] }
    const token = await lib.sign({ sub: 'hmac' }, h.SECRET, { alg: 'HS256', kid: 'h', now: ctx.NOW, expiresIn: 600 })
    await ctx.rejects(() => verify(token, lib.createLocalJwks(doc), { algorithms: ['HS256'] }), NO_MATCH, 'oct key, allowSymmetric absent')
    await ctx.rejects(() => verify(token, lib.createLocalJwks(doc, { allowSymmetric: false }), { algorithms: ['HS256'] }), NO_MATCH, 'allowSymmetric: false')
    const sym = lib.createLocalJwks(doc, { allowSymmetric: true })
    eq((await verify(token, sym, { algorithms: ['HS256'] })).payload.sub, 'hmac', "allowSymmetric, algorithms ['HS256']")
    await ctx.rejects(() => verify(token, sym), NOT_ALLOWED, 'allowSymmetric, an oct JWK without alg, no algorithms')
    for (const bad of ['yes', 1, null]) ctx.throws(() => lib.createLocalJwks(doc, { allowSymmetric: bad }), INVALID_ARG, `allowSymmetric ${h.show(bad)}`)
  })

  t('a broken key beside a good one is skipped', async () => {
    needsEs256(ctx, h)
    const good = await pubJwk(ctx, 'a', { kid: 'k' })
    const broken = { kty: 'EC', crv: 'P-256', kid: 'k', x: 'AAAA', y: 'AAAA' }
    const noY = { kty: 'EC', crv: 'P-256', kid: 'k', x: good.x }
    const token = await tokenBy(ctx, 'a', 'k')
    eq((await verify(token, lib.createLocalJwks({ keys: [broken, noY, good] }))).payload.sub, 'a', 'two broken keys before the good one')
    eq((await verify(await tokenBy(ctx, 'a'), lib.createLocalJwks({ keys: [good, broken] }))).payload.sub, 'a', 'no kid: good, then broken')
    await ctx.rejects(() => verify(token, lib.createLocalJwks({ keys: [broken, noY] })), NO_MATCH, 'only broken keys (import failures alone)')
    // Control: a good key that simply is not the signer's still says SIGNATURE_INVALID.
    await ctx.rejects(async () => verify(token, lib.createLocalJwks({ keys: [broken, await pubJwk(ctx, 'b', { kid: 'k' })] })), 'ERR_JWS_SIGNATURE_INVALID', 'broken + a wrong good key')
  })

  t('more than 3 fitting keys need a kid', async () => {
    needsEs256(ctx, h)
    const keys = []
    for (const n of ['a', 'b', 'c', 'd']) keys.push(await pubJwk(ctx, n, { kid: `k-${n}` }))
    const noKid = await tokenBy(ctx, 'c')
    await ctx.rejects(() => verify(noKid, lib.createLocalJwks({ keys })), NO_MATCH, '4 fitting keys, token without kid')
    eq((await verify(noKid, lib.createLocalJwks({ keys: keys.slice(0, 3) }))).payload.sub, 'c', '3 fitting keys, token without kid')
    eq((await verify(await tokenBy(ctx, 'd', 'k-d'), lib.createLocalJwks({ keys }))).payload.sub, 'd', '4 keys, token with kid')
    // Keys that do not fit the alg do not count: 3 EC keys plus an RSA and an oct key.
    const mixed = [...keys.slice(0, 3), { kty: 'RSA', n: 'AQAB', e: 'AQAB' }, { kty: 'oct', k: h.b64u(h.SECRET) }]
    eq((await verify(noKid, lib.createLocalJwks({ keys: mixed }))).payload.sub, 'c', '3 fitting of 5')
  })

  t('a malformed document is ERR_JOSE_INVALID_ARGUMENT at creation', async () => {
    const docs = [['undefined', undefined], ['null', null], ['42', 42], ['a string', '{"keys":[]}'], ['an array', []],
      ['{}', {}], ['keys: null', { keys: null }], ['keys: {}', { keys: {} }], ['keys: a string', { keys: '[]' }]]
    for (const [name, doc] of docs) ctx.throws(() => lib.createLocalJwks(doc), INVALID_ARG, `createLocalJwks(${name})`)
    // Control: an empty but well-formed set is accepted, and matches nothing.
    const empty = lib.createLocalJwks({ keys: [] })
    await ctx.rejects(async () => verify(await tokenBy(ctx, 'a', 'a'), empty), NO_MATCH, 'an empty set')
  })
}

// ───────────────────────────── prepared signers and verifiers ─────────────────────────────

export function preparedTests(t, ctx, h) {
  const { lib } = ctx
  const { ok, eq } = h
  const T = ctx.NOW_S
  /** A clock the test moves; `reads` counts how often the library looked at it. */
  const clock = () => {
    const c = { s: T, reads: 0 }
    c.now = () => {
      c.reads++
      return new Date(c.s * 1000)
    }
    return c
  }
  const claimsOf = (token) => lib.decode(token).payload

  t('createSigner: returns synchronously, reads the clock on every call, never at creation', async () => {
    const c = clock()
    const signer = lib.createSigner(h.SECRET, { alg: 'HS256', expiresIn: 60, issuer: 'https://id.example', now: c.now })
    eq(typeof signer, 'function', 'createSigner returns a function')
    eq(c.reads, 0, 'clock reads during createSigner')
    const payload = { sub: 'p' }
    const first = await signer(payload)
    ok(c.reads >= 1, 'the clock was read by the first call')
    c.s = T + 1000
    const second = await signer(payload)
    eq(claimsOf(first), { sub: 'p', iss: 'https://id.example', iat: T, exp: T + 60 }, 'first token claims')
    eq(claimsOf(second), { sub: 'p', iss: 'https://id.example', iat: T + 1000, exp: T + 1060 }, 'second token claims (clock moved)')
    eq(payload, { sub: 'p' }, 'the payload is not modified')
    eq((await lib.verify(second, h.SECRET, { algorithms: ['HS256'], now: ctx.at(T + 1000) })).payload.iat, T + 1000, 'the token verifies')
  })

  t('createSigner / createVerifier: options and key form checked at creation, keys imported lazily', async () => {
    ctx.throws(() => lib.createSigner(h.SECRET, { alg: 'none' }), INVALID_ARG, "createSigner alg 'none'")
    ctx.throws(() => lib.createSigner(h.SECRET, { alg: 'HS256', expiresIn: '60' }), INVALID_ARG, "createSigner expiresIn '60'")
    ctx.throws(() => lib.createVerifier(h.SECRET, { algorithms: [] }), INVALID_ARG, 'createVerifier algorithms []')
    ctx.throws(() => lib.createVerifier(h.SECRET, { cache: -1 }), INVALID_ARG, 'createVerifier cache -1')
    ctx.throws(() => lib.createVerifier(h.SECRET, { cache: 1.5 }), INVALID_ARG, 'createVerifier cache 1.5')
    ctx.throws(() => lib.createVerifier(h.SECRET, { cacheTtl: '60' }), INVALID_ARG, "createVerifier cacheTtl '60'")
    // A malformed key throws at creation (API.md v3, Prepared: its form needs no crypto).
    const badPem = '-----BEGIN RSA PUBLIC KEY-----\nMAA=\n-----END RSA PUBLIC KEY-----\n'
    ctx.throws(() => lib.createSigner(badPem, { alg: 'RS256' }), 'ERR_KEY_INVALID', 'createSigner with a malformed key')
    ctx.throws(() => lib.createVerifier(badPem, { algorithms: ['RS256'] }), 'ERR_KEY_INVALID', 'createVerifier with a malformed key')
    // A well-formed key that does not fit is found on first use, as a rejection, each time.
    const signer = lib.createSigner(h.SECRET, { alg: 'RS256' })
    eq(typeof signer, 'function', 'createSigner with a misfit key still returns a function')
    await ctx.rejects(() => signer({ sub: 'x' }), 'ERR_KEY_INVALID', 'signing RS256 with a secret')
    await ctx.rejects(() => signer({ sub: 'x' }), 'ERR_KEY_INVALID', 'again')
    const verifier = lib.createVerifier(h.SECRET, { algorithms: ['RS256'] })
    eq(typeof verifier, 'function', 'createVerifier with a misfit key still returns a function')
    await ctx.rejects(async () => verifier(await tokenBy(ctx, 'a')), NOT_ALLOWED, 'an ES256 token, algorithms [RS256]')
    await ctx.rejects(() => verifier(42), 'ERR_JWS_INVALID', 'a non-string token')
  })

  t('createVerifier: reads the clock on every call, never at creation', async () => {
    const c = clock()
    const token = await lib.sign({ sub: 'v' }, h.SECRET, { alg: 'HS256', now: ctx.NOW, expiresIn: 60 })
    const verifier = lib.createVerifier(h.SECRET, { algorithms: ['HS256'], now: c.now })
    eq(c.reads, 0, 'clock reads during createVerifier')
    c.s = T + 59
    eq((await verifier(token)).payload.sub, 'v', 'at exp − 1')
    ok(c.reads >= 1, 'the clock was read')
    c.s = T + 60
    await ctx.rejects(() => verifier(token), 'ERR_JWT_EXPIRED', 'at exp')
    c.s = T - 3600
    eq((await verifier(token)).payload.sub, 'v', 'an hour before iat (no maxAge: iat only type-checked)')
  })

  // API.md v3, Prepared: a hit skips only the signature; the resolver runs once on every
  // call. The suite tells a hit from a fresh verification by the result: a hit returns the
  // cached (frozen) result object itself.
  t('createVerifier cache: a hit runs the resolver once and returns the deep-frozen cached result', async () => {
    const c = clock()
    let calls = 0
    const resolver = () => {
      calls++
      return h.SECRET
    }
    const token = await lib.sign({ sub: 'c', nested: { list: [1, { deep: true }] } }, h.SECRET, { alg: 'HS256', now: ctx.NOW, expiresIn: 600 })
    const cached = lib.createVerifier(resolver, { algorithms: ['HS256'], cache: 8, now: c.now })
    const r1 = await cached(token)
    const r2 = await cached(token)
    eq(calls, 2, 'resolver calls after a miss and a hit')
    ok(r2 === r1, 'the hit returns the cached result')
    const frozen = [['result', r2], ['header', r2.header], ['payload', r2.payload], ['payload.nested', r2.payload.nested],
      ['payload.nested.list', r2.payload.nested.list], ['payload.nested.list[1]', r2.payload.nested.list[1]]]
    for (const [name, v] of frozen) ok(Object.isFrozen(v), `${name} of a cached result is frozen`)
    ok(h.isCryptoKey(r2.key), 'result.key is a CryptoKey')
    // Control: without cache every call resolves again.
    const plain = lib.createVerifier(resolver, { algorithms: ['HS256'], now: c.now })
    const p1 = await plain(token)
    const p2 = await plain(token)
    eq(calls, 4, 'resolver calls after two uncached verifications')
    ok(p1 !== p2 && !Object.isFrozen(p2), 'without cache each call verifies afresh (results not frozen)')
    // Caches are per verifier: a second caching verifier starts empty.
    let other = 0
    const second = lib.createVerifier(() => { other++; return h.SECRET }, { algorithms: ['HS256'], cache: 8, now: c.now })
    await second(token)
    eq(other, 1, "a second verifier's resolver calls")
  })

  t('createVerifier cache: an expired cached token is refused; entries live at most cacheTtl', async () => {
    const c = clock()
    let calls = 0
    const resolver = () => {
      calls++
      return h.SECRET
    }
    const token = await lib.sign({ sub: 'e' }, h.SECRET, { alg: 'HS256', now: ctx.NOW, expiresIn: 60 })
    const v = lib.createVerifier(resolver, { algorithms: ['HS256'], cache: 8, cacheTtl: 3600, now: c.now })
    const first = await v(token)
    eq(first.payload.sub, 'e', 'verified and cached')
    c.s = T + 59
    ok((await v(token)) === first, 'a hit at exp − 1')
    eq(calls, 2, 'resolver calls so far (once per call)')
    c.s = T + 60
    await ctx.rejects(() => v(token), 'ERR_JWT_EXPIRED', 'the cached token at exp')
    c.s = T + 30
    const long = await lib.sign({ sub: 'l' }, h.SECRET, { alg: 'HS256', now: ctx.NOW, expiresIn: 86400 })
    const ttl = lib.createVerifier(resolver, { algorithms: ['HS256'], cache: 8, cacheTtl: 10, now: c.now })
    calls = 0
    const stored = await ttl(long)
    c.s = T + 39
    ok((await ttl(long)) === stored, 'a hit within cacheTtl')
    c.s = T + 41
    const after = await ttl(long)
    ok(after !== stored && after.payload.sub === 'l', 'verified afresh after cacheTtl')
    eq(calls, 3, 'resolver calls (once per call, the answer reused when the hit does not hold)')
  })

  t('createVerifier cache: tokens over 4 096 characters are not cached', async () => {
    let calls = 0
    const resolver = () => {
      calls++
      return h.SECRET
    }
    // The largest token ≤ 4096 characters and the smallest one above it (padding one claim).
    const at = (n) => lib.sign({ sub: 'big', pad: 'x'.repeat(n) }, h.SECRET, { alg: 'HS256', now: ctx.NOW, expiresIn: 600 })
    let n = 2900
    let fits = await at(n)
    while ((await at(n + 1)).length <= 4096) fits = await at(++n)
    const over = await at(n + 1)
    ok(fits.length <= 4096 && fits.length > 4090 && over.length > 4096, `test bug: token lengths ${fits.length} / ${over.length}`)
    const v = lib.createVerifier(resolver, { algorithms: ['HS256'], cache: 8, now: ctx.NOW })
    const f1 = await v(fits)
    ok((await v(fits)) === f1, `a ${fits.length}-character token is a hit the second time`)
    const o1 = await v(over)
    const o2 = await v(over)
    ok(o1 !== o2, `a ${over.length}-character token is verified afresh every time`)
    ok(Object.isFrozen(o2) && Object.isFrozen(o2.payload), 'its result is deep-frozen all the same')
    eq(calls, 4, 'resolver calls (once per call)')
  })

  t('createVerifier cache: failures are never cached', async () => {
    let calls = 0
    const wrong = Uint8Array.from(h.SECRET, (b) => b ^ 1)
    const flaky = () => (calls++ === 0 ? wrong : h.SECRET)
    const token = await lib.sign({ sub: 'f' }, h.SECRET, { alg: 'HS256', now: ctx.NOW, expiresIn: 600 })
    const v = lib.createVerifier(flaky, { algorithms: ['HS256'], cache: 8, now: ctx.NOW })
    await ctx.rejects(() => v(token), 'ERR_JWS_SIGNATURE_INVALID', 'first call (wrong key)')
    eq((await v(token)).payload.sub, 'f', 'second call (right key)')
    eq(calls, 2, 'resolver calls')
  })
}

// ───────────────────────────── remote key sets ─────────────────────────────

/** URL rules need no server: checked synchronously at creation, nothing is fetched. */
export function remoteUrlTests(t, ctx, h) {
  const { lib } = ctx
  t('createRemoteJwks: insecure URLs refused at creation, loopback http allowed', () => {
    for (const url of ['http://localhost.evil.example/jwks', 'http://127.0.0.1.evil.example/jwks', 'http://evil.example/jwks',
      'http://localhost.evil.example:8080/jwks', 'http://evil-localhost/jwks', 'http://localhost@evil.example/jwks',
      'http://127.0.0.1:80@evil.example/jwks', 'http://localhost./jwks', 'ftp://localhost/jwks', 'file:///etc/jwks.json',
      'http://a.b.localhost:9/jwks', 'http://x.localhost/jwks']) {
      ctx.throws(() => lib.createRemoteJwks(url), INVALID_ARG, `createRemoteJwks(${url})`)
    }
    for (const url of ['', 'not a url', 'https://', 42, null]) ctx.throws(() => lib.createRemoteJwks(url), INVALID_ARG, `createRemoteJwks(${h.show(url)})`)
    ctx.throws(() => lib.createRemoteJwks('https://id.example/jwks', { timeout: 'soon' }), INVALID_ARG, "timeout 'soon'")
    ctx.throws(() => lib.createRemoteJwks('https://id.example/jwks', { allowHttp: 'yes' }), INVALID_ARG, "allowHttp 'yes'")
    // Created, never used (nothing is fetched at creation).
    for (const url of ['https://id.example/jwks', 'http://localhost:9/jwks', 'http://127.0.0.2:9/jwks',
      'http://[::1]:9/jwks', new URL('https://id.example/jwks')]) {
      const set = lib.createRemoteJwks(url)
      h.eq(typeof set, 'function', `createRemoteJwks(${String(url)}) returns a resolver`)
      h.eq(set.jwks, undefined, `${String(url)}: jwks before first use`)
      h.eq(typeof set.reload, 'function', `${String(url)}: reload`)
    }
    h.eq(typeof lib.createRemoteJwks('http://localhost.evil.example/jwks', { allowHttp: true }), 'function', 'a non-loopback http URL with allowHttp')
  })
}

export function remoteKeySetTests(t, ctx, h) {
  const { lib } = ctx
  const { ok, eq } = h
  const base = typeof ctx.jwksBaseUrl === 'string' ? ctx.jwksBaseUrl.replace(/\/+$/, '') : undefined
  const shared = ctx.row?.jwksInflight === 'shared'
  if (!ctx.row?.remoteJwks) return
  if (!base) {
    t('the runner serves JWK Sets (opts.jwksBaseUrl)', () => h.fail(`the matrix row ${ctx.runtime} says remote key sets run here, but the runner gave no jwksBaseUrl`))
    return
  }
  const slotName = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('')
  const url = (mode, slot) => `${base}/jwks/${mode}/${slot}`
  async function put(slot, jwks, more = {}) {
    const res = await fetch(`${base}/jwks-admin/${slot}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jwks, ...more }) })
    await res.arrayBuffer()
    eq(res.status, 204, `PUT ${slot} to the JWKS server`)
  }
  /** Requests the server saw for a slot: { ok, 500, redirect, big, slow, conditional, notModified }. */
  async function seen(slot) {
    const res = await fetch(`${base}/jwks-admin/${slot}`)
    eq(res.status, 200, 'JWKS server stats')
    const s = await res.json()
    return { ok: 0, 500: 0, redirect: 0, big: 0, slow: 0, ...s.requests, conditional: s.conditional, notModified: s.notModified }
  }
  /** A fresh slot serving these keys (public JWKs with kids). */
  async function slotWith(keys, more) {
    const slot = slotName()
    await put(slot, { keys }, more)
    return slot
  }
  const verify = (token, set, opts = {}) => lib.verify(token, set, { now: ctx.NOW, ...opts })
  const pubA = () => pubJwk(ctx, 'a', { kid: 'a' })
  const pubB = () => pubJwk(ctx, 'b', { kid: 'b' })

  t('first use: one request for several concurrent verifications, then the cache', async () => {
    needsEs256(ctx, h)
    const slot = await slotWith([await pubA()])
    const set = lib.createRemoteJwks(url('ok', slot))
    eq(set.jwks, undefined, 'jwks before first use')
    eq((await seen(slot)).ok, 0, 'requests after createRemoteJwks (nothing fetched at creation)')
    const token = await tokenBy(ctx, 'a', 'a')
    const N = 5
    const results = await Promise.all(Array.from({ length: N }, () => verify(token, set)))
    eq(results.map((r) => r.payload.sub), Array(N).fill('a'), `${N} concurrent verifications`)
    const first = (await seen(slot)).ok
    if (shared) eq(first, 1, `requests for ${N} concurrent first uses (one in-flight request is shared)`)
    else ok(first >= 1 && first <= N, `requests for ${N} concurrent first uses: ${first}, expected 1..${N} (per-request fetches on ${ctx.runtime})`)
    for (let i = 0; i < 3; i++) eq((await verify(token, set)).payload.sub, 'a', `sequential verification ${i + 1}`)
    eq((await seen(slot)).ok, first, 'requests after 3 more verifications (max-age 300 keeps the set fresh)')
    const doc = set.jwks
    ok(doc && Object.isFrozen(doc) && Object.isFrozen(doc.keys) && doc.keys.every((k) => Object.isFrozen(k)), 'jwks is deep-frozen')
    eq(doc.keys.map((k) => k.kid), ['a'], 'jwks holds the served keys')
  })

  t('ETag: a conditional refresh, 304 keeps the set, a changed set replaces it', async () => {
    needsEs256(ctx, h)
    const slot = await slotWith([await pubA()])
    const set = lib.createRemoteJwks(url('ok', slot))
    eq((await verify(await tokenBy(ctx, 'a', 'a'), set)).payload.sub, 'a', 'first verification')
    await set.reload()
    let s = await seen(slot)
    eq([s.ok, s.conditional, s.notModified], [2, 1, 1], 'after reload(): [requests, with If-None-Match, answered 304]')
    eq(set.jwks.keys.map((k) => k.kid), ['a'], 'keys after a 304')
    eq((await verify(await tokenBy(ctx, 'a', 'a'), set)).payload.sub, 'a', 'verification after a 304')
    await put(slot, { keys: [await pubB()] })
    await set.reload()
    s = await seen(slot)
    eq([s.ok, s.conditional, s.notModified], [3, 2, 1], 'after the set changed and reload(): [requests, conditional, 304]')
    eq(set.jwks.keys.map((k) => k.kid), ['b'], 'keys after the change')
    eq((await verify(await tokenBy(ctx, 'b', 'b'), set)).payload.sub, 'b', 'a token of the new key')
    // max-age=0 means minTtl; with minTtl 0 every use revalidates, conditionally.
    const zero = await slotWith([await pubA()], { maxAge: 0 })
    const eager = lib.createRemoteJwks(url('ok', zero), { minTtl: 0 })
    for (let i = 0; i < 2; i++) eq((await verify(await tokenBy(ctx, 'a', 'a'), eager)).payload.sub, 'a', `max-age=0, minTtl 0: verification ${i + 1}`)
    s = await seen(zero)
    eq([s.ok, s.conditional, s.notModified], [2, 1, 1], 'max-age=0, minTtl 0: [requests, conditional, 304]')
  })

  t('unknown kid: at most one refetch per cooldown', async () => {
    needsEs256(ctx, h)
    const COOLDOWN_MS = 2000
    const slot = await slotWith([await pubA()])
    const set = lib.createRemoteJwks(url('ok', slot), { cooldown: COOLDOWN_MS / 1000 })
    const tokA = await tokenBy(ctx, 'a', 'a')
    const started = Date.now() // the first request starts right after: the cooldown runs from here
    eq((await verify(tokA, set)).payload.sub, 'a', 'kid a')
    await put(slot, { keys: [await pubA(), await pubB()] })
    const tokB = await tokenBy(ctx, 'b', 'b')
    // Within the cooldown from the first request: kid b is unknown and nothing is fetched.
    await ctx.rejects(() => verify(tokB, set), NO_MATCH, 'kid b within the cooldown')
    const burst = await Promise.allSettled(Array.from({ length: 3 }, () => verify(tokB, set)))
    eq(burst.map((r) => r.status === 'rejected' && r.reason?.code), Array(3).fill(NO_MATCH), '3 concurrent kid b within the cooldown')
    const within = Date.now() - started
    ok(within < COOLDOWN_MS, `test too slow to be meaningful: ${within} ms used of a ${COOLDOWN_MS} ms cooldown`)
    eq((await seen(slot)).ok, 1, 'requests within the cooldown')
    await sleep(COOLDOWN_MS + 150 - (Date.now() - started))
    // After the cooldown: one refetch finds kid b.
    eq((await verify(tokB, set)).payload.sub, 'b', 'kid b after the cooldown')
    eq((await seen(slot)).ok, 2, 'requests after the cooldown')
    const tokC = await tokenBy(ctx, 'c', 'c')
    const again = await Promise.allSettled(Array.from({ length: 3 }, () => verify(tokC, set)))
    eq(again.map((r) => r.status === 'rejected' && r.reason?.code), Array(3).fill(NO_MATCH), '3 concurrent kid c right after the refetch')
    eq((await seen(slot)).ok, 2, 'requests after kid c (the refetch started a new cooldown)')
  })

  t('500, redirects, oversized or malformed bodies and timeouts are ERR_JWKS_FETCH_FAILED', async () => {
    needsEs256(ctx, h)
    const token = await tokenBy(ctx, 'a', 'a')
    const slot = await slotWith([await pubA()])
    // 500; a second use within the cooldown makes no request; reload() ignores the cooldown.
    const s500 = lib.createRemoteJwks(url('500', slot))
    await ctx.rejects(() => verify(token, s500), FETCH_FAILED, 'HTTP 500')
    await ctx.rejects(() => verify(token, s500), FETCH_FAILED, 'HTTP 500, again within the cooldown')
    eq((await seen(slot))[500], 1, 'requests to /500 after two uses')
    await ctx.rejects(() => s500.reload(), FETCH_FAILED, 'reload() of a failing set')
    eq((await seen(slot))[500], 2, 'requests to /500 after reload()')
    // A redirect is refused and never followed.
    await ctx.rejects(() => verify(token, lib.createRemoteJwks(url('redirect', slot))), FETCH_FAILED, 'HTTP 302')
    let s = await seen(slot)
    eq([s.redirect, s.ok], [1, 0], 'requests to [/redirect, its target /ok]')
    // Past the default 512 KiB: streamed without a length, and with Content-Length.
    await ctx.rejects(() => verify(token, lib.createRemoteJwks(url('big', slot))), FETCH_FAILED, '600 KiB body, chunked')
    await ctx.rejects(() => verify(token, lib.createRemoteJwks(`${url('big', slot)}?declared`)), FETCH_FAILED, '600 KiB body, Content-Length')
    // Control: the same body under a larger maxResponseBytes is a good set.
    eq((await verify(token, lib.createRemoteJwks(url('big', slot), { maxResponseBytes: 2 * 1024 * 1024 }))).payload.sub, 'a', '600 KiB body, maxResponseBytes 2 MiB')
    eq((await seen(slot)).big, 3, 'requests to /big')
    await ctx.rejects(() => verify(token, lib.createRemoteJwks(url('ok', slot), { maxResponseBytes: 64 })), FETCH_FAILED, 'maxResponseBytes 64')
    // 200 with something that is not a JWK Set.
    const junk = slotName()
    await put(junk, { keys: 'none' })
    await ctx.rejects(() => verify(token, lib.createRemoteJwks(url('ok', junk))), FETCH_FAILED, '200 with {"keys":"none"}')
    const many = await slotWith(Array.from({ length: 4 }, (_, i) => ({ kty: 'EC', crv: 'P-256', kid: `m${i}`, x: 'AA', y: 'AA' })))
    await ctx.rejects(() => verify(token, lib.createRemoteJwks(url('ok', many), { maxKeys: 3 })), FETCH_FAILED, '4 keys, maxKeys 3')
    // A server that does not answer: the timeout holds.
    const started = Date.now()
    await ctx.rejects(() => verify(token, lib.createRemoteJwks(url('slow', slot), { timeout: 0.3 })), FETCH_FAILED, 'no answer, timeout 0.3 s')
    const took = Date.now() - started
    ok(took < 5000, `the 0.3 s timeout took ${took} ms`)
    s = await seen(slot)
    eq(s.slow, 1, 'requests to /slow')
  })

  t('a failed refresh serves the last good set for staleIfError, then fails', async () => {
    needsEs256(ctx, h)
    const token = await tokenBy(ctx, 'a', 'a')
    const events = []
    const slot = await slotWith([await pubA()], { maxAge: 0 })
    const set = lib.createRemoteJwks(url('ok', slot), { minTtl: 0, onEvent: (e) => events.push(e.type) })
    eq((await verify(token, set)).payload.sub, 'a', 'first verification')
    eq(events, ['fetched'], 'events after the first fetch')
    await put(slot, { keys: [await pubA()] }, { status: 503, maxAge: 0 })
    eq((await verify(token, set)).payload.sub, 'a', 'served stale through a 503')
    eq((await verify(token, set)).payload.sub, 'a', 'served stale again (within the cooldown)')
    eq((await seen(slot)).ok, 2, 'requests (none during the cooldown after the failure)')
    eq(events, ['fetched', 'fetch_failed', 'serving_stale', 'serving_stale'], 'events')
    const other = await slotWith([await pubA()], { maxAge: 0 })
    const strict = lib.createRemoteJwks(url('ok', other), { minTtl: 0, staleIfError: 0 })
    eq((await verify(token, strict)).payload.sub, 'a', 'staleIfError 0: first verification')
    await put(other, { keys: [await pubA()] }, { status: 503, maxAge: 0 })
    await ctx.rejects(() => verify(token, strict), FETCH_FAILED, 'staleIfError 0: after a 503')
  })

  t('recovery: the cold start waits about 1 s, not the cooldown; an unknown kid during an outage is ERR_JWKS_FETCH_FAILED', async () => {
    needsEs256(ctx, h)
    const token = await tokenBy(ctx, 'a', 'a')
    // The provider answers 503 when the set is first used, then recovers.
    const slot = await slotWith([await pubA()], { status: 503 })
    const set = lib.createRemoteJwks(url('ok', slot))
    const down = await ctx.rejects(() => verify(token, set), FETCH_FAILED, 'first use while the provider answers 503')
    const failedAt = Date.now() // the 1 s wait counts from the end of the failed attempt
    ok(/HTTP status 503/.test(down.message), `the message names the status: ${h.show(down.message)}`)
    await put(slot, { keys: [await pubA()] })
    const skipped = await ctx.rejects(() => verify(token, set), FETCH_FAILED, 'within the 1 s cold-start wait')
    ok(/cooldown/.test(skipped.message), `a skipped refetch says so: ${h.show(skipped.message)}`)
    const within = Date.now() - failedAt
    ok(within < 900, `test too slow to be meaningful: ${within} ms used of the 1 s wait`)
    eq((await seen(slot)).ok, 1, 'requests within the wait')
    await sleep(1100 - (Date.now() - failedAt))
    eq((await verify(token, set)).payload.sub, 'a', 'about 1 s after the failure (the cooldown is 30 s)')
    eq((await seen(slot)).ok, 2, 'requests after the wait')
    // An outage after the set loaded: kid b is not in the last good set and the refresh
    // fails, so the set cannot be trusted to be complete.
    const other = await slotWith([await pubA()], { maxAge: 0 })
    const eager = lib.createRemoteJwks(url('ok', other), { minTtl: 0 })
    eq((await verify(token, eager)).payload.sub, 'a', 'first verification')
    await put(other, { keys: [await pubA()] }, { status: 503, maxAge: 0 })
    eq((await verify(token, eager)).payload.sub, 'a', 'kid a, served stale through a 503')
    const tokB = await tokenBy(ctx, 'b', 'b')
    await ctx.rejects(() => verify(tokB, eager), FETCH_FAILED, 'kid b during the outage')
  })

  t('a caching verifier drops a result whose key left the set', async () => {
    needsEs256(ctx, h)
    const slot = await slotWith([await pubA()])
    const set = lib.createRemoteJwks(url('ok', slot))
    const v = lib.createVerifier(set, { cache: 8, now: ctx.NOW })
    const token = await tokenBy(ctx, 'a', 'a')
    const r1 = await v(token)
    eq(r1.payload.sub, 'a', 'verified through the remote set')
    const r2 = await v(token)
    ok(Object.isFrozen(r2) && Object.isFrozen(r2.payload), 'results of a caching verifier are frozen')
    await put(slot, { keys: [await pubB()] })
    await set.reload()
    eq(set.jwks.keys.map((k) => k.kid), ['b'], 'kids after the reload')
    await ctx.rejects(() => v(token), NO_MATCH, 'the cached token after its key left the set')
    eq((await v(await tokenBy(ctx, 'b', 'b'))).payload.sub, 'b', 'a token of the new key')
  })
}

// ───────────────────────────── discovery, certificate maps, issuer functions ─────────────────────────────

/**
 * API.md, Identity providers and discovery: `discover` and the `x509-map` format through
 * an injected `fetch` (no server, so every runtime runs them), and `issuer` as a function.
 */
export function discoveryTests(t, ctx, h) {
  const { lib } = ctx
  const ISS = 'https://id.example/tenant'
  const OIDC = `${ISS}/.well-known/openid-configuration`
  const RFC8414 = 'https://id.example/.well-known/oauth-authorization-server/tenant'
  /** A fetch answering JSON by URL (404 otherwise) and recording the URLs asked for. */
  const provider = (routes) => {
    const asked = []
    const fetch = async (input) => {
      const url = String(input)
      asked.push(url)
      return Object.hasOwn(routes, url)
        ? new Response(JSON.stringify(routes[url]), { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=300' } })
        : new Response('not found', { status: 404 })
    }
    return { fetch, asked }
  }
  const meta = (issuer, over = {}) => ({ issuer, jwks_uri: `${issuer}/keys`, ...over })

  t('discover: the OpenID URL, then RFC 8414; issuer exact; frozen; kept for its lifetime', async () => {
    const p = provider({ [OIDC]: meta(ISS) })
    const m = await lib.discover(ISS, { fetch: p.fetch, now: ctx.NOW })
    h.eq(m, meta(ISS), 'metadata')
    h.ok(Object.isFrozen(m), 'metadata is frozen')
    h.eq(await lib.discover(ISS, { fetch: p.fetch, now: ctx.NOW }), m, 'second call')
    h.eq(p.asked, [OIDC], 'one request (the second call was answered from memory)')
    const q = provider({ [RFC8414]: meta(ISS) })
    h.eq((await lib.discover(ISS, { fetch: q.fetch })).jwks_uri, `${ISS}/keys`, 'the RFC 8414 document')
    h.eq(q.asked, [OIDC, RFC8414], 'the OpenID URL, then the RFC 8414 URL')
  })

  t('discover: refusals (another issuer, a trailing-slash variant, http jwks_uri, bad argument)', async () => {
    for (const [what, doc] of [['another issuer', meta('https://evil.example')], ['a trailing "/"', meta(`${ISS}/`)],
      ['an http jwks_uri', meta(ISS, { jwks_uri: 'http://id.example/keys' })]]) {
      const p = provider({ [OIDC]: doc, [RFC8414]: doc })
      await ctx.rejects(() => lib.discover(ISS, { fetch: p.fetch }), FETCH_FAILED, what)
      h.eq(p.asked, [OIDC, RFC8414], `${what}: both URLs tried`)
    }
    const p = provider({})
    for (const issuer of ['http://id.example', 'https://id.example?x', 'id.example', 42]) {
      await ctx.rejects(() => lib.discover(issuer, { fetch: p.fetch }), INVALID_ARG, `discover(${h.show(issuer)})`)
    }
    h.eq(p.asked, [], 'nothing fetched for a bad argument')
  })

  t("createRemoteJwks format 'x509-map': a certificate map verifies RS256 tokens by kid", async () => {
    if (!ctx.roundTrip.has('RS256')) return
    const { cert, key } = h.CERTS['RSA-2048']
    const url = 'https://www.googleapis.com/oauth2/v1/certs'
    const p = provider({ [url]: { 'kid-1': cert } })
    const set = lib.createRemoteJwks(url, { format: 'x509-map', fetch: p.fetch })
    const token = await lib.sign({ sub: 'g' }, key, { alg: 'RS256', kid: 'kid-1', now: ctx.NOW, expiresIn: 600 })
    h.eq((await lib.verify(token, set, { algorithms: ['RS256'], now: ctx.NOW })).payload.sub, 'g', 'verified with the certificate of kid-1')
    h.eq(set.jwks.keys.map((k) => [k.kty, k.kid]), [['RSA', 'kid-1']], 'the set as JWKs')
    const bad = provider({ [url]: { 'kid-1': 42 } })
    await ctx.rejects(() => lib.createRemoteJwks(url, { format: 'x509-map', fetch: bad.fetch }).reload(), FETCH_FAILED, 'a map with a non-string value')
  })

  t('issuer as a function: only true accepts, after the signature', async () => {
    const token = await lib.sign({ iss: ISS }, h.SECRET, { alg: 'HS256', now: ctx.NOW, expiresIn: 600 })
    const seen = []
    const issuer = (iss, payload) => (seen.push(iss), iss === payload.iss && iss.startsWith('https://id.example/'))
    const opts = { algorithms: ['HS256'], now: ctx.NOW }
    h.eq((await lib.verify(token, h.SECRET, { ...opts, issuer })).payload.iss, ISS, 'accepted')
    await ctx.rejects(() => lib.verify(token, h.SECRET, { ...opts, issuer: async () => 'yes' }), 'ERR_JWT_CLAIM_INVALID', 'a truthy answer', { claim: 'iss', reason: 'mismatch' })
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${token.at(-43) === 'A' ? 'B' : 'A'}${token.slice(-42)}`
    await ctx.rejects(() => lib.verify(forged, h.SECRET, { ...opts, issuer }), 'ERR_JWS_SIGNATURE_INVALID', 'a forged token')
    h.eq(seen, [ISS], 'called once: never for the forged token')
  })
}
