// Node side of the two Worker rows of isojwt/stores (run-stores-workerd.mjs on `workerd
// serve`, run-stores-miniflare.mjs on miniflare): the checks both run against their two
// front isolates (workerd-front.mjs), given `post(isolate, path, body)`.
//   - a and b are two isolates (each keeps its own module state);
//   - the replay checks inside isolate a (checks.mjs and the front Worker's own);
//   - the same 50 jtis sent twice to each isolate at once: each accepted exactly once in total;
//   - one client assertion verified 100 times concurrently in each isolate: 1 acceptance.

/** A pass/fail counter printing `ok`/`FAIL` lines like the Workers' own checks. */
export function tally() {
  const t = { passed: 0, failed: 0 }
  t.check = (name, problems) => {
    if (problems.length === 0) {
      t.passed++
      console.log(`  ok   ${name}`)
    } else {
      t.failed++
      console.log(`  FAIL ${name}: ${problems.join('; ')}`)
    }
  }
  return t
}

/** Runs the checks on isolates 'a' and 'b'; returns the backend tag isolate a reported. */
export async function isolateChecks(post, t, lib) {
  const ids = await Promise.all(['a', 'b', 'a', 'b'].map(async (s) => (await post(s, '/isolate')).id))
  t.check('a and b are two isolates: each keeps its own module state', [
    (ids[0] !== ids[2] || ids[1] !== ids[3]) && `one front answered with two ids: ${ids.join(', ')}`,
    ids[0] === ids[1] && 'a and b share their module state',
  ].filter(Boolean))
  const inside = await post('a', '/checks')
  for (const line of inside.lines) console.log(line)
  t.passed += inside.passed
  t.failed += inside.failed

  const jtis = Array.from({ length: 50 }, (_, i) => `cross-${i}`)
  const until = Date.now() + 60_000
  const added = await Promise.all(['a', 'b', 'a', 'b'].map((s) => post(s, '/add', { jtis: [...jtis].sort(() => Math.random() - 0.5), until })))
  const all = added.flat()
  t.check(`two isolates, two requests each, the same 50 jtis at once: accepted ${added.map((a) => a.length).join(' + ')} = ${all.length}`, [
    all.length !== 50 && `${all.length} acceptances`, new Set(all).size !== all.length && 'a jti accepted twice',
  ].filter(Boolean))

  const { privateKey, publicKey } = await lib.generateKeyPair('ES256', { extractable: true })
  const publicJwk = await lib.exportJwk(publicKey)
  const token = await lib.signClientAssertion({ clientId: 'app', audience: 'https://as.example', key: privateKey, alg: 'ES256' })
  const tallies = await Promise.all(['a', 'b'].map((s) => post(s, '/assertion', { token, publicJwk, times: 100 })))
  const total = (k) => tallies.reduce((n, x) => n + (x[k] ?? 0), 0)
  t.check(`one client assertion, 100 concurrent verifications in each isolate: ${JSON.stringify(tallies)}`, [
    total('accepted') !== 1 && `${total('accepted')} acceptances`,
    total('ERR_JWT_CLAIM_INVALID/replayed') !== 199 && `${total('ERR_JWT_CLAIM_INVALID/replayed')} refused as replayed`,
  ].filter(Boolean))
  return inside.backend
}

/** post(isolate, path, body) for isolates reachable at `origins[isolate]` (a JSON API, 200 only). */
export function poster(origins) {
  return async (isolate, path, body) => {
    const res = await fetch(new URL(path, origins[isolate]), { method: 'POST', body: JSON.stringify(body ?? {}) })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`${isolate}${path}: ${res.status} ${text}`)
    return JSON.parse(text)
  }
}
