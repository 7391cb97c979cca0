import { fileURLToPath } from 'node:url'
import { defaultServerConditions } from 'vite'
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config'

// The suite runs twice: against the WebCrypto backend and against the node:crypto
// backend. package.json `imports` maps `#backend` (src/backend/index.ts) to node.ts under
// the `isojwt-node` condition, which the node project adds (as the node build does), and
// to webcrypto.ts by default. Vite's own server conditions (`module`, `node`, …) stay, for
// the dependencies; they cannot pick the node backend, whose condition is our own name.

// Files whose outcome no backend can change run once, in the node project: the CLI and
// the demo (child processes on dist/), the repository checks, the export list, the
// hostile harness's own tests, and duration parsing (text only).
// The shared stores (test/stores) run once too: real Redis servers, child processes on dist/.
const ONCE = [
  'test/cli/**', 'test/stores/**', 'test/repo/**', 'test/demo/**', 'test/conformance/exports.test.ts',
  'test/hostile/harness.test.ts', 'test/unit/duration.test.ts', 'test/property/duration.property.test.ts',
]
// Files that time single calls on the largest hostile inputs against a fixed budget (the
// hostile harness's 100 ms): they run after everything else, one file at a time, so that
// the other worker's load does not count against them.
const ALONE = ['test/hostile/tokens.test.ts']

// src/stores imports the core by the package name (its build keeps it external): in the
// tests that name is the core's source, the same modules every other test imports.
const ALIAS = [{ find: /^isojwt$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }]

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
    resolve: { alias: ALIAS },
    ...(backend === 'node' ? { ssr: { resolve: { conditions: ['isojwt-node', ...defaultServerConditions] } } } : {}),
  }
}

export default defineConfig({
  test: {
    // Every core (vitest's default leaves one idle: one worker on a 2-core machine).
    maxWorkers: '100%',
    projects: [project('webcrypto', false), project('node', false), project('webcrypto', true), project('node', true)],
  },
})
