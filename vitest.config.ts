import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The whole suite runs twice: against the WebCrypto backend and against the node:crypto
// backend (src/backend/index.ts resolved to src/backend/node.ts, as the node build does).
const nodeBackend = fileURLToPath(new URL('./src/backend/node.ts', import.meta.url))

const shared = {
  include: ['test/**/*.test.ts'],
  testTimeout: 30_000,
  pool: 'threads' as const,
}

export default defineConfig({
  test: {
    projects: [
      // The CLI is Node-only and spawns dist/cli.js (the node build), and test/repo checks the
      // repository itself, not a backend: both run in the node project only.
      { test: { ...shared, name: 'webcrypto', exclude: ['test/cli/**', 'test/repo/**', '**/node_modules/**'], env: { ISOJWT_BACKEND: 'webcrypto' } } },
      {
        test: { ...shared, name: 'node', env: { ISOJWT_BACKEND: 'node' } },
        plugins: [{
          name: 'isojwt-node-backend',
          enforce: 'pre' as const,
          resolveId(source: string, importer: string | undefined) {
            if (importer && /[\\/]backend[\\/]index\.ts$/.test(source.replace(/^\.\.?\//, '/'))) return nodeBackend
            return null
          },
        }],
      },
    ],
  },
})
