/**
 * FNV-1a (32 bit) over the UTF-16 code units of `parts` joined with "\0", as an unsigned integer.
 * The one hash that places data on partitions (ingest's `hash(tenant, service)`, engine
 * repartition topics): stable across processes and versions, since changing it moves keys away
 * from their partition and state. Pinned by tests.
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

/** The partition of a key among `partitions`: `fnv1a32(key) mod partitions`. */
export function keyPartition(key: string, partitions: number): number {
  return fnv1a32(key) % partitions
}
