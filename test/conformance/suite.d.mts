// Types for suite.mjs (plain JavaScript, so that every runtime can load it unchanged).

export interface SuiteOptions {
  /** A key of MATRIX (matrix.mjs): 'node20', 'deno', 'workerd', … */
  runtime: string
  /** Where failure lines and the final `N passed, N failed` go (default console.log). */
  log?: (line: string) => void
  /** The fixed clock of the claim tests (default 1 700 000 000 s). */
  now?: Date | (() => Date)
  /**
   * Origin of the loopback JWK Set server (test/runtimes/jwks-server.mjs) for the 'remote
   * key sets' section; required where the MATRIX row has `remoteJwks: true`.
   */
  jwksBaseUrl?: string
  /** The module imported as 'isojwt/providers', for the 'providers' section (required). */
  providers?: object
}

export interface SuiteResult {
  passed: number
  failed: number
  /** One `FAIL <section> › <test>: <reason>` line per failure. */
  failures: string[]
  /** `JoseError[Symbol.for('isojwt.backend')]` of the library under test. */
  backend: unknown
}

/** Runs the conformance suite against an isojwt module namespace. Never throws. */
export function runSuite(lib: object, opts: SuiteOptions): Promise<SuiteResult>
