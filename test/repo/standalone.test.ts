/**
 * The repository stands alone (issue 13, point 1): a fresh clone with nothing beside it
 * passes its tests. Two checks:
 * - no test, script, benchmark, CI step or root config names a path that leaves the
 *   repository (the old sibling vector folder, an absolute machine path, or a `../` chain
 *   that climbs above the root from where it is written);
 * - the committed HEAD, cloned into an empty temporary folder, passes the RFC and
 *   Wycheproof vector tests there (they read test/vectors/data/ only).
 * Runs in the node project only (vitest.config.ts): it does not depend on the backend.
 */
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

// Written in pieces so that this file does not match its own scan.
const UP = '..' + '/'
const NEEDLES = [UP + 'shared', 'shared' + '/vectors', '/' + 'work' + '/']
const SCANNED_DIRS = ['test', 'scripts', 'bench', '.ci']
const ROOT_CONFIGS = ['package.json', 'vitest.config.ts', 'tsconfig.json', 'tsconfig.test.json', 'tsup.config.ts', 'jsr.json']
/** Installed packages and measurement output are not the project's own paths. */
const SKIPPED = new Set(['node_modules', 'results'])

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) filesUnder(full, out)
    else if (entry.isFile()) out.push(full)
  }
  return out
}

/** Every place in `text` (of `file`) that names a path outside the repository, as "file: path". */
function escapes(file: string, text = readFileSync(file, 'utf8')): string[] {
  const rel = path.relative(ROOT, file)
  const found = NEEDLES.filter((n) => text.includes(n)).map((n) => `${rel}: ${n}`)
  for (const m of text.matchAll(/(?:\.\.\/)+[\w.-]*/g)) {
    const target = path.relative(ROOT, path.resolve(path.dirname(file), m[0]))
    if (target.startsWith('..') || path.isAbsolute(target)) found.push(`${rel}: ${m[0]}`)
  }
  return found
}

describe('the repository stands alone', () => {
  it('no test, script, benchmark, CI step or root config names a path outside the repository', () => {
    const files = [...SCANNED_DIRS.flatMap((d) => filesUnder(path.join(ROOT, d))), ...ROOT_CONFIGS.map((f) => path.join(ROOT, f))]
    expect(files.length).toBeGreaterThan(100)
    expect(files.flatMap((f) => escapes(f))).toEqual([])
  })

  it('the scan sees a path that leaves the repository (self-check)', () => {
    const probe = path.join(ROOT, 'test/repo/probe.mjs')
    for (const bad of [`${UP}shared/x`, NEEDLES[1]!, `${NEEDLES[2]}x`, `${UP.repeat(5)}elsewhere`]) {
      expect(escapes(probe, `const p = '${bad}'`), bad).not.toEqual([])
    }
    expect(escapes(probe, `import x from '${UP}${UP}src/index.ts'`)).toEqual([])
  })

  const hasGit = spawnSync('git', ['--version']).status === 0
  const title = 'a clone of HEAD into an empty temporary folder passes the vector tests there'
  it.skipIf(!hasGit)(hasGit ? title : `${title} (skipped: git is not on PATH)`, async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'isojwt-standalone-'))
    const clone = path.join(parent, 'isojwt')
    try {
      const head = (await run('git', ['rev-parse', 'HEAD'], ROOT)).stdout.trim()
      await run('git', ['clone', '--quiet', ROOT, clone], parent)
      await run('git', ['checkout', '--quiet', '--detach', head], clone)
      // Nothing beside the clone: a path leaving it finds nothing.
      expect(readdirSync(parent)).toEqual(['isojwt'])
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir')
      const vitest = path.join(clone, 'node_modules/vitest/vitest.mjs')
      const r = await run(process.execPath, [vitest, 'run', 'test/vectors', '--project', 'node', '--reporter=dot'], clone, false)
      expect(r.code, `vitest in the clone exited ${r.code}:\n${tail(r.stdout + r.stderr)}`).toBe(0)
      // The vector files hold well over a hundred tests: a run that found none is no proof.
      // (colours stripped: FORCE_COLOR may come from the outer run)
      const out = r.stdout.replace(/\u001b\[[0-9;]*m/g, '')
      expect(Number(/Tests\s+(\d+) passed/.exec(out)?.[1] ?? 0), tail(out)).toBeGreaterThan(100)
      expect(out).not.toMatch(/failed/)
    } finally {
      rmSync(parent, { recursive: true, force: true })
    }
  }, 300_000)
})

interface Ran { code: number | null; stdout: string; stderr: string }

/** Runs a command without blocking the worker; rejects on a non-zero exit when `strict`. */
function run(cmd: string, args: string[], cwd: string, strict = true): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  // The outer vitest's worker settings must not leak into the inner run.
  for (const k of Object.keys(env)) if (/^VITEST|^ISOJWT_BACKEND$|^NODE_OPTIONS$/.test(k)) delete env[k]
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      if (strict && code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${tail(stderr)}`))
      else resolve({ code, stdout, stderr })
    })
  })
}

const tail = (s: string): string => (s.length > 4000 ? `…${s.slice(-4000)}` : s)
