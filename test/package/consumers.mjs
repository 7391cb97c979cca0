import { fileURLToPath } from 'node:url'
// TypeScript projects that consume the installed tarball, type-checked by run.mjs with the
// repo's own compiler. They live here as strings, not as .mts/.cts files, because
// tsconfig.test.json type-checks every TypeScript file under test/ against the repo, where
// 'isojwt' is not installed. Each `// @ts-expect-error` line must really be an error (tsc
// reports an unused directive otherwise), so types that widen to `any` or `string` fail.

/** The repo's @types (the temporary project installs only the tarball). */
const NODE_TYPES = fileURLToPath(new URL('../../node_modules/@types', import.meta.url))

// Shared compiler options: strict, and the package's own .d.ts files checked too
// (skipLibCheck off), under each module resolution mode; TypeScript's own lib files are
// not re-checked (skipDefaultLibCheck: that halves the time).
const strict = {
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  skipDefaultLibCheck: true,
  noUncheckedIndexedAccess: true,
  target: 'ES2022',
  lib: ['ES2022', 'DOM'],
  types: [],
}

/** Uses of the API with their types; `head` is the import lines of each module kind. */
const body = `
interface Claims extends JwtPayload { role: 'admin' | 'user' }

const alg: Alg = 'ES256'
const pair: CryptoKeyPair = await generateKeyPair(alg)
const jwk: Jwk = { ...(await exportJwk(pair.publicKey)), alg, kid: 'k1' }
const signOptions: SignOptions = { issuer: 'https://id.example', audience: 'api', expiresIn: '15m', kid: 'k1' }
const token: string = await sign({ sub: 'u1', role: 'admin' }, pair.privateKey, signOptions)

const result: VerifyResult<Claims> = await verify<Claims>(token, jwk, { issuer: 'https://id.example', audience: 'api' })
const role: 'admin' | 'user' = result.payload.role
const verifiedBy: CryptoKey = result.key
const headerAlg: Alg = result.header.alg

const keys: KeyResolver = createLocalJwks({ keys: [jwk] })
const verifyToken: (t: string) => Promise<VerifyResult<Claims>> = createVerifier<Claims>(keys, { algorithms: ['ES256'], cache: 100 })
const exp: number | undefined = (await verifyToken(token)).payload.exp
const decoded: DecodeResult = decode(token)
const rawAlg: string = decoded.header.alg
const signature: Uint8Array = decoded.signature
const expired: boolean = isExpired(token, { clockTolerance: '30s' })
const secret: Uint8Array = generateSecret('HS256')
const jws: string = await signJws(new Uint8Array([1, 2, 3]), secret, { alg: 'HS256' })
const bytes: Uint8Array = (await verifyJws(jws, secret, { algorithms: ['HS256'] })).payload
const print: string = await thumbprint(jwk)

try {
  await verifyWeb(token, secret, { algorithms: ['HS256'] })
} catch (e) {
  if (isJoseError(e)) {
    const code: JoseErrorCode = e.code
    if (e.code === 'ERR_JWT_EXPIRED') {
      const at: Date | undefined = e.expiredAt
    } else if (e.code === 'ERR_JWT_CLAIM_INVALID') {
      const claim: string | undefined = e.claim
    }
    // @ts-expect-error: the code union has no such member (the types did not widen to string)
    if (e.code === 'ERR_NOT_A_CODE') throw e
  }
  if (e instanceof JoseError) {
    const message: string = e.message
  }
}

// isojwt/providers: its types name the root's (one copy of the core's types too).
const idp: Provider = auth0({ domain: 'example.auth0.com', audience: 'api', clockTolerance: '5s' })
const granted: string[] = (await idp.verify<Claims>(token, { requiredScopes: ['read'] })).scopes
const idpRole: 'admin' | 'user' = (await idp.createVerifier<Claims>({ cache: 10 })(token)).payload.role
const idpKeys: KeyResolver = idp.jwks
// @ts-expect-error: requiredScopes is a list of scopes
await idp.verify(token, { requiredScopes: 'read' })

// @ts-expect-error: 'none' is not an Alg
await verify(token, jwk, { algorithms: ['none'] })
// @ts-expect-error: registered claims keep their RFC 7519 types
await sign({ exp: 'tomorrow' }, secret, { alg: 'HS256' })
// @ts-expect-error: the payload of a verified token is not any
const notANumber: number = result.payload.sub
`

const names = `Alg, DecodeResult, Jwk, JoseErrorCode, JwtPayload, KeyResolver, SignOptions, VerifyResult`
const functions = `createLocalJwks, createVerifier, decode, exportJwk, generateKeyPair, generateSecret, isExpired,
  isJoseError, JoseError, sign, signJws, thumbprint, verify, verifyJws`
const esmHead = `import { ${functions} } from 'isojwt'
import type { ${names} } from 'isojwt'
import { verify as verifyWeb } from 'isojwt/web'
import { auth0, type Provider } from 'isojwt/providers'
`

// CommonJS has no top-level await: there the body runs inside an async function.
const cjsHead = esmHead
  .replace("import { verify as verifyWeb } from 'isojwt/web'", "import web = require('isojwt/web')\nconst verifyWeb = web.verify")
  .replace("import { auth0, type Provider } from 'isojwt/providers'", "import providers = require('isojwt/providers')\nconst auth0 = providers.auth0\ntype Provider = providers.Provider")

/**
 * name → { tsconfig, files, expectErrors? }. Without expectErrors tsc must succeed; with
 * it, tsc must fail with exactly those `file(line): TSxxxx` errors and no others.
 */
export const consumers = {
  // With broken.mts beside it: two deliberate type errors tsc must report (and no other
  // error anywhere, so a missing module or a broken .d.ts cannot pass for them).
  'node16 ESM (.mts)': {
    tsconfig: { compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16', verbatimModuleSyntax: true }, files: ['consumer.mts', 'broken.mts'] },
    files: {
      'consumer.mts': esmHead + body + 'export {}\n',
      'broken.mts': `import { sign, verify } from 'isojwt'
import type { VerifyResult } from 'isojwt'
const r: VerifyResult = await verify('a.b.c', 'a-secret-of-at-least-32-bytes-long!', { algorithms: ['HS256'] })
const n: number = r.payload.iat
await sign({ sub: 42 }, 'a-secret-of-at-least-32-bytes-long!', { alg: 'HS256' })
export {}
`,
    },
    expectErrors: ['broken.mts(4): TS2322', 'broken.mts(5): TS2322'],
  },
  'node16 CJS (.cts)': {
    tsconfig: { compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16' }, files: ['consumer.cts'] },
    files: { 'consumer.cts': cjsHead + `async function main(): Promise<void> {\n${body}\n}\nvoid main()\n` },
  },
  // TypeScript's legacy resolution (`module: commonjs` projects): no exports map, so
  // 'isojwt/web' comes from the web/package.json stub.
  'node10 (.ts, module commonjs)': {
    tsconfig: { compilerOptions: { ...strict, module: 'commonjs', moduleResolution: 'node10' }, files: ['consumer.ts'] },
    files: { 'consumer.ts': cjsHead + `async function main(): Promise<void> {\n${body}\n}\nvoid main()\n` },
  },
  // A Node-only project: no "DOM" lib, Node's own types. The public types name CryptoKey
  // and CryptoKeyPair, which the package declares globally for exactly this case.
  'node16 ESM, no DOM lib (@types/node)': {
    tsconfig: {
      compilerOptions: { ...strict, lib: ['ES2022'], types: ['node'], typeRoots: [NODE_TYPES], module: 'node16', moduleResolution: 'node16', verbatimModuleSyntax: true },
      files: ['consumer.mts'],
    },
    files: { 'consumer.mts': esmHead + body + 'export {}\n' },
  },
  'bundler (.ts)': {
    tsconfig: {
      compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler', verbatimModuleSyntax: true, exactOptionalPropertyTypes: true },
      files: ['consumer.ts'],
    },
    files: { 'consumer.ts': esmHead + body + 'export {}\n' },
  },
}
