// Which crypto each key form reaches (API.md, Runtimes and backends). On the node backend,
// keys made from material the shared layer checked (JWK, PEM, certificate, secret bytes or
// text) sign and verify with node:crypto, and a CryptoKey is never turned into a KeyObject
// (Node 24 deprecates it: DEP0203, DEP0204); a caller's own CryptoKey goes through
// crypto.subtle. Key pairs from generateKeyPair are made by the backend: node:crypto on
// the node backend. On the WebCrypto backend everything goes through crypto.subtle.
import { KeyObject } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { exportJwk, generateKeyPair, sign, verify } from '../../src/index.ts'
import { ALL_ALGS } from '../oracle/helpers.ts'
import { formApplies, formKeys, makeMaterial, type Form, type Material } from '../oracle/forms.ts'

const node = process.env.ISOJWT_BACKEND === 'node'
const FORMS: readonly Form[] = ['jwk', 'jwk-noalg', 'pem', 'cert', 'bytes', 'string', 'cryptokey']

let material: Material
const subtleCalls = { sign: 0, verify: 0 }
beforeAll(() => {
  material = makeMaterial({ certs: true })
  vi.spyOn(KeyObject, 'from').mockImplementation(() => {
    throw new Error('KeyObject.from(CryptoKey) was called')
  })
  for (const op of ['sign', 'verify'] as const) {
    const real = crypto.subtle[op].bind(crypto.subtle) as (...a: unknown[]) => Promise<unknown>
    vi.spyOn(crypto.subtle, op).mockImplementation(((...a: unknown[]) => {
      subtleCalls[op]++
      return real(...a)
    }) as never)
  }
})
afterAll(() => vi.restoreAllMocks())

describe(`key forms on the ${process.env.ISOJWT_BACKEND} backend`, () => {
  for (const alg of ALL_ALGS) {
    for (const form of FORMS.filter((f) => formApplies(alg, f, 'verify'))) {
      const viaSubtle = !node || form === 'cryptokey'
      it(`${alg} ${form}: ${viaSubtle ? 'crypto.subtle' : 'node:crypto, no subtle call'}`, async () => {
        const signForm = form === 'cert' ? 'pem' : form
        const sk = (await formKeys(material, alg, signForm, 'sign')).iso
        const vk = (await formKeys(material, alg, form, 'verify')).iso
        subtleCalls.sign = subtleCalls.verify = 0
        const token = await sign({ sub: 'k' }, sk, { alg })
        const result = await verify(token, vk, { algorithms: [alg] })
        expect(result.payload.sub).toBe('k')
        expect(Object.prototype.toString.call(result.key)).toBe('[object CryptoKey]')
        // A cert's sign side is its PKCS#8 PEM: it counts as material.
        expect(subtleCalls.verify > 0).toBe(viaSubtle)
        expect(subtleCalls.sign > 0).toBe(viaSubtle)
      })
    }
  }
})

describe(`generateKeyPair on the ${process.env.ISOJWT_BACKEND} backend`, () => {
  for (const alg of ALL_ALGS.filter((a) => !a.startsWith('HS'))) {
    it(`${alg}: WebCrypto-shaped keys that ${node ? 'sign and verify with node:crypto' : 'go through crypto.subtle'}`, async () => {
      const { privateKey, publicKey } = await generateKeyPair(alg)
      expect([privateKey.type, privateKey.extractable, privateKey.usages]).toEqual(['private', false, ['sign']])
      expect([publicKey.type, publicKey.extractable, publicKey.usages]).toEqual(['public', true, ['verify']])
      const params = { ...privateKey.algorithm, ...(alg.startsWith('RS') || alg.startsWith('PS') ? { publicExponent: new Uint8Array([1, 0, 1]) } : {}) }
      const { privateKey: reference } = (await crypto.subtle.generateKey(params as Algorithm, false, ['sign', 'verify'])) as CryptoKeyPair
      expect(privateKey.algorithm).toEqual(reference.algorithm)
      expect(publicKey.algorithm).toEqual(reference.algorithm)
      subtleCalls.sign = subtleCalls.verify = 0
      const token = await sign({ sub: 'g' }, privateKey, { alg })
      expect((await verify(token, await exportJwk(publicKey), { algorithms: [alg] })).payload.sub).toBe('g')
      expect((await verify(token, publicKey, { algorithms: [alg] })).payload.sub).toBe('g')
      expect(subtleCalls.sign + subtleCalls.verify > 0).toBe(!node)
    })
  }
})
