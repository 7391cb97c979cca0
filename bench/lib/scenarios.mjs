// The Node scenarios: for each, the contenders doing the same job, each in the form its
// library documents. Subjects are isojwt's entries ('isojwt' as Node resolves it, and
// 'isojwt/web'); peers are the other libraries; ceilings are the bare primitive over the
// same signing input and signature (WebCrypto on an imported CryptoKey, and node:crypto
// on a KeyObject), which no JWT library can beat.
import { createHmac, createPublicKey, sign as nodeSign, timingSafeEqual, verify as nodeVerify } from 'node:crypto'
import { promisify } from 'node:util'
import { ALGS, AUD, ISS, POOL, WEB, nodeParams } from './fixtures.mjs'

const nodeVerifyAsync = promisify(nodeVerify)
const PEERS_NOTE = {
  jsonwebtoken: 'sync; KeyObject',
  'fast-jwt': 'sync; PEM / secret text',
  hono: 'CryptoKey',
  tsndr: 'CryptoKey; checks exp/nbf only, no iss/aud',
}

const at = (arr, i) => arr[i % arr.length]

/** A result check for verify contenders: the payload must be the token's. */
const payloadIs = (pick, tokens) => (r, i) => {
  const p = pick(r)
  return p && p.sub === at(tokens, i).sub ? '' : `payload ${JSON.stringify(p)?.slice(0, 80)} is not token ${i}'s`
}

function nodeCheckSig(a) {
  return (token, i) => {
    if (typeof token !== 'string') return 'not a string'
    const [h, p, s] = token.split('.')
    const header = JSON.parse(Buffer.from(h, 'base64url'))
    if (header.alg !== a.alg) return `header alg ${header.alg}`
    const payload = JSON.parse(Buffer.from(p, 'base64url'))
    if (payload.sub !== at(a.payloads, i).sub) return 'wrong payload'
    const input = Buffer.from(`${h}.${p}`)
    const sig = Buffer.from(s, 'base64url')
    if (a.alg === 'HS256') return timingSafeEqual(createHmac('sha256', a.nodePublic).update(input).digest(), sig) ? '' : 'bad HMAC'
    const [digest, k] = nodeParams(a.alg, a.nodePublic)
    return nodeVerify(digest, input, k, sig) ? '' : 'signature does not verify'
  }
}

/**
 * The key `isojwt` gets: the CryptoKey of its own importKey, as for isojwt/web, but made
 * by its backend (on node, a node:crypto KeyObject behind it; a CryptoKey made with
 * crypto.subtle would go through crypto.subtle there, API.md).
 */
const isoKey = (L, a, half) => L.isojwt.importKey(half === 'private' ? a.privateJwk : a.publicJwk, a.alg)

// ---- sign ----

function signScenario(L, a) {
  const { alg } = a
  const pl = a.payloads
  const check = nodeCheckSig(a)
  const c = []
  const web = WEB[alg]
  c.push({ name: 'isojwt', kind: 'subject', note: 'sign(payload, importKey(jwk), { alg })', check, make: async () => { const k = await isoKey(L, a, 'private'); return (i) => L.isojwt.sign(at(pl, i), k, { alg }) } })
  c.push({ name: 'isojwt createSigner', kind: 'subject', note: 'createSigner(importKey(jwk), { alg })', check, make: async () => { const s = L.isojwt.createSigner(await isoKey(L, a, 'private'), { alg }); return (i) => s(at(pl, i)) } })
  c.push({ name: 'isojwt/web', kind: 'subject', note: 'sign(payload, CryptoKey, { alg })', check, make: async () => (i) => L.isojwtWeb.sign(at(pl, i), a.webPrivate, { alg }) })
  c.push({ name: 'jose', kind: 'peer', note: 'SignJWT, CryptoKey', check, make: async () => (i) => new L.jose.SignJWT(at(pl, i)).setProtectedHeader({ alg, typ: 'JWT' }).sign(a.webPrivate) })
  if (alg !== 'EdDSA') c.push({ name: 'jsonwebtoken', kind: 'peer', sync: true, note: PEERS_NOTE.jsonwebtoken, check, make: async () => (i) => L.jsonwebtoken.sign(at(pl, i), a.nodePrivate, { algorithm: alg }) })
  c.push({ name: 'fast-jwt', kind: 'peer', sync: true, note: PEERS_NOTE['fast-jwt'], check, make: async () => { const s = L.fastJwt.createSigner({ key: a.secret ?? a.privatePem, algorithm: alg }); return (i) => s(at(pl, i)) } })
  c.push({ name: 'hono', kind: 'peer', note: PEERS_NOTE.hono, check, make: async () => (i) => L.hono.sign(at(pl, i), a.webPrivate, alg) })
  if (alg !== 'PS256' && alg !== 'EdDSA') c.push({ name: 'tsndr', kind: 'peer', note: 'CryptoKey', check, make: async () => (i) => L.tsndr.sign(at(pl, i), a.webPrivate, { algorithm: alg }) })
  c.push({ name: 'crypto.subtle', kind: 'ceiling', note: 'subtle.sign over the signing input', make: async () => (i) => crypto.subtle.sign(web.op, a.webPrivate, at(a.tokens, i).input) })
  if (alg === 'HS256') c.push({ name: 'node:crypto', kind: 'ceiling', sync: true, note: 'createHmac', make: async () => (i) => createHmac('sha256', a.nodePrivate).update(at(a.tokens, i).input).digest() })
  else c.push({ name: 'node:crypto', kind: 'ceiling', sync: true, note: 'crypto.sign', make: async () => { const [d, k] = nodeParams(alg, a.nodePrivate); return (i) => nodeSign(d, at(a.tokens, i).input, k) } })
  if (alg === 'ES256') c.push({ name: 'node:crypto DER', kind: 'ceiling', sync: true, note: `crypto.sign, ${DER_NOTE}`, make: async () => (i) => nodeSign('sha256', at(a.tokens, i).input, a.nodePrivate) })
  return { name: `sign ${alg}`, group: 'sign', contenders: c }
}

// ---- verify (a key prepared once: CryptoKey / KeyObject / PEM) ----

function nodeVerifyCeiling(a, tokens = a.tokens) {
  if (a.alg === 'HS256') {
    return { name: 'node:crypto', kind: 'ceiling', sync: true, note: 'createHmac + timingSafeEqual', make: async () => (i) => { const t = at(tokens, i); return timingSafeEqual(createHmac('sha256', a.nodePublic).update(t.input).digest(), t.sig) }, check: (r) => (r === true ? '' : 'false') }
  }
  const [d, k] = nodeParams(a.alg, a.nodePublic)
  return { name: 'node:crypto', kind: 'ceiling', sync: true, note: 'crypto.verify', make: async () => (i) => { const t = at(tokens, i); return nodeVerify(d, t.input, k, t.sig) }, check: (r) => (r === true ? '' : 'false') }
}

/**
 * ECDSA's other node:crypto ceiling: the same call with the signature in DER, node:crypto's
 * own form. The `node:crypto` ceiling asks for IEEE P1363 (`dsaEncoding: 'ieee-p1363'`),
 * the form JOSE carries, which Node 24 makes slow (bench/README.md, item 11): this one is
 * the fastest bare call for the same signature, what bench/targets.mjs divides ES256 by.
 */
const DER_NOTE = 'signature in DER (no ieee-p1363)'
function nodeDerCeiling(a, tokens = a.tokens) {
  return { name: 'node:crypto DER', kind: 'ceiling', sync: true, note: `crypto.verify, ${DER_NOTE}`, make: async () => (i) => { const t = at(tokens, i); return nodeVerify('sha256', t.input, a.nodePublic, t.sigDer) }, check: (r) => (r === true ? '' : 'false') }
}

function verifyContenders(L, a, { inflight = 1 } = {}) {
  const { alg, tokens } = a
  const opts = { algorithms: [alg], issuer: ISS, audience: AUD }
  const isoCheck = payloadIs((r) => r.payload, tokens)
  const c = []
  c.push({ name: 'isojwt', kind: 'subject', note: 'verify(token, importKey(jwk), options)', check: isoCheck, make: async () => { const k = await isoKey(L, a, 'public'); return (i) => L.isojwt.verify(at(tokens, i).token, k, opts) } })
  c.push({ name: 'isojwt createVerifier', kind: 'subject', note: 'createVerifier(importKey(jwk), options)', check: isoCheck, make: async () => { const v = L.isojwt.createVerifier(await isoKey(L, a, 'public'), opts); return (i) => v(at(tokens, i).token) } })
  if (inflight === 1) c.push({ name: 'isojwt createVerifier+cache', kind: 'subject', compare: ['fast-jwt+cache'], note: `cache: 1000 (all ${POOL} tokens hit)`, check: isoCheck, make: async () => { const v = L.isojwt.createVerifier(await isoKey(L, a, 'public'), { ...opts, cache: 1000 }); return (i) => v(at(tokens, i).token) } })
  c.push({ name: 'isojwt/web', kind: 'subject', note: 'verify(token, CryptoKey, options)', check: isoCheck, make: async () => (i) => L.isojwtWeb.verify(at(tokens, i).token, a.webPublic, opts) })
  c.push({ name: 'jose', kind: 'peer', note: 'jwtVerify, CryptoKey', check: isoCheck, make: async () => (i) => L.jose.jwtVerify(at(tokens, i).token, a.webPublic, opts) })
  if (alg !== 'EdDSA') c.push({ name: 'jsonwebtoken', kind: 'peer', sync: true, note: PEERS_NOTE.jsonwebtoken, check: payloadIs((r) => r, tokens), make: async () => (i) => L.jsonwebtoken.verify(at(tokens, i).token, a.nodePublic, { algorithms: [alg], issuer: ISS, audience: AUD }) })
  const fj = { key: a.secret ?? a.publicPem, algorithms: [alg], allowedIss: ISS, allowedAud: AUD }
  c.push({ name: 'fast-jwt', kind: 'peer', sync: true, note: PEERS_NOTE['fast-jwt'], check: payloadIs((r) => r, tokens), make: async () => { const v = L.fastJwt.createVerifier(fj); return (i) => v(at(tokens, i).token) } })
  if (inflight === 1) c.push({ name: 'fast-jwt+cache', kind: 'peer', sync: true, note: `cache: true (1000; all ${POOL} tokens hit)`, check: payloadIs((r) => r, tokens), make: async () => { const v = L.fastJwt.createVerifier({ ...fj, cache: true }); return (i) => v(at(tokens, i).token) } })
  c.push({ name: 'hono', kind: 'peer', note: PEERS_NOTE.hono, check: payloadIs((r) => r, tokens), make: async () => (i) => L.hono.verify(at(tokens, i).token, a.webPublic, { alg, iss: ISS, aud: AUD }) })
  if (alg !== 'PS256' && alg !== 'EdDSA') c.push({ name: 'tsndr', kind: 'peer', note: PEERS_NOTE.tsndr, check: payloadIs((r) => r.payload, tokens), make: async () => (i) => L.tsndr.verify(at(tokens, i).token, a.webPublic, { algorithm: alg, throwError: true }) })
  c.push({ name: 'crypto.subtle', kind: 'ceiling', note: 'subtle.verify over the signing input', check: (r) => (r === true ? '' : 'false'), make: async () => (i) => { const t = at(tokens, i); return crypto.subtle.verify(WEB[alg].op, a.webPublic, t.sig, t.input) } })
  c.push(nodeVerifyCeiling(a))
  if (alg === 'ES256') c.push(nodeDerCeiling(a))
  if (inflight > 1 && alg !== 'HS256') {
    const [d, k] = nodeParams(alg, a.nodePublic)
    c.push({ name: 'node:crypto async', kind: 'ceiling', note: 'crypto.verify with a callback (thread pool)', check: (r) => (r === true ? '' : 'false'), make: async () => (i) => { const t = at(tokens, i); return nodeVerifyAsync(d, t.input, k, t.sig) } })
  }
  return c
}

function verifyScenario(L, a) {
  return { name: `verify ${a.alg}`, group: 'verify', contenders: verifyContenders(L, a) }
}

function inflightScenario(L, a, n) {
  return { name: `verify ${a.alg}, ${n} in flight`, group: 'inflight', inflight: n, contenders: verifyContenders(L, a, { inflight: n }) }
}

// ---- decode ----

function decodeScenario(L, a) {
  const { tokens } = a
  const c = []
  const hp = (r) => (r.header?.alg === a.alg ? r.payload : undefined)
  c.push({ name: 'isojwt', kind: 'subject', sync: true, note: 'decode(token)', check: payloadIs(hp, tokens), make: async () => (i) => L.isojwt.decode(at(tokens, i).token) })
  c.push({ name: 'isojwt/web', kind: 'subject', sync: true, note: 'decode(token)', check: payloadIs(hp, tokens), make: async () => (i) => L.isojwtWeb.decode(at(tokens, i).token) })
  c.push({ name: 'jose', kind: 'peer', sync: true, note: 'decodeProtectedHeader + decodeJwt', check: payloadIs(hp, tokens), make: async () => (i) => { const t = at(tokens, i).token; return { header: L.jose.decodeProtectedHeader(t), payload: L.jose.decodeJwt(t) } } })
  c.push({ name: 'jsonwebtoken', kind: 'peer', sync: true, note: 'decode(token, { complete: true })', check: payloadIs(hp, tokens), make: async () => (i) => L.jsonwebtoken.decode(at(tokens, i).token, { complete: true }) })
  c.push({ name: 'fast-jwt', kind: 'peer', sync: true, note: 'createDecoder({ complete: true })', check: payloadIs(hp, tokens), make: async () => { const d = L.fastJwt.createDecoder({ complete: true }); return (i) => d(at(tokens, i).token) } })
  c.push({ name: 'hono', kind: 'peer', sync: true, note: 'decode(token)', check: payloadIs(hp, tokens), make: async () => (i) => L.hono.decode(at(tokens, i).token) })
  c.push({ name: 'tsndr', kind: 'peer', sync: true, note: 'decode(token)', check: payloadIs(hp, tokens), make: async () => (i) => L.tsndr.decode(at(tokens, i).token) })
  c.push({
    name: 'Buffer + JSON.parse', kind: 'ceiling', sync: true, note: 'split, Buffer.from(base64url), JSON.parse; no checks', check: payloadIs(hp, tokens),
    make: async () => (i) => {
      const t = at(tokens, i).token
      const a1 = t.indexOf('.')
      const b1 = t.indexOf('.', a1 + 1)
      return {
        header: JSON.parse(Buffer.from(t.slice(0, a1), 'base64url').toString()),
        payload: JSON.parse(Buffer.from(t.slice(a1 + 1, b1), 'base64url').toString()),
        signature: Buffer.from(t.slice(b1 + 1), 'base64url'),
      }
    },
  })
  return { name: `decode (${a.alg} token)`, group: 'decode', contenders: c }
}

// ---- a JWK passed on every call ----

function jwkScenario(L, a, { fresh }) {
  const { alg, tokens } = a
  const jwk = a.publicJwk
  const key = fresh ? () => ({ ...jwk }) : () => jwk
  const opts = { algorithms: [alg], issuer: ISS, audience: AUD }
  const isoCheck = payloadIs((r) => r.payload, tokens)
  const c = []
  c.push({ name: 'isojwt', kind: 'subject', note: 'verify(token, jwk, options)', check: isoCheck, make: async () => (i) => L.isojwt.verify(at(tokens, i).token, key(), opts) })
  c.push({ name: 'isojwt/web', kind: 'subject', note: 'verify(token, jwk, options)', check: isoCheck, make: async () => (i) => L.isojwtWeb.verify(at(tokens, i).token, key(), opts) })
  c.push({ name: 'jose', kind: 'peer', note: 'jwtVerify(token, jwk, options)', check: isoCheck, make: async () => (i) => L.jose.jwtVerify(at(tokens, i).token, key(), opts) })
  if (alg !== 'EdDSA') c.push({ name: 'jsonwebtoken', kind: 'peer', sync: true, note: 'createPublicKey({ format: "jwk" }) per call, then verify', check: payloadIs((r) => r, tokens), make: async () => (i) => L.jsonwebtoken.verify(at(tokens, i).token, createPublicKey({ key: key(), format: 'jwk' }), opts) })
  c.push({ name: 'hono', kind: 'peer', note: 'verify(token, jwk, { alg })', check: payloadIs((r) => r, tokens), make: async () => (i) => L.hono.verify(at(tokens, i).token, key(), { alg, iss: ISS, aud: AUD }) })
  if (alg !== 'PS256' && alg !== 'EdDSA') c.push({ name: 'tsndr', kind: 'peer', note: 'verify(token, jwk, { algorithm })', check: payloadIs((r) => r.payload, tokens), make: async () => (i) => L.tsndr.verify(at(tokens, i).token, key(), { algorithm: alg, throwError: true }) })
  c.push({
    name: 'subtle import+verify', kind: 'baseline', note: 'importKey("jwk") + verify on every call, no cache', check: (r) => (r === true ? '' : 'false'),
    make: async () => async (i) => {
      const t = at(tokens, i)
      return crypto.subtle.verify(WEB[alg].op, await crypto.subtle.importKey('jwk', key(), WEB[alg].import, false, ['verify']), t.sig, t.input)
    },
  })
  const [d] = nodeParams(alg, null)
  c.push({
    name: 'node createPublicKey+verify', kind: 'baseline', sync: true, note: 'createPublicKey({ format: "jwk" }) + verify on every call', check: (r) => (r === true ? '' : 'false'),
    make: async () => (i) => {
      const t = at(tokens, i)
      const [, k] = nodeParams(alg, createPublicKey({ key: key(), format: 'jwk' }))
      return nodeVerify(d, t.input, k, t.sig)
    },
  })
  // The ceilings are those of a prepared key: what a perfect key cache would reach.
  c.push({ name: 'crypto.subtle', kind: 'ceiling', note: 'subtle.verify, key imported once', check: (r) => (r === true ? '' : 'false'), make: async () => (i) => { const t = at(tokens, i); return crypto.subtle.verify(WEB[alg].op, a.webPublic, t.sig, t.input) } })
  c.push(nodeVerifyCeiling(a))
  return { name: `verify ${alg}, JWK ${fresh ? 'copy' : 'object'} passed per call`, group: 'jwk', contenders: c }
}

// ---- a local JWK Set ----

function jwksScenario(L, fx, n) {
  const s = fx.sets[n]
  const { tokens } = s
  const opts = { algorithms: ['ES256'], issuer: ISS, audience: AUD }
  const isoCheck = payloadIs((r) => r.payload, tokens)
  const c = []
  c.push({ name: 'isojwt', kind: 'subject', note: 'verify(token, createLocalJwks(doc), options)', check: isoCheck, make: async () => { const set = L.isojwt.createLocalJwks(s.doc); return (i) => L.isojwt.verify(at(tokens, i).token, set, opts) } })
  c.push({ name: 'isojwt createVerifier', kind: 'subject', note: 'createVerifier(createLocalJwks(doc), options)', check: isoCheck, make: async () => { const v = L.isojwt.createVerifier(L.isojwt.createLocalJwks(s.doc), opts); return (i) => v(at(tokens, i).token) } })
  c.push({ name: 'isojwt/web', kind: 'subject', note: 'verify(token, createLocalJwks(doc), options)', check: isoCheck, make: async () => { const set = L.isojwtWeb.createLocalJwks(s.doc); return (i) => L.isojwtWeb.verify(at(tokens, i).token, set, opts) } })
  c.push({ name: 'jose', kind: 'peer', note: 'jwtVerify(token, createLocalJWKSet(doc))', check: isoCheck, make: async () => { const set = L.jose.createLocalJWKSet(s.doc); return (i) => L.jose.jwtVerify(at(tokens, i).token, set, opts) } })
  c.push({
    name: 'jsonwebtoken', kind: 'peer', note: 'hand-written kid → KeyObject map, callback key', check: payloadIs((r) => r, tokens),
    make: async () => {
      const getKey = (header, cb) => cb(null, s.nodeByKid.get(header.kid))
      return (i) => new Promise((resolve, reject) => L.jsonwebtoken.verify(at(tokens, i).token, getKey, { algorithms: ['ES256'], issuer: ISS, audience: AUD }, (e, p) => (e ? reject(e) : resolve(p))))
    },
  })
  c.push({ name: 'fast-jwt', kind: 'peer', note: 'hand-written kid → PEM map, async key', check: payloadIs((r) => r, tokens), make: async () => { const v = L.fastJwt.createVerifier({ key: async (d) => s.pemByKid.get(d.header.kid), algorithms: ['ES256'], allowedIss: ISS, allowedAud: AUD }); return (i) => v(at(tokens, i).token) } })
  c.push({ name: 'hono', kind: 'peer', note: 'verifyWithJwks({ keys })', check: payloadIs((r) => r, tokens), make: async () => (i) => L.hono.verifyWithJwks(at(tokens, i).token, { keys: s.doc.keys, allowedAlgorithms: ['ES256'], verification: { iss: ISS, aud: AUD } }) })
  c.push({ name: 'crypto.subtle', kind: 'ceiling', note: 'subtle.verify with the CryptoKey of the kid', check: (r) => (r === true ? '' : 'false'), make: async () => (i) => { const t = at(tokens, i); return crypto.subtle.verify(WEB.ES256.op, s.webByKid.get(t.kid), t.sig, t.input) } })
  c.push({ name: 'node:crypto', kind: 'ceiling', sync: true, note: 'crypto.verify with the KeyObject of the kid', check: (r) => (r === true ? '' : 'false'), make: async () => (i) => { const t = at(tokens, i); return nodeVerify('sha256', t.input, { key: s.nodeByKid.get(t.kid), dsaEncoding: 'ieee-p1363' }, t.sig) } })
  return { name: `verify ES256, local JWKS of ${n}`, group: 'jwks', contenders: c }
}

/** All Node scenarios, in report order. */
export function buildScenarios(L, fx) {
  const out = []
  for (const alg of ALGS) out.push(signScenario(L, fx.algs[alg]))
  for (const alg of ALGS) out.push(verifyScenario(L, fx.algs[alg]))
  out.push(decodeScenario(L, fx.algs.ES256))
  out.push(jwkScenario(L, fx.algs.ES256, { fresh: false }))
  out.push(jwkScenario(L, fx.algs.RS256, { fresh: false }))
  out.push(jwkScenario(L, fx.algs.ES256, { fresh: true }))
  for (const n of [1, 10, 100]) out.push(jwksScenario(L, fx, n))
  out.push(inflightScenario(L, fx.algs.ES256, 8))
  out.push(inflightScenario(L, fx.algs.RS256, 8))
  out.push(inflightScenario(L, fx.algs.HS256, 8))
  return out
}
