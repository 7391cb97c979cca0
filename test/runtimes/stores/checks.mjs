// Store checks shared by the runtime rows of isojwt/stores (run-stores-deno.mjs,
// run-stores-workerd.mjs): a tiny counter, and the replay checks every replay store must
// pass, run against the installed package inside the runtime itself.
export function counter(log = (line) => console.log(line)) {
  const r = { passed: 0, failed: 0, failures: [] }
  r.check = async (name, fn) => {
    try {
      await fn()
      r.passed++
      log(`  ok   ${name}`)
    } catch (e) {
      r.failed++
      r.failures.push(`${name}: ${e?.message ?? e}`)
      log(`  FAIL ${name}: ${e?.message ?? e}`)
    }
  }
  return r
}

export function assert(ok, message) {
  if (!ok) throw new Error(message)
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** The replay checks: once, expiry at until, one winner among concurrent adds, through verifyClientAssertion. */
export async function replayChecks(lib, store, r, tag) {
  const until = () => new Date(Date.now() + 60_000)
  await r.check(`${tag}: a jti is accepted once, refused after`, async () => {
    const got = [await store.add('once', until()), await store.add('once', until())]
    assert(got[0] === true && got[1] === false, `got ${got}`)
  })
  await r.check(`${tag}: free again once until has passed`, async () => {
    const u = new Date(Date.now() + 300)
    const got = [await store.add('short', u), await store.add('short', u)]
    await sleep(u.getTime() - Date.now() + 100)
    got.push(await store.add('short', until()))
    assert(got.join() === 'true,false,true', `got ${got}`)
  })
  await r.check(`${tag}: 50 concurrent adds of one jti, exactly one true`, async () => {
    const got = await Promise.all(Array.from({ length: 50 }, () => store.add('race', until())))
    assert(got.filter((x) => x === true).length === 1 && got.every((x) => typeof x === 'boolean'), `got ${got.filter((x) => x).length} true`)
  })
  await r.check(`${tag}: a 10 000-character jti (a key-size limit: hashed)`, async () => {
    const jti = 'j'.repeat(10_000)
    const got = [await store.add(jti, until()), await store.add(jti, until())]
    assert(got.join() === 'true,false', `got ${got}`)
  })
  await r.check(`${tag}: verifyClientAssertion accepts once, then jti replayed`, async () => {
    const { privateKey, publicKey } = await lib.generateKeyPair('ES256')
    const token = await lib.signClientAssertion({ clientId: 'app', audience: 'https://as.example', key: privateKey, alg: 'ES256' })
    const o = { clientId: 'app', audience: 'https://as.example', replayStore: store }
    await lib.verifyClientAssertion(token, publicKey, o)
    const e = await lib.verifyClientAssertion(token, publicKey, o).then(() => undefined, (x) => x)
    assert(lib.isJoseError(e) && e.code === 'ERR_JWT_CLAIM_INVALID' && e.reason === 'replayed', `second use: ${e?.code ?? 'accepted'}`)
  })
}

/** A store that fails: verifications are refused with ERR_STORE_UNAVAILABLE (the store's error as cause, when it threw one), never accepted. */
export async function failsClosed(lib, store, r, tag, withCause = true) {
  await r.check(`${tag}: a failing store refuses the verification (ERR_STORE_UNAVAILABLE)`, async () => {
    const { privateKey, publicKey } = await lib.generateKeyPair('ES256')
    const token = await lib.signClientAssertion({ clientId: 'app', audience: 'https://as.example', key: privateKey, alg: 'ES256' })
    const e = await lib.verifyClientAssertion(token, publicKey, { clientId: 'app', audience: 'https://as.example', replayStore: store }).then(() => undefined, (x) => x)
    assert(lib.isJoseError(e) && e.code === 'ERR_STORE_UNAVAILABLE' && (e.cause !== undefined) === withCause, `got ${e?.code ?? 'accepted'}`)
  })
}
