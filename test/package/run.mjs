// `npm run test:package`: the package as npm ships it. Packs the repo (dist/ must be
// built: `npm test` builds it), installs the tarball into a fresh scratch project outside
// the repo (zero dependencies: no network) and checks there, as a user would meet it:
// - the tarball holds exactly what users need (entry points, the files they import, README,
//   docs/, LICENSE, package.json) and declares no runtime dependency;
// - every relative link of the packed README.md and docs/**/*.md leads to a packed file, and
//   package.json has the repository, homepage and bugs fields the registry shows;
// - `import` and `require` of 'isojwt' and 'isojwt/web' load the right build and backend,
//   round-trip tokens, and isJoseError works across the four copies (app/*.mjs, app/*.cjs);
// - TypeScript consumers type-check under node16 (ESM and CJS), bundler and node10
//   resolution, and deliberate type errors are reported (consumers.mjs);
// - publint (every level, strict) and @arethetypeswrong/cli report nothing;
// - the CLI runs through `npx` (when package.json has a `bin`);
// - jsr.json: `deno publish --dry-run`, offline (deno from test/runtimes/tools), and the
//   JSR sources get the WebCrypto backend (`#backend` unfurled to ./webcrypto.ts).
// Ends with `package: N passed, N failed`; exits 1 on any failure.
// Usage: node test/package/run.mjs [--keep]   (--keep: leave the scratch folder)
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { consumers } from './consumers.mjs'
import { brokenDocLinks, exportTargets, filesUnder, neededFiles } from './files.mjs'
import { assert, check, counts, record, run as runIn, runOk as runOkIn, section } from './harness.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const HERE = join(ROOT, 'test/package')
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')
const ATTW = join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js')
const TOOLS_DIR = join(ROOT, 'test/runtimes/tools')
const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error']
const KEEP = process.argv.includes('--keep')
// Commands run in the repo unless told otherwise.
/** The build each runtime's export condition must select (the first key that matches wins). */
const BUILD_OF_CONDITION = [
  ['node', 'node'], ['bun', 'node'], ['deno', 'index'], ['workerd', 'index'], ['worker', 'index'],
  ['browser', 'index'], ['edge-light', 'index'], ['default', 'index'],
]

/** The target an exports-map entry gives for `conditions`, as a resolver reads it: the first matching key, in order, wins. */
function conditionTarget(node, conditions) {
  if (typeof node === 'string') return node
  for (const [key, value] of Object.entries(node)) {
    if (key === 'types' || !(key === 'default' || conditions.includes(key))) continue
    const found = conditionTarget(value, conditions)
    if (found !== undefined) return found
  }
  return undefined
}

const run = (cmd, args, options = {}) => runIn(cmd, args, { cwd: ROOT, ...options })
const runOk = (cmd, args, options = {}) => runOkIn(cmd, args, { cwd: ROOT, ...options })

/** The deno binary from test/runtimes/tools, installing that folder (as prepare.mjs does) when absent. */
async function findDeno() {
  const find = () => {
    const dir = join(TOOLS_DIR, 'node_modules/@deno')
    for (const pkg of existsSync(dir) ? readdirSync(dir).sort() : []) {
      if (existsSync(join(dir, pkg, 'deno'))) return join(dir, pkg, 'deno')
    }
    return undefined
  }
  if (find()) return find()
  console.log('(installing test/runtimes/tools for deno: npm ci)')
  await runOk('npm', ['ci', '--prefix', TOOLS_DIR, ...NPM_FLAGS], { timeoutS: 300 })
  // The stamp prepare.mjs writes after its own `npm ci`, so test:runtimes does not redo it.
  const hash = createHash('sha256').update(readFileSync(join(TOOLS_DIR, 'package-lock.json'))).digest('hex')
  writeFileSync(join(TOOLS_DIR, 'node_modules/.isojwt-lock-sha256'), hash)
  return find() ?? assert(false, `no @deno/*/deno under ${TOOLS_DIR} after npm ci`)
}

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'isojwt-package-')))
const appDir = join(scratch, 'app')
const installedDir = join(appDir, 'node_modules/isojwt')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

try {
  await main()
} catch (e) {
  record('the package test itself', false, e?.stack ?? String(e))
} finally {
  if (KEEP) console.log(`scratch project kept in ${scratch}`)
  else rmSync(scratch, { recursive: true, force: true })
}
section('done')
const { passed, failed } = counts()
console.log(`package: ${passed} passed, ${failed} failed`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)

async function main() {
  const missing = [...new Set(exportTargets(pkg.exports))].filter((t) => t.startsWith('./dist/') && !existsSync(join(ROOT, t)))
  if (missing.length > 0) {
    record('dist/ is built', false, `missing ${missing.join(', ')}: run \`npm run build\` (or \`npm test\`) first`)
    return
  }

  // Pack and install the tarball, as a user's `npm install isojwt` would.
  section('npm pack, npm install in a scratch project')
  const [packed] = JSON.parse((await runOk('npm', ['pack', '--json', '--pack-destination', scratch, ...NPM_FLAGS])).out)
  const tarball = join(scratch, packed.filename)
  console.log(`packed ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} kB`)
  mkdirSync(appDir)
  writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'isojwt-package-app', private: true }, null, 2) + '\n')
  // --offline: the package has no dependencies, so installing it must not need the registry.
  await runOk('npm', ['install', '--offline', ...NPM_FLAGS, `../${packed.filename}`], { cwd: appDir })
  for (const f of readdirSync(join(HERE, 'app'))) cpSync(join(HERE, 'app', f), join(appDir, f))
  const shipped = packed.files.map((f) => f.path).sort()

  await check('the tarball holds exactly what users need', () => {
    const needed = neededFiles(installedDir, JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8')), filesUnder(ROOT, 'docs'))
    const absent = [...needed].filter((f) => !shipped.includes(f))
    const extra = shipped.filter((f) => !needed.has(f))
    assert(absent.length === 0 && extra.length === 0,
      `${absent.length ? `needed but not shipped: ${absent.join(', ')}\n` : ''}${extra.length ? `shipped but not needed: ${extra.join(', ')}` : ''}\nshipped: ${shipped.join(', ')}`)
  })

  await check('docs/ is shipped, and every relative link of the packed README.md and docs/ leads to a packed file', () => {
    const docs = shipped.filter((f) => f.startsWith('docs/'))
    assert(docs.includes('docs/README.md') && docs.length === filesUnder(ROOT, 'docs').length, `shipped docs: ${docs.join(', ') || 'none'}`)
    const broken = brokenDocLinks(installedDir, shipped)
    assert(broken.length === 0, `links an npm user would find broken (link to the repository instead):\n${broken.join('\n')}`)
  })

  await check('package.json has repository, homepage and bugs for the registry page', () => {
    const installed = JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8'))
    const repo = installed.repository
    assert(repo?.type === 'git' && /^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/.test(repo.url ?? ''), `repository: ${JSON.stringify(repo)}`)
    const web = repo.url.slice(4, -4)
    assert(installed.homepage?.startsWith(web), `homepage ${installed.homepage} is not under ${web}`)
    assert(installed.bugs?.url === `${web}/issues`, `bugs: ${JSON.stringify(installed.bugs)}`)
  })

  await check('each runtime\'s export condition leads to its build: node:crypto for node and bun, WebCrypto elsewhere', () => {
    // API.md, Runtimes and backends; Bun measured faster with node:crypto (bench/RESULTS.md).
    const map = JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8')).exports
    for (const [condition, build] of BUILD_OF_CONDITION) {
      for (const [kind, ext] of [['import', 'js'], ['require', 'cjs']]) {
        const got = conditionTarget(map['.'], [condition, kind])
        assert(got === `./dist/${build}.${ext}`, `'${condition}' + '${kind}' leads to ${got}, expected ./dist/${build}.${ext}`)
      }
    }
    for (const kind of ['import', 'require']) {
      const got = conditionTarget(map['./web'], ['node', 'bun', kind])
      assert(got?.startsWith('./dist/index.'), `isojwt/web under '${kind}' leads to ${got}, expected the WebCrypto build`)
    }
  })

  await check('the builds are bundled with their backend: no `#backend` left, node:crypto in dist/node.*, not in dist/index.*', () => {
    // package.json `imports` picks the backend at build time (tsup.config.ts); nothing of it ships.
    const loadsCrypto = /(?:\bfrom\s*|\brequire\s*\(\s*)['"](?:node:)?crypto['"]/
    for (const file of shipped.filter((f) => /\.c?js$/.test(f))) {
      const text = readFileSync(join(installedDir, file), 'utf8')
      assert(!/['"]#backend['"]/.test(text), `${file} still imports #backend`)
      const expected = /^dist\/node\./.test(file) ? true : /^dist\/index\./.test(file) ? false : undefined
      if (expected !== undefined) assert(loadsCrypto.test(text) === expected, `${file} ${expected ? 'does not load' : 'loads'} node:crypto`)
    }
  })

  // API.md: isojwt/stores and isojwt/providers import the core through the package's root entry
  // (one copy of the core: one JoseError, one set of caches, one backend). Each entry's probe
  // makes it throw a JoseError at once, which must be the root's.
  const TOP = [
    ['stores', 's.redisReplayStore({})'],
    ['providers', "s.okta({ issuer: 'https://example.okta.com', audience: 'api' })"],
  ]
  for (const [sub, probe] of TOP) {
    await check(`isojwt/${sub} imports the core by its name and bundles none of it (dist/${sub}.*)`, async () => {
      const esm = readFileSync(join(installedDir, `dist/${sub}.js`), 'utf8')
      const cjs = readFileSync(join(installedDir, `dist/${sub}.cjs`), 'utf8')
      assert(/^import \{[^}]*\} from 'isojwt';$/m.test(esm), `dist/${sub}.js does not import from 'isojwt'`)
      assert(/\brequire\('isojwt'\)/.test(cjs), `dist/${sub}.cjs does not require('isojwt')`)
      for (const [file, text] of [[`dist/${sub}.js`, esm], [`dist/${sub}.cjs`, cjs]]) {
        // Markers of the core: its error class, its brand, its crypto calls, its base64url checks.
        for (const marker of [/class JoseError/, /Symbol\.for\(['"]isojwt\.JoseError/, /subtle\.(?:sign|verify|importKey)/, /#backend/, /\bfrom ['"]\.\//, /require\(['"]\.\//]) {
          assert(!marker.test(text), `${file} carries core code or a relative import (${marker})`)
        }
      }
      // Loaded from the installed package, both ways: its errors are the root's JoseError.
      for (const [entry, load] of [['esm', `const s = await import('isojwt/${sub}'); const r = await import('isojwt')`], ['cjs', `const s = require('isojwt/${sub}'); const r = require('isojwt')`]]) {
        const code = `${load}; try { ${probe} } catch (e) { console.log(e instanceof r.JoseError && e.code) }`
        const r = await run(process.execPath, entry === 'esm' ? ['--input-type=module', '-e', code] : ['-e', `(async () => { ${code} })()`], { cwd: appDir })
        assert(r.out.trim() === 'ERR_JOSE_INVALID_ARGUMENT', `${entry}: ${r.all}`)
      }
    })
  }

  await check('no runtime dependencies, no install scripts', () => {
    const installed = JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8'))
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies']) {
      assert(Object.keys(installed[field] ?? {}).length === 0, `package.json has ${field}: ${JSON.stringify(installed[field])}`)
    }
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) {
      assert(installed.scripts?.[script] === undefined, `package.json has a ${script} script`)
    }
  })

  // Runtime: the ESM and the CJS entry each load all four copies (app/checks.mjs).
  section('node: import and require')
  for (const entry of ['esm.mjs', 'cjs.cjs']) {
    const r = await run(process.execPath, [entry], { cwd: appDir })
    const lines = r.out.split('\n').filter((l) => /^(not )?ok /.test(l))
    for (const line of lines) {
      const ok = line.startsWith('ok ')
      record(`node ${line.slice(ok ? 3 : 7)}`, ok)
    }
    if (r.code !== 0 && !lines.some((l) => l.startsWith('not ok'))) record(`node ${entry}`, false, `exit ${r.code}\n${r.all}`)
    if (lines.length === 0) record(`node ${entry} ran its checks`, false, r.all)
  }

  // TypeScript consumers, checked with the repo's own tsc, two at a time.
  section('TypeScript consumers')
  const tsJobs = Object.entries(consumers).map(([name, c], i) => async () => {
    const dir = join(appDir, 'types', String(i))
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(c.tsconfig, null, 2) + '\n')
    for (const [file, text] of Object.entries(c.files)) writeFileSync(join(dir, file), text)
    const r = await run(process.execPath, [TSC, '-p', dir, '--pretty', 'false'], { cwd: appDir })
    const errors = [...r.out.matchAll(/^(?:.*\/)?([^/\n]+)\((\d+),\d+\): error (TS\d+)/gm)].map((m) => `${m[1]}(${m[2]}): ${m[3]}`)
    return () => {
      if (!c.expectErrors) {
        record(`TypeScript consumer, ${name}: no errors`, r.code === 0 && errors.length === 0, `tsc exit ${r.code}\n${r.out}`)
      } else {
        const same = errors.length === c.expectErrors.length && c.expectErrors.every((e) => errors.includes(e))
        record(`TypeScript consumer, ${name}: no errors but the deliberate ${c.expectErrors.join(', ')}`,
          r.code !== 0 && same, `tsc exit ${r.code}, errors: ${errors.join(', ') || 'none'}\n${r.out}`)
      }
    }
  })
  const reports = []
  for (let i = 0; i < tsJobs.length; i += 2) reports.push(...await Promise.all(tsJobs.slice(i, i + 2).map((job) => job())))
  for (const report of reports) report()

  section('publint, attw')
  await check('publint on the tarball: no messages (suggestions included, strict)', async () => {
    const { publint } = await import('publint')
    const { formatMessage } = await import('publint/utils')
    const bytes = readFileSync(tarball)
    const { messages, pkg: linted } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      level: 'suggestion',
      strict: true,
    })
    assert(linted.name === pkg.name, `publint read ${linted.name}`)
    assert(messages.length === 0, messages.map((m) => `${m.type}: ${formatMessage(m, linted, { color: false }) ?? m.code}`).join('\n'))
  })

  await check('@arethetypeswrong/cli on the tarball: no problems for node10, node16 (CJS, ESM), bundler', async () => {
    const r = await run(process.execPath, [ATTW, tarball, '--format', 'json', '--no-color'])
    const report = JSON.parse(r.out)
    const problems = Object.values(report.problems ?? {}).flat()
    assert(r.code === 0 && problems.length === 0, `exit ${r.code}\n${JSON.stringify(report.problems, null, 2)}`)
    // And it really resolved every subpath in every mode (an empty problem list over
    // nothing analysed would prove nothing).
    const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json')
    for (const s of subpaths) for (const mode of ['node10', 'node16-cjs', 'node16-esm', 'bundler']) {
      const res = report.analysis.entrypoints[s]?.resolutions?.[mode]
      assert(res?.resolution?.fileName && res?.implementationResolution?.fileName, `attw did not resolve ${s} under ${mode}`)
    }
  })

  await checkCli()
  await checkJsr()
}

/** The CLI through npx, in the scratch project (skipped, and said so, while package.json has no bin). */
async function checkCli() {
  if (!pkg.bin) {
    console.log('(no `bin` in package.json: CLI checks not run)')
    return
  }
  section('CLI through npx')
  // --no: never download (a registry package of that name must not stand in for ours);
  // `--` so that npx passes --help on instead of answering it itself.
  const npx = (args) => run('npx', ['--no', '--', 'isojwt', ...args], { cwd: appDir, env: { NO_COLOR: '1' } })
  const ok = (r, what) => assert(r.code === 0, `${what}: exit ${r.code}\n${r.all.trimEnd()}`)
  await check('npx isojwt --help', async () => {
    const r = await npx(['--help'])
    ok(r, 'isojwt --help')
    assert(/^Usage: isojwt /m.test(r.out) && /\bkeygen\b/.test(r.out), `unexpected help:\n${r.out}`)
  })
  await check('npx isojwt: keygen → sign → decode → verify, and a tampered token fails', async () => {
    ok(await npx(['keygen', 'ES256', '--private-out', 'cli-private.jwk', '--public-out', 'cli-public.jwk']), 'keygen')
    const privateJwk = JSON.parse(readFileSync(join(appDir, 'cli-private.jwk'), 'utf8'))
    const publicJwk = JSON.parse(readFileSync(join(appDir, 'cli-public.jwk'), 'utf8'))
    assert(privateJwk.kty === 'EC' && privateJwk.crv === 'P-256' && typeof privateJwk.d === 'string', 'keygen: the private JWK is not a P-256 key')
    assert(publicJwk.x === privateJwk.x && publicJwk.d === undefined, 'keygen: the public JWK is not the public half')
    const signed = await npx(['sign', '--key', 'cli-private.jwk', '--sub', 'cli-user', '--aud', 'package-test', '--exp', '5m'])
    ok(signed, 'sign')
    const token = signed.out.trim()
    const decoded = await npx(['decode', token, '--json'])
    ok(decoded, 'decode')
    const { header, payload } = JSON.parse(decoded.out)
    assert(header.alg === 'ES256' && payload.sub === 'cli-user' && payload.aud === 'package-test', `decode printed ${decoded.out}`)
    ok(await npx(['verify', token, '--key', 'cli-public.jwk', '--aud', 'package-test']), 'verify')
    const i = token.lastIndexOf('.') + 5
    const tampered = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1)
    const bad = await npx(['verify', tampered, '--key', 'cli-public.jwk', '--aud', 'package-test'])
    assert(bad.code !== 0 && /ERR_JWS_SIGNATURE_INVALID/.test(bad.err), `tampered token: exit ${bad.code}\n${bad.all}`)
  })
  await check('hardening 8: npx isojwt decode of a claim 16,000 arrays deep is bounded, escapes U+E0041, exits 0', async () => {
    const b64 = (text) => Buffer.from(text).toString('base64url')
    const token = `${b64('{"alg":"HS256"}')}.${b64(`{"tag":"a\u{E0041}","deep":${'['.repeat(16000)}${']'.repeat(16000)}}`)}.${b64('s')}`
    for (const args of [['decode', token, '--max-token-length', '50000'], ['decode', token, '--json', '--max-token-length', '50000']]) {
      const r = await npx(args)
      ok(r, args.slice(2).join(' '))
      assert(r.out.length < 4096 && r.out.includes('"… array 15981 levels deep"') && r.out.includes('"a\\udb40\\udc41"'), `decode printed ${r.out.slice(0, 2000)}`)
    }
  })
}

/** jsr.json: the version follows package.json, and `deno publish --dry-run` passes without network. */
async function checkJsr() {
  section('jsr.json, deno publish --dry-run')
  const jsr = JSON.parse(readFileSync(join(ROOT, 'jsr.json'), 'utf8'))
  await check('jsr.json: same version as package.json, exports ./src entry files', () => {
    assert(jsr.version === pkg.version, `jsr.json version ${jsr.version}, package.json ${pkg.version}`)
    for (const [k, v] of Object.entries(jsr.exports)) assert(existsSync(join(ROOT, v)), `jsr.json export ${k}: ${v} does not exist`)
    // isojwt/stores and isojwt/providers are npm-only: their entries import the core as
    // 'isojwt' (one copy of it), which JSR cannot map to the package's own source without
    // type-checking the core from a second root (deno check then fails in core files). Deno
    // uses npm:isojwt/stores (test/runtimes/run-stores-deno.mjs runs it so) and npm:isojwt/providers.
    const NPM_ONLY = new Set(['./package.json', './stores', './providers'])
    assert(Object.keys(jsr.exports).sort().join() === Object.keys(pkg.exports).filter((s) => !NPM_ONLY.has(s)).sort().join(),
      `jsr.json exports ${Object.keys(jsr.exports)} differ from the npm subpaths`)
  })
  // A dead proxy: any network access fails the run, so passing proves it works offline.
  const publish = async (...flags) => run(await findDeno(), ['publish', '--dry-run', '--allow-dirty', '--config', 'jsr.json', ...flags], {
    env: {
      DENO_DIR: join(scratch, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1',
      HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '',
    },
  })
  await check('deno publish --dry-run (jsr.json, offline): passes, no slow types, only library sources', async () => {
    const r = await publish()
    assert(r.code === 0 && /Dry run complete/.test(r.all), `exit ${r.code}\n${r.all}`)
    const files = [...r.all.matchAll(/file:\/\/(\S+)/g)].map((m) => m[1].slice(ROOT.length + 1))
    const stray = files.filter((f) => !/^src\/.+\.ts$/.test(f) && !['README.md', 'LICENSE', 'jsr.json'].includes(f))
    const nodeOnly = files.filter((f) => f === 'src/backend/node.ts' || f.startsWith('src/cli/'))
    assert(files.includes('src/index.ts') && stray.length === 0 && nodeOnly.length === 0,
      `published files: ${files.join(', ')}`)
  })
  await check('deno publish: `#backend` (package.json imports) is published as ./webcrypto.ts', async () => {
    // JSR ships src/ without package.json: publishing rewrites ("unfurls") the specifier,
    // through the `default` target (Deno resolves with its own conditions, `node` among
    // them, which is why the node backend's condition is our own name, `isojwt-node`).
    const r = await publish('--log-level=debug')
    const unfurled = [...r.all.matchAll(/Unfurled specifier: #backend from \S+\/src\/backend\/index\.ts -> (\S+)/g)].map((m) => m[1])
    assert(r.code === 0 && unfurled.length > 0 && unfurled.every((t) => t === './webcrypto.ts'),
      `exit ${r.code}, unfurled to: ${unfurled.join(', ') || 'nothing'}`)
  })
}
