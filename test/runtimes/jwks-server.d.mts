// Types for jwks-server.mjs.
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface SlotStats {
  requests: Record<string, number>
  conditional: number
  notModified: number
  /** The most /jwks/ok requests of the slot open at one time. */
  maxConcurrent: number
}
export interface SlotConfig { status?: number; maxAge?: number; delayMs?: number }
export const BIG_BYTES: number
export function createJwksHandler(): {
  handle(req: IncomingMessage, res: ServerResponse): boolean
  stats(slot: string): SlotStats
  put(slot: string, jwks: object, config?: SlotConfig): void
  stop(): void
}
export function startJwksServer(): Promise<{
  url: string
  stats(slot: string): SlotStats
  put(slot: string, jwks: object, config?: SlotConfig): void
  close(): Promise<void>
}>
