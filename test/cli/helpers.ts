/**
 * Runs the built CLI (dist/cli.js) as a child process, as a user would. `npm test`
 * builds first; when dist/cli.js is missing (a direct `npx vitest run test/cli`) one
 * test file builds it while the others wait on a lock directory.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')
export const CLI = join(ROOT, 'dist/cli.js')

/** The CLI runs on the node:crypto build only; running these twice would test the same binary. */
export const cliOnce = process.env.ISOJWT_BACKEND !== 'webcrypto'

/** Builds dist/ once if dist/cli.js or dist/node.js is missing. */
export async function ensureBuilt(): Promise<void> {
  const ready = () => existsSync(CLI) && existsSync(join(ROOT, 'dist/node.js'))
  if (ready()) return
  const lock = join(ROOT, 'dist/.cli-test-build.lock')
  mkdirSync(join(ROOT, 'dist'), { recursive: true })
  try {
    mkdirSync(lock)
  } catch {
    // Another test file is building: wait for it (tsup takes ~15 s on 2 cores).
    for (let i = 0; i < 240 && existsSync(lock); i++) await new Promise((r) => setTimeout(r, 250))
    if (!ready()) throw new Error('dist/cli.js is missing: run `npm run build`')
    return
  }
  try {
    const r = spawnSync('npx', ['tsup'], { cwd: ROOT, stdio: 'ignore' })
    if (r.status !== 0 || !ready()) throw new Error('`npx tsup` failed: run `npm run build` to see why')
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Written to stdin, then stdin is closed (absent: stdin is empty). */
  input?: string
  /** Extra environment; FORCE_COLOR and NO_COLOR are cleared unless given here. */
  env?: Record<string, string>
  cwd?: string
}

/** Runs `node dist/cli.js ...args` asynchronously (a test's own HTTP server keeps serving). */
export function run(args: readonly string[], opts: RunOptions = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, ...opts.env }
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.on('error', () => {}) // the CLI may exit before reading stdin
    child.stdin.end(opts.input ?? '')
  })
}

/** A scratch directory with files; removed by the returned cleanup. */
export function scratch(): { dir: string; file(name: string, content: string | Uint8Array): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'isojwt-cli-'))
  return {
    dir,
    file(name, content) {
      const p = join(dir, name)
      writeFileSync(p, content)
      return p
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** One line on stderr, no stack frame, no Node error dump. */
export function expectOneCleanLine(stderr: string): void {
  const lines = stderr.trimEnd().split('\n')
  if (lines.length !== 1) throw new Error(`expected one stderr line, got ${lines.length}: ${JSON.stringify(stderr)}`)
  if (/\n\s+at |node:internal|Error: |^\s*at /m.test(stderr)) throw new Error(`stack trace on stderr: ${JSON.stringify(stderr)}`)
}

/** Whether a file is executable by its owner (the bin must be). */
export function isExecutable(path: string): boolean {
  return (statSync(path).mode & 0o100) !== 0
}

/** base64url of a JSON value or string, for hand-made tokens. */
export function b64u(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
}
