/**
 * Keys from files and URLs: a PEM (SPKI, PKCS#8, certificate), a JWK, a JWK Set, a
 * JWKS URL, or a raw HMAC secret (`--secret`). The library does all key checks; this
 * file only tells the file kinds apart by their first character, as API.md's rule for
 * strings does, and never prints a file's content.
 */
import { createLocalJwks, createRemoteJwks, exportJwk, importKey, isJoseError, thumbprint } from '../index.ts'
import type { Alg, Jwk, JwksDocument, KeyInput, KeyResolver } from '../index.ts'
import { curves, PROBE, RSA_MIN_BITS } from './algs.ts'
import { usage } from './args.ts'
import { CliError } from './errors.ts'
import { readBytes, readText, shownPath } from './io.ts'

/** What a key file holds. */
export type KeyFile =
  | { kind: 'pem'; pem: string }
  | { kind: 'jwk'; jwk: Jwk }
  | { kind: 'jwks'; jwks: JwksDocument }

/** Sets an own property even for "__proto__" (an assignment would run its setter). */
export const put = (o: Record<string, unknown>, k: string, v: unknown): void => {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/** Reads a key file: PEM text or a JSON JWK / JWK Set. */
export async function readKeyFile(path: string): Promise<KeyFile> {
  const text = (await readText(path)).replace(/^\ufeff/, '').trim()
  if (text.startsWith('-----BEGIN ')) return { kind: 'pem', pem: text }
  if (!text.startsWith('{')) {
    throw new CliError('ERR_KEY_INVALID', `key file ${shownPath(path)} is neither PEM ("-----BEGIN …") nor a JSON JWK or JWK Set (an HMAC secret goes in --secret)`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // JSON.parse messages quote the input: a private key's members would be printed.
    throw new CliError('ERR_KEY_INVALID', `key file ${shownPath(path)} is not valid JSON`)
  }
  if (!isRecord(parsed)) throw new CliError('ERR_KEY_INVALID', `key file ${shownPath(path)} is not a JSON object`)
  if (Object.hasOwn(parsed, 'keys')) return { kind: 'jwks', jwks: parsed as unknown as JwksDocument }
  return { kind: 'jwk', jwk: parsed as Jwk }
}

/**
 * An HMAC secret file: its bytes, one trailing newline removed (`echo secret > file`).
 * The library refuses key text (API.md, String keys); it also judges the file as it is
 * when a newline was removed, so a DER key ending in 0x0a cannot pass as a secret.
 */
export async function readSecretFile(path: string): Promise<Uint8Array> {
  const file = await readBytes(path)
  let bytes = file
  if (bytes[bytes.length - 1] === 0x0a) bytes = bytes.subarray(0, bytes[bytes.length - 2] === 0x0d ? -2 : -1)
  if (bytes.length === 0) throw new CliError('ERR_KEY_INVALID', `secret file ${shownPath(path)} is empty`)
  // 32 bytes and more are long enough for HS256: importKey then fails only on key text.
  if (bytes !== file && file.length >= 32) await importKey(file, 'HS256')
  return bytes
}

/** `--key` or `--secret`, exactly one; `--allow-http` for a key-set URL. */
export interface KeySource {
  key?: string | undefined
  secret?: string | undefined
  allowHttp?: boolean
}

function oneSource(src: KeySource, command: string): void {
  if (src.key !== undefined && src.secret !== undefined) throw usage('give either --key or --secret, not both', command)
  if (src.key === undefined && src.secret === undefined) throw usage('a key is required: --key FILE|URL or --secret FILE', command)
}

/** The key or key set that verifies: a URL is a remote JWKS, a file holds a PEM, JWK or JWK Set. */
export async function verificationKey(src: KeySource, command: string): Promise<KeyInput | KeyResolver> {
  oneSource(src, command)
  const url = src.key !== undefined && /^https?:\/\//i.test(src.key)
  if (src.allowHttp && !url) throw usage('--allow-http needs a key-set URL (--key http://…)', command)
  if (src.secret !== undefined) return readSecretFile(src.secret)
  if (url) return createRemoteJwks(src.key!, src.allowHttp ? { allowHttp: true } : undefined)
  const file = await readKeyFile(src.key!)
  if (file.kind === 'pem') return file.pem
  if (file.kind === 'jwk') return file.jwk
  return createLocalJwks(file.jwks)
}

/** The key that signs: a PEM or JWK file, or a secret. */
export async function signingKey(src: KeySource, command: string): Promise<KeyInput> {
  oneSource(src, command)
  if (src.secret !== undefined) return readSecretFile(src.secret)
  if (/^https?:\/\//i.test(src.key!)) throw new CliError('ERR_USAGE', 'signing needs a private key file, not a URL')
  const file = await readKeyFile(src.key!)
  if (file.kind === 'jwks') throw new CliError('ERR_USAGE', `${shownPath(src.key!)} is a JWK Set: sign with one private key (a PEM or JWK file)`)
  return file.kind === 'pem' ? file.pem : file.jwk
}

/** Members that are private (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])

/**
 * The public JWK of an asymmetric key (public or private PEM or JWK), checked by the
 * library's own import. The key type is learnt by trying the algorithms in turn: a
 * display convenience, never a verification decision.
 */
export async function publicJwk(input: string | Jwk, label: string): Promise<Jwk> {
  const meta: Record<string, unknown> = {}
  if (typeof input !== 'string') {
    if (input.kty === 'oct') throw new CliError('ERR_KEY_INVALID', `${label} is a secret (oct) key: it has no public part and must never be published`)
    const hadPrivate = Object.keys(input).some((k) => PRIVATE_MEMBERS.has(k))
    for (const [k, v] of Object.entries(input)) {
      // key_ops of a private key name "sign"; they do not describe the public half.
      if (!PRIVATE_MEMBERS.has(k) && !(hadPrivate && k === 'key_ops')) put(meta, k, v)
    }
  }
  const algs: readonly Alg[] = typeof input !== 'string' && typeof input.alg === 'string' ? [input.alg as Alg] : PROBE
  const failures: unknown[] = []
  for (const alg of algs) {
    try {
      const key = await importKey(input, alg, { extractable: true })
      const exported = await exportJwk(key)
      const out: Record<string, unknown> = { ...meta }
      // The exported "alg" is the probe's guess (RS256 for any RSA key): only the input's counts.
      for (const [k, v] of Object.entries(exported)) if (!PRIVATE_MEMBERS.has(k) && k !== 'alg') put(out, k, v)
      return out as Jwk
    } catch (e) {
      failures.push(e)
    }
  }
  throw probeFailure(failures, label)
}

/**
 * One error for a failed probe: when every attempt failed alike (a malformed PEM, a
 * short RSA modulus) that error; otherwise the key is of no supported type.
 */
function probeFailure(failures: unknown[], label: string): Error {
  const first = failures[0]
  const same = failures.every((e) => isJoseError(e) && isJoseError(first) && e.code === first.code && e.message === first.message)
  if (same && isJoseError(first)) return first
  return new CliError('ERR_KEY_INVALID', `${label}: not an RSA (≥ ${RSA_MIN_BITS} bits), EC ${curves('EC')} or ${curves('OKP')} key`)
}

/** A JWK with `kid` set to its RFC 7638 thumbprint when it has none, `kid` listed first. */
export async function withKid(jwk: Jwk): Promise<Jwk> {
  if (typeof jwk.kid === 'string' && jwk.kid.length > 0) return jwk
  const kid = await thumbprint(jwk)
  return { kid, ...jwk }
}
