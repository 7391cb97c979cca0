/**
 * The DPoP `htu` comparison (RFC 9449 §4.3 item 9): both URIs without query and
 * fragment, normalised per RFC 3986 §6.2.2 (syntax) and §6.2.3 (scheme).
 */

/** RFC 3986 §2.3: unreserved characters, which percent-encoding must not change. */
const UNRESERVED = /[\w.~-]/
/** Printable ASCII only: a URI has no spaces or controls the URL parser would drop silently. */
const URI_TEXT = /^https?:\/\/[\x21-\x7e]+$/i

/**
 * The normal form of an `http`/`https` URI without query and fragment, or undefined
 * when it is none. The WHATWG URL parser does case (§6.2.2.1 scheme and host), the
 * default port and empty path (§6.2.3), and dot segments (§6.2.2.3, `%2E` included);
 * here percent-encodings get upper-case hex (§6.2.2.1) and unreserved characters are
 * decoded (§6.2.2.2). Reserved ones stay encoded: `%2F` is not `/`.
 */
export function normaliseHtu(uri: string): string | undefined {
  if (!URI_TEXT.test(uri)) return undefined
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return undefined
  }
  // Userinfo in an htu has no use and would let two spellings differ in what they name.
  if (url.username || url.password) return undefined
  const path = url.pathname.replace(/%([\da-f]{2})/gi, (_, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16))
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`
  })
  return url.origin + path
}
