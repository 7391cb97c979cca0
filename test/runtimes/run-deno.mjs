// The suite in Deno 2 (npm package `deno` in test/runtimes/tools), run in the app as a user's
// project: Deno reads its package.json and, with `--node-modules-dir=manual` (what it infers
// there anyway; said explicitly so it never downloads), resolves 'isojwt' from the
// node_modules npm installed. --no-lock: no deno.lock written. It must pick `deno`.
import { join } from 'node:path'
import { OUT_DIR } from './web-support.mjs'
import { nativeTool, runEntry } from './process-support.mjs'

await runEntry('deno', {
  cmd: nativeTool('@deno', 'deno'),
  args: ['run', '--allow-all', '--node-modules-dir=manual', '--no-lock', 'entry.mjs', 'deno'],
  condition: 'deno/import',
  env: { DENO_DIR: join(OUT_DIR, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
})
