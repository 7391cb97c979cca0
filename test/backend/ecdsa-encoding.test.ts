/**
 * ECDSA signatures are r ‖ s (RFC 7518 §3.4). The node backend signs and verifies in DER
 * and converts itself (node:crypto's own conversion is slow on Node 24), so these check
 * the conversion against node:crypto's `ieee-p1363` encoding, in both directions, at the
 * edges: an r or s whose first byte is zero (shorter DER INTEGER), one whose first
 * non-zero byte has its high bit set (DER sign byte), and P-521, whose DER SEQUENCE takes
 * a long-form length.
 */
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { importKey, signJws, verifyJws, type Alg } from '../../src/index.ts'
import { b64u, fromB64u } from '../support/base64url.ts'

const CASES: [Alg, string, string, number][] = [['ES256', 'P-256', 'sha256', 32], ['ES384', 'P-384', 'sha384', 48], ['ES512', 'P-521', 'sha512', 66]]

/** Which edges a set of r ‖ s signatures has met. */
function edges(sigs: Uint8Array[], n: number): string[] {
  const seen = new Set<string>()
  for (const s of sigs) {
    for (const [name, half] of [['r', s.subarray(0, n)], ['s', s.subarray(n)]] as const) {
      if (half[0] === 0) seen.add(`${name} starts with a zero byte`)
      // The first byte that is not zero has its high bit set: DER needs a sign byte (for
      // P-521, whose top byte holds one bit, that byte is the second or a later one).
      if (half.find((b) => b !== 0)! >= 0x80) seen.add(`${name} needs a sign byte`)
    }
  }
  return [...seen].sort()
}
const ALL_EDGES = ['r needs a sign byte', 'r starts with a zero byte', 's needs a sign byte', 's starts with a zero byte']
// A zero first byte comes once in 256 signatures for r (and for s): 3,000 meet all four edges
// but for odds of about 1 in 60,000.
const TRIES = 3000

const seenSoFar = new WeakMap<Uint8Array[], Set<string>>()
/** Whether every edge has been met (kept incrementally: the loop checks after each signature). */
function done(sigs: Uint8Array[], n: number): boolean {
  const seen = seenSoFar.get(sigs) ?? new Set<string>()
  seenSoFar.set(sigs, seen)
  for (const e of edges(sigs.slice(-1), n)) seen.add(e)
  return seen.size === ALL_EDGES.length
}

function keys(crv: string): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: crv })
}

describe.each(CASES)('%s signatures as r ‖ s', (alg, crv, hash, n) => {
  it('isojwt signs what node:crypto verifies as ieee-p1363, leading zero bytes and high bits included', async () => {
    const { privateKey, publicKey } = keys(crv)
    const key = await importKey(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, alg)
    const sigs: Uint8Array[] = []
    for (let i = 0; i < TRIES && !done(sigs, n); i++) {
      const jws = await signJws(`payload ${i}`, key, { alg })
      const [h, p, s] = jws.split('.') as [string, string, string]
      const sig = fromB64u(s)
      expect(sig.length).toBe(2 * n)
      expect(nodeVerify(hash, Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true)
      sigs.push(sig)
    }
    expect(edges(sigs, n)).toEqual(ALL_EDGES)
  })

  it('isojwt verifies what node:crypto signs as ieee-p1363, and refuses each one altered', async () => {
    const { privateKey, publicKey } = keys(crv)
    const key = await importKey(publicKey.export({ format: 'pem', type: 'spki' }) as string, alg)
    const h = b64u(JSON.stringify({ alg }))
    const sigs: Uint8Array[] = []
    for (let i = 0; i < TRIES && !done(sigs, n); i++) {
      const p = b64u(`payload ${i}`)
      const sig = nodeSign(hash, Buffer.from(`${h}.${p}`), { key: privateKey, dsaEncoding: 'ieee-p1363' })
      await expect(verifyJws(`${h}.${p}.${b64u(sig)}`, key, { algorithms: [alg] })).resolves.toBeDefined()
      if (i < 20) {
        const bad = Uint8Array.from(sig)
        bad[i % (2 * n)]! ^= 1
        await expect(verifyJws(`${h}.${p}.${b64u(bad)}`, key, { algorithms: [alg] })).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_INVALID' })
      }
      sigs.push(sig)
    }
    expect(edges(sigs, n)).toEqual(ALL_EDGES)
  })

  it('r or s of zero, or of all ones, is a failed signature, never an error of another kind', async () => {
    const { publicKey } = keys(crv)
    const key = await importKey(publicKey.export({ format: 'pem', type: 'spki' }) as string, alg)
    const h = b64u(JSON.stringify({ alg }))
    const p = b64u('x')
    for (const sig of [new Uint8Array(2 * n), new Uint8Array(2 * n).fill(0xff), Uint8Array.from({ length: 2 * n }, (_, i) => (i < n ? 0 : 1))]) {
      await expect(verifyJws(`${h}.${p}.${b64u(sig)}`, key, { algorithms: [alg] })).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_INVALID' })
    }
  })
})
