// A short tour of isojwt: keys, sign, verify, decode, and what bad tokens get.
// Run with `npm run demo` (it builds first). Uses the package by its own name.
import { decode, exportJwk, generateKeyPair, generateSecret, isJoseError, sign, thumbprint, verify } from 'isojwt'

const step = (n, text) => console.log(`\n${n}. ${text}`)
const show = (label, value) => console.log(`   ${label.padEnd(10)} ${typeof value === 'string' ? value : JSON.stringify(value)}`)
const short = (token) => `${token.slice(0, 40)}…${token.slice(-12)} (${token.length} chars)`

async function refused(label, promise) {
  try {
    await promise
    show(label, 'ACCEPTED (this should not happen)')
    process.exitCode = 1
  } catch (e) {
    if (!isJoseError(e)) throw e
    show(label, `refused with ${e.code}: ${e.message}${e.expiredAt ? ` (expired at ${e.expiredAt.toISOString()})` : ''}`)
  }
}

step(1, 'Generate an ES256 key pair and publish the public key as a JWK')
const { privateKey, publicKey } = await generateKeyPair('ES256')
const jwk = await exportJwk(publicKey)
jwk.kid = await thumbprint(jwk)
jwk.alg = 'ES256'
show('public JWK', jwk)

step(2, 'Sign a token for user 42, valid 15 minutes')
const token = await sign({ sub: 'user-42', scope: 'read:orders' }, privateKey, {
  issuer: 'https://id.example', audience: 'orders-api', expiresIn: '15m', kid: jwk.kid,
})
show('token', short(token))

step(3, 'Verify it with the public JWK: issuer and audience checked, alg pinned by the key')
const { payload, header } = await verify(token, jwk, { issuer: 'https://id.example', audience: 'orders-api' })
show('header', header)
show('payload', payload)

step(4, 'Decode without verifying (for display only, never for trust)')
const decoded = decode(token)
show('kid', decoded.header.kid)
show('exp', new Date(decoded.payload.exp * 1000).toISOString())

step(5, 'A tampered token: the payload now claims to be an admin')
const [h, , s] = token.split('.')
const forged = Buffer.from(JSON.stringify({ ...payload, sub: 'admin' })).toString('base64url')
await refused('tampered', verify(`${h}.${forged}.${s}`, jwk, { issuer: 'https://id.example', audience: 'orders-api' }))

step(6, 'An expired token (signed an hour ago, valid 15 minutes)')
const anHourAgo = new Date(Date.now() - 3600_000)
const old = await sign({ sub: 'user-42' }, privateKey, { issuer: 'https://id.example', audience: 'orders-api', expiresIn: '15m', now: anHourAgo })
await refused('expired', verify(old, jwk, { issuer: 'https://id.example', audience: 'orders-api' }))

step(7, 'Algorithm confusion: an HS256 token made with the public key as the secret')
const confused = await sign({ sub: 'admin' }, JSON.stringify(jwk).replace(/[{}]/g, ''), { alg: 'HS256' })
await refused('alg swap', verify(confused, jwk))

step(8, 'A shared secret: HS256 needs the caller to allow it explicitly')
const secret = generateSecret('HS256')
const hs = await sign({ sub: 'svc' }, secret, { alg: 'HS256', expiresIn: 60 })
await refused('no policy', verify(hs, secret))
show('with policy', (await verify(hs, secret, { algorithms: ['HS256'] })).payload)
console.log('\nDone.')
