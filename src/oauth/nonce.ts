/**
 * Stateless DPoP server nonces (RFC 9449 §8, §9): a nonce is the HMAC-SHA-256, under the
 * server's secret, of the number of a time window of `lifetime`. The current window's
 * nonce and the previous one's are accepted, so a nonce lives between one and two
 * lifetimes; no store, and every instance sharing the secret agrees.
 */
import { fail } from '../errors.ts'
import { encode, tryDecode } from '../encoding/base64url.ts'
import { isBytes } from '../encoding/bytes.ts'
import { utf8 } from '../encoding/utf8.ts'
import { readOptions } from '../jose/options.ts'
import { checkNow, epochSeconds, parseDuration } from '../jose/time.ts'

export interface DpopNonces {
  /** The current window's nonce (never a later window's). */
  current(): Promise<string>
  /** True for the current or the previous window's nonce. */
  check(nonce: string): Promise<boolean>
}

const HMAC = { name: 'HMAC', hash: 'SHA-256' }

/** The options `dpopNonce` of a resource server: `secret` (≥ 32 bytes), `lifetime` (default 5 min). */
export function createDpopNonces(options: unknown): DpopNonces {
  const o = readOptions(options, ['secret', 'lifetime', 'now'] as const, () => '.dpopNonce')
  if (!isBytes(o.secret) || o.secret.length < 32) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.dpopNonce.secret must be a Uint8Array of at least 32 bytes')
  const lifetime = o.lifetime === undefined ? 300 : parseDuration(o.lifetime, 'options.dpopNonce.lifetime')
  if (!(lifetime >= 1)) fail('ERR_JOSE_INVALID_ARGUMENT', 'options.dpopNonce.lifetime must be at least 1 second')
  const now = checkNow(o.now)
  // A copy: the key is what was checked, whatever happens to the caller's bytes later.
  const key = crypto.subtle.importKey('raw', new Uint8Array(o.secret) as BufferSource, HMAC, false, ['sign', 'verify'])
  const windowNow = () => Math.floor(epochSeconds(now) / lifetime)
  // A fixed label keeps these MACs apart from anything else the secret might sign.
  const data = (w: number) => utf8(`isojwt dpop-nonce ${w}`) as BufferSource
  return {
    async current() {
      return encode(new Uint8Array(await crypto.subtle.sign(HMAC, await key, data(windowNow()))))
    },
    async check(nonce) {
      const mac = typeof nonce === 'string' && nonce.length === 43 ? tryDecode(nonce) : undefined
      if (!mac) return false
      const w = windowNow()
      // subtle.verify compares in constant time; the previous window is tried only when needed.
      for (const win of [w, w - 1]) if (await crypto.subtle.verify(HMAC, await key, mac as BufferSource, data(win))) return true
      return false
    },
  }
}
