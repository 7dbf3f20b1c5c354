/**
 * A label set: flat `[name0, value0, name1, value1, …]`, sorted by name, names unique. The metric
 * name is the label `__name__`, as in Prometheus. Flat arrays keep a series to one allocation and
 * make interning cheap (`labelsKey`).
 */
export type Labels = readonly string[]

export const METRIC_NAME_LABEL = '__name__'

/**
 * A string identifying a label set, for interning series within a batch or a tenant. Label sets
 * are immutable, so the key is computed once per array and remembered (weakly, so it lives as long
 * as the array): decoders that cache validated label arrays across requests then intern a series
 * with one map lookup instead of joining ~20 strings (the top of the ingest profile otherwise).
 */
export function labelsKey(labels: Labels): string {
  let key = keyOfLabels.get(labels)
  if (key === undefined) {
    key = labels.join('\u0000')
    keyOfLabels.set(labels, key)
  }
  return key
}

const keyOfLabels = new WeakMap<Labels, string>()

/** Sorts `[name, value, …]` pairs by name in place and returns them (names must be unique). */
export function sortLabels(pairs: string[]): string[] {
  if (pairs.length <= 2) return pairs
  const idx = Array.from({ length: pairs.length / 2 }, (_, i) => i)
  idx.sort((a, b) => (pairs[a * 2]! < pairs[b * 2]! ? -1 : pairs[a * 2]! > pairs[b * 2]! ? 1 : 0))
  const copy = pairs.slice()
  idx.forEach((from, to) => {
    pairs[to * 2] = copy[from * 2]!
    pairs[to * 2 + 1] = copy[from * 2 + 1]!
  })
  return pairs
}

/** The value of label `name`, or undefined. */
export function labelValue(labels: Labels, name: string): string | undefined {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) return labels[i + 1]
  return undefined
}

/**
 * A 53-bit hash of a label set (two independent 32-bit FNV-1a variants over `labelsKey`, combined
 * into a safe integer), remembered per array like `labelsKey`. Used where a series must be named
 * by a number that crosses threads cheaply (the ingest series limiter); with a million series the
 * chance that any two collide is about 1 in 10^4, and a collision only makes two series count as one.
 */
export function labelsHash(labels: Labels): number {
  let h = hashOfLabels.get(labels)
  if (h === undefined) {
    const key = labelsKey(labels)
    let a = 0x811c9dc5
    let b = 0x9747b28c
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i)
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x5bd1e995)
      b ^= b >>> 15
    }
    h = (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff)
    hashOfLabels.set(labels, h)
  }
  return h
}

const hashOfLabels = new WeakMap<Labels, number>()
