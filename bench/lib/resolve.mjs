// Where 'isojwt' and 'isojwt/web' lead, read from the repo's package.json `exports` with a
// runtime's conditions (first match wins, in the map's own key order, as Node, Deno and
// Bun resolve them). The bench's files sit under bench/package.json, so a bare
// import('isojwt') from here would not self-reference the repo; resolving the map
// ourselves keeps each contender on the file a user of that runtime gets, also once the
// `node` condition leads to a node:crypto backend.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const REPO = fileURLToPath(new URL('../..', import.meta.url))

/** Node's conditions for an ESM import (module-sync where this Node has require(esm)). */
export const NODE_IMPORT = ['node', ...(process.features?.require_module ? ['module-sync'] : []), 'import', 'default']
export const DENO_IMPORT = ['deno', 'import', 'default']
export const BUN_IMPORT = ['bun', 'import', 'default']

function pick(target, conditions) {
  if (typeof target === 'string') return target
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = pick(t, conditions)
      if (r !== undefined) return r
    }
    return undefined
  }
  if (target && typeof target === 'object') {
    for (const key of Object.keys(target)) {
      if (key === 'default' || conditions.includes(key)) {
        const r = pick(target[key], conditions)
        if (r !== undefined) return r
      }
    }
  }
  return undefined
}

/** The file URL that `import('isojwt' + subpath)` reaches under `conditions`. */
export function resolveIsojwt(subpath = '.', conditions = NODE_IMPORT) {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'))
  let exp = pkg.exports
  if (typeof exp === 'string' || Array.isArray(exp) || !Object.keys(exp).some((k) => k.startsWith('.'))) exp = { '.': exp }
  const target = pick(exp[subpath], conditions)
  if (!target) throw new Error(`package.json exports has no ${subpath} target for [${conditions}]`)
  return pathToFileURL(join(REPO, target)).href
}
