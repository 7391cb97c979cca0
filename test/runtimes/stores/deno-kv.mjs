// Run by Deno (--unstable-kv) from .runtimes/app: the Deno KV replay store of the installed
// package on a real Deno KV. `checks`: the replay checks on Deno.openKv(':memory:'), a
// closed database and a commit that answers oddly; prints ISOJWT_RESULT. `race <file>
// <start ms>`: the same 50 jtis added at the given instant on a shared database file;
// prints the jtis this process recorded (run-stores-deno.mjs starts two such processes).
import * as lib from 'isojwt'
import { denoKvReplayStore } from 'isojwt/stores'
import { assert, counter, failsClosed, replayChecks, sleep } from './stores-checks.mjs'

const [mode, file, start] = Deno.args
if (mode === 'race') {
  // Opening creates the schema: two processes opening a new file at once can meet the lock too.
  let kv
  for (let i = 0; !kv; i++) {
    try {
      kv = await Deno.openKv(file)
    } catch (e) {
      if (i >= 100 || !/locked/.test(String(e?.message))) throw e
      await sleep(20)
    }
  }
  const store = denoKvReplayStore(kv)
  await sleep(Number(start) - Date.now())
  const until = new Date(Date.now() + 60_000)
  const jtis = Array.from({ length: 50 }, (_, i) => `jti-${i}`).sort(() => Math.random() - 0.5)
  // A local database file is SQLite: a commit that meets the other process's write lock
  // fails ("database is locked"), which the store reports as ERR_STORE_UNAVAILABLE (closed).
  // This process retries those, as a client would retry a 503, and counts them.
  let locked = 0
  const addRetrying = async (jti) => {
    for (;;) {
      try {
        return await store.add(jti, until)
      } catch (e) {
        if (!lib.isJoseError(e) || e.code !== 'ERR_STORE_UNAVAILABLE' || locked > 5000) throw e
        locked++
        await sleep(2)
      }
    }
  }
  const added = await Promise.all(jtis.map(addRetrying))
  console.log('RACE ' + JSON.stringify({ added: jtis.filter((_, i) => added[i] === true), locked }))
  kv.close()
} else {
  const r = counter()
  const kv = await Deno.openKv(':memory:')
  await replayChecks(lib, denoKvReplayStore(kv), r, 'Deno KV')
  await r.check('Deno KV: keys are [prefix, SHA-256(jti)] with the value until', async () => {
    const store = denoKvReplayStore(kv, { prefix: 'app-b:' })
    const until = new Date(Date.now() + 60_000)
    assert(await store.add('once', until), 'another prefix is another namespace')
    const entries = []
    for await (const e of kv.list({ prefix: ['app-b:'] })) entries.push(e)
    assert(entries.length === 1 && entries[0].key[1].length === 43 && entries[0].value === until.getTime(), JSON.stringify(entries))
  })
  await r.check('Deno KV: a client of no known shape is refused at creation', () => {
    for (const bad of [undefined, {}, { get() {} }]) {
      let e
      try { denoKvReplayStore(bad) } catch (x) { e = x }
      assert(lib.isJoseError(e) && e.code === 'ERR_JOSE_INVALID_ARGUMENT', `${bad}: ${e}`)
    }
  })
  const odd = { get: (k) => kv.get(k), atomic: () => ({ check() { return this }, set() { return this }, commit: async () => 'OK' }) }
  await failsClosed(lib, denoKvReplayStore(odd), r, 'Deno KV, a commit answering "OK"', false)
  const closed = await Deno.openKv(':memory:')
  closed.close()
  await failsClosed(lib, denoKvReplayStore(closed), r, 'Deno KV, a closed database')
  kv.close()
  const backend = lib.JoseError[Symbol.for('isojwt.backend')] ?? 'unknown'
  console.log('ISOJWT_RESULT ' + JSON.stringify({ passed: r.passed, failed: r.failed, version: Deno.version.deno, backend }))
}
