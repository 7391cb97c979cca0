/**
 * Import of a described key for one algorithm and usage, with the per-algorithm
 * minimums. The backend imports (src/backend/); each import is cached on the key's
 * description, so verifying with the same JWK object or PEM string again imports nothing.
 */
import { backendImport, backendNow, type KeyForm, type KeyMaterial } from '../backend/index.ts'
import { keyInvalid, notSupported, platformFail } from '../errors.ts'
import type { AlgEntry } from '../jwa/registry.ts'
import { minimum, type KeyDesc } from './describe.ts'
import { checkEd25519 } from './weak.ts'

/** The usages a key can be imported with for `entry`: a secret both, a private key the first, a public key the second. */
export function usagesOf(desc: KeyDesc, { usages: [priv, pub] }: AlgEntry): KeyUsage[] {
  const all = desc.visibility === 'secret' ? [priv, pub] : [desc.visibility === 'private' ? priv : pub]
  return desc.ops ? all.filter((u) => desc.ops!.has(u)) : all
}

/**
 * What the policy (src/keys/policy.ts, which every caller asks first) does not check:
 * a private or public key for each usage, key_ops, and the algorithm's own minimum size.
 */
function checkFit(desc: KeyDesc, entry: AlgEntry, usages: readonly KeyUsage[]): void {
  for (const u of usages) {
    if (desc.visibility !== 'secret' && (u === entry.usages[0] ? 'private' : 'public') !== desc.visibility) {
      keyInvalid(`a ${desc.visibility} key cannot ${u}`)
    }
    if (desc.ops && !desc.ops.has(u)) keyInvalid(`the key does not permit "${u}" (key_ops, usages)`)
  }
  if (desc.bits! < entry.minKeyBits) keyInvalid(`${entry.alg} needs a key of at least ${minimum(entry)}`)
}

async function doImport(desc: KeyDesc, entry: AlgEntry, usages: KeyUsage[], extractable: boolean): Promise<CryptoKey> {
  try {
    // The backend makes its own key from the checked material (API.md, Runtimes and backends).
    return await backendImport(desc.form === 'secret' ? 'raw' : desc.form as KeyForm, desc.material as KeyMaterial, entry, extractable, usages)
  } catch (e) {
    platformFail(e, 'ERR_KEY_INVALID', notSupported(e) ? `this runtime cannot import ${entry.alg} keys` : `the key could not be imported for ${entry.alg}`)
  }
}

/**
 * A CryptoKey for `entry` and `usages`, imported once per key description: the import's
 * promise is cached, then replaced by the key itself, which is returned synchronously
 * (an await on the hot path costs a hop). A cached entry has passed `checkFit` already.
 */
export function importFor(desc: KeyDesc, entry: AlgEntry, usages: KeyUsage[], extractable = false): CryptoKey | Promise<CryptoKey> {
  // Node build: a verifying key is keyed by the alg alone, a string of the registry's, not
  // one concatenated (and hashed) per call (ARCHITECTURE.md, The backend seam). WebCrypto
  // build (where the call waits for crypto.subtle anyway): alg, usages and extractable in
  // one string ("RS256verifyfalse").
  const id = backendNow
    ? usages.length === 1 && !extractable ? (usages[0] === 'verify' ? entry.alg : entry.alg + usages[0]) : `${entry.alg}|${usages.join(',')}|${extractable ? 1 : 0}`
    : entry.alg + usages + extractable
  const hit = desc.imports.get(id)
  if (hit) return hit
  checkFit(desc, entry, usages)
  const own = desc.form === 'cryptokey'
  const key = desc.material as CryptoKey
  // A caller's Ed25519 public key is checked once, where its bytes can be read (exported);
  // a non-extractable one is the caller's own (API.md, String keys).
  if (own && !(desc.kty === 'OKP' && key.type === 'public' && key.extractable)) {
    desc.imports.set(id, key)
    return key
  }
  const p = own ? crypto.subtle.exportKey('raw', key).then((raw) => (checkEd25519(new Uint8Array(raw)), key)) : doImport(desc, entry, usages, extractable)
  desc.imports.set(id, p)
  // A failed import is not remembered (the next call tries again); a CryptoKey's verdict is.
  p.then((k) => desc.imports.set(id, k), () => own || desc.imports.delete(id))
  return p
}
