import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The suite runs twice: against the WebCrypto backend and against the node:crypto
// backend (src/backend/index.ts resolved to src/backend/node.ts, as the node build does).
const nodeBackend = fileURLToPath(new URL('./src/backend/node.ts', import.meta.url))

// Files whose outcome no backend can change run once, in the node project: the CLI and
// the demo (child processes on dist/), the repository checks, the export list, the
// hostile harness's own tests, and duration parsing (text only).
const ONCE = [
  'test/cli/**', 'test/repo/**', 'test/demo/**', 'test/conformance/exports.test.ts',
  'test/hostile/harness.test.ts', 'test/unit/duration.test.ts', 'test/property/duration.property.test.ts',
]

const shared = {
  include: ['test/**/*.test.ts'],
  testTimeout: 30_000,
  pool: 'threads' as const,
}

export default defineConfig({
  test: {
    // Every core (vitest's default leaves one idle: one worker on a 2-core machine).
    maxWorkers: '100%',
    projects: [
      { test: { ...shared, name: 'webcrypto', exclude: [...ONCE, '**/node_modules/**'], env: { ISOJWT_BACKEND: 'webcrypto' } } },
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
