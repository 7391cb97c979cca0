/**
 * The demo, end to end: `node demo/tour.mjs` as a child process must exit 0 after printing
 * the six steps in order and the refusals with their codes. The demo imports 'isojwt' by
 * name; here that name resolves to a bundle of the current source for this project's
 * backend (built with esbuild into a temporary package, with the build's `isojwt-node`
 * condition in the node project), so the test never depends on,
 * or races with, a build of dist/.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const backend = process.env.ISOJWT_BACKEND === 'node' ? 'node' : 'webcrypto'
let dir: string
let run: ReturnType<typeof spawnSync>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isojwt-demo-'))
  cpSync(join(root, 'demo'), join(dir, 'demo'), { recursive: true })
  const pkg = join(dir, 'node_modules', 'isojwt')
  mkdirSync(pkg, { recursive: true })
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'isojwt', type: 'module', exports: './index.js' }))
  await build({
    entryPoints: [join(root, 'src/index.ts')], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022',
    outfile: join(pkg, 'index.js'), external: ['node:*'], logLevel: 'silent',
    // package.json `imports`: `#backend` is node.ts under this condition, WebCrypto without.
    conditions: backend === 'node' ? ['isojwt-node'] : [],
  })
  run = spawnSync(process.execPath, ['demo/tour.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000 })
}, 90_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe(`npm run demo (${backend} backend)`, () => {
  it('runs on a bundle of this project\'s backend', () => {
    const bundle = readFileSync(join(dir, 'node_modules/isojwt/index.js'), 'utf8')
    expect(bundle.includes('node:crypto')).toBe(backend === 'node')
    expect(bundle).not.toContain('#backend')
  })

  it('exits 0', () => {
    expect(run.error).toBeUndefined()
    expect(run.stderr, 'stderr').toBe('')
    expect(run.status).toBe(0)
  })

  it('prints the six steps, in order', () => {
    const out = String(run.stdout)
    const at = [1, 2, 3, 4, 5, 6].map((n) => out.search(new RegExp(`^Step ${n}\\. `, 'm')))
    expect(at.every((i) => i >= 0), out).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
    expect(out).toMatch(/^Done: all six steps completed\.$/m)
  })

  it('shows the decoded tokens: the private_key_jwt assertion and the RFC 9068 access token', () => {
    const out = String(run.stdout)
    expect(out).toMatch(/client_assertion .*\n\s+header\s+\{"alg":"ES256","typ":"JWT"\}\n\s+payload\s+\{"iss":"orders-app","sub":"orders-app","aud":"http:\/\/127\.0\.0\.1:\d+","jti":/)
    expect(out).toMatch(/access_token .*\n\s+header\s+\{"alg":"ES256","typ":"at\+jwt","kid":"[\w-]{43}"\}\n\s+payload\s+\{"client_id":"orders-app","scope":"orders:read"/)
    expect(out).toMatch(/\[resource server\] access token valid: sub=alice, client_id=orders-app, scopes=\["orders:read"\]/)
    expect(out).toMatch(/200 OK\s+\{"owner":"alice"/)
  })

  it('ends with a tampered and an expired token refused with their codes', () => {
    const out = String(run.stdout)
    expect(out).toMatch(/replayed assertion 401 invalid_client \(ERR_JWT_CLAIM_INVALID\)/)
    expect(out).toMatch(/tampered token\s+401 invalid_token \(ERR_JWS_SIGNATURE_INVALID\)/)
    expect(out).toMatch(/expired token\s+401 invalid_token \(ERR_JWT_EXPIRED\)/)
  })

  it('the DPoP variant: a bound token (cnf.jkt), the nonce round trip, and each refusal with its status and challenge', () => {
    const out = String(run.stdout)
    const algs = 'algs="ES256 EdDSA Ed25519 PS256 RS256"'
    const dpop = (error: string, code: string) => `401 Bearer, DPoP error="${error}", error_description="${code}", ${algs}`
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const line = (label: string, rest: string) => expect(out).toMatch(new RegExp(`^   ${esc(label)}\\s+${esc(rest)}$`, 'm'))
    expect(out).toMatch(/token_type\s+DPoP\n/)
    const jkt = /DPoP proof valid: the token is bound to key ([\w-]{43})/.exec(out)?.[1]
    expect(jkt).toBeDefined()
    expect(out).toContain(`"cnf":{"jkt":"${jkt}"}`)
    expect(out).toContain(`DPoP token valid: sub=alice, proof key ${jkt} = cnf.jkt`)
    expect(out).toMatch(new RegExp(`first answer\\s+${esc(dpop('use_dpop_nonce', 'ERR_DPOP_NONCE_REQUIRED'))} \\(dpop-nonce: [\\w-]{43}\\)`))
    line('retried with it', '200')
    line('stolen, as Bearer', `401 Bearer error="invalid_token", error_description="ERR_DPOP_INVALID", DPoP ${algs}`)
    line('stolen, own key', dpop('invalid_token', 'ERR_DPOP_INVALID'))
    expect(out).toContain('refused: ERR_DPOP_INVALID (jti replayed)')
    line('replayed proof', dpop('invalid_dpop_proof', 'ERR_DPOP_INVALID'))
    line('proof for POST', dpop('invalid_dpop_proof', 'ERR_DPOP_INVALID'))
    line('proof, other URL', dpop('invalid_dpop_proof', 'ERR_DPOP_INVALID'))
    line('proof, no nonce', dpop('use_dpop_nonce', 'ERR_DPOP_NONCE_REQUIRED'))
  })
})
