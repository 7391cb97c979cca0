/**
 * Amazon Cognito user pool tokens, as AWS documents them ("Verifying a JSON Web Token",
 * Amazon Cognito Developer Guide; "Understanding the access token" and "the identity
 * (ID) token"): RS256 keys at
 * `https://cognito-idp.<region>.amazonaws.com/<userPoolId>/.well-known/jwks.json`, `iss`
 * that URL's base, `token_use` `id` or `access`; ID tokens carry the app client id in
 * `aud`, access tokens carry none and name it in `client_id`.
 */
import { claimFailed, guard, invalid, readOptions, requiredString, scopesIn, stringsOf } from './common.ts'
import { COMMON, makeProvider } from './provider.ts'
import type { Provider, ProviderOptions } from './types.ts'

/** An AWS region: `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, … */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/

/**
 * Options of `cognito`: the user pool (`region`, `userPoolId`), the app client id(s), and
 * which tokens this verifier takes (`tokenUse`: `'id'` or `'access'`, never both).
 *
 * @example
 * ```ts
 * import type { CognitoOptions } from 'isojwt/providers'
 * const options: CognitoOptions = { region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEf123', clientId: '3n4b5urk1ft4fl3mg5e62d9ado', tokenUse: 'access' }
 * ```
 */
export interface CognitoOptions extends ProviderOptions {
  region: string
  userPoolId: string
  clientId: string | string[]
  tokenUse: 'id' | 'access'
}

/**
 * Verifies Amazon Cognito tokens (API.md, Identity providers): the pool's issuer and keys,
 * RS256, `token_use` as configured, and the app client: `aud` for ID tokens, `client_id`
 * for access tokens (which have no `aud`). Scopes: the access token's `scope` string.
 *
 * @example
 * ```ts
 * import { cognito } from 'isojwt/providers'
 * declare const accessToken: string
 * const pool = cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEf123', clientId: '3n4b5urk1ft4fl3mg5e62d9ado', tokenUse: 'access' })
 * const { payload, scopes } = await pool.verify(accessToken)
 * ```
 */
export function cognito(options: CognitoOptions): Provider {
  return guard('cognito', () => {
    const o = readOptions(options, ['region', 'userPoolId', 'clientId', 'tokenUse', ...COMMON], 'cognito options')
    const region = requiredString(o.region, 'options.region', (s) => REGION.test(s), 'an AWS region such as "eu-west-1"')
    // A user pool id is `<region>_<id>` (its region is the pool's).
    const userPoolId = requiredString(o.userPoolId, 'options.userPoolId', (s) => s.startsWith(`${region}_`) && /^[\w-]+_[0-9A-Za-z]+$/.test(s),
      `a user pool id of region ${region}, such as "${region}_AbCdEf123"`)
    const clients = stringsOf(o.clientId, 'options.clientId')
    const use = o.tokenUse
    if (use !== 'id' && use !== 'access') invalid("options.tokenUse must be 'id' or 'access'")
    const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`
    const access = use === 'access'
    return makeProvider({
      name: 'Cognito',
      issuer,
      jwksUrl: `${issuer}/.well-known/jwks.json`,
      algorithms: ['RS256'],
      ...(access ? {} : { audience: clients }),
      required: ['iss', 'sub', 'exp', 'token_use', access ? 'client_id' : 'aud'],
      issuerOk: (iss) => iss === issuer,
      claims(payload) {
        if (payload.token_use !== use) {
          claimFailed('token_use', 'mismatch', `a Cognito ${access ? 'access' : 'ID'} token has token_use "${use}"; this is ${typeof payload.token_use === 'string' ? `"${payload.token_use.slice(0, 16)}"` : 'not one'}`, payload)
        }
        // Access tokens name the app client in client_id (they carry no aud).
        if (access && !clients.includes(payload.client_id as string)) claimFailed('client_id', 'mismatch', 'the access token\'s "client_id" is not one of options.clientId', payload)
      },
      scopes: access ? scopesIn(['scope']) : () => [],
    }, o)
  })
}
