import { defineConfig } from 'tsup'

// One WebCrypto build, ESM + CJS with types. The `node` backend of API.md is added
// later as a second entry selected by the `node` export condition.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  sourcemap: false,
  splitting: false,
  treeshake: true,
})
