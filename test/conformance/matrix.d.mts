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
}
export const ALGS: readonly string[]
export const MATRIX: Readonly<Record<'node20' | 'node22' | 'node24' | 'node26' | 'node20-cjs' | 'node26-cjs' | 'node20-web' | 'deno' | 'bun' | 'workerd' | 'edge-runtime' | 'chromium', MatrixRow>>
