// Which files the packed package must hold: what package.json points at, what those
// files import, and the Markdown docs, nothing more (used by test/package/run.mjs).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'
import { relativeLinks } from '../../scripts/docs/markdown.mjs'

/** Every file under `dir` (relative to `root`, POSIX separators), sorted. */
export function filesUnder(root, dir) {
  if (!existsSync(join(root, dir))) return []
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)).split(sep).join('/'))
    .sort()
}

/**
 * Relative links of the shipped Markdown files (README.md, docs/**) whose target is not a
 * shipped file: what an npm user reading the installed docs would find broken. Anchors are
 * dropped; a link that leaves the package (`../..`) is broken too.
 */
export function brokenDocLinks(pkgDir, shipped) {
  const have = new Set(shipped)
  const broken = []
  for (const md of shipped.filter((f) => f.endsWith('.md') && (f === 'README.md' || f.startsWith('docs/')))) {
    for (const { target, line } of relativeLinks(readFileSync(join(pkgDir, md), 'utf8'))) {
      const path = decodeURIComponent(target.split('#')[0] ?? '')
      if (!path) continue
      const to = posix.normalize(posix.join(posix.dirname(md), path)).replace(/\/$/, '')
      if (!have.has(to)) broken.push(`${md}:${line}: ${target}`)
    }
  }
  return broken
}

/** Every string leaf of an exports map (types included). */
export function exportTargets(node, out = []) {
  if (typeof node === 'string') out.push(node)
  else if (node && typeof node === 'object') for (const v of Object.values(node)) exportTargets(v, out)
  return out
}

/** Relative specifiers a JS or .d.ts file loads (static/dynamic import, export from, require, reference path). */
function relativeImports(text) {
  const found = []
  const patterns = [
    /\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g,
    /\brequire\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
    /\/\/\/\s*<reference\s+path\s*=\s*['"]([^'"]+)['"]/g,
  ]
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[1])
  return found
}

/**
 * The files a user of the installed package can reach: every target named by package.json
 * (exports, main, module, types, bin, and the legacy `<subpath>/package.json` stubs
 * that give node10 resolution its subpaths), the files those import, README.md,
 * LICENSE, package.json, and `docs` (the repository's docs/ files, which the README links to).
 */
export function neededFiles(pkgDir, pkg, docs = []) {
  const needed = new Set(['package.json', 'README.md', 'LICENSE', ...docs])
  const queue = []
  const add = (base, rel) => {
    const p = posix.normalize(posix.join(base, rel))
    if (!needed.has(p)) {
      needed.add(p)
      queue.push(p)
    }
  }
  for (const t of exportTargets(pkg.exports)) add('.', t)
  for (const field of ['main', 'module', 'types', 'typings']) if (typeof pkg[field] === 'string') add('.', pkg[field])
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {})
  for (const b of bins) add('.', b)
  for (const subpath of Object.keys(pkg.exports ?? {})) {
    const stub = posix.join(subpath, 'package.json')
    if (subpath === '.' || subpath === './package.json' || !existsSync(join(pkgDir, stub))) continue
    add('.', stub)
    const stubPkg = JSON.parse(readFileSync(join(pkgDir, stub), 'utf8'))
    for (const field of ['main', 'module', 'types', 'typings']) if (typeof stubPkg[field] === 'string') add(posix.dirname(stub), stubPkg[field])
  }
  while (queue.length > 0) {
    const file = queue.shift()
    if (!/\.(c|m)?js$|\.d\.(c|m)?ts$/.test(file) || !existsSync(join(pkgDir, file))) continue
    for (const spec of relativeImports(readFileSync(join(pkgDir, file), 'utf8'))) add(posix.dirname(file), spec)
  }
  return needed
}
