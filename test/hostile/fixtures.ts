/**
 * Valid base material for the hostile suites, built with node:crypto (not with the
 * library under test), so a call fails only because of the hostile value put in.
 */
import { createCipheriv, createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { b64u } from '../support/base64url.ts'

export const T = 1_760_000_000
export const NOW = new Date(T * 1000)

/** String secret (≥ 32 bytes for HS256) carrying a marker no error text may contain. */
export const SECRET = `hostile-secret-MARKER-${randomBytes(12).toString('hex')}-zz`
export const OCT_K = randomBytes(32).toString('base64url')
/** A dir + A256GCM JWE of 'hello' under JWE_KEY (made at load, with node:crypto: RFC 7516 §5.1). */
export const JWE_KEY = new Uint8Array(randomBytes(32))
export const JWE = makeJwe(JWE_KEY)
/** The same as a JWT (typ JWT, a JSON payload), for decryptJwt. */
export const JWE_JWT = makeJwe(JWE_KEY, `{"sub":"hostile","iat":${1_760_000_000}}`, { typ: 'JWT' })

export { b64u }

/** HS256 compact JWS over raw header/payload JSON text (so member names and order are ours). */
export function hsToken(headerJson: string, payloadJson: string, secret: string | Uint8Array = SECRET, alg: 'sha256' | 'sha384' | 'sha512' = 'sha256'): string {
  const input = `${b64u(headerJson)}.${b64u(payloadJson)}`
  return `${input}.${createHmac(alg, secret).update(input).digest('base64url')}`
}

export const TOKEN = hsToken('{"alg":"HS256","typ":"JWT"}', `{"sub":"hostile","iat":${T}}`)
export const TOKEN_SIG = TOKEN.split('.')[2]!
export const JWS = hsToken('{"alg":"HS256"}', '"hello, hostile world"')

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
export const EC_PRIVATE_JWK = ec.privateKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string; d: string }
export const EC_PUBLIC_JWK = ec.publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string }
export const OCT_JWK = { kty: 'oct', k: OCT_K }
export const OCT_TOKEN = hsToken('{"alg":"HS256","typ":"JWT"}', `{"sub":"oct","iat":${T}}`, Buffer.from(OCT_K, 'base64url'))

/** A DPoP proof (RFC 9449 §4.2) for GET https://rs.example/x at T, with the EC key in its header. */
export const DPOP_HTU = 'https://rs.example/x'
const dpopInput = `${b64u(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: EC_PUBLIC_JWK }))}.${b64u(JSON.stringify({ jti: 'hostile-1', htm: 'GET', htu: DPOP_HTU, iat: T }))}`
export const DPOP_PROOF = `${dpopInput}.${sign('sha256', Buffer.from(dpopInput), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`

/** Strings that must never appear in any error text. */
export const SECRETS: readonly string[] = [SECRET, 'MARKER', OCT_K, EC_PRIVATE_JWK.d, TOKEN, TOKEN_SIG, JWS.split('.')[2]!, OCT_TOKEN.split('.')[2]!, DPOP_PROOF.split('.')[2]!]

export async function ecCryptoKeys(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
}

export async function hsCryptoKey(): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
}

function makeJwe(key: Uint8Array, plaintext = 'hello', extra: Record<string, string> = {}): string {
  const h = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', ...extra })).toString('base64url')
  const iv = randomBytes(12)
  const c = createCipheriv('aes-256-gcm', key, iv)
  c.setAAD(Buffer.from(h))
  const ct = Buffer.concat([c.update(plaintext), c.final()])
  return [h, '', iv.toString('base64url'), ct.toString('base64url'), c.getAuthTag().toString('base64url')].join('.')
}
