import { fileURLToPath } from 'node:url'
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config'

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
// Files that time single calls on the largest hostile inputs against a fixed budget (the
// hostile harness's 100 ms): they run after everything else, one file at a time, so that
// the other worker's load does not count against them.
const ALONE = ['test/hostile/tokens.test.ts']

function project(backend: 'webcrypto' | 'node', alone: boolean): TestProjectInlineConfiguration {
  return {
    test: {
      name: alone ? `${backend} (alone)` : backend,
      include: alone ? ALONE : ['test/**/*.test.ts'],
      exclude: [...(alone ? [] : ALONE), ...(backend === 'webcrypto' ? ONCE : []), '**/node_modules/**'],
      env: { ISOJWT_BACKEND: backend },
      testTimeout: 30_000,
      pool: 'threads',
      ...(alone ? { maxWorkers: 1, sequence: { groupOrder: 1 } } : {}),
    },
    plugins: backend === 'webcrypto' ? [] : [{
      name: 'isojwt-node-backend',
      enforce: 'pre' as const,
      resolveId(source: string, importer: string | undefined) {
        if (importer && /[\\/]backend[\\/]index\.ts$/.test(source.replace(/^\.\.?\//, '/'))) return nodeBackend
        return null
      },
    }],
  }
}

export default defineConfig({
  test: {
    // Every core (vitest's default leaves one idle: one worker on a 2-core machine).
    maxWorkers: '100%',
    projects: [project('webcrypto', false), project('node', false), project('webcrypto', true), project('node', true)],
  },
})
