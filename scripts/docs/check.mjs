// `npm run docs:check`: the docs checks CI runs after `npm test` (which built dist/).
//  1. docs/api.md matches the TSDoc in src/ (else: run `npm run docs:api`), and every
//     export has a summary and an @example;
//  2. every TypeScript block of README.md and docs/**/*.md type-checks against dist/;
//  3. every relative link in those files points at a file that exists.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { runApi } from './api.mjs'
import { ROOT, docFiles, runExampleCheck } from './check-examples.mjs'
import { relativeLinks } from './markdown.mjs'

let failed = 0
if (runApi({ check: true })) failed++

const files = docFiles()
try {
  if (runExampleCheck(files)) failed++
} catch (e) {
  console.error(`docs examples: ${e instanceof Error ? e.message : e}`)
  failed++
}

let broken = 0
for (const md of files) {
  for (const { target, line } of relativeLinks(readFileSync(md, 'utf8'))) {
    const path = decodeURIComponent(target.split('#')[0] ?? '')
    if (path && !existsSync(resolve(dirname(md), path))) {
      console.error(`${relative(ROOT, md)}:${line}: broken link to ${target}`)
      broken++
    }
  }
}
console.log(`links: ${broken} broken relative link${broken === 1 ? '' : 's'} in ${files.length} files`)
if (broken) failed++

console.log(failed ? 'docs:check failed' : 'docs:check passed')
process.exit(failed ? 1 : 0)
