// What a feature costs in a bundle: esbuild over a scratch copy of src/ with the feature
// taken out (each one a text edit that must match), against the same copy untouched.
// Used for issue 15's budget (what the newcomer fixes add to sign + verify and decode).
//   node scripts/size-features.mjs            every feature, alone and all together, and all together
//                                             with their messages cut to one letter (the code alone)
import { build } from 'esbuild'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Each feature: [file, text, replacement] edits that remove it (the text must occur once).
 * An edit takes out all of the feature's code, callers and option names included (what the
 * code was without it), so a cost is never understated; code the feature only uses and
 * that nothing else needs (runSchema, …) goes with tree-shaking.
 */
const FEATURES = {
  'paste explanations': [['src/jws/compact.ts', /(?<=export function parseExplained\(token: unknown, maxLength: number\): CompactParts {\n)[\s\S]*\n}\n$/, '  return new Parts(token as string, split(token, maxLength))\n}\n']],
  'schema': [
    ['src/jwt/verify.ts', "'maxTokenLength', 'schema']", "'maxTokenLength']"],
    ['src/jwt/verify.ts', /  \/\/ options\.schema: .*\n  const s = .*\n/, ''],
    ['src/jwt/verify.ts', /    schema: schema === undefined .*\n/, ''],
    ['src/jwt/verify.ts', 'compileClaims(o), o.schema,', 'compileClaims(o), undefined,'],
    ['src/jwt/verify.ts', 'plan.schema ? { ...r, payload: await runSchema(plan.schema, r.payload) } : r', 'r'],
    ['src/jwt/verify.ts', 'payload: plan.schema ? await runSchema(plan.schema, r.payload) : r.payload', 'payload: r.payload'],
    ['src/jwt/verify.ts', 'o.maxTokenLength, o.schema]', 'o.maxTokenLength]'],
  ],
  'callback check': [
    ['src/jwt/sign.ts', 'planOneShot, arguments[3])', 'planOneShot)'],
    ['src/jwt/verify.ts', 'planVerify, arguments[3])', 'planVerify)'],
    ['src/jose/options.ts', /, callback\?: unknown\): P {\n.*\n/, '): P {\n'],
  ],
  'option hints': [
    ['src/jose/options.ts', /const FOREIGN[\s\S]*?\nexport function foreignHint[\s\S]*?\n}\n/, 'export const foreignHint = undefined\n'],
    // its callers; the readers' tip parameter stays: the resource server's dpopNonce reader
    // (src/oauth/nonce.ts) names its options with it, so it is not this feature's alone
    ['src/jose/options.ts', "readValues(options, names, foreignHint, slot.read)", "readValues(options, names, undefined, slot.read)"],
    ['src/jwt/sign.ts', 'readOptions(options, SIGN_OPTIONS, foreignHint)', 'readOptions(options, SIGN_OPTIONS)'],
    ['src/jwt/prepared.ts', "'cache', 'cacheTtl'] as const, foreignHint)", "'cache', 'cacheTtl'] as const)"],
    ['src/oauth/profile.ts', 'readOptions(options, names, foreignHint)', 'readOptions(options, names)'],
  ],
  'JWK Set hint': [['src/keys/jwk.ts', "Array.isArray(jwk.keys) ? 'use createLocalJwks for a JWK Set' : 'JWK \"kty\" must be a string'", "'JWK \"kty\" must be a string'"]],
  'PEM \\n escapes': [['src/keys/pem.ts', "trimKeyText(pem.replace(/\\\\[rn]/g, ' '))", 'trimKeyText(pem)']],
  'PKCS#1/SEC1 wrapping': [
    // `includes('PUBLIC')` is there for RSA PUBLIC KEY only.
    ['src/keys/der.ts', "const spki = label.includes('PUBLIC')", "const spki = label === 'PUBLIC KEY'"],
    ['src/keys/der.ts', /  if \(label\.length > 11\) {\n[\s\S]*?\n  }\n(?=  return keyInfo\(der, spki)/, "  if (label.length > 11) fail('ERR_KEY_INVALID', 'unsupported PEM label')\n"],
  ],
}

/**
 * The features' own message texts, each cut to one letter: with them, "all of them" is
 * what the features' code costs without its words (the floor a shorter wording can reach).
 */
const MESSAGES = [
  ['src/jws/compact.ts', "bad('the token is empty')", "bad('x')"],
  ['src/jws/compact.ts', '`starts with "${m[1]}"`', "'x'"],
  ...['has quotes', 'has whitespace'].map((m) => ['src/jws/compact.ts', `'${m}'`, "'x'"]),
  ['src/jws/compact.ts', '`the token ${', '`${'],
  ['src/jws/compact.ts', '}: pass the bare token`', '}`'],
  ['src/jose/options.ts', "invalid('isojwt returns promises')", "invalid('x')"],
  ['src/jose/options.ts', "'jwtId|compare payload.jti'", "'jwtId|x y'"],
  ...['verify checks exp', 'verify checks nbf', 'use clockTolerance, or decode', 'verify returns the header too']
    .map((m) => ['src/jose/options.ts', `'${m}'`, "'x y'"]),
  ['src/jose/options.ts', '`: use ${h}`', 'h'],
  ['src/jwt/verify.ts', "'options.schema must be a Standard Schema'", "'x'"],
  ['src/jwt/schema.ts', "'options.schema failed'", "'x'"],
  ['src/keys/jwk.ts', "'use createLocalJwks for a JWK Set'", "'x'"],
  ['src/keys/der.ts', "'EC PRIVATE KEY: needs a named curve'", "'x'"],
]

const ENTRIES = { 'sign + verify': 'sign, verify', decode: 'decode' }

async function size(dir, names) {
  const out = await build({
    stdin: { contents: `export { ${names} } from "./src/index.ts"`, resolveDir: dir, loader: 'ts' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'error',
  })
  return gzipSync(out.outputFiles[0].contents, { level: 9 }).length
}

function copy(edits) {
  const dir = mkdtempSync(join(tmpdir(), 'isojwt-features-'))
  cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true })
  cpSync(join(root, 'package.json'), join(dir, 'package.json'))
  for (const [file, from, to] of edits) {
    const path = join(dir, file)
    const text = readFileSync(path, 'utf8')
    const hits = typeof from === 'string' ? text.split(from).length - 1 : (text.match(from) ? 1 : 0)
    if (hits !== 1) throw new Error(`${file}: the edit matched ${hits} times (the feature's code changed: update FEATURES)`)
    writeFileSync(path, text.replace(from, () => to))
  }
  return dir
}

const base = copy([])
const rows = []
const all = Object.values(FEATURES).flat()
for (const [feature, edits] of [...Object.entries(FEATURES), ['all of them', all]]) {
  const dir = copy(edits)
  const row = { feature }
  for (const [entry, names] of Object.entries(ENTRIES)) row[entry] = (await size(base, names)) - (await size(dir, names))
  rows.push(row)
  rmSync(dir, { recursive: true })
}
// Against the same removal, a copy whose feature messages are one letter each: the code alone.
const terse = copy(MESSAGES)
const removed = copy(all)
const row = { feature: 'all of them, messages one letter' }
for (const [entry, names] of Object.entries(ENTRIES)) row[entry] = (await size(terse, names)) - (await size(removed, names))
rows.push(row)
for (const dir of [base, terse, removed]) rmSync(dir, { recursive: true })
console.table(rows)
