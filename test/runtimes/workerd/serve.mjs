// Start `workerd serve` on a loopback port the kernel picks, and learn the port from
// workerd's control channel (--control-fd), so there is no port race and no polling.
import { createInterface } from 'node:readline'
import { spawnTracked, workerdBinary } from '../web-support.mjs'

/**
 * @param {string} config path of a .capnp file with a socket named `socket`
 * @returns {Promise<{ origin: string, child: import('node:child_process').ChildProcess, output: () => string, stderr: () => string }>}
 * `output` is stdout and stderr as they came, `stderr` stderr alone (callers fail on any of it).
 */
export async function serveWorkerd(config, { socket = 'http', cwd, env = {}, timeoutMs = 15_000 } = {}) {
  const child = spawnTracked(workerdBinary(), ['serve', config, '-s', `${socket}=127.0.0.1:0`, '--control-fd', '3'], {
    cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  })
  let output = ''
  let stderr = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d; stderr += d })
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workerd did not listen within ${timeoutMs} ms\n${output}`)), timeoutMs)
    child.once('error', (e) => { clearTimeout(timer); reject(e) })
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`workerd exited (${code ?? signal})\n${output}`)) })
    createInterface({ input: child.stdio[3] }).on('line', (line) => {
      let msg
      try { msg = JSON.parse(line) } catch { return }
      if (msg.event === 'listen' && msg.socket === socket) { clearTimeout(timer); resolve(msg.port) }
    })
  })
  return { origin: `http://127.0.0.1:${port}`, child, output: () => output, stderr: () => stderr }
}
