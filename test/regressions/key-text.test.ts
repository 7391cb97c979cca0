/**
 * Issue 12, hardening 1: key text is never a secret (API.md, String keys). Strings and
 * bytes (Uint8Array, Buffer, ArrayBuffer) that hold a key in another form are
 * ERR_KEY_INVALID whatever `algorithms` says, at every entry point, with a message that
 * says what they look like and what to pass instead. Each token here is HMAC-signed with
 * exactly the key text it is verified with: before the fix, the bytes forms verified.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createSigner, createVerifier, generateSecret, importKey, isJoseError, sign, signClientAssertion, signJws, verify,
  verifyAccessToken, verifyClientAssertion, verifyIdToken, verifyJws,
} from '../../src/index.ts'
import type { Alg, KeyInput } from '../../src/types.ts'
import { NOW, T, asymKeys, expectCode, forge, type AsymKeys } from '../oracle/helpers.ts'
import { certificateOf, opensshLine, pemBody, pemOf } from './key-der.ts'

const ISS = 'https://id.example'
const CLAIMS = { iss: ISS, sub: 'admin', aud: 'api', client_id: 'c', jti: 'j', iat: T, exp: T + 600 }
const bytes = (s: string | Uint8Array): Uint8Array => new Uint8Array(Buffer.from(s))
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')

let rsa: AsymKeys
let p256: AsymKeys
let ed: AsymKeys

beforeAll(() => {
  rsa = asymKeys('rsa')
  p256 = asymKeys('p256')
  ed = asymKeys('ed25519')
})

interface Form {
  name: string
  key: KeyInput
  /** The HMAC key the forged token is signed with: the same text or bytes. */
  mac: Uint8Array | string
  hint: RegExp
}

const PEM_BYTES = /: PEM text, not an HMAC secret: pass the PEM as a string$/
const JSON_HINT = /: JSON, not an HMAC secret: pass a JWK as an object, a JWK Set to createLocalJwks$/
const SSH_HINT = /: an OpenSSH key, not an HMAC secret: convert with `ssh-keygen -e -m PKCS8`$/
const URL_HINT = /: a URL, not an HMAC secret: use createRemoteJwks$/
const b64Hint = (label: string) => new RegExp(`: base64 DER \\(${label}\\), not an HMAC secret: wrap it in -----BEGIN/END ${label}----- lines$`)
const derHint = (label: string) => new RegExp(`: DER \\(${label}\\), not an HMAC secret: pass it as PEM text or a JWK$`)

/** Key text as bytes: every form a file read without 'utf8' can take. */
function byteForms(): Form[] {
  const spkiDer = pemBody(rsa.spki)
  const der: Array<[string, Uint8Array, string]> = [
    ['DER SPKI (RSA), readFileSync("public.der")', spkiDer, 'PUBLIC KEY'],
    ['DER SPKI (P-256)', pemBody(p256.spki), 'PUBLIC KEY'],
    ['DER SPKI (Ed25519)', pemBody(ed.spki), 'PUBLIC KEY'],
    ['DER PKCS#8 (RSA)', pemBody(rsa.pkcs8), 'PRIVATE KEY'],
    ['DER PKCS#8 (Ed25519)', pemBody(ed.pkcs8), 'PRIVATE KEY'],
    ['DER PKCS#1 RSAPublicKey', bytes(rsa.publicKey.export({ type: 'pkcs1', format: 'der' })), 'RSA PUBLIC KEY'],
    ['DER PKCS#1 RSAPrivateKey', bytes(rsa.privateKey.export({ type: 'pkcs1', format: 'der' })), 'RSA PRIVATE KEY'],
    ['DER SEC1 ECPrivateKey', bytes(p256.privateKey.export({ type: 'sec1', format: 'der' })), 'EC PRIVATE KEY'],
    ['DER X.509 certificate', certificateOf(spkiDer), 'CERTIFICATE'],
  ]
  const pem: Array<[string, Uint8Array]> = [
    ['SPKI PEM file bytes (a Buffer, readFileSync("public.pem"))', Buffer.from(rsa.spki)],
    ['SPKI PEM as a plain Uint8Array', bytes(rsa.spki)],
    ['PKCS#8 PEM bytes', bytes(rsa.pkcs8)],
    ['certificate PEM bytes', bytes(pemOf('CERTIFICATE', certificateOf(spkiDer)))],
    ['PEM bytes with a UTF-8 BOM and CRLF', bytes(`\uFEFF${rsa.spki.replace(/\n/g, '\r\n')}`)],
    ['PEM bytes after leading text', bytes(`public key of the IdP:\n${rsa.spki}`)],
    ['PEM bytes that are not UTF-8 (0xff first)', Buffer.concat([Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(rsa.spki)])],
    ['only an -----END line in bytes', bytes(`${'x'.repeat(40)}-----END PUBLIC KEY-----`)],
  ]
  const text: Array<[string, string, RegExp]> = [
    ['JSON JWK bytes', JSON.stringify(rsa.publicJwk), JSON_HINT],
    ['JSON JWK bytes after a UTF-8 BOM and CRLF', `\uFEFF\r\n${JSON.stringify(rsa.publicJwk)}`, JSON_HINT],
    ['JSON with non-ASCII UTF-8 text', `{"kid":"clé-${'é'.repeat(20)}"}`, JSON_HINT],
    ['OpenSSH key line bytes', opensshLine(pemBody(ed.spki).subarray(12)), SSH_HINT],
    ['base64 SPKI bytes', b64(spkiDer), b64Hint('PUBLIC KEY')],
    ['URL bytes', 'https://id.example/.well-known/jwks.json', URL_HINT],
  ]
  return [
    ...der.map(([name, key, label]) => ({ name, key, mac: key, hint: derHint(label) })),
    ...pem.map(([name, key]) => ({ name, key, mac: key, hint: PEM_BYTES })),
    { name: 'SPKI PEM as an ArrayBuffer', key: bytes(rsa.spki).buffer as ArrayBuffer, mac: bytes(rsa.spki), hint: PEM_BYTES },
    { name: 'DER SPKI as an ArrayBuffer', key: spkiDer.slice().buffer as ArrayBuffer, mac: spkiDer, hint: derHint('PUBLIC KEY') },
    ...text.map(([name, s, hint]) => ({ name, key: bytes(s), mac: bytes(s), hint })),
  ]
}

/** Key text as strings (a PEM alone is a key, not key text: see the controls). */
function stringForms(): Form[] {
  const spkiDer = pemBody(rsa.spki)
  const b64Spki = b64(spkiDer)
  const x = pemBody(ed.spki).subarray(12)
  const forms: Array<[string, string, RegExp]> = [
    ['PEM after leading text', `public key:\n${rsa.spki}`, /: PEM text, not an HMAC secret: pass the PEM block alone$/],
    ['-----BEGIN without the space', `-----BEGINPUBLIC KEY-----${'x'.repeat(40)}`, /: PEM text, not an HMAC secret: pass the PEM block alone$/],
    ['a PEM chain (two blocks)', `${pemOf('CERTIFICATE', certificateOf(spkiDer))}${pemOf('CERTIFICATE', certificateOf(spkiDer))}`, /holds 2 blocks/],
    ['three blocks', `${rsa.spki}${p256.spki}${ed.spki}`, /holds 3 blocks/],
    ['JSON JWK', JSON.stringify(rsa.publicJwk), JSON_HINT],
    ['JSON JWK Set', JSON.stringify({ keys: [rsa.publicJwk] }), JSON_HINT],
    ['JSON array after a BOM and a newline', `\uFEFF\n[${JSON.stringify(rsa.publicJwk)}]`, JSON_HINT],
    ['OpenSSH ssh-ed25519 line', opensshLine(x), SSH_HINT],
    ['OpenSSH ecdsa-sha2-nistp256 line', opensshLine(x, 'ecdsa-sha2-nistp256'), SSH_HINT],
    ['OpenSSH sk-ssh-ed25519@openssh.com line', opensshLine(x, 'sk-ssh-ed25519@openssh.com'), SSH_HINT],
    ['base64 SPKI (a Keycloak "public key" field)', b64Spki, b64Hint('PUBLIC KEY')],
    ['base64 SPKI without padding, URL alphabet', Buffer.from(spkiDer).toString('base64url'), b64Hint('PUBLIC KEY')],
    ['base64 SPKI (Ed25519, 44 bytes)', b64(pemBody(ed.spki)), b64Hint('PUBLIC KEY')],
    ['base64 SPKI wrapped at 64 columns with CRLF', b64Spki.replace(/.{64}/g, '$&\r\n'), b64Hint('PUBLIC KEY')],
    ['base64 PKCS#8', b64(pemBody(rsa.pkcs8)), b64Hint('PRIVATE KEY')],
    ['base64 PKCS#1 RSAPublicKey', b64(bytes(rsa.publicKey.export({ type: 'pkcs1', format: 'der' }))), b64Hint('RSA PUBLIC KEY')],
    ['base64 SEC1', b64(bytes(p256.privateKey.export({ type: 'sec1', format: 'der' }))), b64Hint('EC PRIVATE KEY')],
    ['base64 certificate', b64(certificateOf(spkiDer)), b64Hint('CERTIFICATE')],
    ['an https URL', 'https://id.example/.well-known/jwks.json', URL_HINT],
    ['an HTTP URL, upper case', 'HTTP://127.0.0.1:8080/realms/demo/protocol/openid-connect/certs', URL_HINT],
  ]
  return forms.map(([name, key, hint]) => ({ name, key, mac: key, hint }))
}

type Algs = Alg[] | undefined
const opts = (a: Algs) => ({ now: NOW, ...(a ? { algorithms: a } : {}) })
const ALGORITHM_LISTS: Algs[] = [undefined, ['HS256'], ['RS256', 'HS256']]

const verifiers: Array<[string, (token: string, key: KeyInput, a: Algs) => unknown]> = [
  ['verify', (t, k, a) => verify(t, k, opts(a))],
  ['verify, resolver', (t, k, a) => verify(t, () => k, opts(a))],
  ['verify, async resolver with a list', (t, k, a) => verify(t, async () => [k], opts(a))],
  ['createVerifier', (t, k, a) => createVerifier(k, opts(a))(t)],
  ['createVerifier, resolver', (t, k, a) => createVerifier(() => k, opts(a))(t)],
  ['verifyJws', (t, k, a) => verifyJws(t, k, a ? { algorithms: a } : {})],
  ['verifyIdToken', (t, k, a) => verifyIdToken(t, k, { issuer: ISS, clientId: 'api', ...opts(a) })],
  ['verifyAccessToken', (t, k, a) => verifyAccessToken(t, k, { issuer: ISS, audience: 'api', ...opts(a) })],
  ['verifyClientAssertion', (t, k, a) => verifyClientAssertion(t, k, { clientId: 'c', audience: 'api', ...opts(a) })],
]
const signers: Array<[string, (key: KeyInput) => unknown]> = [
  ['sign', (k) => sign({ sub: 'a' }, k, { alg: 'HS256' })],
  ['createSigner', (k) => createSigner(k, { alg: 'HS256' })({ sub: 'a' })],
  ['signJws', (k) => signJws('payload', k, { alg: 'HS256' })],
  ['importKey', (k) => importKey(k as string, 'HS256')],
  ['signClientAssertion', (k) => signClientAssertion({ clientId: 'c', audience: 'api', key: k, alg: 'HS256' })],
]

/** What `run` did, as one line: 'ok', or the code and message. */
async function outcome(run: () => unknown): Promise<string> {
  try {
    await run()
    return 'ok (accepted)'
  } catch (e) {
    return isJoseError(e) ? `${e.code}: ${e.message}` : `non-JoseError ${String(e)}`
  }
}

async function refusedEverywhere(form: Form): Promise<string[]> {
  const token = forge({ alg: 'HS256', typ: 'JWT' }, CLAIMS, { alg: 'HS256', key: form.mac })
  const wrong: string[] = []
  const check = (where: string, got: string, code = 'ERR_KEY_INVALID') => {
    const hinted = code !== 'ERR_KEY_INVALID' || form.hint.test(got) || (where === 'importKey' && form.key instanceof ArrayBuffer)
    if (!got.startsWith(`${code}:`) || !hinted) wrong.push(`${where}: ${got}`)
  }
  for (const a of ALGORITHM_LISTS) {
    for (const [name, run] of verifiers) {
      // RFC 9068 profile: HS* only when `algorithms` lists it, a header rule that runs before any key.
      const code = name === 'verifyAccessToken' && !a ? 'ERR_JOSE_ALG_NOT_ALLOWED' : 'ERR_KEY_INVALID'
      check(`${name}, algorithms ${JSON.stringify(a)}`, await outcome(() => run(token, form.key, a)), code)
    }
  }
  for (const [name, run] of signers) check(name, await outcome(() => run(form.key)))
  return wrong
}

describe('hardening 1: key text is never a secret (forms × algorithms × entry points)', () => {
  it('key text as bytes (Uint8Array, Buffer, ArrayBuffer) is ERR_KEY_INVALID everywhere, with a hint', async () => {
    const forms = byteForms()
    expect(forms.length).toBeGreaterThanOrEqual(20)
    for (const form of forms) expect(await refusedEverywhere(form), form.name).toEqual([])
  })

  it('key text as strings is ERR_KEY_INVALID everywhere, with a hint', async () => {
    const forms = stringForms()
    for (const form of forms) expect(await refusedEverywhere(form), form.name).toEqual([])
  })

  it('controls: the same keys as PEM strings are keys (never secrets), random secrets are secrets', async () => {
    const hs = forge({ alg: 'HS256' }, CLAIMS, { alg: 'HS256', key: rsa.spki })
    await expectCode(() => verify(hs, rsa.spki, { algorithms: ['RS256', 'HS256'], now: NOW }), 'ERR_JOSE_ALG_NOT_ALLOWED')
    const rs = forge({ alg: 'RS256' }, CLAIMS, { alg: 'RS256', key: rsa.privateKey })
    expect((await verify(rs, rsa.spki, { algorithms: ['RS256', 'HS256'], now: NOW })).payload.sub).toBe('admin')
    // a PEM with its line breaks as literal \n escapes (an environment variable) is a PEM too
    expect((await verify(rs, rsa.spki.replace(/\n/g, '\\n'), { algorithms: ['RS256'], now: NOW })).payload.sub).toBe('admin')
    const secret = generateSecret('HS256')
    const ok = forge({ alg: 'HS256' }, CLAIMS, { alg: 'HS256', key: secret })
    expect((await verify(ok, secret, { algorithms: ['HS256'], now: NOW })).payload.sub).toBe('admin')
    expect((await verify(ok, secret.slice().buffer, { algorithms: ['HS256'], now: NOW })).payload.sub).toBe('admin')
    // Bytes that are not UTF-8 are judged by the armour rule only: a leading "{" is not JSON.
    const binary = Uint8Array.from([0x7b, 0xff, ...secret])
    const braced = forge({ alg: 'HS256' }, CLAIMS, { alg: 'HS256', key: binary })
    expect((await verify(braced, binary, { algorithms: ['HS256'], now: NOW })).payload.sub).toBe('admin')
  })
})

describe('hardening 1: key text is never a secret (the forgery of issue 12)', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'isojwt-forgery-'))
    writeFileSync(join(dir, 'public.pem'), rsa.spki)
    writeFileSync(join(dir, 'public.der'), pemBody(rsa.spki))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  for (const file of ['public.pem', 'public.der']) {
    it(`a token HMAC-signed with the bytes of ${file} is refused, algorithms ['RS256', 'HS256']`, async () => {
      const key = readFileSync(join(dir, file))
      const token = forge({ alg: 'HS256', typ: 'JWT' }, CLAIMS, { alg: 'HS256', key })
      const o = { algorithms: ['RS256', 'HS256'] as Alg[], now: NOW }
      const e = await expectCode(() => verify(token, key, o), 'ERR_KEY_INVALID')
      expect(e.message).toMatch(file.endsWith('pem') ? /pass the PEM as a string$/ : /^DER \(PUBLIC KEY\), not an HMAC secret: pass it as PEM text or a JWK$/)
      await expectCode(() => createVerifier(key, o)(token), 'ERR_KEY_INVALID')
      await expectCode(() => verify(token, async () => key, o), 'ERR_KEY_INVALID')
      await expectCode(() => sign({ sub: 'admin' }, key, { alg: 'HS256' }), 'ERR_KEY_INVALID')
    })
  }
})

describe('hardening 1: key text is never a secret (random secrets stay secrets)', () => {
  const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c))
  /** sign then verify HS256 with the same secret, as given. */
  const roundTrip = async (key: KeyInput) => {
    const token = await sign({ sub: 'a' }, key, { alg: 'HS256', now: NOW })
    return (await verify(token, key, { algorithms: ['HS256'], now: NOW })).payload.sub === 'a'
  }

  it('every length from 32 to 128 bytes: bytes, Buffer, ArrayBuffer, base64url, hex and printable text', async () => {
    for (let n = 32; n <= 128; n++) {
      const b = crypto.getRandomValues(new Uint8Array(n))
      const text = Array.from(crypto.getRandomValues(new Uint8Array(n)), (v) => String.fromCharCode(0x21 + (v % 94)))
      const safeText = /^[{[]/.test(text.join('')) ? `k${text.join('').slice(1)}` : text.join('')
      for (const key of [b, Buffer.from(b), b.slice().buffer, Buffer.from(b).toString('base64url'), Buffer.from(b).toString('hex'), safeText]) {
        expect(await roundTrip(key), `${n} bytes as ${typeof key}`).toBe(true)
      }
    }
  })

  it('property: random bytes (32–128), their base64url text, random printable and Unicode text are secrets', async () => {
    const secrets = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 128 }),
      fc.uint8Array({ minLength: 32, maxLength: 128 }).map((b) => Buffer.from(b).toString('base64url')),
      fc.uint8Array({ minLength: 32, maxLength: 128 }).map((b) => Buffer.from(b).toString('base64')),
      // Text that starts with "{" or "[" is JSON by rule (API.md): the only printable prefix refused.
      fc.string({ unit: printable, minLength: 32, maxLength: 128 }).filter((s) => !/^\s*[{[]/.test(s)),
      fc.string({ unit: 'grapheme', minLength: 32, maxLength: 64 }).filter((s) => !/^[\s\uFEFF]*[{[]/.test(s)),
    )
    await fc.assert(fc.asyncProperty(secrets, async (key) => roundTrip(key)), { numRuns: 300 })
  })

  it('every generateSecret output is a secret (HS256, HS384, HS512)', async () => {
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      for (let i = 0; i < 100; i++) {
        const secret = generateSecret(alg)
        const token = await sign({ sub: 'a' }, secret, { alg, now: NOW })
        expect((await verify(token, secret, { algorithms: [alg], now: NOW })).payload.sub).toBe('a')
      }
    }
  })
})
