// Issue 12, hardening 1 through the CLI: `--secret` takes an HMAC secret file, and a key
// file given there is refused by the library's one key-text rule (API.md, String keys),
// never used as HMAC key bytes. Each token is HMAC-signed with exactly the bytes the CLI
// would use as the secret (the file, one trailing newline removed): before the fix, they verified.
import { createHmac, generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { b64u, cliOnce, ensureBuilt, expectOneCleanLine, run, scratch } from './helpers.ts'

/** An HS256 token whose HMAC key is `secret`. */
function hs256(secret: Uint8Array): string {
  const input = `${b64u({ alg: 'HS256', typ: 'JWT' })}.${b64u({ sub: 'admin', aud: 'api' })}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

/** What readSecretFile makes of a file: one trailing newline (LF or CRLF) removed. */
const asSecret = (file: Uint8Array): Uint8Array => (file[file.length - 1] === 0x0a ? file.subarray(0, file[file.length - 2] === 0x0d ? -2 : -1) : file)

describe.runIf(cliOnce)('hardening 1: key text is never a secret (CLI --secret)', () => {
  const s = scratch()
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = Buffer.from(rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string)
  const derFile = rsa.publicKey.export({ type: 'spki', format: 'der' })
  beforeAll(ensureBuilt, 120_000)
  afterAll(() => s.cleanup())

  const refused: Array<[string, () => Uint8Array, RegExp]> = [
    ['public.pem (SPKI PEM)', () => pem, /: PEM text, not an HMAC secret/],
    ['public.pem with CRLF line ends', () => Buffer.from(pem.toString().replace(/\n/g, '\r\n')), /: PEM text, not an HMAC secret/],
    ['public.der (SPKI DER)', () => derFile, /: DER \(PUBLIC KEY\), not an HMAC secret/],
    ['a JWK file', () => Buffer.from(`${JSON.stringify(rsa.publicKey.export({ format: 'jwk' }))}\n`), /: JSON, not an HMAC secret/],
    ['the base64 "public key" field of an IdP', () => Buffer.from(`${derFile.toString('base64')}\n`), /: base64 DER \(PUBLIC KEY\), not an HMAC secret/],
  ]
  for (const [name, content, hint] of refused) {
    it(`isojwt verify --secret ${name} --alg HS256: exit 7, ERR_KEY_INVALID`, async () => {
      const file = s.file(`key-${name.replace(/\W+/g, '-')}`, content())
      const r = await run(['verify', hs256(asSecret(content())), '--secret', file, '--alg', 'HS256', '--aud', 'api'])
      expect(r.code, r.stderr).toBe(7)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/^ERR_KEY_INVALID: /)
      expect(r.stderr).toMatch(hint)
      // The CLI's own advice: a key file goes to --key (not the library's readFileSync hint).
      expect(r.stderr).toMatch(/not an HMAC secret: pass a key file with --key$/m)
      expectOneCleanLine(r.stderr)
      const signed = await run(['sign', '--secret', file, '--alg', 'HS256', 'sub=a'])
      expect(signed.code, signed.stderr).toBe(7)
      expect(signed.stderr).toMatch(/^ERR_KEY_INVALID: /)
    })
  }

  it('a DER key whose last byte is 0x0a is judged whole, not with that byte removed as a newline', async () => {
    let der = Buffer.alloc(0)
    for (let i = 0; i < 5000 && der[der.length - 1] !== 0x0a; i++) {
      der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' })
    }
    expect(der[der.length - 1]).toBe(0x0a)
    const file = s.file('ed25519-0a.der', der)
    const r = await run(['verify', hs256(der.subarray(0, -1)), '--secret', file, '--alg', 'HS256', '--aud', 'api'])
    expect(r.code, r.stderr).toBe(7)
    expect(r.stderr).toMatch(/^ERR_KEY_INVALID: DER \(PUBLIC KEY\), not an HMAC secret/)
  })

  it('controls: a text secret file (one trailing newline removed) still verifies', async () => {
    const secret = Buffer.from('correct horse battery staple, 32+ bytes\n')
    const file = s.file('secret.txt', secret)
    const r = await run(['verify', hs256(asSecret(secret)), '--secret', file, '--alg', 'HS256', '--aud', 'api'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).payload.sub).toBe('admin')
  })
})
