/** `isojwt jwks`: a JWK Set document from public (or private) keys, private members dropped. */
import type { Jwk } from '../../index.ts'
import { algArgs } from '../algs.ts'
import type { Command } from '../command.ts'
import { CliError } from '../errors.ts'
import { escapeText, safeJson } from '../format.ts'
import { shownPath } from '../io.ts'
import { publicJwk, readKeyFile, withKid } from '../keys.ts'

const help = `Usage: isojwt jwks FILE… [--alg ALG]

Prints a JWK Set ({"keys": […]}) to publish, from key files: PEM (PUBLIC KEY, PRIVATE
KEY, CERTIFICATE), JWK or JWK Set files, private or public. Only public members are
written; each key is checked by importing it. A key without "kid" gets its RFC 7638
thumbprint. Secret ("oct") keys are refused. "-" reads one file from stdin.

Options:
  --alg ALG   set "alg" on keys that have none (an RSA key pins no algorithm without it)
  -h, --help  this help`

/** `isojwt jwks`. */
export const jwksCommand: Command = {
  name: 'jwks',
  summary: 'build a JWKS document from key files (public parts only)',
  help,
  options: { alg: { type: 'string' } },
  async run(args, io) {
    if (args.positionals.length === 0) throw new CliError('ERR_USAGE', 'no key files (see isojwt jwks --help)')
    if (args.positionals.filter((p) => p === '-').length > 1) throw new CliError('ERR_USAGE', 'stdin ("-") can be read once')
    const alg = algArgs(args.list('alg'))[0]
    const keys: Jwk[] = []
    for (const path of args.positionals) {
      const file = await readKeyFile(path)
      const inputs: (string | Jwk)[] = file.kind === 'pem' ? [file.pem] : file.kind === 'jwk' ? [file.jwk] : jwksKeys(file.jwks.keys, path)
      for (const [i, input] of inputs.entries()) {
        const label = `${shownPath(path)}${file.kind === 'jwks' ? ` key ${i}` : ''}`
        let jwk = await publicJwk(input, label)
        // Importing again with the alg checks that it fits the key.
        if (alg !== undefined && jwk.alg === undefined) jwk = await publicJwk({ ...jwk, alg }, label)
        keys.push(await withKid(jwk))
      }
    }
    const seen = new Set<string>()
    for (const k of keys) {
      if (seen.has(k.kid!)) io.err(`warning: kid "${escapeText(k.kid!.slice(0, 64))}" appears more than once`)
      seen.add(k.kid!)
    }
    io.out(safeJson({ keys }))
    return 0
  },
}

function jwksKeys(keys: unknown, path: string): Jwk[] {
  if (!Array.isArray(keys)) throw new CliError('ERR_KEY_INVALID', `${shownPath(path)}: "keys" is not an array`)
  return keys as Jwk[]
}
