/** Shared fixtures for the OAuth/OIDC profile tests: fixed clock, ES256 and HS256 keys, token builders. */
import { exportJwk, generateKeyPair, signJws, type Alg, type Jwk, type JwtPayload, type KeyInput } from '../../src/index.ts'

export const NOW_S = 1_700_000_000
export const NOW = new Date(NOW_S * 1000)
export const SECRET = 'a-client-secret-of-at-least-32-bytes!!'

export interface Keys {
  priv: Jwk
  pub: Jwk
}

let es: Promise<Keys> | undefined
/** One ES256 key pair per test file (JWKs with alg). */
export function esKeys(): Promise<Keys> {
  es ??= (async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    return { priv: { ...(await exportJwk(privateKey)), alg: 'ES256' }, pub: { ...(await exportJwk(publicKey)), alg: 'ES256' } }
  })()
  return es
}

/** Signs a payload exactly as given (any claim types), `typ` null omits it; ES256 by default. */
export async function token(payload: unknown, typ: string | null, key?: KeyInput, alg: Alg = 'ES256'): Promise<string> {
  return signJws(JSON.stringify(payload), key ?? (await esKeys()).priv, { alg, header: typ === null ? {} : { typ } })
}

export { rejects } from '../support/errors.ts'

/** A copy of the claims without one of them. */
export function omit(claims: JwtPayload, claim: string): JwtPayload {
  const p = { ...claims }
  delete p[claim]
  return p
}
