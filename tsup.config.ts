import { defineConfig, type Options } from 'tsup'

/**
 * Two builds of the same source, ESM + CJS each:
 * - dist/index.*: WebCrypto only (the `default`, `browser`, `workerd`, `deno`, … and
 *   `isojwt/web` targets);
 * - dist/node.*: the same code built with the `isojwt-node` condition, under which
 *   package.json `imports` maps `#backend` (src/backend/index.ts) to src/backend/node.ts
 *   (node:crypto); served under the `node` export condition. Types are shared (dist/index.d.*).
 * The web build sets no condition of its own and is `platform: 'neutral'` (esbuild adds no
 * `node` or `browser` condition), so `#backend` takes `default`, WebCrypto, wherever it
 * is built. `#backend` never reaches dist/: it is bundled away.
 * Plus isojwt/stores, dist/stores.*, and isojwt/providers, dist/providers.* (ESM + CJS, one
 * build for every runtime): their imports of the core name the package, `isojwt`, kept
 * external, so that they run on the copy of the core the application's own `isojwt` import
 * resolved to (one JoseError, one backend).
 * Plus the CLI, dist/cli.js (ESM, Node): its imports of the library become the external
 * './node.js', so the package ships one copy of the library, not two.
 */
const common: Options = {
  format: ['esm', 'cjs'],
  target: 'es2022',
  platform: 'neutral',
  sourcemap: false,
  splitting: false,
  treeshake: true,
  external: ['node:crypto', 'node:buffer'],
}

/**
 * The public types name CryptoKey and CryptoKeyPair, which come from TypeScript's "DOM"
 * lib; Node-only projects (lib ES20xx + @types/node) do not load it. Declared in the
 * shipped .d.ts files, they merge with the DOM's where it is loaded and still name a type
 * where it is not (test/package checks such a consumer). Not in src/: Deno and JSR have
 * both types and refuse global augmentation.
 */
const GLOBAL_TYPES = `declare global {
  interface CryptoKey {}
  interface CryptoKeyPair { privateKey: CryptoKey; publicKey: CryptoKey }
}`

export default defineConfig([
  { ...common, entry: { index: 'src/index.ts' }, dts: { footer: GLOBAL_TYPES }, clean: true },
  {
    ...common,
    entry: { node: 'src/index.ts' },
    dts: false,
    clean: false,
    esbuildOptions(options) {
      options.conditions = ['isojwt-node']
    },
  },
  {
    ...common,
    entry: { stores: 'src/stores/index.ts' },
    external: ['isojwt'],
    // The type check's view of 'isojwt' (tsconfig.stores.json), kept external in the output.
    dts: { compilerOptions: { paths: { isojwt: ['./src/index.ts'] } } },
    clean: false,
  },
  {
    ...common,
    entry: { providers: 'src/providers/index.ts' },
    external: ['isojwt'],
    // As for isojwt/stores (tsconfig.providers.json): the core stays the application's own.
    dts: { compilerOptions: { paths: { isojwt: ['./src/index.ts'] } } },
    clean: false,
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: false,
    splitting: false,
    treeshake: true,
    dts: false,
    clean: false,
    banner: { js: '#!/usr/bin/env node' },
    esbuildPlugins: [{
      name: 'isojwt-cli-library',
      setup(build) {
        build.onResolve({ filter: /^(\.\.\/)+index\.ts$/ }, (args) => {
          if (!/[\\/]src[\\/]cli[\\/]/.test(args.importer)) return undefined
          return { path: './node.js', external: true }
        })
      },
    }],
  },
])
