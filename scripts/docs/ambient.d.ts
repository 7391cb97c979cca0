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

// Hono and Express, for docs/express-and-hono.md: only the members its examples use,
// with the signatures of hono 4 and express 4/5 (neither is a dependency).
declare module 'hono' {
  type Vars<E> = E extends { Variables: infer V } ? V : Record<string, unknown>
  export interface Context<E = {}> {
    req: { header(name: string): string | undefined; raw: Request }
    set<K extends keyof Vars<E>>(key: K, value: Vars<E>[K]): void
    get<K extends keyof Vars<E>>(key: K): Vars<E>[K]
    json(body: unknown, status?: number): Response
    body(data: string | null, status?: number, headers?: Record<string, string>): Response
  }
  export type Next = () => Promise<void>
  export class Hono<E = {}> {
    use(path: string, handler: (c: Context<E>, next: Next) => Promise<Response | void>): this
    get(path: string, handler: (c: Context<E>) => Response | Promise<Response>): this
    fetch(request: Request): Response | Promise<Response>
  }
}

declare module 'express' {
  export interface Request { headers: { authorization?: string; [name: string]: string | string[] | undefined } }
  export interface Response {
    locals: Record<string, any>
    status(code: number): this
    set(headers: Record<string, string>): this
    json(body: unknown): this
    end(): this
  }
  export type NextFunction = (error?: unknown) => void
  type Handler = (req: Request, res: Response, next: NextFunction) => unknown
  export interface Express { use(path: string, ...handlers: Handler[]): this; get(path: string, ...handlers: Handler[]): this; listen(port: number): unknown }
  export default function express(): Express
}
