/**
 * Reading what the user points at: files, stdin, the token. Messages name the path
 * (escaped) and never the content: a key file's text must not reach the terminal.
 */
import { chmodSync, closeSync, existsSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs'
import { CliError } from './errors.ts'
import { escapeText } from './format.ts'

/** Largest input read from a file or stdin (a JWKS or a token is far smaller). */
const MAX_INPUT = 4 * 1024 * 1024

/** A path as it may appear in a message. */
export function shownPath(path: string): string {
  return `'${escapeText(path.length > 200 ? `${path.slice(0, 200)}…` : path)}'`
}

/** fs error codes as plain words; the platform message is not used (it may change, and is long). */
function why(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined
  switch (code) {
    case 'ENOENT': return 'no such file'
    case 'EACCES':
    case 'EPERM': return 'permission denied'
    case 'EISDIR': return 'is a directory'
    case 'EEXIST': return 'already exists (use --force to overwrite)'
    case 'ENOTDIR': return 'a parent is not a directory'
    default: return 'cannot be accessed'
  }
}

/** Reads stdin to the end as a stream (a sync read fails on non-blocking pipes). */
async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of process.stdin) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
      size += b.length
      if (size > MAX_INPUT) throw new CliError('ERR_INPUT', `stdin: larger than ${MAX_INPUT} bytes`)
      chunks.push(b)
    }
  } catch (e) {
    if (e instanceof CliError) throw e
    throw new CliError('ERR_INPUT', `stdin: ${why(e)}`)
  }
  return Buffer.concat(chunks)
}

/** Reads a file as bytes (`-` reads stdin). */
export async function readBytes(path: string): Promise<Uint8Array> {
  if (path === '-') return readStdin()
  // Read at most MAX_INPUT + 1 bytes, so /dev/zero or a huge file fails fast.
  const buf = Buffer.alloc(MAX_INPUT + 1)
  let size = 0
  try {
    const fd = openSync(path, 'r')
    try {
      for (let n = 1; n > 0 && size < buf.length; size += n) n = readSync(fd, buf, size, buf.length - size, null)
    } finally {
      closeSync(fd)
    }
  } catch (e) {
    throw new CliError('ERR_INPUT', `${shownPath(path)}: ${why(e)}`)
  }
  if (size > MAX_INPUT) throw new CliError('ERR_INPUT', `${shownPath(path)}: larger than ${MAX_INPUT} bytes`)
  return buf.subarray(0, size)
}

/** Reads a UTF-8 text file (`-` reads stdin); invalid UTF-8 is an input error. */
export async function readText(path: string): Promise<string> {
  const bytes = await readBytes(path)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new CliError('ERR_INPUT', `${path === '-' ? 'stdin' : shownPath(path)}: not valid UTF-8 text`)
  }
}

/** A whole text in one pair of matching quotes: '…', "…" or `…`. */
const QUOTED = /^(['"`])([^]*)\1$/

/**
 * A token as people paste it: in quotes, after "Bearer " or "Authorization: Bearer "
 * (RFC 6750 §2.1), wrapped over lines. A compact JWS holds no quote or whitespace
 * (RFC 7515 §7.1), so taking them away changes no valid token. Only the CLI does this:
 * the library stays strict.
 */
export function pastedToken(text: string): string {
  let t = text.trim().replace(QUOTED, '$2').trim()
  t = t.replace(/^(?:authorization:\s*)?bearer(?:\s+|$)/i, '').replace(QUOTED, '$2')
  return t.replace(/\s+/g, '')
}

/**
 * The token from the positional argument, or from stdin when it is `-` or absent and
 * stdin is not a terminal, as `pastedToken` cleans it.
 */
export async function readToken(positional: string | undefined, command: string): Promise<string> {
  if (positional !== undefined && positional !== '-') return pastedToken(positional)
  if (positional === undefined && process.stdin.isTTY) {
    throw new CliError('ERR_USAGE', `no token: pass it as an argument or on stdin (see isojwt ${command} --help)`)
  }
  const text = pastedToken(await readText('-'))
  if (text.length === 0) throw new CliError('ERR_USAGE', 'no token on stdin')
  return text
}

/**
 * Writes a file; private keys get mode 0600. Refuses to overwrite unless `force`,
 * so a keygen never silently replaces a key in use.
 */
export function writeOutput(path: string, text: string, opts: { private: boolean; force: boolean }): void {
  try {
    if (opts.force) {
      // The mode applies only to new files: an overwritten one is narrowed explicitly.
      if (opts.private && existsSync(path)) chmodSync(path, 0o600)
      writeFileSync(path, text, { mode: opts.private ? 0o600 : 0o644 })
      return
    }
    const fd = openSync(path, 'wx', opts.private ? 0o600 : 0o644)
    try {
      writeSync(fd, text)
    } finally {
      closeSync(fd)
    }
  } catch (e) {
    throw new CliError('ERR_INPUT', `${shownPath(path)}: ${why(e)}`)
  }
}
