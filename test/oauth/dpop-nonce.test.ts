/**
 * Stateless DPoP server nonces (RFC 9449 §8, §9; API.md `dpopNonce`): HMAC of a time
 * window, the current and the previous window accepted, never a future one issued, and
 * the nonce as verifyDpopProof's check.
 */
import { describe, expect, it } from 'vitest'
import { createDpopProof, generateKeyPair, verifyDpopProof } from '../../src/index.ts'
import { createDpopNonces } from '../../src/oauth/nonce.ts'
import { NOW_S, rejects } from './helpers.ts'

const SECRET = new Uint8Array(32).fill(7)

/** Nonces on a clock the test moves (seconds). */
function clocked(lifetime?: number | string, secret = SECRET) {
  const clock = { t: NOW_S - (NOW_S % 300) } // the start of a 5-minute window
  const nonces = createDpopNonces({ secret, now: () => new Date(clock.t * 1000), ...(lifetime === undefined ? {} : { lifetime }) })
  return { clock, nonces }
}

describe('createDpopNonces', () => {
  it('the current window\'s nonce is stable within the window, accepted through the next, refused after', async () => {
    const { clock, nonces } = clocked()
    const n = await nonces.current()
    expect(n).toMatch(/^[\w-]{43}$/)
    clock.t += 299
    expect(await nonces.current()).toBe(n)
    expect(await nonces.check(n)).toBe(true)
    clock.t += 1 // next window: a new nonce, the old one still accepted
    const next = await nonces.current()
    expect(next).not.toBe(n)
    expect(await nonces.check(n)).toBe(true)
    clock.t += 300 // two windows on: refused
    expect(await nonces.check(n)).toBe(false)
    expect(await nonces.check(next)).toBe(true)
  })

  it('never a future window\'s nonce: the nonce of the next window is refused now', async () => {
    const { clock, nonces } = clocked('1m')
    clock.t += 60
    const future = await nonces.current()
    clock.t -= 60
    expect(await nonces.current()).not.toBe(future)
    expect(await nonces.check(future)).toBe(false)
  })

  it('refuses other secrets\' nonces, altered nonces and non-nonces', async () => {
    const { nonces } = clocked()
    const other = clocked(undefined, new Uint8Array(32).fill(8)).nonces
    const n = await nonces.current()
    expect(await nonces.check(await other.current())).toBe(false)
    const flipped = (n[0] === 'A' ? 'B' : 'A') + n.slice(1)
    for (const bad of [flipped, n.slice(1), `${n}A`, '', 'n-1', 1 as never]) expect(await nonces.check(bad), String(bad)).toBe(false)
  })

  it('options: secret of at least 32 bytes, lifetime ≥ 1 s, no unknown names (ERR_JOSE_INVALID_ARGUMENT)', async () => {
    for (const o of [{ secret: new Uint8Array(31) }, { secret: 'x'.repeat(40) }, { secret: SECRET, lifetime: 0 }, { secret: SECRET, lifetime: 'soon' }, { secret: SECRET, extra: 1 }, undefined]) {
      await rejects((async () => createDpopNonces(o))(), 'ERR_JOSE_INVALID_ARGUMENT')
    }
  })

  it('as verifyDpopProof\'s nonce check: a proof with the current nonce passes, without one or with an old one asks for a nonce', async () => {
    const { clock, nonces } = clocked()
    const pair = await generateKeyPair('ES256')
    const now = () => new Date(clock.t * 1000)
    const o = { htm: 'GET', htu: 'https://rs.example/x', now, nonce: (n: string) => nonces.check(n) }
    const n = await nonces.current()
    await verifyDpopProof(await createDpopProof(pair, { htm: 'GET', htu: 'https://rs.example/x', nonce: n, now }), o)
    await rejects(verifyDpopProof(await createDpopProof(pair, { htm: 'GET', htu: 'https://rs.example/x', now }), o), 'ERR_DPOP_NONCE_REQUIRED', 'nonce', 'missing')
    clock.t += 600
    await rejects(verifyDpopProof(await createDpopProof(pair, { htm: 'GET', htu: 'https://rs.example/x', nonce: n, now }), o), 'ERR_DPOP_NONCE_REQUIRED', 'nonce', 'mismatch')
  })
})
