// `npm run docs:check`: the docs checks CI runs after `npm test` (which built dist/).
//  1. docs/api.md matches what TypeDoc makes of the TSDoc in src/ (else: run `npm run docs:api`), and every
//     export has a summary and an @example;
//  2. every TypeScript block of README.md and docs/**/*.md type-checks against dist/;
//  3. every relative link in those files points at a file that exists, and its #anchor (or
//     a same-page #anchor) at a heading or <a id> there.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { runApi } from './api.mjs'
import { ROOT, docFiles, runExampleCheck } from './check-examples.mjs'
import { anchors, relativeLinks } from './markdown.mjs'

let failed = 0
if (await runApi({ check: true })) failed++

const files = docFiles()
try {
  if (runExampleCheck(files)) failed++
} catch (e) {
  console.error(`docs examples: ${e instanceof Error ? e.message : e}`)
  failed++
}

let broken = 0
const anchorsOf = new Map()
const anchorsIn = (file) => {
  if (!anchorsOf.has(file)) anchorsOf.set(file, anchors(readFileSync(file, 'utf8')))
  return anchorsOf.get(file)
}
for (const md of files) {
  for (const { target, line } of relativeLinks(readFileSync(md, 'utf8'), { samePage: true })) {
    const [path = '', fragment] = target.split('#')
    const file = path ? resolve(dirname(md), decodeURIComponent(path)) : md
    const missing = !existsSync(file) ? 'no such file'
      : fragment && file.endsWith('.md') && !anchorsIn(file).has(decodeURIComponent(fragment)) ? 'no such heading or anchor' : ''
    if (missing) {
      console.error(`${relative(ROOT, md)}:${line}: broken link to ${target} (${missing})`)
      broken++
    }
  }
}
console.log(`links: ${broken} broken relative link${broken === 1 ? '' : 's'} (files and #anchors) in ${files.length} files`)
if (broken) failed++

console.log(failed ? 'docs:check failed' : 'docs:check passed')
process.exit(failed ? 1 : 0)
