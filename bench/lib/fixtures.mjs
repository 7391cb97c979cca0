// Keys and tokens, made once per run with node:crypto (a neutral signer: neither isojwt
// nor a peer), then handed to every contender in the form it takes: a CryptoKey for the
// WebCrypto libraries, a KeyObject for jsonwebtoken and the node:crypto ceiling, PEM text
// for fast-jwt (which takes nothing else), a JWK for the JWK and JWKS scenarios. The
// same tokens are verified by all contenders.
import { createHmac, createSecretKey, generateKeyPairSync, randomBytes, sign as nodeSign, constants } from 'node:crypto'

export const ISS = 'https://issuer.example'
export const AUD = 'bench-api'
export const POOL = 64

export const ALGS = ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA']

/** WebCrypto parameters per alg: import, sign/verify. */
export const WEB = {
  HS256: { import: { name: 'HMAC', hash: 'SHA-256' }, op: { name: 'HMAC' } },
  RS256: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, op: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { import: { name: 'RSA-PSS', hash: 'SHA-256' }, op: { name: 'RSA-PSS', saltLength: 32 } },
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, op: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { import: { name: 'Ed25519' }, op: { name: 'Ed25519' } },
}

/** node:crypto sign/verify arguments per alg: [digest, key options]. */
export function nodeParams(alg, key) {
  switch (alg) {
    case 'RS256': return ['sha256', key]
    case 'PS256': return ['sha256', { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }]
    case 'ES256': return ['sha256', { key, dsaEncoding: 'ieee-p1363' }]
    case 'EdDSA': return [null, key]
    default: throw new Error(alg)
  }
}

const b64u = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url')

function nodeSignBytes(alg, key, input) {
  if (alg === 'HS256') return createHmac('sha256', key).update(input).digest()
  const [digest, k] = nodeParams(alg, key)
  return nodeSign(digest, input, k)
}

/**
 * An ECDSA signature r ‖ s (IEEE P1363, what JOSE carries) as DER, node:crypto's own form:
 * a SEQUENCE of two minimal INTEGERs (P-256 and P-384: short lengths). For the DER ceiling.
 */
export function derOf(raw) {
  const int = (b) => {
    let i = 0
    while (i < b.length - 1 && b[i] === 0) i++
    const v = Buffer.from(b.subarray(i))
    return Buffer.concat([Buffer.from([2, v.length + (v[0] >> 7)]), Buffer.alloc(v[0] >> 7), v])
  }
  const n = raw.length / 2
  const body = Buffer.concat([int(raw.subarray(0, n)), int(raw.subarray(n))])
  return new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body]))
}

/** A token signed by node:crypto, with the signing input and signature kept for the ceilings (ES256: in DER too). */
export function makeToken(alg, key, payload, extraHeader = {}) {
  const input = `${b64u({ alg, typ: 'JWT', ...extraHeader })}.${b64u(payload)}`
  const sig = nodeSignBytes(alg, key, Buffer.from(input))
  const t = { token: `${input}.${sig.toString('base64url')}`, input: new Uint8Array(Buffer.from(input)), sig: new Uint8Array(sig), sub: payload.sub }
  return alg === 'ES256' ? { ...t, sigDer: derOf(sig) } : t
}

export function payloadFor(i, now) {
  return { iss: ISS, sub: `user-${i}`, aud: AUD, iat: now, exp: now + 86_400, jti: `jti-${i}-${randomBytes(4).toString('hex')}` }
}

function asymmetric(alg) {
  const pair = alg === 'EdDSA' ? generateKeyPairSync('ed25519')
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 })
  return pair
}

async function webKeys(alg, privateJwk, publicJwk) {
  const p = WEB[alg].import
  const usage = (u) => [u]
  return {
    privateKey: await crypto.subtle.importKey('jwk', privateJwk, p, false, usage('sign')),
    publicKey: await crypto.subtle.importKey('jwk', publicJwk, p, false, usage('verify')),
  }
}

/**
 * Everything the scenarios need. Per alg: node KeyObjects, PEM, JWKs (the public one
 * with `alg` and `kid`), CryptoKeys, a pool of tokens and a pool of payloads. `sets`:
 * local JWK Sets of 1, 10 and 100 ES256 keys, each with tokens spread over its keys.
 */
export async function makeFixtures() {
  const now = Math.floor(Date.now() / 1000)
  const fx = { now, algs: {}, sets: {} }
  // An ASCII secret: every library turns a string into the same bytes (UTF-8 = Latin-1 here).
  const secret = randomBytes(32).toString('base64url')
  for (const alg of ALGS) {
    const a = { alg }
    if (alg === 'HS256') {
      a.secret = secret
      a.nodePrivate = a.nodePublic = createSecretKey(Buffer.from(secret))
      a.privateJwk = a.publicJwk = { kty: 'oct', k: Buffer.from(secret).toString('base64url'), alg, kid: 'hs' }
      const k = await crypto.subtle.importKey('raw', Buffer.from(secret), WEB.HS256.import, false, ['sign', 'verify'])
      a.webPrivate = a.webPublic = k
    } else {
      const { privateKey, publicKey } = asymmetric(alg)
      a.nodePrivate = privateKey
      a.nodePublic = publicKey
      a.privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' })
      a.publicPem = publicKey.export({ type: 'spki', format: 'pem' })
      a.privateJwk = { ...privateKey.export({ format: 'jwk' }), alg }
      a.publicJwk = { ...publicKey.export({ format: 'jwk' }), alg, kid: alg.toLowerCase() }
      const w = await webKeys(alg, a.privateJwk, a.publicJwk)
      a.webPrivate = w.privateKey
      a.webPublic = w.publicKey
    }
    a.payloads = Array.from({ length: POOL }, (_, i) => payloadFor(i, now))
    a.tokens = a.payloads.map((p) => makeToken(alg, a.nodePrivate, p))
    fx.algs[alg] = a
  }
  // Local key sets: ES256 keys with kids; token i is signed by key i mod n.
  const all = Array.from({ length: 100 }, (_, k) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const kid = `key-${k}`
    return { kid, privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }), jwk: { ...publicKey.export({ format: 'jwk' }), alg: 'ES256', kid, use: 'sig' } }
  })
  for (const n of [1, 10, 100]) {
    const keys = all.slice(0, n)
    const webByKid = new Map()
    for (const k of keys) webByKid.set(k.kid, await crypto.subtle.importKey('jwk', k.jwk, WEB.ES256.import, false, ['verify']))
    const tokens = Array.from({ length: POOL }, (_, i) => {
      const k = keys[(i * 7) % n]
      return { ...makeToken('ES256', k.privateKey, payloadFor(i, now), { kid: k.kid }), kid: k.kid }
    })
    fx.sets[n] = {
      doc: { keys: keys.map((k) => k.jwk) },
      nodeByKid: new Map(keys.map((k) => [k.kid, k.publicKey])),
      pemByKid: new Map(keys.map((k) => [k.kid, k.publicPem])),
      webByKid,
      tokens,
    }
  }
  return fx
}

/** The part of the fixtures that run-webcrypto.mjs needs, as JSON (keys as JWKs). */
export function portableFixtures(fx) {
  const algs = {}
  for (const [alg, a] of Object.entries(fx.algs)) {
    algs[alg] = {
      privateJwk: a.privateJwk, publicJwk: a.publicJwk,
      payloads: a.payloads, tokens: a.tokens.map((t) => t.token),
    }
  }
  return { iss: ISS, aud: AUD, algs, sets: Object.fromEntries(Object.entries(fx.sets).map(([n, s]) => [n, { doc: s.doc, tokens: s.tokens.map((t) => t.token) }])) }
}

