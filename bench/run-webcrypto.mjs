// The WebCrypto scenarios in any runtime: Node, Deno and Bun run this same file (plain
// ESM, WebCrypto only; the one runtime-specific line reads the fixtures file). run.mjs
// starts it with `--runtimes`:
//   <runtime> bench/run-webcrypto.mjs <fixtures.json> '<config json>'
// config: { isojwtWeb, isojwtNode, jose, hono, tsndr: module URLs; quick; filter: [substrings] }.
// The raw dispatch floor (subtle.digest of 32 bytes: the cheapest round trip through the
// runtime's WebCrypto) is measured first; then, per scenario, the bare subtle operation
// over the same signing input (the ceiling), isojwt/web and the WebCrypto peers, and for
// sign and verify the node:crypto build ('isojwt node backend', dist/node.js) with keys
// from its own importKey (node:crypto KeyObjects behind them): which backend is faster in
// this runtime. Prints one line `ISOJWT_BENCH {json}`.
import { runScenario } from './lib/harness.mjs'

const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2)
const [fixturesPath, configJson] = args
const config = JSON.parse(configJson)

async function readText(path) {
  if (globalThis.Deno) return globalThis.Deno.readTextFile(path)
  if (globalThis.Bun) return globalThis.Bun.file(path).text()
  const fs = await import('node:fs/promises') // Node only
  return fs.readFile(path, 'utf8')
}

function runtime() {
  if (globalThis.Deno) return { name: 'deno', version: globalThis.Deno.version.deno, engine: `V8 ${globalThis.Deno.version.v8}` }
  if (globalThis.Bun) return { name: 'bun', version: globalThis.Bun.version, engine: 'JavaScriptCore' }
  return { name: 'node', version: globalThis.process.versions.node, engine: `V8 ${globalThis.process.versions.v8}` }
}

const WEB = {
  HS256: { import: { name: 'HMAC', hash: 'SHA-256' }, op: { name: 'HMAC' } },
  RS256: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, op: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { import: { name: 'RSA-PSS', hash: 'SHA-256' }, op: { name: 'RSA-PSS', saltLength: 32 } },
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, op: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { import: { name: 'Ed25519' }, op: { name: 'Ed25519' } },
}

const fromB64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
const at = (arr, i) => arr[i % arr.length]
const isTrue = (r) => (r === true ? '' : 'false')
const subOf = (token) => JSON.parse(new TextDecoder().decode(fromB64u(token.split('.')[1]))).sub

function split(token) {
  const dot = token.lastIndexOf('.')
  return { token, sub: subOf(token), input: new TextEncoder().encode(token.slice(0, dot)), sig: fromB64u(token.slice(dot + 1)) }
}

const payloadIs = (pick, tokens) => (r, i) => (pick(r)?.sub === at(tokens, i).sub ? '' : 'wrong payload')

async function main() {
  const fx = JSON.parse(await readText(fixturesPath))
  const [isojwtWeb, isojwtNode, jose, hono, tsndr] = await Promise.all([config.isojwtWeb, config.isojwtNode, config.jose, config.hono, config.tsndr].map((u) => (u ? import(u) : undefined)))
  const { iss, aud } = fx
  const scenarios = []

  // 1. The floor: what one trip through this runtime's WebCrypto costs.
  const bytes32 = new Uint8Array(32).fill(7)
  scenarios.push({
    name: 'dispatch floor', group: 'floor',
    contenders: [
      { name: 'subtle.digest SHA-256 (32 B)', kind: 'floor', note: 'the cheapest WebCrypto call', make: async () => () => crypto.subtle.digest('SHA-256', bytes32) },
      { name: 'await of a resolved promise', kind: 'floor', note: 'the microtask alone', make: async () => () => Promise.resolve(1) },
    ],
  })

  for (const [alg, a] of Object.entries(fx.algs)) {
    const w = WEB[alg]
    let priv, pub
    try {
      priv = await crypto.subtle.importKey('jwk', a.privateJwk, w.import, false, ['sign'])
      pub = await crypto.subtle.importKey('jwk', a.publicJwk, w.import, false, ['verify'])
    } catch (e) {
      scenarios.push({ name: `sign ${alg}`, group: 'sign', unsupported: String(e?.message ?? e), contenders: [] })
      scenarios.push({ name: `verify ${alg}`, group: 'verify', unsupported: String(e?.message ?? e), contenders: [] })
      continue
    }
    const tokens = a.tokens.map(split)
    const pl = a.payloads
    // The node build's keys come from its own importKey: a caller's CryptoKey would go through subtle.
    const nodeKeys = isojwtNode && { priv: await isojwtNode.importKey(a.privateJwk, alg), pub: await isojwtNode.importKey(a.publicJwk, alg) }
    const signCheck = (t, i) => {
      if (typeof t !== 'string') return 'not a string'
      return subOf(t) === at(pl, i).sub ? '' : 'wrong payload'
    }
    const hasTsndr = alg !== 'PS256' && alg !== 'EdDSA'
    scenarios.push({
      name: `sign ${alg}`, group: 'sign',
      contenders: [
        { name: 'isojwt/web', kind: 'subject', check: signCheck, make: async () => (i) => isojwtWeb.sign(at(pl, i), priv, { alg }) },
        { name: 'isojwt/web createSigner', kind: 'subject', check: signCheck, make: async () => { const s = isojwtWeb.createSigner(priv, { alg }); return (i) => s(at(pl, i)) } },
        ...(nodeKeys ? [{ name: 'isojwt node backend', kind: 'subject', check: signCheck, make: async () => (i) => isojwtNode.sign(at(pl, i), nodeKeys.priv, { alg }) }] : []),
        ...(jose ? [{ name: 'jose', kind: 'peer', check: signCheck, make: async () => (i) => new jose.SignJWT(at(pl, i)).setProtectedHeader({ alg, typ: 'JWT' }).sign(priv) }] : []),
        ...(hono ? [{ name: 'hono', kind: 'peer', check: signCheck, make: async () => (i) => hono.sign(at(pl, i), priv, alg) }] : []),
        ...(tsndr && hasTsndr ? [{ name: 'tsndr', kind: 'peer', check: signCheck, make: async () => (i) => tsndr.sign(at(pl, i), priv, { algorithm: alg }) }] : []),
        { name: 'crypto.subtle', kind: 'ceiling', make: async () => (i) => crypto.subtle.sign(w.op, priv, at(tokens, i).input) },
      ],
    })
    const opts = { algorithms: [alg], issuer: iss, audience: aud }
    scenarios.push({
      name: `verify ${alg}`, group: 'verify',
      contenders: [
        { name: 'isojwt/web', kind: 'subject', check: payloadIs((r) => r.payload, tokens), make: async () => (i) => isojwtWeb.verify(at(tokens, i).token, pub, opts) },
        { name: 'isojwt/web createVerifier', kind: 'subject', check: payloadIs((r) => r.payload, tokens), make: async () => { const v = isojwtWeb.createVerifier(pub, opts); return (i) => v(at(tokens, i).token) } },
        ...(nodeKeys ? [{ name: 'isojwt node backend', kind: 'subject', check: payloadIs((r) => r.payload, tokens), make: async () => (i) => isojwtNode.verify(at(tokens, i).token, nodeKeys.pub, opts) }] : []),
        ...(jose ? [{ name: 'jose', kind: 'peer', check: payloadIs((r) => r.payload, tokens), make: async () => (i) => jose.jwtVerify(at(tokens, i).token, pub, opts) }] : []),
        ...(hono ? [{ name: 'hono', kind: 'peer', check: payloadIs((r) => r, tokens), make: async () => (i) => hono.verify(at(tokens, i).token, pub, { alg, iss, aud }) }] : []),
        ...(tsndr && hasTsndr ? [{ name: 'tsndr', kind: 'peer', check: payloadIs((r) => r.payload, tokens), make: async () => (i) => tsndr.verify(at(tokens, i).token, pub, { algorithm: alg, throwError: true }) }] : []),
        { name: 'crypto.subtle', kind: 'ceiling', check: isTrue, make: async () => (i) => { const t = at(tokens, i); return crypto.subtle.verify(w.op, pub, t.sig, t.input) } },
      ],
    })
  }

  const es = fx.algs.ES256
  const esTokens = es.tokens.map(split)
  const hp = (r) => (r.header?.alg === 'ES256' ? r.payload : undefined)
  scenarios.push({
    name: 'decode (ES256 token)', group: 'decode',
    contenders: [
      { name: 'isojwt/web', kind: 'subject', sync: true, check: payloadIs(hp, esTokens), make: async () => (i) => isojwtWeb.decode(at(esTokens, i).token) },
      ...(jose ? [{ name: 'jose', kind: 'peer', sync: true, check: payloadIs(hp, esTokens), make: async () => (i) => { const t = at(esTokens, i).token; return { header: jose.decodeProtectedHeader(t), payload: jose.decodeJwt(t) } } }] : []),
      ...(hono ? [{ name: 'hono', kind: 'peer', sync: true, check: payloadIs(hp, esTokens), make: async () => (i) => hono.decode(at(esTokens, i).token) }] : []),
      ...(tsndr ? [{ name: 'tsndr', kind: 'peer', sync: true, check: payloadIs(hp, esTokens), make: async () => (i) => tsndr.decode(at(esTokens, i).token) }] : []),
    ],
  })

  const jwk = es.publicJwk
  const esOpts = { algorithms: ['ES256'], issuer: iss, audience: aud }
  scenarios.push({
    name: 'verify ES256, JWK object passed per call', group: 'jwk',
    contenders: [
      { name: 'isojwt/web', kind: 'subject', check: payloadIs((r) => r.payload, esTokens), make: async () => (i) => isojwtWeb.verify(at(esTokens, i).token, jwk, esOpts) },
      ...(jose ? [{ name: 'jose', kind: 'peer', check: payloadIs((r) => r.payload, esTokens), make: async () => (i) => jose.jwtVerify(at(esTokens, i).token, jwk, esOpts) }] : []),
      ...(hono ? [{ name: 'hono', kind: 'peer', check: payloadIs((r) => r, esTokens), make: async () => (i) => hono.verify(at(esTokens, i).token, jwk, { alg: 'ES256', iss, aud }) }] : []),
      ...(tsndr ? [{ name: 'tsndr', kind: 'peer', check: payloadIs((r) => r.payload, esTokens), make: async () => (i) => tsndr.verify(at(esTokens, i).token, jwk, { algorithm: 'ES256', throwError: true }) }] : []),
      { name: 'subtle import+verify', kind: 'baseline', note: 'importKey("jwk") + verify on every call, no cache', check: isTrue, make: async () => async (i) => { const t = at(esTokens, i); return crypto.subtle.verify(WEB.ES256.op, await crypto.subtle.importKey('jwk', jwk, WEB.ES256.import, false, ['verify']), t.sig, t.input) } },
      { name: 'crypto.subtle', kind: 'ceiling', note: 'subtle.verify, key imported once', check: isTrue, make: async () => { const k = await crypto.subtle.importKey('jwk', jwk, WEB.ES256.import, false, ['verify']); return (i) => { const t = at(esTokens, i); return crypto.subtle.verify(WEB.ES256.op, k, t.sig, t.input) } } },
    ],
  })

  const set = fx.sets['10']
  const setTokens = set.tokens.map(split)
  const byKid = new Map()
  for (const k of set.doc.keys) byKid.set(k.kid, await crypto.subtle.importKey('jwk', k, WEB.ES256.import, false, ['verify']))
  const kidOf = (token) => JSON.parse(new TextDecoder().decode(fromB64u(token.split('.')[0]))).kid
  scenarios.push({
    name: 'verify ES256, local JWKS of 10', group: 'jwks',
    contenders: [
      { name: 'isojwt/web', kind: 'subject', check: payloadIs((r) => r.payload, setTokens), make: async () => { const s = isojwtWeb.createLocalJwks(set.doc); return (i) => isojwtWeb.verify(at(setTokens, i).token, s, esOpts) } },
      ...(jose ? [{ name: 'jose', kind: 'peer', check: payloadIs((r) => r.payload, setTokens), make: async () => { const s = jose.createLocalJWKSet(set.doc); return (i) => jose.jwtVerify(at(setTokens, i).token, s, esOpts) } }] : []),
      ...(hono ? [{ name: 'hono', kind: 'peer', check: payloadIs((r) => r, setTokens), make: async () => (i) => hono.verifyWithJwks(at(setTokens, i).token, { keys: set.doc.keys, allowedAlgorithms: ['ES256'], verification: { iss, aud } }) }] : []),
      { name: 'crypto.subtle', kind: 'ceiling', check: isTrue, make: async () => { const keys = setTokens.map((t) => byKid.get(kidOf(t.token))); return (i) => { const t = at(setTokens, i); return crypto.subtle.verify(WEB.ES256.op, at(keys, i), t.sig, t.input) } } },
    ],
  })

  const filter = config.filter ?? []
  const wanted = (s) => s.group === 'floor' || filter.length === 0 || filter.some((f) => s.name.toLowerCase().includes(f))
  const opts = config.quick ? { rounds: 5, roundMs: 40, sliceMs: 20, warmupMs: 50 } : { rounds: 5, roundMs: 200, sliceMs: 40, warmupMs: 200 }
  // A minor GC between turns where the runtime exposes one (Node --expose-gc, Deno
  // --v8-flags=--expose-gc); Bun has no minor-GC call.
  const collect = typeof globalThis.gc === 'function' ? () => globalThis.gc({ type: 'minor' }) : undefined
  const out = []
  for (const s of scenarios) {
    if (!wanted(s)) continue
    if (s.unsupported) {
      out.push({ name: s.name, group: s.group, unsupported: s.unsupported.slice(0, 160), contenders: [], ratios: [], failed: [] })
      continue
    }
    const r = await runScenario(s, { ...opts, collect, log: (line) => console.error(line) })
    out.push({ name: s.name, group: s.group, ...r })
    console.error(`  ${runtime().name}: ${s.name} done`)
  }
  console.log(`ISOJWT_BENCH ${JSON.stringify({ runtime: runtime(), scenarios: out })}`)
}

main().catch((e) => {
  console.error(e?.stack ?? e)
  console.log(`ISOJWT_BENCH ${JSON.stringify({ runtime: runtime(), error: String(e?.message ?? e) })}`)
})
