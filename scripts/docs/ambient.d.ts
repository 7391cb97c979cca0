// The few platform globals the docs' examples use outside Node and the DOM, declared as
// small stand-ins for @cloudflare/workers-types, Deno's lib.deno.d.ts and bun-types (only
// the members the examples call), so `npm run docs:check` needs none of them installed.
// Node's globals come from @types/node, the browser's from TypeScript's DOM lib.

/** Cloudflare Workers KV (a subset of @cloudflare/workers-types). */
interface KVNamespace {
  get(key: string, type: 'json'): Promise<unknown>
  get(key: string, type?: 'text'): Promise<string | null>
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>
}

/** Cloudflare Workers' execution context. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void
  passThroughOnException(): void
}

declare namespace Deno {
  function serve(handler: (request: Request) => Response | Promise<Response>): unknown
  function serve(options: { port?: number }, handler: (request: Request) => Response | Promise<Response>): unknown
  const env: { get(name: string): string | undefined }
  /** Deno KV (--unstable-kv; Deno Deploy): the members isojwt/stores uses. */
  function openKv(path?: string): Promise<Kv>
  interface Kv {
    get(key: readonly unknown[]): Promise<{ key: readonly unknown[]; value: unknown; versionstamp: string | null }>
    atomic(): AtomicOperation
    close(): void
  }
  interface AtomicOperation {
    check(...checks: { key: readonly unknown[]; versionstamp: string | null }[]): this
    set(key: readonly unknown[], value: unknown, options?: { expireIn?: number }): this
    commit(): Promise<{ ok: true; versionstamp: string } | { ok: false }>
  }
}

declare const Bun: {
  serve(options: { port?: number; fetch(request: Request): Response | Promise<Response> }): unknown
  readonly env: Record<string, string | undefined>
}
