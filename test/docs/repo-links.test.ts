/**
 * Links from the docs to repository files that npm does not ship (ARCHITECTURE.md, bench/,
 * examples/, src/) are absolute links to the repository (package.json `repository`), so they
 * work in the installed package too (test/package/run.mjs checks the relative ones). This
 * checks that each such link names a file or folder that exists here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } }
const WEB = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')
const MARKDOWN = ['README.md', ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]

/** `[text](WEB/blob|tree/main/path#anchor)` targets of one file, as [line, path]. */
function repoLinks(text: string): [number, string][] {
  const prefix = `](${WEB}/`
  const out: [number, string][] = []
  text.split('\n').forEach((line, i) => {
    for (let at = line.indexOf(prefix); at >= 0; at = line.indexOf(prefix, at + 1)) {
      const target = line.slice(at + prefix.length).split(/[)\s]/)[0]!
      const m = /^(?:blob|tree)\/main\/([^#?]+)/.exec(target)
      if (m) out.push([i + 1, decodeURIComponent(m[1]!)])
    }
  })
  return out
}

describe('docs: links into the repository', () => {
  it('the repository URL is an https GitHub URL', () => expect(WEB).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/))

  it('README.md and docs/ link to the repository and every such link names an existing path', () => {
    const broken: string[] = []
    let seen = 0
    for (const md of MARKDOWN) {
      for (const [line, path] of repoLinks(readFileSync(join(ROOT, md), 'utf8'))) {
        seen++
        if (!existsSync(join(ROOT, path))) broken.push(`${md}:${line}: ${path}`)
      }
    }
    expect(broken).toEqual([])
    expect(seen).toBeGreaterThan(10) // README's links to ARCHITECTURE.md, bench/, examples/, and api.md's to src/
  })

  it('the checker sees a broken link', () => {
    expect(repoLinks(`see [x](${WEB}/blob/main/no/such/file.md#a) and [y](${WEB}/tree/main/src)`)).toEqual([[1, 'no/such/file.md'], [1, 'src']])
  })
})
