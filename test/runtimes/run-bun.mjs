// The suite in Bun (npm package `bun` in test/runtimes/tools), 'isojwt' resolved from the
// app's node_modules; the check is that Bun picks the `bun` condition. --no-install: Bun
// must never fetch a missing package on its own.
import { nativeTool, runEntry } from './process-support.mjs'

await runEntry('bun', {
  cmd: nativeTool('@oven', 'bin/bun'),
  args: ['--no-install', 'run', 'entry.mjs', 'bun'],
  condition: 'bun/import',
  env: { DO_NOT_TRACK: '1', NO_COLOR: '1' },
})
