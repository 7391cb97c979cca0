/**
 * Fixtures of the provider tests: the providers' documents and tokens in the shapes their
 * documentation shows, signed here with our own keys (the RSA-2048 certificates made with
 * OpenSSL for the certificate-map tests, test/jwks/x509-fixtures.ts, and an ES256 pair), and
 * an injected fetch that serves each provider's key URL and records what was asked.
 */
import { expect } from 'vitest'
import { exportJwk, generateKeyPair, importKey, isJoseError, signJws, type Jwk } from '../../src/index.ts'
import { RSA2048_CERT, RSA2048_KEY, RSA2048B_CERT, RSA2048B_KEY } from '../jwks/x509-fixtures.ts'

export const NOW_S = 1_700_000_000
export const NOW = new Date(NOW_S * 1000)

/** The body of a PEM, as `x5c` and certificate maps carry it. */
export const certBody = (pem: string): string => pem.replace(/-----[A-Z ]+-----|\s/g, '')

export interface RsaKey {
  /** The private key (PKCS#8 PEM) that signs the test tokens. */
  priv: string
  /** Its certificate (PEM), for x509 maps and `x5c`. */
  cert: string
  /** The public JWK members (`kty`, `n`, `e`). */
  pub: Jwk
}

let rsa: Promise<[RsaKey, RsaKey]> | undefined
/** Two RSA-2048 keys: the provider's (`a`) and a stranger's (`b`). */
export function rsaKeys(): Promise<[RsaKey, RsaKey]> {
  rsa ??= Promise.all([[RSA2048_KEY, RSA2048_CERT], [RSA2048B_KEY, RSA2048B_CERT]].map(async ([priv, cert]) => {
    const { kty, n, e } = await exportJwk(await importKey(cert!, 'RS256', { extractable: true }))
    return { priv: priv!, cert: cert!, pub: { kty, n, e } as Jwk }
  })) as Promise<[RsaKey, RsaKey]>
  return rsa
}

let es: Promise<{ priv: Jwk; pub: Jwk }> | undefined
/** An ES256 pair (Supabase's asymmetric keys). */
export function esKey(): Promise<{ priv: Jwk; pub: Jwk }> {
  es ??= (async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    return { priv: await exportJwk(privateKey), pub: await exportJwk(publicKey) }
  })()
  return es
}

/** A compact JWS of `payload` with exactly these header members (besides `alg`). */
export function signed(payload: unknown, key: string | Jwk | Uint8Array, alg: 'RS256' | 'PS256' | 'ES256' | 'RS512' | 'HS256', header: Record<string, unknown>): Promise<string> {
  return signJws(JSON.stringify(payload), key, { alg, header })
}

/** A copy of `o` with `over` applied; an `undefined` in `over` removes that member. */
export function edit<T extends Record<string, unknown>>(o: T, over: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...o, ...over }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k]
  return out as T
}

export interface Served {
  fetch: typeof fetch
  /** Every URL requested, in order. */
  urls: string[]
}

/** A fetch that answers each known URL with its JSON document (200, cacheable), anything else 404. */
export function serve(documents: Record<string, unknown>): Served {
  const urls: string[] = []
  const docs = new Map(Object.entries(documents))
  const fake = async (input: string | URL | Request): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    urls.push(url)
    if (!docs.has(url)) return new Response('not found', { status: 404 })
    return new Response(JSON.stringify(docs.get(url)), { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' } })
  }
  return { fetch: fake as typeof fetch, urls }
}

/** A JoseError with this code (and claim, reason when given); returns it (test/support/errors.ts). */
export { rejects as refused } from '../support/errors.ts'

/** Expects a synchronous ERR_JOSE_INVALID_ARGUMENT whose message matches `message` when given. */
export function invalidArgument(f: () => unknown, message?: RegExp): void {
  let err: unknown
  try {
    f()
  } catch (e) {
    err = e
  }
  expect(isJoseError(err) && (err as { code: string }).code, String(err)).toBe('ERR_JOSE_INVALID_ARGUMENT')
  if (message) expect((err as Error).message).toMatch(message)
}
