// The shape of src/ (issue 14's "function-length and file-size distribution"): lines per
// file and per function (declarations, methods, arrows and function expressions of more
// than one line), read with the TypeScript compiler's parser. The CLI is counted apart.
// Usage: node scripts/code-stats.mjs [--json] [--long]   (--long: name the functions over 30 lines and files over 250)
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const ROOT = path.resolve(import.meta.dirname, '..')
const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
  const p = path.join(dir, d.name)
  return d.isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
})

function measure(list) {
  const fileLines = []
  const fnLines = []
  const long = []
  for (const file of list) {
    const text = readFileSync(file, 'utf8')
    const rel = path.relative(ROOT, file)
    fileLines.push(text.split('\n').filter((l) => l.trim() !== '').length)
    if (fileLines.at(-1) > 250) long.push(`${rel}: ${fileLines.at(-1)} lines`)
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line
        const end = sf.getLineAndCharacterOfPosition(node.end).line
        if (end > start) fnLines.push(end - start + 1)
        if (end - start + 1 > 30) long.push(`${rel}:${start + 1} ${node.name?.getText(sf) ?? '(anonymous)'}: ${end - start + 1} lines`)
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]
  const summary = (xs) => ({ count: xs.length, total: xs.reduce((a, b) => a + b, 0), median: q(xs, 0.5), p90: q(xs, 0.9), max: Math.max(...xs) })
  return {
    files: summary(fileLines),
    functions: summary(fnLines),
    functionsOver30: fnLines.filter((n) => n > 30).length,
    filesOver250: fileLines.filter((n) => n > 250).length,
    long,
  }
}

const src = files(path.join(ROOT, 'src'))
const out = {
  library: measure(src.filter((f) => !f.includes(`${path.sep}cli${path.sep}`))),
  cli: measure(src.filter((f) => f.includes(`${path.sep}cli${path.sep}`))),
}
if (process.argv.includes('--json')) console.log(JSON.stringify(out, null, 2))
else {
  for (const [name, m] of Object.entries(out)) {
    console.log(`${name}: ${m.files.count} files, ${m.files.total} non-blank lines (median ${m.files.median}, p90 ${m.files.p90}, max ${m.files.max}; over 250: ${m.filesOver250})`)
    console.log(`  ${m.functions.count} functions of 2+ lines: median ${m.functions.median}, p90 ${m.functions.p90}, max ${m.functions.max}; over 30 lines: ${m.functionsOver30}`)
    if (process.argv.includes('--long')) for (const l of m.long) console.log(`    ${l}`)
  }
}
