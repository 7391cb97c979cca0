// Which files the packed package must hold: what package.json points at, and what those
// files import, nothing more (used by test/package/run.mjs).
import { existsSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'

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
 * that give node10 resolution its subpaths), the files those import, and README.md,
 * LICENSE, package.json.
 */
export function neededFiles(pkgDir, pkg) {
  const needed = new Set(['package.json', 'README.md', 'LICENSE'])
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
