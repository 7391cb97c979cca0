// Type-checks every ```ts / ```typescript block (and the module scripts of ```html blocks)
// of README.md and docs/**/*.md against the BUILT package, as a user's project would see
// it: each block becomes one module in a
// scratch folder whose node_modules/isojwt is a symlink to this repository, so
// `import … from 'isojwt'` resolves through package.json `exports` to dist/index.d.ts.
// Strict mode, ES2022 with top-level await, DOM + Node globals, plus scripts/docs/ambient.d.ts
// (Workers, Deno, Bun stand-ins). A block tagged ```ts nocheck is skipped and listed;
// ```ts signature blocks (declarations generated into docs/api.md) are checked by the
// drift check instead.
//
// Blocks tagged ```ts run are also executed: transpiled to JavaScript and run with node in
// the same scratch folder (so `isojwt` is the built package, node condition), each within
// 30 s; a non-zero exit fails the check. Quick starts that need nothing from outside
// (no network, no files) carry the tag, so they are proven to run, not only to compile.
//
// A canary (scripts/docs/fixtures/broken.md) is compiled with the docs; the run fails
// unless its deliberate error is reported at its file and line, so a checker that
// silently checks nothing cannot pass.
//
//   node scripts/docs/check-examples.mjs [file.md …]
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, mkdirSync, writeFileSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { spawnSync } from 'node:child_process'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'
import { codeBlocks, isCheckedTs } from './markdown.mjs'

const here = dirname(fileURLToPath(import.meta.url))
export const ROOT = resolve(here, '../..')
const CANARY = join(here, 'fixtures/broken.md')

/** README.md and every Markdown file under docs/, sorted. */
export function docFiles(root = ROOT) {
  const out = [join(root, 'README.md')]
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, entry.name)
      if (entry.isDirectory()) walk(p)
      else if (entry.name.endsWith('.md')) out.push(p)
    }
  }
  if (existsSync(join(root, 'docs'))) walk(join(root, 'docs'))
  return out
}

/** The most recently modified .ts file under src/. */
function newestSource(dir) {
  let best
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
    const path = join(entry.parentPath ?? entry.path, entry.name)
    const { mtimeMs } = statSync(path)
    if (!best || mtimeMs > best.mtimeMs) best = { path, mtimeMs }
  }
  return best
}

/**
 * Compiles the checked blocks of `files` (and the canary). Returns the diagnostics mapped
 * back to Markdown positions, the skipped blocks, and the number of blocks checked.
 * @param {string[]} files absolute paths
 */
export function checkExamples(files, { root = ROOT } = {}) {
  if (!existsSync(join(root, 'dist/index.d.ts'))) {
    throw new Error('dist/index.d.ts is missing: run `npm run build` first (the examples are checked against the built package)')
  }
  const stale = newestSource(join(root, 'src'))
  if (stale && stale.mtimeMs > statSync(join(root, 'dist/index.d.ts')).mtimeMs) {
    throw new Error(`dist/ is older than ${relative(root, stale.path)}: run \`npm run build\` first (the examples are checked against the built package)`)
  }
  const scratch = mkdtempSync(join(tmpdir(), 'isojwt-docs-'))
  try {
    mkdirSync(join(scratch, 'node_modules'))
    symlinkSync(root, join(scratch, 'node_modules/isojwt'), 'dir')
    // Schema libraries the docs show with `schema`, the Redis clients docs/stores.md shows, and
    // the frameworks of docs/express-and-hono.md and docs/resource-server.md (Next.js) (dev
    // dependencies, never the package's own).
    for (const lib of ['zod', 'valibot', 'arktype', 'redis', 'ioredis', '@upstash/redis', 'hono', 'express', '@types/express', 'next']) {
      if (!existsSync(join(root, 'node_modules', lib))) continue
      mkdirSync(dirname(join(scratch, 'node_modules', lib)), { recursive: true })
      symlinkSync(join(root, 'node_modules', lib), join(scratch, 'node_modules', lib), 'dir')
    }
    copyFileSync(join(here, 'ambient.d.ts'), join(scratch, 'ambient.d.ts'))
    /** @type {Map<string, { md: string, line: number }>} scratch file → Markdown origin */
    const origin = new Map()
    const skipped = []
    let checked = 0
    for (const md of [...files, CANARY]) {
      const rel = relative(root, md)
      for (const block of codeBlocks(readFileSync(md, 'utf8'))) {
        if (block.lang === 'html' && !block.tags.includes('nocheck')) {
          // Module scripts of an HTML example are checked as modules of their own too.
          for (const script of moduleScripts(block)) {
            const name = join(scratch, `${rel.replace(/[^A-Za-z0-9]+/g, '_')}_L${script.line}_script.ts`)
            writeFileSync(name, `${script.code}\nexport {}\n`)
            origin.set(name, { md: rel, line: script.line })
            if (md !== CANARY) checked++
          }
          continue
        }
        if (block.lang !== 'ts' && block.lang !== 'typescript') continue
        if (!isCheckedTs(block)) {
          if (block.tags.includes('nocheck')) skipped.push(`${rel}:${block.line}`)
          continue
        }
        const name = join(scratch, `${rel.replace(/[^A-Za-z0-9]+/g, '_')}_L${block.line}.ts`)
        // `export {}` makes every block a module: top-level await, no clashes between blocks.
        writeFileSync(name, `${block.code}\nexport {}\n`)
        origin.set(name, { md: rel, line: block.line })
        if (md !== CANARY) checked++
      }
    }
    const { options, errors } = ts.convertCompilerOptionsFromJson({
      strict: true,
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
      skipLibCheck: true,
      noEmit: true,
      isolatedModules: true,
      noFallthroughCasesInSwitch: true,
    }, scratch)
    if (errors.length) throw new Error(ts.flattenDiagnosticMessageText(errors[0].messageText, '\n'))
    const program = ts.createProgram([join(scratch, 'ambient.d.ts'), ...origin.keys()], options)
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ')
      if (!d.file) return { md: '(config)', line: 0, column: 0, code: d.code, message }
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0)
      const o = origin.get(resolve(d.file.fileName))
      if (!o) return { md: relative(root, d.file.fileName) || d.file.fileName, line: line + 1, column: character + 1, code: d.code, message }
      return { md: o.md, line: o.line + line, column: character + 1, code: d.code, message }
    })
    const failures = runBlocks(scratch, files, root)
    return { diagnostics, skipped, checked, ran: runnable(files).length, failures }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** The bodies of `<script type="module">` elements of an html block, with their first line. */
function moduleScripts(block) {
  const out = []
  const lines = block.code.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/<script\b[^>]*type=["']?module["']?[^>]*>\s*$/.test(lines[i])) continue
    const body = []
    let j = i + 1
    for (; j < lines.length && !/<\/script>/.test(lines[j]); j++) body.push(lines[j])
    out.push({ line: block.line + i + 1, code: body.join('\n') })
    i = j
  }
  return out
}

/** The blocks tagged `run` of `files`. */
function runnable(files) {
  return files.flatMap((md) => codeBlocks(readFileSync(md, 'utf8')).filter((b) => isCheckedTs(b) && b.tags.includes('run')).map((b) => ({ md, block: b })))
}

/** Transpiles and runs each `run` block with node; returns the failures. */
function runBlocks(scratch, files, root) {
  const failures = []
  for (const { md, block } of runnable(files)) {
    const rel = relative(root, md)
    const name = join(scratch, `run_${rel.replace(/[^A-Za-z0-9]+/g, '_')}_L${block.line}.mjs`)
    const js = ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
    writeFileSync(name, js)
    const r = spawnSync(process.execPath, [name], { cwd: scratch, encoding: 'utf8', timeout: 30_000 })
    if (r.status !== 0) {
      const why = r.error ? r.error.message : (r.stderr || r.stdout).trim().split('\n').slice(0, 6).join('\n    ')
      failures.push({ md: rel, line: block.line, message: `exit ${r.status ?? r.signal}: ${why}` })
    }
  }
  return failures
}

/** The line of the canary's `// the checker must report this line` marker. */
function canaryExpectation() {
  const rel = relative(ROOT, CANARY)
  const lines = readFileSync(CANARY, 'utf8').split('\n')
  const i = lines.findIndex((l) => l.includes('the checker must report this line'))
  if (i < 0) throw new Error(`${rel} has lost its marker line`)
  return { md: rel, line: i + 1 }
}

/**
 * For a diagnostic in the generated docs/api.md: which export's @example it is and where
 * that TSDoc lives (the place to fix it).
 */
function sourceHint(d) {
  if (d.md !== 'docs/api.md') return ''
  const lines = readFileSync(join(ROOT, d.md), 'utf8').split('\n').slice(0, d.line).reverse()
  const name = lines.find((l) => l.startsWith('### '))?.slice(4)
  const from = lines.map((l) => /^\*\w+\*, from \[`([^`]+)`\]/.exec(l)?.[1]).find(Boolean)
  return name && from ? `\n  (the @example of ${name} in ${from}: fix the TSDoc there, then run \`npm run docs:api\`)` : ''
}

/** Runs the check and prints the result; returns the number of problems. */
export function runExampleCheck(files) {
  const { diagnostics, skipped, checked, ran, failures } = checkExamples(files)
  const expected = canaryExpectation()
  const canaryHits = diagnostics.filter((d) => d.md === expected.md)
  const real = diagnostics.filter((d) => d.md !== expected.md)
  let problems = 0
  for (const d of real) {
    console.error(`${d.md}:${d.line}:${d.column} error TS${d.code}: ${d.message}${sourceHint(d)}`)
    problems++
  }
  for (const f of failures) {
    console.error(`${f.md}:${f.line}: a \`ts run\` block failed when run with node (${f.message})`)
    problems++
  }
  if (!canaryHits.some((d) => d.line === expected.line)) {
    console.error(`canary: the broken block in ${expected.md} was not reported at line ${expected.line}` +
      ` (got ${canaryHits.map((d) => `${d.md}:${d.line}`).join(', ') || 'nothing'}): the example checker is not checking`)
    problems++
  }
  const where = files.length === 1 ? relative(ROOT, files[0]) : `${files.length} files`
  console.log(`examples: ${checked} TypeScript blocks from ${where} type-checked against dist/ (canary caught at ${expected.md}:${expected.line})` +
    `, ${ran} \`ts run\` blocks run with node` +
    `${skipped.length ? `; skipped (nocheck): ${skipped.join(', ')}` : ''}; ${problems} problem${problems === 1 ? '' : 's'}`)
  return problems
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2)
  const files = args.length ? args.map((f) => resolve(f)) : docFiles()
  try {
    process.exit(runExampleCheck(files) ? 1 : 0)
  } catch (e) {
    console.error(`docs examples: ${e instanceof Error ? e.message : e}`)
    process.exit(1)
  }
}
