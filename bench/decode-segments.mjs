// What each segment costs `decode` (issue 5: "report the cost of each segment"):
//   node bench/decode-segments.mjs            (after `npm run build`)
// Times `decode` on ES256 tokens that differ in one segment only, interleaved in rounds,
// and reports the differences: the payload (strict base64url, fatal UTF-8, JSON.parse),
// the signature (canonical check, decoding, a copy the caller owns) and the header
// (the same three steps, frozen and cached by segment: a fresh header costs its parse,
// a repeated one a Map lookup). Both builds: `isojwt` (node) and `isojwt/web`.
import { generateKeyPairSync, sign } from 'node:crypto'
import { resolveIsojwt } from './lib/resolve.mjs'

const node = await import(resolveIsojwt('.'))
const web = await import(resolveIsojwt('./web'))

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const b64u = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url')
const now = 1_764_000_000
const payload = (i) => ({ sub: `user-${i}`, iss: 'https://issuer.example', aud: 'api', iat: now, exp: now + 3600, scope: 'read write' })
const token = (header, body, withSignature = true) => {
  const input = `${b64u(header)}.${b64u(body)}`
  const sig = withSignature ? sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url') : ''
  return `${input}.${sig}`
}
const N = 1024
const header = { alg: 'ES256', typ: 'JWT', kid: 'key-1' }
const sets = {
  'full token (repeated header)': Array.from({ length: 64 }, (_, i) => token(header, payload(i))),
  'payload {} instead': Array.from({ length: 64 }, () => token(header, {})),
  'empty signature instead': Array.from({ length: 64 }, (_, i) => token(header, payload(i), false)),
  'a new header every call': Array.from({ length: N }, (_, i) => token({ ...header, kid: `key-${i}` }, payload(i))),
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
for (const [name, lib] of [['isojwt', node], ['isojwt/web', web]]) {
  const times = Object.fromEntries(Object.keys(sets).map((k) => [k, []]))
  for (let round = 0; round < 15; round++) {
    for (const k of Object.keys(sets).sort(() => Math.random() - 0.5)) {
      const list = sets[k]
      let n = 0
      const t0 = performance.now()
      while (performance.now() - t0 < 100) {
        for (let i = 0; i < 64; i++) lib.decode(list[(n + i) % list.length])
        n += 64
      }
      times[k].push(((performance.now() - t0) / n) * 1000)
    }
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))
  const full = m['full token (repeated header)']
  console.log(`${name}: decode ${full.toFixed(2)} µs per token (ES256, ${sets['full token (repeated header)'][0].length} characters), median of 15 rounds`)
  console.log(`  payload (${b64u(payload(0)).length} characters): ${(full - m['payload {} instead']).toFixed(2)} µs`)
  console.log(`  signature (86 characters): ${(full - m['empty signature instead']).toFixed(2)} µs`)
  console.log(`  header (${b64u(header).length} characters): ${(m['a new header every call'] - full).toFixed(2)} µs more when it is new (a repeated header comes from the cache)`)
}
