import { it, expect } from 'vitest'
import * as jose from 'jose'
import { encrypt, decrypt } from '../../src/index.ts'
import { JWE_ALGS, JWE_ENCS } from '../../src/jwa/jwe.ts'

it('smoke', async () => {
  const rsa = await jose.generateKeyPair('RSA-OAEP-256', { extractable: true })
  const ec = await jose.generateKeyPair('ECDH-ES', { extractable: true, crv: 'P-256' })
  const x = await jose.generateKeyPair('ECDH-ES', { extractable: true, crv: 'X25519' })
  for (const a of JWE_ALGS) for (const e of JWE_ENCS) {
    let pub: any, priv: any
    if (a.family === 'RSA-OAEP') { pub = await jose.exportJWK(rsa.publicKey); priv = await jose.exportJWK(rsa.privateKey) }
    else if (a.family === 'ECDH-ES') { pub = await jose.exportJWK(ec.publicKey); priv = await jose.exportJWK(ec.privateKey) }
    else if (a.family === 'PBES2') { pub = priv = new TextEncoder().encode('correct horse battery') }
    else { pub = priv = crypto.getRandomValues(new Uint8Array(a.kwBits ? a.kwBits / 8 : e.keyBytes)) }
    const opts = { algorithms: [a.alg], encryptions: [e.enc] }
    try {
      const t = await encrypt('hello', pub, { alg: a.alg, enc: e.enc })
      const r = await decrypt(t, priv, opts)
      expect(new TextDecoder().decode(r.plaintext)).toBe('hello')
      const j = await jose.compactDecrypt(t, a.family === 'RSA-OAEP' || a.family === 'ECDH-ES' ? await jose.importJWK({ ...priv, alg: a.alg }) : priv, { keyManagementAlgorithms: [a.alg] })
      expect(new TextDecoder().decode(j.plaintext)).toBe('hello')
      const t2 = await new jose.CompactEncrypt(new TextEncoder().encode('hi')).setProtectedHeader({ alg: a.alg, enc: e.enc }).encrypt(a.family === 'RSA-OAEP' || a.family === 'ECDH-ES' ? await jose.importJWK({ ...pub, alg: a.alg }) : pub)
      const r2 = await decrypt(t2, priv, opts)
      expect(new TextDecoder().decode(r2.plaintext)).toBe('hi')
    } catch (err: any) { console.log(a.alg, e.enc, err.code, err.message, err.cause?.message) ; throw err }
  }
}, 60000)
