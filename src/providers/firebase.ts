/**
 * Firebase Authentication ID tokens, as Firebase documents them ("Verify ID tokens", its
 * section "Verify ID tokens using a third-party JWT library"): RS256, keys published as a
 * `kid` → X.509 certificate map at
 * `https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com`,
 * `aud` your project id, `iss` `https://securetoken.google.com/<projectId>`, `sub` a
 * non-empty string (the user's uid), `iat` and `auth_time` in the past.
 */
import { JoseError, type JwtPayload } from 'isojwt'
import { claimFailed, guard, readOptions, requiredString } from './common.ts'
import { COMMON, makeProvider } from './provider.ts'
import type { Provider, ProviderOptions } from './types.ts'

/** A Google Cloud project id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter. */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/
/** NumericDates count seconds (API.md, JWT: below 10^11, as for the registered time claims). */
const NUMERIC_DATE_LIMIT = 1e11

/**
 * Options of `firebase`: the Firebase project id (the `aud` of its ID tokens).
 *
 * @example
 * ```ts
 * import type { FirebaseOptions } from 'isojwt/providers'
 * const options: FirebaseOptions = { projectId: 'my-project-1234' }
 * ```
 */
export interface FirebaseOptions extends ProviderOptions {
  projectId: string
}

/** Firebase's time rules: `iat` and `auth_time` must be in the past (within the tolerance). */
function pastClaims(payload: JwtPayload, t: number, tol: number): void {
  if (payload.sub === '') claimFailed('sub', 'invalid', 'a Firebase ID token\'s "sub" (the uid) must be a non-empty string', payload)
  const authTime = payload.auth_time
  if (typeof authTime !== 'number' || !Number.isFinite(authTime) || authTime >= NUMERIC_DATE_LIMIT) {
    throw new JoseError('ERR_JWT_INVALID', 'claim "auth_time" must be a NumericDate (seconds)', { claim: 'auth_time', reason: 'invalid', payload })
  }
  if ((payload.iat as number) > t + tol) claimFailed('iat', 'in_future', 'a Firebase ID token\'s "iat" must be in the past', payload)
  if (authTime > t + tol) claimFailed('auth_time', 'in_future', 'a Firebase ID token\'s "auth_time" must be in the past', payload)
}

/**
 * Verifies Firebase Authentication ID tokens (API.md, Identity providers): the project's
 * issuer and audience, RS256 with Google's certificates for Firebase (read through the
 * certificate parser: RSA of 2048 bits or more), `sub` non-empty, `iat` and `auth_time` in
 * the past. ID tokens carry no scopes.
 *
 * @example
 * ```ts
 * import { firebase } from 'isojwt/providers'
 * declare const idToken: string
 * const { payload } = await firebase({ projectId: 'my-project-1234' }).verify(idToken)
 * console.log('uid', payload.sub)
 * ```
 */
export function firebase(options: FirebaseOptions): Provider {
  return guard('firebase', () => {
    const o = readOptions(options, ['projectId', ...COMMON], 'firebase options')
    const projectId = requiredString(o.projectId, 'options.projectId', (s) => PROJECT_ID.test(s), 'a Firebase project id (6 to 30 lower-case letters, digits and hyphens)')
    const issuer = `https://securetoken.google.com/${projectId}`
    return makeProvider({
      name: 'Firebase',
      issuer,
      jwksUrl: 'https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com',
      x509Map: true,
      algorithms: ['RS256'],
      audience: [projectId],
      required: ['iss', 'aud', 'sub', 'iat', 'exp', 'auth_time'],
      issuerOk: (iss) => iss === issuer,
      claims: pastClaims,
      scopes: () => [],
    }, o)
  })
}
