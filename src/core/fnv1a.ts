/**
 * FNV-1a (32 bit) over the UTF-16 code units of `parts` joined with "\0", as an unsigned integer.
 * Partitioning goes through `partitionHash`, never through this directly (see there).
 */
export function fnv1a32(...parts: readonly string[]): number {
  let h = 0x811c9dc5
  for (let p = 0; p < parts.length; p++) {
    if (p > 0) h = Math.imul(h, 0x01000193) // the "\0" separator (xor with 0 is a no-op)
    const s = parts[p]!
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
  }
  return h >>> 0
}

/**
 * The one hash that places data on partitions (ingest's `hash(tenant, service)`, engine
 * repartition topics): FNV-1a 32 of the parts, finished with murmur3's 32-bit avalanche (fmix32).
 * FNV-1a alone partitions badly by `mod 2^k`: its multiplier is odd, so its low bit is just the
 * parity of the input's code units, and 4 partitions got 26 of 40 service names on the two even
 * ones (one engine task doing two thirds of the work). Stable across processes and versions, since
 * changing it moves keys away from their partition and state. Pinned by tests.
 */
export function partitionHash(...parts: readonly string[]): number {
  let h = fnv1a32(...parts)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** The partition of a key among `partitions`: `partitionHash(key) mod partitions`. */
export function keyPartition(key: string, partitions: number): number {
  return partitionHash(key) % partitions
}
