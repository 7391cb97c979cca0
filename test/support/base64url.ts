/**
 * Test-side base64url, from Node's Buffer (its output is canonical: no padding, zero
 * trailing bits), independent of the library's own codec under test. One definition for
 * every test folder.
 */
import { Buffer } from 'node:buffer'

/** Text (as UTF-8) or bytes, as base64url. */
export const b64u = (x: string | Uint8Array): string =>
  (typeof x === 'string' ? Buffer.from(x, 'utf8') : Buffer.from(x.buffer, x.byteOffset, x.byteLength)).toString('base64url')

/** A value as JSON, as base64url. */
export const b64uJson = (v: unknown): string => b64u(JSON.stringify(v))

/** Lenient decode, for text the tests made themselves. */
export const fromB64u = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'))
