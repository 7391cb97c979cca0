import { defineConfig } from 'vitest/config'

// `npm run test:slow`: the growth (linear-time) tests of test/slow, one file at a time in
// one worker, so the timings are not shared with other tests. Not part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.slow.ts'],
    testTimeout: 300_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
})
