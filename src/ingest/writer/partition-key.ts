import { partitionHash } from '../../core/fnv1a.js'

/**
 * The partition of a (tenant, service) pair: `partitionHash` (FNV-1a 32 over the UTF-16 code units
 * of `tenant + "\0" + service`, then an avalanche step), modulo the partition count (DESIGN.md §5: partition key
 * `hash(tenant, service)`). Stable across processes and versions: changing it would move a
 * service's data to another partition, so it is pinned by a test. Results are cached per pair
 * (bounded; the cache is cleared when it grows past `maxEntries`).
 */
export function partitionOf(tenant: string, service: string, partitions: number): number {
  return partitionHash(tenant, service) % partitions
}

export class PartitionCache {
  readonly #partitions: number
  readonly #maxEntries: number
  readonly #cache = new Map<string, number>()

  constructor(partitions: number, maxEntries = 100_000) {
    this.#partitions = partitions
    this.#maxEntries = maxEntries
  }

  get partitions(): number {
    return this.#partitions
  }

  partitionOf(tenant: string, service: string): number {
    const key = `${tenant}\u0000${service}`
    let p = this.#cache.get(key)
    if (p === undefined) {
      if (this.#cache.size >= this.#maxEntries) this.#cache.clear()
      p = partitionOf(tenant, service, this.#partitions)
      this.#cache.set(key, p)
    }
    return p
  }
}
