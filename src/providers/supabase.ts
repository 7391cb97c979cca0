/**
 * Supabase Auth access tokens, as Supabase documents them ("JSON Web Token (JWT)", "JWT
 * Signing Keys", "JWT Claims Reference"): `iss` `<project URL>/auth/v1`, `aud`
 * `authenticated` for signed-in users, ES256 or RS256 keys at
 * `<project URL>/auth/v1/.well-known/jwks.json`. Projects still on the legacy shared JWT
 * secret (HS256) cannot be verified this way: asymmetric keys only.
 */
import { baseUrlOf, guard, readOptions, requiredString } from './common.ts'
import { COMMON, makeProvider } from './provider.ts'
import type { Provider, ProviderOptions } from './types.ts'

/**
 * Options of `supabase`: the project URL and the audience (default `'authenticated'`).
 *
 * @example
 * ```ts
 * import type { SupabaseOptions } from 'isojwt/providers'
 * const options: SupabaseOptions = { url: 'https://abcdefghijklmnop.supabase.co' }
 * ```
 */
export interface SupabaseOptions extends ProviderOptions {
  url: string
  audience?: string
}

/**
 * Verifies Supabase Auth access tokens (API.md, Identity providers): the project's issuer
 * and signing keys (ES256, RS256; never the legacy HS256 secret), `aud` `authenticated`
 * unless told otherwise, `sub` present. Supabase tokens carry a `role`, not scopes.
 *
 * @example
 * ```ts
 * import { supabase } from 'isojwt/providers'
 * declare const accessToken: string
 * const { payload } = await supabase({ url: 'https://abcdefghijklmnop.supabase.co' }).verify(accessToken)
 * console.log(payload.sub, payload.role)
 * ```
 */
export function supabase(options: SupabaseOptions): Provider {
  return guard('supabase', () => {
    const o = readOptions(options, ['url', 'audience', ...COMMON], 'supabase options')
    const url = baseUrlOf(o.url, 'options.url')
    const issuer = `${url}/auth/v1`
    return makeProvider({
      name: 'Supabase',
      issuer,
      jwksUrl: `${issuer}/.well-known/jwks.json`,
      algorithms: ['ES256', 'RS256'],
      audience: [o.audience === undefined ? 'authenticated' : requiredString(o.audience, 'options.audience')],
      required: ['iss', 'aud', 'sub', 'exp'],
      issuerOk: (iss) => iss === issuer,
      scopes: () => [],
    }, o)
  })
}
