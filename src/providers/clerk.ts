/**
 * Clerk session tokens, as Clerk documents them ("Manual JWT verification", "Session
 * tokens"): RS256 keys at `<Frontend API URL>/.well-known/jwks.json`, `iss` the Frontend
 * API URL, `azp` the origin the token was made for, which must be one of your authorized
 * parties, `sid` the session.
 */
import { baseUrlOf, claimFailed, guard, invalid, isOrigin, readOptions, stringsOf } from './common.ts'
import { COMMON, makeProvider } from './provider.ts'
import type { Provider, ProviderOptions } from './types.ts'

/**
 * Options of `clerk`: your instance's Frontend API URL (the issuer) and the origins your
 * app runs on (`azp`).
 *
 * @example
 * ```ts
 * import type { ClerkOptions } from 'isojwt/providers'
 * const options: ClerkOptions = { issuer: 'https://clerk.example.com', authorizedParties: ['https://example.com'] }
 * ```
 */
export interface ClerkOptions extends ProviderOptions {
  issuer: string
  authorizedParties: string[]
}

/**
 * Verifies Clerk session tokens (API.md, Identity providers): the instance's issuer and
 * keys, RS256, `azp` one of `authorizedParties` (required: a token without it is
 * refused), `sid` present (session tokens only). Session tokens carry no scopes.
 *
 * @example
 * ```ts
 * import { clerk } from 'isojwt/providers'
 * declare const sessionToken: string
 * const session = clerk({ issuer: 'https://clerk.example.com', authorizedParties: ['https://example.com'] })
 * const { payload } = await session.verify(sessionToken)
 * console.log(payload.sub, payload.sid)
 * ```
 */
export function clerk(options: ClerkOptions): Provider {
  return guard('clerk', () => {
    const o = readOptions(options, ['issuer', 'authorizedParties', ...COMMON], 'clerk options')
    const issuer = baseUrlOf(o.issuer, 'options.issuer')
    const expected = 'a non-empty array of origins such as "https://example.com"'
    const parties = Array.isArray(o.authorizedParties) ? stringsOf(o.authorizedParties, 'options.authorizedParties', isOrigin, expected) : invalid(`options.authorizedParties must be ${expected}`)
    return makeProvider({
      name: 'Clerk',
      issuer,
      jwksUrl: `${issuer}/.well-known/jwks.json`,
      algorithms: ['RS256'],
      required: ['iss', 'sub', 'exp', 'azp', 'sid'],
      issuerOk: (iss) => iss === issuer,
      claims(payload) {
        if (!parties.includes(payload.azp as string)) claimFailed('azp', 'mismatch', 'the session token\'s "azp" is not one of options.authorizedParties', payload)
      },
      scopes: () => [],
    }, o)
  })
}
