// Named regressions for the crypto backends. vitest.config.ts runs this file once per
// backend (webcrypto and node:crypto), so each verdict is checked on both.
import { constants, createHmac, generateKeyPairSync, sign as nodeSign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateSecret, isJoseError, sign, verify } from '../../src/index.ts'
import { b64u } from '../support/base64url.ts'


async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (e) {
    expect(isJoseError(e), String(e)).toBe(true)
    return (e as { code: string }).code
  }
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const spki = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string
const pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string

function psToken(saltLength: number): string {
  const input = `${b64u(JSON.stringify({ alg: 'PS256', typ: 'JWT' }))}.${b64u(JSON.stringify({ sub: 'x' }))}`
  const sig = nodeSign('sha256', Buffer.from(input), { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength })
  return `${input}.${b64u(sig)}`
}

describe(`crypto backend: ${process.env.ISOJWT_BACKEND}`, () => {
  it('RSA-PSS: salt length = hash length verifies; salt length 0 is refused (RFC 7518 §3.5)', async () => {
    expect((await verify(psToken(32), spki, { algorithms: ['PS256'] })).payload.sub).toBe('x')
    expect(await codeOf(verify(psToken(0), spki, { algorithms: ['PS256'] }))).toBe('ERR_JWS_SIGNATURE_INVALID')
    expect(await codeOf(verify(psToken(64), spki, { algorithms: ['PS256'] }))).toBe('ERR_JWS_SIGNATURE_INVALID')
  })

  it('an empty or short secret is refused on sign and verify', async () => {
    const token = await sign({}, generateSecret('HS256'), { alg: 'HS256' })
    for (const key of [new Uint8Array(0), new Uint8Array(31), '', 'x'.repeat(31)]) {
      expect(await codeOf(sign({}, key, { alg: 'HS256' }))).toBe('ERR_KEY_INVALID')
      expect(await codeOf(verify(token, key, { algorithms: ['HS256'] }))).toBe('ERR_KEY_INVALID')
    }
  })

  it('HMAC tags compare as bytes, length first: truncated or extended tags are invalid, never a RangeError', async () => {
    const secret = generateSecret('HS256')
    const token = await sign({ sub: 'x' }, secret, { alg: 'HS256' })
    const [h, p] = token.split('.')
    const tag = createHmac('sha256', secret).update(`${h}.${p}`).digest()
    expect((await verify(`${h}.${p}.${b64u(tag)}`, secret, { algorithms: ['HS256'] })).payload.sub).toBe('x')
    for (const bad of [tag.subarray(0, 31), tag.subarray(0, 16), Buffer.concat([tag, Buffer.from([0])]), Buffer.alloc(0)]) {
      expect(await codeOf(verify(`${h}.${p}.${b64u(bad)}`, secret, { algorithms: ['HS256'] }))).toBe('ERR_JWS_SIGNATURE_INVALID')
    }
    const flipped = Buffer.from(tag)
    flipped[31] ^= 1
    expect(await codeOf(verify(`${h}.${p}.${b64u(flipped)}`, secret, { algorithms: ['HS256'] }))).toBe('ERR_JWS_SIGNATURE_INVALID')
  })

  it('HMAC tags compared as text (node) refuse every other character at every position, and non-canonical twins', async () => {
    const secret = generateSecret('HS256')
    const token = await sign({ sub: 'x' }, secret, { alg: 'HS256' })
    const [h, p, s] = token.split('.') as [string, string, string]
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    for (let i = 0; i < s.length; i++) {
      const c = alphabet[(alphabet.indexOf(s[i]!) + 1 + i) % 64]!
      const changed = `${h}.${p}.${s.slice(0, i)}${c}${s.slice(i + 1)}`
      // The last character carries 2 unused bits: changing them makes a non-canonical twin (malformed).
      expect(await codeOf(verify(changed, secret, { algorithms: ['HS256'] }))).toMatch(/^ERR_JWS_(SIGNATURE_)?INVALID$/)
    }
    const last = alphabet.indexOf(s.at(-1)!)
    const twin = `${h}.${p}.${s.slice(0, -1)}${alphabet[last ^ 1]}`
    expect(await codeOf(verify(twin, secret, { algorithms: ['HS256'] }))).toBe('ERR_JWS_INVALID')
    expect(await codeOf(verify(`${h}.${p}.${s}=`, secret, { algorithms: ['HS256'] }))).toBe('ERR_JWS_INVALID')
    expect(await codeOf(verify(`${h}.${p}.${s.slice(0, -3)}`, secret, { algorithms: ['HS256'] }))).toBe('ERR_JWS_SIGNATURE_INVALID') // 30 bytes, canonical
    expect((await verify(token, secret, { algorithms: ['HS256'] })).payload.sub).toBe('x')
  })

  // API.md v3: PKCS#1 PEMs are RSA keys (wrapped into SPKI), so like SPKI they never verify HS256.
  it('PEMs (PKCS#1 too, also with leading whitespace) are never HMAC secrets', async () => {
    const hs = (secret: string) => {
      const input = `${b64u(JSON.stringify({ alg: 'HS256' }))}.${b64u(JSON.stringify({ sub: 'admin' }))}`
      return `${input}.${b64u(createHmac('sha256', secret).update(input).digest())}`
    }
    for (const pem of [spki, pkcs1, `  ${spki}`, `\n\t${spki}`, `\uFEFF${spki}`]) {
      expect(await codeOf(verify(hs(pem), pem, { algorithms: ['RS256', 'HS256'] }))).toBe('ERR_JOSE_ALG_NOT_ALLOWED')
      expect(await codeOf(sign({}, pem, { alg: 'HS256' }))).toBe('ERR_KEY_INVALID')
    }
  })
})
