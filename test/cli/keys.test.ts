// keygen, thumbprint and jwks, checked against jose (an independent implementation).
import * as jose from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENTRIES } from '../../src/jwa/registry.ts'
import { cliOnce, ensureBuilt, expectOneCleanLine, run, scratch } from './helpers.ts'

/** Every asymmetric algorithm, from the registry (issue 14: tests derive their lists from it). */
const ASYMMETRIC = ENTRIES.filter((e) => e.kty !== 'oct').map((e) => e.alg)
const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']

describe.runIf(cliOnce)('isojwt keygen', () => {
  const s = scratch()
  beforeAll(ensureBuilt, 120_000)
  afterAll(() => s.cleanup())

  it.each(ASYMMETRIC)('%s: a JWK pair whose kid is the RFC 7638 thumbprint and that signs and verifies', async (alg) => {
    const r = await run(['keygen', alg])
    expect(r.code, r.stderr).toBe(0)
    const { privateKey, publicKey } = JSON.parse(r.stdout) as { privateKey: jose.JWK; publicKey: jose.JWK }
    const kid = await jose.calculateJwkThumbprint(publicKey, 'sha256')
    expect(publicKey.kid).toBe(kid)
    expect(privateKey.kid).toBe(kid)
    expect(publicKey.alg).toBe(alg)
    for (const m of PRIVATE) expect(publicKey).not.toHaveProperty(m)
    expect(privateKey).toHaveProperty('d')
    // jose knows Ed25519 keys as EdDSA.
    const joseAlg = alg === 'Ed25519' ? 'EdDSA' : alg
    const priv = await jose.importJWK({ ...privateKey, alg: joseAlg }, joseAlg)
    const pub = await jose.importJWK({ ...publicKey, alg: joseAlg }, joseAlg)
    const jws = await new jose.CompactSign(new TextEncoder().encode('x')).setProtectedHeader({ alg: joseAlg }).sign(priv)
    await expect(jose.compactVerify(jws, pub)).resolves.toBeDefined()
  })

  it('HS256: one oct JWK of 32 bytes with its thumbprint as kid', async () => {
    const r = await run(['keygen', 'HS256'])
    expect(r.code, r.stderr).toBe(0)
    const jwk = JSON.parse(r.stdout) as jose.JWK
    expect(jwk.kty).toBe('oct')
    expect(Buffer.from(jwk.k!, 'base64url')).toHaveLength(32)
    expect(jwk.kid).toBe(await jose.calculateJwkThumbprint({ kty: 'oct', k: jwk.k! }))
    const again = JSON.parse((await run(['keygen', 'HS256'])).stdout) as jose.JWK
    expect(again.k).not.toBe(jwk.k)
  })

  it('PEM: PKCS#8 and SPKI files that jose imports, private file mode 0600, kid on stdout', async () => {
    const priv = `${s.dir}/es384.pem`
    const pub = `${s.dir}/es384.pub.pem`
    const r = await run(['keygen', 'ES384', '--format', 'pem', '--private-out', priv, '--public-out', pub])
    expect(r.code, r.stderr).toBe(0)
    const { readFileSync, statSync } = await import('node:fs')
    expect(statSync(priv).mode & 0o777).toBe(0o600)
    const privateKey = await jose.importPKCS8(readFileSync(priv, 'utf8'), 'ES384', { extractable: true })
    const publicKey = await jose.importSPKI(readFileSync(pub, 'utf8'), 'ES384', { extractable: true })
    expect(r.stdout.trim()).toBe(await jose.calculateJwkThumbprint(await jose.exportJWK(publicKey)))
    const jws = await new jose.CompactSign(new Uint8Array([1])).setProtectedHeader({ alg: 'ES384' }).sign(privateKey)
    await expect(jose.compactVerify(jws, publicKey)).resolves.toBeDefined()
    // An existing key file is never replaced without --force.
    const again = await run(['keygen', 'ES384', '--format', 'pem', '--private-out', priv])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/^ERR_INPUT: .*already exists/)
    expect(readFileSync(priv, 'utf8')).toContain('PRIVATE KEY')
    // Nor is a lone private key written when the public file is refused.
    const lone = `${s.dir}/lone.pem`
    const refused = await run(['keygen', 'ES384', '--private-out', lone, '--public-out', pub])
    expect(refused.code).toBe(1)
    const { existsSync } = await import('node:fs')
    expect(existsSync(lone)).toBe(false)
    const { chmodSync } = await import('node:fs')
    chmodSync(priv, 0o644)
    const forced = await run(['keygen', 'ES384', '--format', 'pem', '--private-out', priv, '--public-out', pub, '--force'])
    expect(forced.code, forced.stderr).toBe(0)
    expect(statSync(priv).mode & 0o777).toBe(0o600) // narrowed before the new key is written
    expect(forced.stdout.trim()).not.toBe(r.stdout.trim())
  })

  it('PEM to stdout: both blocks, the kid on stderr', async () => {
    const r = await run(['keygen', 'EdDSA', '--format', 'pem'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/)
    expect(r.stderr).toMatch(/^kid: [A-Za-z0-9_-]{43}\n$/)
  })

  it.each([
    [['keygen'], /^ERR_USAGE: which algorithm/],
    [['keygen', 'none'], /^ERR_USAGE: unknown algorithm "none"/],
    [['keygen', 'HS256', '--format', 'pem'], /^ERR_USAGE: an HMAC secret has no PEM form/],
    [['keygen', 'RS256', '--modulus-length', '1024'], /^ERR_USAGE: --modulus-length/],
    [['keygen', 'ES256', '--format', 'der'], /^ERR_USAGE: --format is jwk or pem/],
  ])('%j is a usage error (exit 1)', async (args, message) => {
    const r = await run(args)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
    expectOneCleanLine(r.stderr)
  })
})

describe.runIf(cliOnce)('isojwt thumbprint and jwks', () => {
  const s = scratch()
  let ec: { privateKey: jose.JWK; publicKey: jose.JWK }
  let rsaPem: string
  let rsaJwk: jose.JWK
  beforeAll(async () => {
    await ensureBuilt()
    const p = await jose.generateKeyPair('ES256', { extractable: true })
    ec = { privateKey: await jose.exportJWK(p.privateKey), publicKey: await jose.exportJWK(p.publicKey) }
    const r = await jose.generateKeyPair('PS256', { extractable: true, modulusLength: 2048 })
    rsaPem = await jose.exportPKCS8(r.privateKey)
    rsaJwk = await jose.exportJWK(r.publicKey)
  }, 120_000)
  afterAll(() => s.cleanup())

  it('thumbprint of a JWK, a private JWK, a PEM and stdin agree with jose', async () => {
    const expected = await jose.calculateJwkThumbprint(ec.publicKey)
    for (const args of [['thumbprint', s.file('ec.pub.json', JSON.stringify(ec.publicKey))], ['thumbprint', s.file('ec.json', JSON.stringify(ec.privateKey))]]) {
      const r = await run(args)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toBe(`${expected}\n`)
    }
    const fromStdin = await run(['thumbprint'], { input: JSON.stringify(ec.publicKey) })
    expect(fromStdin.stdout).toBe(`${expected}\n`)
    const pem = await run(['thumbprint', s.file('rsa.pem', rsaPem)])
    expect(pem.code, pem.stderr).toBe(0)
    expect(pem.stdout).toBe(`${await jose.calculateJwkThumbprint(rsaJwk)}\n`)
    const sha512 = await run(['thumbprint', '--digest', 'SHA-512', s.dir + '/ec.pub.json'])
    expect(sha512.stdout).toBe(`${await jose.calculateJwkThumbprint(ec.publicKey, 'sha512')}\n`)
  })

  it('thumbprint of a JWK Set: one line per key with its kid', async () => {
    const set = { keys: [{ ...ec.publicKey, kid: 'one' }, rsaJwk] }
    const r = await run(['thumbprint', s.file('set.json', JSON.stringify(set))])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe(`${await jose.calculateJwkThumbprint(ec.publicKey)} one\n${await jose.calculateJwkThumbprint(rsaJwk)}\n`)
  })

  it('jwks: public members only, kid = thumbprint when absent, --alg set and checked', async () => {
    const r = await run(['jwks', s.file('k1.json', JSON.stringify(ec.privateKey)), s.file('k2.pem', rsaPem), '--alg', 'PS256'])
    expect(r.code).toBe(7) // PS256 does not fit the EC key: the whole set is refused
    const ok = await run(['jwks', s.dir + '/k1.json', s.dir + '/k2.pem'])
    expect(ok.code, ok.stderr).toBe(0)
    const { keys } = JSON.parse(ok.stdout) as { keys: jose.JWK[] }
    expect(keys).toHaveLength(2)
    for (const k of keys) for (const m of PRIVATE) expect(k).not.toHaveProperty(m)
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', x: ec.publicKey.x, y: ec.publicKey.y, kid: await jose.calculateJwkThumbprint(ec.publicKey) })
    // An RSA key without --alg gets no alg: it must not claim RS256 for a PS256 key.
    expect(keys[1]).toMatchObject({ kty: 'RSA', n: rsaJwk.n, e: rsaJwk.e, kid: await jose.calculateJwkThumbprint(rsaJwk) })
    expect(keys[1]).not.toHaveProperty('alg')
    const rsa = await run(['jwks', s.dir + '/k2.pem', '--alg', 'PS256'])
    expect(JSON.parse(rsa.stdout).keys[0].alg).toBe('PS256')
    const wrong = await run(['jwks', s.dir + '/k2.pem', '--alg', 'ES256'])
    expect(wrong.code).toBe(7)
    expectOneCleanLine(wrong.stderr)
  })

  it('an X.509 certificate (made by openssl): its thumbprint is its key\'s, and it verifies what the key signed', async () => {
    const { execFileSync } = await import('node:child_process')
    const key = `${s.dir}/cert-key.pem`
    const cert = `${s.dir}/cert.pem`
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-subj', '/CN=isojwt-cli-test',
      '-keyout', key, '-out', cert, '-days', '1'], { stdio: 'ignore' })
    const fromKey = await run(['thumbprint', key])
    const fromCert = await run(['thumbprint', cert])
    expect(fromCert.code, fromCert.stderr).toBe(0)
    expect(fromCert.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/)
    expect(fromCert.stdout).toBe(fromKey.stdout)
    const token = (await run(['sign', '--key', key, '--aud', 'a', 'sub=x'])).stdout.trim()
    const r = await run(['verify', token, '--key', cert, '--aud', 'a'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).header.alg).toBe('ES384')
    const set = await run(['jwks', cert])
    expect(JSON.parse(set.stdout).keys[0]).toMatchObject({ kty: 'EC', crv: 'P-384', kid: fromKey.stdout.trim() })
  })

  it('jwks refuses a secret key and says why, without printing it', async () => {
    const k = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA'
    const r = await run(['jwks', s.file('oct.json', JSON.stringify({ kty: 'oct', k }))])
    expect(r.code).toBe(7)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^ERR_KEY_INVALID: .*secret \(oct\) key/)
    expect(r.stderr).not.toContain(k)
  })
})
