/**
 * `isojwt verify --profile`: the library's OAuth 2.0 / OpenID Connect profiles (RFC 9068
 * access tokens, OIDC ID tokens, RFC 7523 client assertions). Each profile fixes `typ`
 * and its required claims, so it takes only the options listed here.
 */
import { verifyAccessToken, verifyClientAssertion, verifyIdToken, type Alg, type KeyInput, type KeyResolver } from '../../index.ts'
import { algArgs } from '../algs.ts'
import type { ParsedArgs } from '../args.ts'
import { CliError } from '../errors.ts'
import { escapeText } from '../format.ts'
import { durationArg } from './duration.ts'

/** Profile names accepted by `--profile`. */
export const PROFILES = ['access-token', 'id-token', 'client-assertion'] as const
type Profile = (typeof PROFILES)[number]

/** Options each profile takes (besides --key, --secret, --profile, --alg, --tolerance). */
const TAKES: ReadonlyMap<Profile, readonly string[]> = new Map([
  ['access-token', ['iss', 'aud', 'scope']],
  ['id-token', ['iss', 'client-id', 'nonce', 'max-age', 'access-token', 'code']],
  ['client-assertion', ['client-id', 'aud', 'max-lifetime']],
])
const REQUIRES: ReadonlyMap<Profile, readonly string[]> = new Map([
  ['access-token', ['iss', 'aud']],
  ['id-token', ['iss', 'client-id']],
  ['client-assertion', ['client-id', 'aud']],
])
/** Options of plain verify or of other profiles; a profile given one of them is a usage error. */
// (--max-token-length: the profile functions do not take maxTokenLength yet.)
const PROFILE_SPECIFIC = ['iss', 'aud', 'sub', 'typ', 'max-age', 'require', 'scope', 'client-id', 'nonce', 'access-token', 'code', 'max-lifetime', 'max-token-length']

/** Checks the profile name and that exactly its options were given. */
export function checkProfile(name: string, args: ParsedArgs): Profile {
  const profile = PROFILES.find((p) => p === name)
  if (!profile) throw new CliError('ERR_USAGE', `unknown profile "${escapeText(name.slice(0, 40))}": ${PROFILES.join(', ')} (see isojwt verify --help)`)
  const takes = TAKES.get(profile)!
  for (const o of PROFILE_SPECIFIC) {
    if (args.given(o) && !takes.includes(o)) throw new CliError('ERR_USAGE', `--profile ${profile} does not take --${o} (it takes --${takes.join(', --')})`)
  }
  for (const o of REQUIRES.get(profile)!) {
    if (!args.given(o)) throw new CliError('ERR_USAGE', `--profile ${profile} needs --${o}`)
  }
  for (const o of ['iss', 'client-id']) {
    if (args.list(o).length > 1) throw new CliError('ERR_USAGE', `--${o} takes one value with --profile ${profile}`)
  }
  return profile
}

const one = (list: string[]): string | string[] => (list.length === 1 ? list[0]! : list)

/** Verifies under a profile; the result is what `verify` prints (plus `scopes` for access tokens). */
export async function verifyProfile(profile: Profile, token: string, key: KeyInput | KeyResolver, args: ParsedArgs): Promise<Record<string, unknown>> {
  const common: { algorithms?: Alg[]; clockTolerance?: number | string } = {}
  const algs = algArgs(args.split('alg'))
  if (algs.length > 0) common.algorithms = algs
  const tolerance = durationArg(args.string('tolerance'))
  if (tolerance !== undefined) common.clockTolerance = tolerance
  const optional = <T extends object>(o: T, k: string, v: unknown): T => (v === undefined ? o : { ...o, [k]: v })
  if (profile === 'access-token') {
    const scopes = args.split('scope').flatMap((s) => s.split(' ')).filter((s) => s !== '')
    const r = await verifyAccessToken(token, key, optional({ ...common, issuer: args.string('iss')!, audience: one(args.list('aud')) }, 'requiredScopes', scopes.length > 0 ? scopes : undefined))
    return { header: r.header, payload: r.payload, scopes: r.scopes }
  }
  if (profile === 'id-token') {
    let o = { ...common, issuer: args.string('iss')!, clientId: args.string('client-id')! }
    o = optional(o, 'nonce', args.string('nonce'))
    o = optional(o, 'maxAge', durationArg(args.string('max-age')))
    o = optional(o, 'accessToken', args.string('access-token'))
    o = optional(o, 'code', args.string('code'))
    const r = await verifyIdToken(token, key, o)
    return { header: r.header, payload: r.payload }
  }
  const o = optional({ ...common, clientId: args.string('client-id')!, audience: one(args.list('aud')) }, 'maxLifetime', durationArg(args.string('max-lifetime')))
  const r = await verifyClientAssertion(token, key, o)
  return { header: r.header, payload: r.payload }
}
