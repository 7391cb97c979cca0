/** UTF-8 with fatal decoding: a token with invalid UTF-8 is malformed (RFC 7515 §5.2). */
const encoder = /* @__PURE__ */ new TextEncoder()
const decoder = /* @__PURE__ */ new TextDecoder(undefined, { fatal: true, ignoreBOM: true })

export function utf8(s: string): Uint8Array {
  return encoder.encode(s)
}

/** Bytes → text; invalid UTF-8 throws the platform's TypeError (the caller turns it into its JoseError). */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

/**
 * True only for well-formed UTF-16 (no lone surrogates), which encodes to UTF-8 losslessly.
 * In a `u` regex a surrogate pair is one astral code point, so only a lone surrogate is Cs.
 */
const LONE_SURROGATE = /\p{Cs}/u
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s)
}
