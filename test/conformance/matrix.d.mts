// Types for matrix.mjs.
export interface MatrixRow {
  readonly backend: string
  readonly mustRoundTrip: readonly string[]
  readonly mustRefuse: readonly string[]
  readonly note: string
}
export const ALGS: readonly string[]
export const MATRIX: Readonly<Record<'node20' | 'node22' | 'node24' | 'node-cjs' | 'deno' | 'bun' | 'workerd' | 'edge-runtime' | 'chromium', MatrixRow>>
