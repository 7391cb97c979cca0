// The small harness of test/package/run.mjs: counted checks, one line each, and child
// processes with a time limit.
import { spawn } from 'node:child_process'

let passed = 0
let failed = 0
const started = performance.now()
/** A section header with the time so far, to see where the minute goes. */
export const section = (name) => console.log(`-- ${name} (at ${((performance.now() - started) / 1000).toFixed(1)} s)`)
export function record(name, ok, detail = '') {
  if (ok) passed++
  else failed++
  console.log(`${ok ? 'ok' : 'FAIL'} - ${name}`)
  if (!ok && detail) console.log(detail.replace(/^/gm, '    '))
}
/** Run one check: it passes unless it throws. */
export async function check(name, fn) {
  try {
    await fn()
    record(name, true)
  } catch (e) {
    record(name, false, e instanceof Error ? e.message : String(e))
  }
}
export function assert(ok, message) {
  if (!ok) throw new Error(message)
}

/** Run a command; resolves with its exit code and output (never rejects on an exit code). */
export function run(cmd, args, { cwd, env = {}, timeoutS = 60 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => { out += d })
    child.stderr.on('data', (d) => { err += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: signal ? `${signal} (time limit ${timeoutS} s?)` : code, out, err, all: out + err })
    })
  })
}
export async function runOk(cmd, args, options) {
  const r = await run(cmd, args, options)
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.all.trimEnd()}`)
  return r
}

/** The counts so far. */
export function counts() {
  return { passed, failed }
}
