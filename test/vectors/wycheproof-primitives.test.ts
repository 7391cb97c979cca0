/**
 * Wycheproof primitive files (ECDSA P1363 P-256/384/521, RSASSA-PKCS1-v1_5 2048/SHA-256,
 * RSA-PSS 2048/SHA-256/MGF1/32, Ed25519) through isojwt's own code:
 * - keys: every group's SPKI PEM (and its JWK when given) goes through `importKey` for the
 *   JWS alg; the PEM-parsed key must export the same public numbers as the vector, and the
 *   same key for an alg of another family must be ERR_KEY_INVALID;
 * - signatures: `msg` is arbitrary bytes, which a compact JWS cannot carry (its signing
 *   input is always b64u(header).b64u(payload)), so each (msg, sig) goes through the
 *   library's signature step (see primitive.ts), with the PEM-imported key and, when the
 *   group has a JWK, the JWK-imported key (both must give the same answer).
 * Every case agrees with its label or is listed in wycheproof-exceptions.ts.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { exportJwk, importKey } from '../../src/index.ts'
import type { Alg, Jwk } from '../../src/types.ts'
import { b64u, fromHex, outcome, wycheproofFile, type WycheproofGroup } from './load.ts'
import { verifySignature } from './primitive.ts'
import { formatSummaries, Ledger, type CaseOutcome, type Summary } from './wycheproof-ledger.ts'

interface FileSpec {
  file: string
  alg: Alg
  /** An alg of another family: importing the group key for it must fail. */
  wrongAlg: Alg
  /** Public numbers the imported key must export, from the group's own fields. */
  material(group: WycheproofGroup): Record<string, string>
}

const unsigned = (hex: string) => b64u(fromHex(hex.replace(/^(00)+(?=..)/, '')))

const ecMaterial = (size: number) => (group: WycheproofGroup): Record<string, string> => {
  const pt = (group.publicKey as { uncompressed: string }).uncompressed
  if (!pt.startsWith('04') || pt.length !== 2 + 4 * size) throw new Error('unexpected EC point encoding')
  return { x: b64u(fromHex(pt.slice(2, 2 + 2 * size))), y: b64u(fromHex(pt.slice(2 + 2 * size))) }
}
const rsaMaterial = (group: WycheproofGroup): Record<string, string> => {
  const pk = group.publicKey as { modulus: string; publicExponent: string }
  return { n: unsigned(pk.modulus), e: unsigned(pk.publicExponent) }
}

const FILES: FileSpec[] = [
  { file: 'ecdsa_secp256r1_sha256_p1363_test.json', alg: 'ES256', wrongAlg: 'ES384', material: ecMaterial(32) },
  { file: 'ecdsa_secp384r1_sha384_p1363_test.json', alg: 'ES384', wrongAlg: 'ES512', material: ecMaterial(48) },
  { file: 'ecdsa_secp521r1_sha512_p1363_test.json', alg: 'ES512', wrongAlg: 'ES256', material: ecMaterial(66) },
  { file: 'rsa_signature_2048_sha256_test.json', alg: 'RS256', wrongAlg: 'ES256', material: rsaMaterial },
  { file: 'rsa_pss_2048_sha256_mgf1_32_test.json', alg: 'PS256', wrongAlg: 'ES256', material: rsaMaterial },
  {
    file: 'ed25519_test.json', alg: 'EdDSA', wrongAlg: 'ES256',
    material: (g) => ({ x: b64u(fromHex((g.publicKey as { pk: string }).pk)) }),
  },
]

const summaries: Summary[] = []
afterAll(() => {
  console.log(formatSummaries('Wycheproof primitive vectors (isojwt verdict vs label)', summaries))
})

/** One signature check through the library; a throw is a contract violation, never a verdict. */
async function check(alg: Alg, key: CryptoKey, sig: Uint8Array, msg: Uint8Array): Promise<{ ok: boolean; threw?: string }> {
  const o = await outcome(() => verifySignature(alg, key, sig, msg))
  if (o.ok) {
    if (typeof o.value !== 'boolean') return { ok: false, threw: `returned ${typeof o.value}, not a boolean` }
    return { ok: o.value }
  }
  return { ok: false, threw: o.jose ? `threw ${o.code}` : `threw ${String(o.error)}` }
}

async function importGroupKeys(spec: FileSpec, group: WycheproofGroup, index: number, ledger: Ledger) {
  const where = `${spec.file} group ${index}`
  const pem = group.publicKeyPem as string
  const jwk = (group.publicKeyJwk ?? group.keyJwk) as Jwk | undefined
  const fromPem = await outcome(() => importKey(pem, spec.alg, { extractable: true }))
  if (!fromPem.ok) {
    ledger.problems.push(`${where}: importKey(publicKeyPem, ${spec.alg}) refused: ${fromPem.jose ? fromPem.code : String(fromPem.error)}`)
    return undefined
  }
  const exported = await exportJwk(fromPem.value)
  const want = spec.material(group)
  for (const [k, v] of Object.entries(want)) {
    if (exported[k] !== v) ledger.problems.push(`${where}: PEM-imported key exports ${k} ≠ the vector's`)
  }
  if (jwk) for (const k of Object.keys(want)) if (jwk[k] !== want[k]) throw new Error(`${where}: vector JWK ${k} disagrees with publicKey`)

  const wrong = await outcome(() => importKey(pem, spec.wrongAlg))
  const wrongCode = wrong.ok ? 'accepted' : wrong.jose ? wrong.code : String(wrong.error)
  if (wrongCode !== 'ERR_KEY_INVALID') ledger.problems.push(`${where}: importKey(PEM, ${spec.wrongAlg}) gave ${wrongCode}, expected ERR_KEY_INVALID`)

  let fromJwk: CryptoKey | undefined
  if (jwk) {
    const o = await outcome(() => importKey(jwk, spec.alg))
    if (o.ok) fromJwk = o.value
    else ledger.problems.push(`${where}: importKey(publicKeyJwk, ${spec.alg}) refused: ${o.jose ? o.code : String(o.error)}`)
  }
  return { fromPem: fromPem.value, fromJwk }
}

for (const spec of FILES) {
  describe(`Wycheproof ${spec.file}`, () => {
    it('every key imports and every case agrees with its label or is a listed exception', async () => {
      const data = wycheproofFile(spec.file)
      const ledger = new Ledger(spec.file, data.numberOfTests)
      for (const [index, group] of data.testGroups.entries()) {
        if (spec.alg === 'PS256') {
          // JWS PS256 = SHA-256, MGF1 with SHA-256, salt length 32 (RFC 7518 §3.5).
          expect([group.sha, group.mgf, group.mgfSha, group.sLen]).toEqual(['SHA-256', 'MGF1', 'SHA-256', 32])
        }
        const keys = await importGroupKeys(spec, group, index, ledger)
        await Promise.all(
          group.tests.map(async (t) => {
            const msg = fromHex(t.msg as string)
            const sig = fromHex(t.sig as string)
            if (!keys) {
              ledger.record(t.tcId, t.result, { verdict: 'rejected', code: 'group key refused' }, t.comment)
              return
            }
            const a = await check(spec.alg, keys.fromPem, sig, msg)
            const out: CaseOutcome = { verdict: a.ok ? 'accepted' : 'rejected' }
            const issues: string[] = []
            if (a.threw) issues.push(a.threw)
            if (keys.fromJwk) {
              const b = await check(spec.alg, keys.fromJwk, sig, msg)
              if (b.threw) issues.push(`(JWK key) ${b.threw}`)
              if (b.ok !== a.ok) issues.push(`PEM key says ${a.ok}, JWK key says ${b.ok}`)
            }
            if (issues.length > 0) out.contractViolation = issues.join('; ')
            ledger.record(t.tcId, t.result, out, t.comment)
          }),
        )
      }
      summaries.push(ledger.finish())
      expect(ledger.problems).toEqual([])
    })
  })
}
