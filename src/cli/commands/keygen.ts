/** `isojwt keygen <alg>`: a new key pair (or HMAC secret) as JWK or PEM, kid = RFC 7638 thumbprint. */
import { existsSync } from 'node:fs'
import { exportJwk, generateKeyPair, generateSecret, thumbprint, type Alg, type Jwk } from '../../index.ts'
import type { Command } from '../command.ts'
import { ALGS, isHmac, unknownAlg } from '../algs.ts'
import { CliError } from '../errors.ts'
import { safeJson } from '../format.ts'
import { shownPath, writeOutput } from '../io.ts'

const help = `Usage: isojwt keygen ALG [--format jwk|pem] [--private-out FILE] [--public-out FILE]

Generates a key for ALG (${ALGS.join(', ')}).
The kid is the key's RFC 7638 thumbprint (SHA-256). JWKs carry kid, use "sig" and alg,
so the key pins ALG. Without --private-out/--public-out the keys go to stdout: JWK as
{"privateKey": …, "publicKey": …}, PEM as the PRIVATE KEY block then the PUBLIC KEY
block (with the kid on stderr). HS* algorithms give one secret as an "oct" JWK.

Options:
  --format jwk|pem        output format (default jwk; HS* secrets: jwk only)
  --private-out FILE      write the private key (or secret) here, mode 0600
  --public-out FILE       write the public key here
  --force                 overwrite existing files
  --modulus-length BITS   RSA modulus: 2048 (default), 3072 or 4096
  -h, --help              this help`

/** PEM armour (RFC 7468 §2): base64 in 64-character lines. */
function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`
}

/** kid, use and alg first, then the key members, for readable files. */
function labelled(jwk: Jwk, kid: string, alg: Alg): Jwk {
  const { kty, ...rest } = jwk
  delete rest.alg
  return { kty, kid, use: 'sig', alg, ...rest }
}

interface Generated {
  kid: string
  privateText: string
  publicText: string | undefined
  privateJwk?: Jwk
  publicJwk?: Jwk
}

async function generate(alg: Alg, format: string, modulusLength: number | undefined): Promise<Generated> {
  if (isHmac(alg)) {
    if (format !== 'jwk') throw new CliError('ERR_USAGE', 'an HMAC secret has no PEM form: use --format jwk')
    const k = Buffer.from(generateSecret(alg as 'HS256')).toString('base64url')
    const kid = await thumbprint({ kty: 'oct', k })
    const jwk = labelled({ kty: 'oct', k }, kid, alg)
    return { kid, privateText: safeJson(jwk), publicText: undefined, privateJwk: jwk }
  }
  const pair = await generateKeyPair(alg, { extractable: true, ...(modulusLength ? { modulusLength: modulusLength as 2048 } : {}) })
  const pub = await exportJwk(pair.publicKey)
  const kid = await thumbprint(pub)
  if (format === 'pem') {
    return {
      kid,
      privateText: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', pair.privateKey)),
      publicText: pem('PUBLIC KEY', await crypto.subtle.exportKey('spki', pair.publicKey)),
    }
  }
  const privateJwk = labelled(await exportJwk(pair.privateKey), kid, alg)
  const publicJwk = labelled(pub, kid, alg)
  return { kid, privateText: safeJson(privateJwk), publicText: safeJson(publicJwk), privateJwk, publicJwk }
}

/** `isojwt keygen`. */
export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'generate a key pair or HMAC secret (kid = RFC 7638 thumbprint)',
  help,
  positionals: 1,
  options: {
    format: { type: 'string', short: 'f' }, 'private-out': { type: 'string' }, 'public-out': { type: 'string' },
    force: { type: 'boolean' }, 'modulus-length': { type: 'string' },
  },
  async run(args, io) {
    const alg = args.positionals[0]
    if (alg === undefined) throw new CliError('ERR_USAGE', 'which algorithm? isojwt keygen ALG (see isojwt keygen --help)')
    if (!ALGS.includes(alg as Alg)) throw new CliError('ERR_USAGE', unknownAlg(alg))
    const format = args.string('format') ?? 'jwk'
    if (format !== 'jwk' && format !== 'pem') throw new CliError('ERR_USAGE', '--format is jwk or pem')
    const bits = args.string('modulus-length')
    if (bits !== undefined && !['2048', '3072', '4096'].includes(bits)) throw new CliError('ERR_USAGE', '--modulus-length is 2048, 3072 or 4096')
    const privateOut = args.string('private-out')
    const publicOut = args.string('public-out')
    if (isHmac(alg) && publicOut !== undefined) throw new CliError('ERR_USAGE', 'an HMAC secret has no public part: use --private-out only')
    const force = args.flag('force')
    if (privateOut !== undefined && privateOut === publicOut) throw new CliError('ERR_USAGE', '--private-out and --public-out name the same file')
    // Check both files first: a refused public file must not leave a lone new private key.
    for (const path of [privateOut, publicOut]) {
      if (path !== undefined && !force && existsSync(path)) throw new CliError('ERR_INPUT', `${shownPath(path)}: already exists (use --force to overwrite)`)
    }
    const g = await generate(alg as Alg, format, bits === undefined ? undefined : Number(bits))
    if (privateOut !== undefined) writeOutput(privateOut, withNewline(g.privateText), { private: true, force })
    if (publicOut !== undefined && g.publicText !== undefined) writeOutput(publicOut, withNewline(g.publicText), { private: false, force })
    const privateToStdout = privateOut === undefined
    const publicToStdout = publicOut === undefined && g.publicText !== undefined
    if (!privateToStdout && !publicToStdout) {
      io.out(g.kid)
    } else if (format === 'pem') {
      io.out((privateToStdout ? g.privateText : '') + (publicToStdout ? g.publicText! : ''))
      io.err(`kid: ${g.kid}`)
    } else if (privateToStdout && publicToStdout) {
      io.out(safeJson({ privateKey: g.privateJwk, publicKey: g.publicJwk }))
    } else {
      io.out(privateToStdout ? g.privateText : g.publicText!)
    }
    return 0
  },
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`
}
