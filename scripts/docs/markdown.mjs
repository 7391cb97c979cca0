// Fenced code blocks and relative links of a Markdown file, with 1-based line numbers,
// for the docs checks (check-examples.mjs, links in check.mjs).

/**
 * Every fenced block (``` or ~~~, three or more) with its info string split into the
 * language and the remaining words (tags such as `nocheck`). `line` is the line of the
 * block's first code line, so a diagnostic at block line n is at `line + n - 1`.
 * @param {string} text
 * @returns {{ lang: string, tags: string[], line: number, code: string }[]}
 */
export function codeBlocks(text) {
  const lines = text.split('\n')
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i])
    if (!open) continue
    const fence = open[2]
    const [lang = '', ...tags] = open[3].trim().split(/\s+/).filter(Boolean)
    const body = []
    let j = i + 1
    for (; j < lines.length; j++) {
      const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`)
      if (close.test(lines[j])) break
      body.push(lines[j].startsWith(open[1]) ? lines[j].slice(open[1].length) : lines[j])
    }
    blocks.push({ lang: lang.toLowerCase(), tags, line: i + 2, code: body.join('\n') })
    i = j
  }
  return blocks
}

/** The blocks the example checker type-checks: ts / typescript without a skip tag. */
export function isCheckedTs(block) {
  return (block.lang === 'ts' || block.lang === 'typescript') && !block.tags.includes('nocheck') && !block.tags.includes('signature')
}

/**
 * Relative link targets outside code blocks and inline code: `[text](target)`, with the
 * line they are on. External (scheme:) links are left out, and same-page (#…) ones unless asked for.
 * @param {string} text
 * @returns {{ target: string, line: number }[]}
 */
export function relativeLinks(text, { samePage = false } = {}) {
  const out = []
  let inFence = false
  text.split('\n').forEach((raw, i) => {
    if (/^ {0,3}(`{3,}|~{3,})/.test(raw)) inFence = !inFence
    if (inFence) return
    const line = raw.replace(/`[^`]*`/g, '')
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1]
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || (target.startsWith('#') && !samePage)) continue
      out.push({ target, line: i + 1 })
    }
  })
  return out
}

/**
 * The anchors a Markdown page offers: its headings as GitHub slugs them (lower case,
 * punctuation dropped, spaces to dashes, `-1`, `-2`… on repeats) and `<a id>`/`<a name>`.
 * @param {string} text
 * @returns {Set<string>}
 */
export function anchors(text) {
  const out = new Set()
  const seen = new Map()
  let inFence = false
  for (const raw of text.split('\n')) {
    if (/^ {0,3}(`{3,}|~{3,})/.test(raw)) inFence = !inFence
    if (inFence) continue
    for (const m of raw.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1])
    const h = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw)
    if (!h) continue
    const plain = h[1].replace(/<[^>]*>/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*\\]/g, '')
    const base = plain.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}
