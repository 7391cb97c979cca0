/**
 * The crypto backend of this build. package.json `imports` maps `#backend` to
 * `node.ts` under the `isojwt-node` condition (the node build, the node test project) and
 * to `webcrypto.ts` by default (the web build, TypeScript, JSR). ARCHITECTURE.md, the
 * backend seam.
 */
export * from '#backend'
