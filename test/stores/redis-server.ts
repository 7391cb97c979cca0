/**
 * A real redis-server for the store tests (Debian's package, installed by .ci/run): started
 * by the test on a free loopback port, without persistence (`--save ''`, no AOF), stopped
 * and restarted on the same port by the outage tests. Tests skip, saying so, only when the
 * binary is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'

export const REDIS_BIN = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p))
export const NO_REDIS = REDIS_BIN === undefined
  ? 'redis-server is not installed (apt-get install redis-server; .ci/run installs it): the Redis store tests are skipped'
  : ''

/** A port the kernel gives a loopback listener, released for redis-server to take. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

export interface RedisServer {
  readonly port: number
  readonly url: string
  stop(): Promise<void>
  /** Starts it again on the same port (an empty database: no persistence). */
  start(): Promise<void>
}

function launch(port: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning']
  const child = spawn(REDIS_BIN!, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => fail(new Error(`redis-server did not start on ${port}:\n${out}`)), 10_000)
    const fail = (e: Error): void => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(e)
    }
    child.once('exit', (code) => fail(new Error(`redis-server exited ${code}:\n${out}`)))
    // With --loglevel warning the banner is gone; ready is probed by connecting.
    child.stdout!.on('data', (d) => { out += d })
    child.stderr!.on('data', (d) => { out += d })
    const probe = async (): Promise<void> => {
      if (await answersPing(port)) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        resolve(child)
      } else setTimeout(probe, 50)
    }
    void probe()
  })
}

/** True when something on the port answers PING with +PONG (raw RESP, no client). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    import('node:net').then(({ connect }) => {
      const s = connect(port, '127.0.0.1')
      s.setTimeout(500)
      s.once('connect', () => s.write('PING\r\n'))
      s.once('data', (d) => { s.destroy(); resolve(String(d).startsWith('+PONG')) })
      s.once('error', () => resolve(false))
      s.once('timeout', () => { s.destroy(); resolve(false) })
    }, () => resolve(false))
  })
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort()
  let child: ChildProcess | undefined = await launch(port)
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const c = child
      child = undefined
      if (!c || c.exitCode !== null) return
      const gone = new Promise((r) => c.once('exit', r))
      c.kill('SIGTERM')
      const t = setTimeout(() => c.kill('SIGKILL'), 3000)
      await gone
      clearTimeout(t)
    },
    async start() {
      if (!child) child = await launch(port)
    },
  }
}
