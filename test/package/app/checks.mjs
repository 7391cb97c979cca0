// Runtime checks on the four copies of the installed package that one Node process can
// load: `import` and `require` of 'isojwt' (the `node` condition: node:crypto backend)
// and of 'isojwt/web' (WebCrypto). Copied into the scratch project by run.mjs and called
// by esm.mjs (static imports) and cjs.cjs (require); each check prints `ok <name>` or
// `not ok <name>: <why>` for run.mjs to count.

import { fileURLToPath } from 'node:url'

// What API.md promises to every copy (the profile functions are checked where they are
// exported, see 'same exports').
const CORE_NAMES = [
  'sign', 'verify', 'decode', 'isExpired', 'createSigner', 'createVerifier', 'signJws', 'verifyJws',
  'importKey', 'exportJwk', 'thumbprint', 'generateKeyPair', 'generateSecret', 'createLocalJwks',
  'createRemoteJwks', 'JoseError', 'isJoseError',
]
const BACKEND_TAG = Symbol.for('isojwt.backend')

/** The file `import(spec)` loads from this folder (the scratch project). */
export function resolveImport(spec) {
  return fileURLToPath(import.meta.resolve(spec))
}

/** Fail a check with a message. */
function assert(ok, message) {
  if (!ok) throw new Error(message)
}

/** The error a promise rejects with (fails when it resolves). */
async function rejection(promise) {
  try {
    await promise
  } catch (e) {
    return e
  }
  throw new Error('expected a rejection, got a result')
}

/** Flip one character in the signature segment, keeping it canonical base64url. */
function tamper(token) {
  const i = token.lastIndexOf('.') + 5
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1)
}

/**
 * @param {string} entry 'esm' or 'cjs': who loaded the copies (names the checks).
 * @param {Array<{ name: string, lib: any, file: string, expectFile: string, backend: string }>} copies
 *   name: 'import isojwt' etc.; file: the resolved path; expectFile: what it must end with.
 * @param {string} appDir the scratch project: every copy must come from its node_modules.
 */
export async function runChecks(entry, copies, appDir) {
  let passed = 0
  let failed = 0
  const check = async (name, fn) => {
    try {
      await fn()
      passed++
      console.log(`ok ${entry}: ${name}`)
    } catch (e) {
      failed++
      console.log(`not ok ${entry}: ${name}: ${e?.message ?? e}`)
    }
  }
  const installed = `${appDir}/node_modules/isojwt/`

  for (const c of copies) {
    await check(`${c.name} resolves to ${c.expectFile} of the installed tarball`, () => {
      assert(c.file.startsWith(installed), `resolved to ${c.file}, not under ${installed}`)
      assert(c.file.slice(installed.length) === c.expectFile, `resolved to ${c.file.slice(installed.length)}`)
    })
    await check(`${c.name} runs the ${c.backend} backend`, () => {
      assert(c.lib.JoseError[BACKEND_TAG] === c.backend, `backend tag is ${String(c.lib.JoseError[BACKEND_TAG])}`)
    })
  }

  await check('every copy has the API.md functions, and all copies the same exports', () => {
    const names = copies.map((c) => Object.keys(c.lib).filter((k) => k !== 'default' && k !== '__esModule').sort().join(','))
    for (const n of CORE_NAMES) for (const c of copies) assert(typeof c.lib[n] === 'function', `${c.name} lacks ${n}`)
    assert(new Set(names).size === 1, `export lists differ:\n${copies.map((c, i) => `  ${c.name}: ${names[i]}`).join('\n')}`)
  })

  await check('the copies are distinct module instances (so the checks below cross copies)', () => {
    for (const a of copies) for (const b of copies) {
      if (a !== b) assert(a.lib.JoseError !== b.lib.JoseError, `${a.name} and ${b.name} share JoseError`)
    }
  })

  // One ES256 key pair and one HS256 secret, made by the first copy; the public key
  // travels as a JWK, so every copy imports it itself.
  const first = copies[0].lib
  const { privateKey, publicKey } = await first.generateKeyPair('ES256')
  const publicJwk = { ...(await first.exportJwk(publicKey)), alg: 'ES256', kid: 'k1' }
  const secret = first.generateSecret('HS256')
  const policy = { issuer: 'https://issuer.example', audience: 'package-test' }

  const tokens = new Map()
  for (const c of copies) {
    await check(`${c.name}: sign → verify round trip (ES256 and HS256)`, async () => {
      const es = await c.lib.sign({ sub: c.name }, privateKey, { ...policy, expiresIn: '5m', kid: 'k1' })
      const r = await c.lib.verify(es, publicJwk, policy)
      assert(r.payload.sub === c.name && r.header.alg === 'ES256' && r.header.kid === 'k1', 'ES256 result differs')
      const hs = await c.lib.sign({ sub: c.name }, secret, { alg: 'HS256', expiresIn: 60 })
      const h = await c.lib.verify(hs, secret, { algorithms: ['HS256'] })
      assert(h.payload.sub === c.name && h.header.alg === 'HS256', 'HS256 result differs')
      const d = c.lib.decode(es)
      assert(d.payload.sub === c.name && d.signature.length === 64, 'decode differs')
      tokens.set(c, es)
    })
  }

  await check('a token signed by each copy verifies in every other copy', async () => {
    for (const a of copies) for (const b of copies) {
      const token = tokens.get(a)
      assert(token !== undefined, `${a.name} signed nothing`)
      const r = await b.lib.verify(token, publicJwk, policy)
      assert(r.payload.sub === a.name, `${b.name} read ${a.name}'s token wrong`)
    }
  })

  await check('isJoseError recognises every copy\'s errors in every copy; plain errors are not', async () => {
    for (const a of copies) {
      const e = await rejection(a.lib.verify(tamper(tokens.get(a)), publicJwk, policy))
      assert(e instanceof a.lib.JoseError, `${a.name}: not its own JoseError: ${e}`)
      assert(e.code === 'ERR_JWS_SIGNATURE_INVALID', `${a.name}: code ${e.code}`)
      for (const b of copies) assert(b.lib.isJoseError(e) === true, `${b.name}.isJoseError(error of ${a.name}) is not true`)
      const lookalike = Object.assign(new Error(e.message), { name: e.name, code: e.code })
      for (const b of copies) assert(b.lib.isJoseError(lookalike) === false, `${b.name}.isJoseError(a look-alike Error) is true`)
    }
  })

  await check('a copy\'s JoseError constructed by hand is recognised by the others', () => {
    for (const a of copies) {
      const e = new a.lib.JoseError('ERR_JWT_EXPIRED', 'expired')
      for (const b of copies) assert(b.lib.isJoseError(e), `${b.name} misses a ${a.name} JoseError`)
    }
  })

  // Issue 12, hardening 1: the bytes of a public key file (PEM or DER) are never an HMAC
  // secret, in every copy, whatever `algorithms` lists.
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey))
  const pemBytes = new TextEncoder().encode(`-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki))}\n-----END PUBLIC KEY-----\n`)
  for (const [file, bytes] of [['public.pem', pemBytes], ['public.der', spki]]) {
    await check(`hardening 1: an HS256 token HMAC-signed with the bytes of ${file} is ERR_KEY_INVALID in every copy`, async () => {
      const b64u = (b) => btoa(String.fromCharCode(...b)).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_')
      const input = `${b64u(new TextEncoder().encode('{"alg":"HS256"}'))}.${b64u(new TextEncoder().encode('{"sub":"admin"}'))}`
      const mac = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      const token = `${input}.${b64u(new Uint8Array(await crypto.subtle.sign('HMAC', mac, new TextEncoder().encode(input))))}`
      for (const c of copies) {
        for (const algorithms of [['HS256'], ['ES256', 'HS256']]) {
          const e = await rejection(c.lib.verify(token, bytes, { algorithms }))
          assert(c.lib.isJoseError(e) && e.code === 'ERR_KEY_INVALID', `${c.name}, ${algorithms}: ${e?.code ?? e}`)
        }
      }
    })
  }

  // hardening 5: key-set markers are registry symbols, so a set keeps its meaning in
  // another copy: a broken key in it is skipped there too (not ERR_KEY_INVALID), and a
  // remote set's reload drops another copy's cached results of keys it no longer holds.
  const broken = { ...publicJwk, x: publicJwk.x.slice(0, 20) }
  for (const a of copies) for (const b of copies) {
    await check(`hardening 5: a key set made by ${a.name} works as a key set in ${b.name}`, async () => {
      const set = a.lib.createLocalJwks({ keys: [broken, publicJwk] })
      const r = await b.lib.verify(tokens.get(a), set, policy)
      assert(r.payload.sub === a.name, 'not verified')
      let served = { keys: [publicJwk] }
      const remote = a.lib.createRemoteJwks('https://id.example/jwks', {
        fetch: async () => new Response(JSON.stringify(served), { headers: { 'content-type': 'application/json' } }),
      })
      const verifier = b.lib.createVerifier(remote, { ...policy, cache: 10 })
      assert((await verifier(tokens.get(a))).payload.sub === a.name, 'remote set: not verified')
      served = { keys: [broken] }
      await remote.reload()
      const e = await rejection(verifier(tokens.get(a)))
      assert(e.code === 'ERR_JWKS_NO_MATCHING_KEY', `after reload without the key: ${e.code}`)
    })
  }

  await check('hardening 3: options mean the same everywhere (hidden options read, lists with holes refused) in every copy', async () => {
    const hide = (o, name) => new Proxy(o, { ownKeys: (t) => Reflect.ownKeys(t).filter((k) => k !== name) })
    for (const c of copies) {
      const token = await c.lib.sign({ sub: 'h3', aud: 'other' }, secret, { alg: 'HS256', expiresIn: 60 })
      const nonEnumerable = Object.defineProperty({ algorithms: ['HS256'] }, 'audience', { value: 'package-test', enumerable: false })
      for (const opts of [nonEnumerable, hide({ algorithms: ['HS256'], audience: 'package-test' }, 'audience')]) {
        for (const e of [await rejection(c.lib.verify(token, secret, opts)), await rejection(c.lib.createVerifier(secret, opts)(token))]) {
          assert(e.code === 'ERR_JWT_CLAIM_INVALID', `${c.name}: a token for another audience gave ${e.code}`)
        }
      }
      const signed = await c.lib.sign({}, secret, Object.defineProperty({ alg: 'HS256' }, 'expiresIn', { value: 60, enumerable: false }))
      assert(typeof c.lib.decode(signed).payload.exp === 'number', `${c.name}: a non-enumerable expiresIn was ignored`)
      const holes = { algorithms: ['HS256'], requiredClaims: ['sub', , 'x'] }
      const e = await rejection(c.lib.verify(token, secret, holes))
      assert(e.code === 'ERR_JOSE_INVALID_ARGUMENT', `${c.name}: requiredClaims with a hole gave ${e.code}`)
    }
  })

  return { passed, failed }
}

