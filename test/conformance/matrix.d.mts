// Types for matrix.mjs.
export interface MatrixRow {
  readonly backend: string
  readonly mustRoundTrip: readonly string[]
  readonly mustRefuse: readonly string[]
  readonly note: string
  /** The 'remote key sets' section runs here (the runner must pass `jwksBaseUrl`). */
  readonly remoteJwks: boolean
  /** 'shared': concurrent callers share one request; 'per-request': workerd, up to one per caller. */
  readonly jwksInflight: 'shared' | 'per-request'
  /** JWE pieces a WebCrypto may lack: must round-trip, must be refused (ERR_JOSE_NOT_SUPPORTED), or either (not yet observed). */
  readonly jwe: Readonly<Record<'AES-192' | 'X25519', 'round-trip' | 'refuse' | 'either'>>
}
export const ALGS: readonly string[]
export const JWE_GAPS: readonly ('AES-192' | 'X25519')[]
export const MATRIX: Readonly<Record<'node20' | 'node22' | 'node24' | 'node26' | 'node20-cjs' | 'node26-cjs' | 'node20-web' | 'deno' | 'bun' | 'workerd' | 'edge-runtime' | 'chromium', MatrixRow>>
