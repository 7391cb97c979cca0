/**
 * The one eviction rule of every bounded cache (ARCHITECTURE.md lists them): a Map keeps
 * insertion order, so its first key is the oldest entry. A cache that wants least-recently
 * used order re-inserts an entry on a hit (jwt/prepared.ts); the others keep first-in
 * order, which costs nothing on a hit (the header cache is on every verify's path).
 */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): V {
  if (map.size >= max && !map.has(key)) map.delete(map.keys().next().value as K)
  map.set(key, value)
  return value
}
