// Generates docs/api.md, the API reference, from the TSDoc of every name exported by
// src/index.ts (TypeScript compiler API). Fails, listing them, when an export has no
// summary or no @example.
//
//   node scripts/docs/api.mjs           write docs/api.md          (npm run docs:api)
//   node scripts/docs/api.mjs --check   compare with docs/api.md   (part of npm run docs:check)
//   node scripts/docs/api.mjs --draft   write it even with undocumented exports (to preview; exits 1)
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const API_MD = join(ROOT, 'docs/api.md')

/** Section of the reference for each source folder or file, in reading order. */
const SECTIONS = [
  ['src/jwt/', 'JWT'],
  ['src/jws/', 'JWS (arbitrary payloads)'],
  ['src/keys/', 'Keys'],
  ['src/jwks/', 'Key sets (JWKS)'],
  ['src/oauth/', 'OAuth 2.0 and OpenID Connect'],
  ['src/errors.ts', 'Errors'],
  ['src/types.ts', 'Types'],
]
const OTHER = 'Other'

const printer = ts.createPrinter({ removeComments: true })

function program() {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile)
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT)
  return ts.createProgram([join(ROOT, 'src/index.ts')], { ...options, noEmit: true })
}

/** The last JSDoc block above a declaration (for a `const`, above its statement). */
function jsDocOf(decl) {
  const docs = ts.getJSDocCommentsAndTags(decl).filter(ts.isJSDoc)
  return docs[docs.length - 1]
}

const text = (comment) => (ts.getTextOfJSDocComment(comment) ?? '').trim()

/** Summary, @param texts, @returns, @example blocks and other tags of one declaration. */
function readDoc(decl) {
  const doc = jsDocOf(decl)
  const out = { summary: '', params: new Map(), returns: '', examples: [], throws: [], see: [], deprecated: undefined }
  if (!doc) return out
  out.summary = text(doc.comment)
  for (const tag of doc.tags ?? []) {
    const name = tag.tagName.text
    if (ts.isJSDocParameterTag(tag)) out.params.set(tag.name.getText(), text(tag.comment).replace(/^-\s*/, ''))
    else if (name === 'returns' || name === 'return') out.returns = text(tag.comment)
    else if (name === 'example') out.examples.push(exampleText(tag))
    else if (name === 'throws') out.throws.push(text(tag.comment))
    else if (name === 'see') out.see.push(text(tag.comment))
    else if (name === 'deprecated') out.deprecated = text(tag.comment)
  }
  return out
}

/** An @example's text as written (the raw source keeps the fence and indentation exact). */
function exampleText(tag) {
  const raw = tag.getSourceFile().text.slice(tag.tagName.end, tag.end)
  const lines = raw.split('\n').map((l) => l.replace(/^\s*\* ?/, ''))
  lines[0] = raw.split('\n')[0]
  return lines.join('\n').replace(/\s*\*?\/?\s*$/, '').trim()
}

/** Declaration text without comments, bodies or the `export` keyword. */
function signatureOf(name, decl, checker) {
  const sf = decl.getSourceFile()
  if (ts.isFunctionDeclaration(decl)) {
    const copy = ts.factory.updateFunctionDeclaration(decl, stripExport(decl.modifiers), decl.asteriskToken, decl.name,
      decl.typeParameters, decl.parameters, decl.type, undefined)
    return printer.printNode(ts.EmitHint.Unspecified, copy, sf).replace(/;$/, '')
  }
  if (ts.isClassDeclaration(decl)) {
    const members = decl.members.filter((m) => !hasModifier(m, ts.SyntaxKind.PrivateKeyword) && !(m.name && ts.isComputedPropertyName(m.name)))
      .map((m) => {
        // `declare` only tells the compiler not to emit a field; the public shape is the same.
        if (ts.isPropertyDeclaration(m)) return ts.factory.updatePropertyDeclaration(m, m.modifiers?.filter((x) => x.kind !== ts.SyntaxKind.DeclareKeyword), m.name, m.questionToken, m.type, undefined)
        if (ts.isMethodDeclaration(m)) return ts.factory.updateMethodDeclaration(m, m.modifiers, m.asteriskToken, m.name, m.questionToken, m.typeParameters, m.parameters, m.type, undefined)
        if (ts.isConstructorDeclaration(m)) return ts.factory.updateConstructorDeclaration(m, m.modifiers, m.parameters, undefined)
        if (ts.isGetAccessorDeclaration(m)) return ts.factory.updateGetAccessorDeclaration(m, m.modifiers, m.name, m.parameters, m.type, undefined)
        return m
      })
    const copy = ts.factory.updateClassDeclaration(decl, stripExport(decl.modifiers), decl.name, decl.typeParameters, decl.heritageClauses, members)
    return printer.printNode(ts.EmitHint.Unspecified, copy, sf).replace(/\{\s*\}$/, '{}')
  }
  if (ts.isInterfaceDeclaration(decl)) {
    const copy = ts.factory.updateInterfaceDeclaration(decl, stripExport(decl.modifiers), decl.name, decl.typeParameters, decl.heritageClauses, decl.members)
    return printer.printNode(ts.EmitHint.Unspecified, copy, sf)
  }
  if (ts.isTypeAliasDeclaration(decl)) {
    const copy = ts.factory.updateTypeAliasDeclaration(decl, stripExport(decl.modifiers), decl.name, decl.typeParameters, decl.type)
    return printer.printNode(ts.EmitHint.Unspecified, copy, sf)
  }
  if (ts.isVariableDeclaration(decl)) {
    const type = decl.type ? decl.type.getText() : checker.typeToString(checker.getTypeAtLocation(decl), decl, ts.TypeFormatFlags.NoTruncation)
    return `const ${name}: ${type}`
  }
  return `${ts.SyntaxKind[decl.kind]} ${name}`
}

const DROPPED = new Set([ts.SyntaxKind.ExportKeyword, ts.SyntaxKind.DefaultKeyword, ts.SyntaxKind.AsyncKeyword, ts.SyntaxKind.DeclareKeyword])
const stripExport = (mods) => mods?.filter((m) => !DROPPED.has(m.kind))
const hasModifier = (node, kind) => !!ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === kind)

function kindOf(decl) {
  if (ts.isFunctionDeclaration(decl)) return 'function'
  if (ts.isClassDeclaration(decl)) return 'class'
  if (ts.isInterfaceDeclaration(decl)) return 'interface'
  if (ts.isTypeAliasDeclaration(decl)) return 'type'
  if (ts.isVariableDeclaration(decl)) return 'const'
  return 'declaration'
}

/** Documented members of an interface or class (properties and methods with TSDoc). */
function membersOf(decl) {
  if (!ts.isInterfaceDeclaration(decl) && !ts.isClassDeclaration(decl)) return []
  const out = []
  for (const m of decl.members) {
    if (!m.name || ts.isComputedPropertyName(m.name) || hasModifier(m, ts.SyntaxKind.PrivateKeyword) || ts.isConstructorDeclaration(m)) continue
    const doc = jsDocOf(m)
    const type = 'type' in m && m.type ? m.type.getText() : ''
    out.push({ name: m.name.getText() + ('questionToken' in m && m.questionToken ? '?' : ''), type, summary: doc ? text(doc.comment) : '' })
  }
  return out
}

/** Parameters of a function export, with their @param text. */
function paramsOf(decl, doc) {
  if (!ts.isFunctionDeclaration(decl)) return []
  return decl.parameters.map((p) => ({
    name: p.name.getText() + (p.questionToken || p.initializer ? '?' : ''),
    type: p.type ? p.type.getText() : '',
    summary: doc.params.get(p.name.getText()) ?? '',
  }))
}

/** Every export of src/index.ts, in the order index.ts lists them. */
export function collect() {
  const prog = program()
  const checker = prog.getTypeChecker()
  const index = prog.getSourceFile(join(ROOT, 'src/index.ts'))
  const moduleSymbol = checker.getSymbolAtLocation(index)
  const exports = checker.getExportsOfModule(moduleSymbol)
  const order = (s) => {
    const d = s.declarations?.[0]
    return d && d.getSourceFile() === index ? d.getStart() : Number.MAX_SAFE_INTEGER
  }
  const entries = []
  const problems = []
  for (const sym of [...exports].sort((a, b) => order(a) - order(b))) {
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym
    const decls = target.declarations ?? []
    // Overloads: document the declaration that carries the TSDoc, show every signature.
    const decl = decls.find((d) => jsDocOf(d)) ?? decls[0]
    if (!decl) { problems.push(`${sym.name}: no declaration found`); continue }
    const file = relative(ROOT, decl.getSourceFile().fileName).replaceAll('\\', '/')
    const doc = readDoc(decl)
    if (!doc.summary) problems.push(`${sym.name} (${file}): no TSDoc summary`)
    if (doc.examples.length === 0) problems.push(`${sym.name} (${file}): no @example`)
    const signatures = decls.filter((d) => !(ts.isFunctionDeclaration(d) && d.body && decls.length > 1)).map((d) => signatureOf(sym.name, d, checker))
    const section = SECTIONS.find(([prefix]) => file === prefix || file.startsWith(prefix))?.[1] ?? OTHER
    entries.push({ name: sym.name, kind: kindOf(decl), file, section, doc, signatures, params: paramsOf(decl, doc), members: membersOf(decl) })
  }
  return { entries, problems }
}

const cell = (s) => s.replace(/\|/g, '\\|').replace(/\n+/g, ' ')
const anchor = (name) => name.toLowerCase().replace(/[^a-z0-9_-]/g, '')

/** The Markdown of docs/api.md. */
export function render(entries) {
  const sections = [...SECTIONS.map(([, title]) => title), OTHER]
    .map((title) => ({ title, items: entries.filter((e) => e.section === title) }))
    .filter((s) => s.items.length)
  const out = [
    '# API reference',
    '',
    '<!-- Generated by `npm run docs:api` (scripts/docs/api.mjs) from the TSDoc in src/. Do not edit: edit the comments and regenerate. -->',
    '',
    'Every name exported by `isojwt`, generated from the TSDoc comments in `src/`. For the',
    'task-oriented guides start at the [docs index](README.md). Every example below is',
    'type-checked against the built package by `npm run docs:check`.',
    '',
  ]
  for (const s of sections) out.push(`- **${s.title}**: ${s.items.map((e) => `[\`${e.name}\`](#${anchor(e.name)})`).join(', ')}`)
  for (const s of sections) {
    out.push('', `## ${s.title}`)
    for (const e of s.items) {
      // The repository's copy: docs/ ships in the npm package, src/ does not (test/package/run.mjs).
      out.push('', `### ${e.name}`, '', `*${e.kind}*, from [\`${e.file}\`](https://github.com/isojwt/isojwt/blob/main/${e.file})`, '')
      for (const sig of e.signatures) out.push('```ts signature', sig, '```', '')
      if (e.doc.deprecated !== undefined) out.push(`**Deprecated.** ${e.doc.deprecated}`, '')
      out.push(e.doc.summary)
      if (e.params.some((p) => p.summary)) {
        out.push('', '| parameter | type | description |', '| --- | --- | --- |')
        for (const p of e.params) out.push(`| \`${p.name}\` | \`${cell(p.type)}\` | ${cell(p.summary)} |`)
      }
      if (e.doc.returns) out.push('', `**Returns** ${e.doc.returns}`)
      const documented = e.members.filter((m) => m.summary)
      if (documented.length) {
        out.push('', '| member | type | description |', '| --- | --- | --- |')
        for (const m of documented) out.push(`| \`${m.name}\` | ${m.type ? `\`${cell(m.type)}\`` : ''} | ${cell(m.summary)} |`)
      }
      for (const t of e.doc.throws) out.push('', `**Throws** ${t}`)
      for (const t of e.doc.see) out.push('', `**See** ${t}`)
      for (const ex of e.doc.examples) out.push('', '**Example**', '', ex)
    }
  }
  return `${out.join('\n')}\n`
}

/** Generate; in check mode compare with the committed file. Returns the exit code. */
export function runApi({ check = false, draft = false } = {}) {
  const { entries, problems } = collect()
  if (draft && !check) {
    for (const p of problems) console.error(`  draft, not documented: ${p}`)
    writeFileSync(API_MD, render(entries))
    console.log(`API reference: wrote a DRAFT docs/api.md (${problems.length} problems; not for committing)`)
    return problems.length ? 1 : 0
  }
  if (problems.length) {
    console.error(`API reference: ${problems.length} export${problems.length === 1 ? '' : 's'} not documented (every export needs a TSDoc summary and an @example):`)
    for (const p of problems) console.error(`  ${p}`)
    return 1
  }
  const md = render(entries)
  if (!check) {
    writeFileSync(API_MD, md)
    console.log(`API reference: wrote docs/api.md (${entries.length} exports)`)
    return 0
  }
  const committed = existsSync(API_MD) ? readFileSync(API_MD, 'utf8') : ''
  if (committed === md) {
    console.log(`API reference: docs/api.md is up to date (${entries.length} exports)`)
    return 0
  }
  const a = committed.split('\n')
  const b = md.split('\n')
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  console.error(`API reference: docs/api.md is out of date with the TSDoc in src/: run \`npm run docs:api\` and commit docs/api.md.`)
  console.error(`  first difference at docs/api.md:${i + 1}`)
  console.error(`  committed: ${a[i] === undefined ? '(end of file)' : JSON.stringify(a[i])}`)
  console.error(`  generated: ${b[i] === undefined ? '(end of file)' : JSON.stringify(b[i])}`)
  return 1
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exit(runApi({ check: process.argv.includes('--check'), draft: process.argv.includes('--draft') }))
}
