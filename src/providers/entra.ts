/**
 * Microsoft Entra ID (Azure AD) access and ID tokens, as the Microsoft identity platform
 * documents them ("Access tokens in the Microsoft identity platform", "Secure applications
 * and APIs by validating claims", "Microsoft identity platform ID tokens"): v2.0 issuer
 * `https://login.microsoftonline.com/{tid}/v2.0`, v1.0 issuer `https://sts.windows.net/{tid}/`,
 * RS256 keys without `alg` at `…/{tenant}/discovery/v2.0/keys` (`?appid=` for an app with
 * its own signing keys), each key's `issuer` member naming the issuer it signs for.
 */
import { JoseError, type JwsHeader, type JwtPayload, type Jwk } from 'isojwt'
import { claimFailed, guard, GUID, invalid, readOptions, requiredString, scopesIn, stringsOf } from './common.ts'
import { COMMON, makeProvider } from './provider.ts'
import type { Provider, ProviderOptions } from './types.ts'

/** The Microsoft account (consumer) tenant: personal accounts sign in through it. */
const CONSUMER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad'
const MULTI = new Set(['common', 'organizations', 'consumers'])
const TEMPLATE = '{tenantid}'
const v2 = (tid: string): string => `https://login.microsoftonline.com/${tid}/v2.0`
const v1 = (tid: string): string => `https://sts.windows.net/${tid}/`

/**
 * Options of `entraId`: `tenant` is your tenant id (a GUID), or `'common'`,
 * `'organizations'` or `'consumers'` for a multi-tenant app, which then needs
 * `allowedTenants` (the tenant ids you accept, or `'*'` for any).
 *
 * @example
 * ```ts
 * import type { EntraIdOptions } from 'isojwt/providers'
 * const options: EntraIdOptions = { tenant: 'organizations', audience: 'api://orders', allowedTenants: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] }
 * ```
 */
export interface EntraIdOptions extends ProviderOptions {
  tenant: string
  /** Your API's application id URI or client id (`aud`). */
  audience: string | string[]
  /** With a multi-tenant `tenant`: the tenant ids accepted, or `'*'` for any. */
  allowedTenants?: string[] | '*'
  /** Token versions accepted: 2 (default, `…/v2.0` issuer), 1 (`sts.windows.net`) or `'both'`. */
  version?: 1 | 2 | 'both'
  /** Your app's id, for an app whose tokens are signed with its own keys (`?appid=`). */
  appId?: string
}

const GRAPH = 'this is a Microsoft Graph access token (its header has a "nonce"): only Microsoft Graph can verify it. '
  + 'Request a token for your own API instead: a scope of your app registration (api://<your app id>/<scope>), not a Graph scope such as User.Read'

/**
 * Verifies Microsoft Entra ID tokens (API.md, Identity providers): the issuer of your tenant
 * (or, multi-tenant, of the token's `tid`, which must be in `allowedTenants`), your
 * audience, RS256, Entra's keys (each key's own `issuer` member must name the token's
 * issuer), and Microsoft Graph tokens refused with a message saying what they are.
 * Scopes: `scp` (delegated) and `roles` (application permissions).
 *
 * @example
 * ```ts
 * import { entraId } from 'isojwt/providers'
 * declare const token: string
 * const entra = entraId({ tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47', audience: 'api://orders' })
 * const { payload, scopes } = await entra.verify(token, { requiredScopes: ['Orders.Read'] })
 * ```
 */
export function entraId(options: EntraIdOptions): Provider {
  return guard('entraId', () => {
    const o = readOptions(options, ['tenant', 'audience', 'allowedTenants', 'version', 'appId', ...COMMON], 'entraId options')
    const tenant = requiredString(o.tenant, 'options.tenant', (s) => MULTI.has(s) || GUID.test(s),
      "a tenant id (a GUID, in lower case) or 'common', 'organizations' or 'consumers' (a domain name cannot be checked against the token's issuer)")
    const audience = stringsOf(o.audience, 'options.audience')
    const version = o.version ?? 2
    if (version !== 1 && version !== 2 && version !== 'both') invalid("options.version must be 1, 2 or 'both'")
    const appId = o.appId === undefined ? undefined : requiredString(o.appId, 'options.appId', (s) => GUID.test(s), 'an application (client) id: a GUID in lower case')
    const multi = MULTI.has(tenant)
    const allowed = multi ? allowedTenants(tenant, o.allowedTenants) : o.allowedTenants === undefined ? undefined
      : invalid("options.allowedTenants is for a multi-tenant options.tenant ('common', 'organizations' or 'consumers')")
    const forms = (tid: string): string[] => [...(version !== 1 ? [v2(tid)] : []), ...(version !== 2 ? [v1(tid)] : [])]
    /** The token's tenant: yours, or (multi-tenant) its `tid`, a GUID. */
    const tenantOf = (payload: JwtPayload): string => {
      if (!multi) return tenant
      const tid = payload.tid
      if (tid === undefined) claimFailed('tid', 'missing', 'a multi-tenant Entra ID token needs its "tid" claim', payload)
      if (typeof tid !== 'string' || !GUID.test(tid)) claimFailed('tid', 'invalid', 'the "tid" claim is not a tenant id (a GUID)', payload)
      return tid as string
    }

    return makeProvider({
      name: 'Entra ID',
      issuer: forms(multi ? TEMPLATE : tenant)[0]!,
      jwksUrl: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys${appId ? `?appid=${appId}` : ''}`,
      algorithms: ['RS256'],
      audience,
      required: ['iss', 'aud', 'exp'],
      // The issuer names the token's tenant, in the spelling of an accepted version.
      issuerOk: (iss, payload) => forms(tenantOf(payload)).includes(iss),
      claims(payload) {
        const tid = payload.tid
        // Single tenant: the issuer decides; a tid, when present, must say the same.
        if (!multi) {
          if (tid !== undefined && tid !== tenant) claimFailed('tid', 'mismatch', 'the "tid" claim names another tenant than the issuer', payload)
          return
        }
        if (tenant === 'organizations' && tid === CONSUMER_TENANT) claimFailed('tid', 'mismatch', "a personal Microsoft account's token (the consumer tenant) is refused with tenant 'organizations'", payload)
        if (tenant === 'consumers' && tid !== CONSUMER_TENANT) claimFailed('tid', 'mismatch', "only personal Microsoft accounts (the consumer tenant) are accepted with tenant 'consumers'", payload)
        if (allowed !== '*' && !allowed!.has(tid as string)) claimFailed('tid', 'mismatch', 'the token\'s tenant is not in options.allowedTenants', payload)
      },
      header(header: Readonly<JwsHeader>) {
        // Graph's tokens are signed over a hash of this nonce: nobody else can verify them.
        if (Object.prototype.hasOwnProperty.call(header, 'nonce')) throw new JoseError('ERR_JWS_SIGNATURE_INVALID', GRAPH)
      },
      keyFits: (key: Jwk, payload: unknown) => keyIssuerFits(key, payload, multi ? undefined : tenant),
      scopes: scopesIn(['scp', 'roles']),
    }, o)
  })
}

/** `allowedTenants` of a multi-tenant app: '*' or tenant ids, consistent with `tenant`. */
function allowedTenants(tenant: string, value: unknown): Set<string> | '*' {
  if (value === undefined) {
    return invalid(`options.allowedTenants is required with tenant '${tenant}': list the tenant ids you accept, or pass '*' to accept any tenant`)
  }
  if (value === '*') return '*'
  if (!Array.isArray(value)) invalid("options.allowedTenants must be an array of tenant ids (GUIDs, lower case) or '*'")
  const ids = new Set(stringsOf(value, 'options.allowedTenants', (s) => GUID.test(s), "an array of tenant ids (GUIDs, lower case) or '*'"))
  if (tenant === 'organizations' && ids.has(CONSUMER_TENANT)) invalid("options.allowedTenants lists the consumer tenant, which tenant 'organizations' refuses")
  if (tenant === 'consumers' && !ids.has(CONSUMER_TENANT)) invalid(`options.allowedTenants must list the consumer tenant ${CONSUMER_TENANT} with tenant 'consumers'`)
  return ids
}

/**
 * A key's own `issuer` member, where present, names the issuer it signs for, `{tenantid}`
 * standing for the token's tenant: it must be an issuer of the token's tenant (your
 * tenant, or multi-tenant the token's `tid`), whose token then must name that same tenant
 * in its issuer (`issuerOk`). The keys document spells issuers in their v2.0 form, which is
 * why a v1.0 token's key may say `…/{tid}/v2.0`. Read on the unverified payload to pick keys:
 * the signature then binds that `tid`, checked again on the verified payload.
 */
function keyIssuerFits(key: Jwk, payload: unknown, tenant: string | undefined): boolean {
  if (!Object.prototype.hasOwnProperty.call(key, 'issuer')) return true
  if (typeof key.issuer !== 'string') return false
  const tid = tenant ?? (typeof payload === 'object' && payload !== null ? (payload as { tid?: unknown }).tid : undefined)
  // Without a usable tenant the token is refused after the signature anyway (tid, or the payload step).
  if (typeof tid !== 'string' || !GUID.test(tid)) return true
  const named = key.issuer.split(TEMPLATE).join(tid)
  return named === v2(tid) || named === v1(tid)
}
