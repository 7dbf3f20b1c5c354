/**
 * Independent reference implementations (BigInt arithmetic) of the partitioning hash's two steps,
 * for tests that pin partitions: FNV-1a 32 over UTF-16 code units, and murmur3's fmix32.
 */
export function fnv1aReference(s: string): number {
  let h = 2166136261
  for (const ch of s) {
    for (let i = 0; i < ch.length; i++) {
      h ^= ch.charCodeAt(i)
      h = Number((BigInt(h) * 16777619n) & 0xffffffffn)
    }
  }
  return h >>> 0
}

export function fmix32Reference(h: number): number {
  let x = BigInt(h >>> 0)
  x ^= x >> 16n
  x = (x * 0x85ebca6bn) & 0xffffffffn
  x ^= x >> 13n
  x = (x * 0xc2b2ae35n) & 0xffffffffn
  x ^= x >> 16n
  return Number(x)
}
