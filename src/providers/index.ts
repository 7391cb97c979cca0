/**
 * isojwt/providers (API.md, Identity providers): each identity provider's documented rules
 * for its tokens, on the core's public functions. A top layer: it reaches the core only
 * through the package root, `isojwt`, so the built entry shares the application's one
 * copy of it (one JoseError, one set of caches, one backend).
 */
export { entraId, type EntraIdOptions } from './entra.ts'
export { google, type GoogleOptions } from './google.ts'
export { firebase, type FirebaseOptions } from './firebase.ts'
export { cognito, type CognitoOptions } from './cognito.ts'
export { auth0, type Auth0Options } from './auth0.ts'
export { okta, type OktaOptions } from './okta.ts'
export { keycloak, type KeycloakOptions } from './keycloak.ts'
export { clerk, type ClerkOptions } from './clerk.ts'
export { supabase, type SupabaseOptions } from './supabase.ts'
export type { Provider, ProviderOptions, ProviderVerifyOptions, ProviderResult, ProviderVerifier, ProviderResourceServerOptions } from './types.ts'
