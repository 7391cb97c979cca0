/** `isojwt thumbprint`: RFC 7638 JWK thumbprints of a key file. */
import { thumbprint, type Jwk } from '../../index.ts'
import type { Command } from '../command.ts'
import { CliError } from '../errors.ts'
import { escapeText } from '../format.ts'
import { shownPath } from '../io.ts'
import { publicJwk, readKeyFile } from '../keys.ts'

const DIGESTS = ['SHA-256', 'SHA-384', 'SHA-512'] as const
type Digest = (typeof DIGESTS)[number]

const help = `Usage: isojwt thumbprint [FILE | -] [--digest SHA-256|SHA-384|SHA-512]

Prints the RFC 7638 thumbprint (base64url) of a key: a JWK (public, private or "oct"),
a PEM (PUBLIC KEY, PRIVATE KEY or CERTIFICATE; the thumbprint is the public key's), or
a JWK Set (one line per key: thumbprint, then the kid when there is one). Reads stdin
when FILE is "-" or absent.

Options:
  --digest NAME   SHA-256 (default), SHA-384 or SHA-512
  -h, --help      this help`

/** `isojwt thumbprint`. */
export const thumbprintCommand: Command = {
  name: 'thumbprint',
  summary: 'RFC 7638 thumbprint of a JWK, PEM or JWK Set',
  help,
  positionals: 1,
  options: { digest: { type: 'string' } },
  async run(args, io) {
    const digest = (args.string('digest') ?? 'SHA-256').toUpperCase()
    if (!DIGESTS.includes(digest as Digest)) throw new CliError('ERR_USAGE', '--digest is SHA-256, SHA-384 or SHA-512')
    const path = args.positionals[0] ?? '-'
    const file = await readKeyFile(path)
    if (file.kind === 'jwk') {
      io.out(await thumbprint(file.jwk, digest as Digest))
    } else if (file.kind === 'pem') {
      io.out(await thumbprint(await publicJwk(file.pem, `key file ${shownPath(path)}`), digest as Digest))
    } else {
      const keys: unknown = file.jwks.keys
      if (!Array.isArray(keys)) throw new CliError('ERR_KEY_INVALID', `${shownPath(path)}: "keys" is not an array`)
      const lines: string[] = []
      for (const jwk of keys as Jwk[]) {
        const t = await thumbprint(jwk, digest as Digest)
        lines.push(typeof jwk.kid === 'string' ? `${t} ${escapeText(jwk.kid.slice(0, 200))}` : t)
      }
      io.out(lines.join('\n'))
    }
    return 0
  },
}
