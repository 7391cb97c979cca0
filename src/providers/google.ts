/**
 * Google Sign-In ID tokens, as Google documents them ("Verify the Google ID token on your
 * server side", "Authenticate with a backend server"): RS256, Google's keys at
 * `https://www.googleapis.com/oauth2/v3/certs`, `aud` one of your client ids, `iss`
 * `accounts.google.com` or `https://accounts.google.com` (Google signs with both).
 */
import { guard, readOptions, stringsOf } from './common.ts'
import { COMMON, makeProvider } from './provider.ts'
import type { Provider, ProviderOptions } from './types.ts'

/** Google's two documented spellings of its issuer. */
const ISSUERS = ['https://accounts.google.com', 'accounts.google.com']

/**
 * Options of `google`: your OAuth client id(s), the `aud` of the ID tokens you accept.
 *
 * @example
 * ```ts
 * import type { GoogleOptions } from 'isojwt/providers'
 * const options: GoogleOptions = { clientId: '1234-abc.apps.googleusercontent.com' }
 * ```
 */
export interface GoogleOptions extends ProviderOptions {
  clientId: string | string[]
}

/**
 * Verifies Google Sign-In ID tokens (API.md, Identity providers): Google's keys, RS256,
 * either spelling of Google's issuer, `aud` one of your client ids, `sub`, `iat` and `exp`
 * present. ID tokens carry no scopes.
 *
 * @example
 * ```ts
 * import { google } from 'isojwt/providers'
 * declare const idToken: string
 * const { payload } = await google({ clientId: '1234-abc.apps.googleusercontent.com' }).verify(idToken)
 * console.log(payload.sub, payload.email)
 * ```
 */
export function google(options: GoogleOptions): Provider {
  return guard('google', () => {
    const o = readOptions(options, ['clientId', ...COMMON], 'google options')
    return makeProvider({
      name: 'Google',
      issuer: ISSUERS[0]!,
      jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
      algorithms: ['RS256'],
      audience: stringsOf(o.clientId, 'options.clientId'),
      required: ['iss', 'aud', 'sub', 'iat', 'exp'],
      issuerOk: (iss) => ISSUERS.includes(iss),
      scopes: () => [],
    }, o)
  })
}
