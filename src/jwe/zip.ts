/**
 * `zip: "DEF"` (RFC 7516 §4.1.3): raw DEFLATE (RFC 1951) through the runtime's
 * CompressionStream. Inflating stops as soon as the output passes the cap, so a small
 * token that inflates to a gigabyte costs a cap's worth of work (RFC 8725 §3.6 for why
 * `zip` is off unless asked).
 */
import { fail, scrub } from '../errors.ts'
import { concat } from '../encoding/bytes.ts'

function stream(compress: boolean): TransformStream<Uint8Array, Uint8Array> {
  try {
    return new (compress ? CompressionStream : DecompressionStream)('deflate-raw') as TransformStream<Uint8Array, Uint8Array>
  } catch (e) {
    fail('ERR_JOSE_NOT_SUPPORTED', 'this runtime has no deflate-raw CompressionStream ("zip": "DEF")', { cause: scrub(e, 'not supported') })
  }
}

/** Runs `data` through the stream, reading at most `max` bytes of output. */
async function run(data: Uint8Array, compress: boolean, max: number): Promise<Uint8Array> {
  const { writable, readable } = stream(compress)
  const writer = writable.getWriter()
  // Errors surface on the reading side; these promises only must not go unhandled.
  writer.write(data).catch(() => {})
  writer.close().catch(() => {})
  const reader = readable.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return concat(chunks)
      total += value.length
      if (total > max) break
      chunks.push(value)
    }
  } catch (e) {
    fail('ERR_JWE_INVALID', 'the plaintext is not valid DEFLATE data', { cause: scrub(e, 'inflate failed') })
  }
  reader.cancel().catch(() => {})
  fail('ERR_JWE_INVALID', `the decompressed plaintext exceeds options.maxDecompressedLength (${max} bytes)`)
}

export const deflate = (data: Uint8Array): Promise<Uint8Array> => run(data, true, Infinity)
export const inflate = (data: Uint8Array, max: number): Promise<Uint8Array> => run(data, false, max)
