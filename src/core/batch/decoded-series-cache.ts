import { labelFacts } from './labels.js'
import type { Labels } from './labels.js'
import { currentEpoch, stringId } from './string-ids.js'

/**
 * Label arrays of decoded metric batches, shared across batches. A consumer (an engine task)
 * decodes the same series batch after batch; building a fresh array per series per batch made
 * every consumer re-join its labels into a key (`labelFacts`) — 10 % of a rollup task's time. Here
 * a series is recognised by the process-wide ids of its strings (string-ids.ts), so a known series
 * costs a hash over a few integers and one map probe, and comes back with its key already computed.
 *
 * Bounded: at `MAX_SERIES` entries the cache is cleared; it is also cleared when the string ids
 * start a new epoch (their ids change meaning). Callers must not mutate the arrays (Labels are
 * readonly by type).
 */
const MAX_SERIES = 1 << 20

/** hash of the id sequence → label arrays with that hash (almost always one). */
let byHash = new Map<number, Labels | Labels[]>()
let size = 0
let cacheEpoch = -1

/**
 * The shared label array for the strings `ids[from … from+count)` (process-wide string ids of the
 * batch's strings), building it from `strings` on a miss.
 */
export function cachedLabels(
  batchIds: Uint32Array,
  refs: Uint32Array,
  from: number,
  count: number,
  strings: readonly string[],
): Labels {
  const epoch = currentEpoch()
  if (epoch !== cacheEpoch || size >= MAX_SERIES) {
    byHash = new Map()
    size = 0
    cacheEpoch = epoch
  }
  let h = 0x811c9dc5 ^ count
  for (let j = 0; j < count; j++) h = Math.imul(h ^ batchIds[refs[from + j]!]!, 0x01000193)
  const found = byHash.get(h)
  if (found !== undefined) {
    if (isSingle(found)) {
      if (sameIds(found, batchIds, refs, from, count)) return found
    } else {
      for (const labels of found) if (sameIds(labels, batchIds, refs, from, count)) return labels
    }
  }
  const labels = new Array<string>(count)
  const ids = new Uint32Array(count)
  for (let j = 0; j < count; j++) {
    labels[j] = strings[refs[from + j]!]!
    ids[j] = batchIds[refs[from + j]!]!
  }
  const facts = labelFacts(labels)
  facts.ids = ids
  facts.idsEpoch = epoch
  if (found === undefined) byHash.set(h, labels)
  else if (isSingle(found)) byHash.set(h, [found, labels])
  else found.push(labels)
  size++
  return labels
}

/** Process-wide ids of a batch's strings (one map probe per string per batch). */
export function batchStringIds(strings: readonly string[]): Uint32Array {
  const ids = new Uint32Array(strings.length)
  const epoch = currentEpoch()
  for (let i = 0; i < strings.length; i++) ids[i] = stringId(strings[i]!)
  // A wrap while numbering would mix epochs: renumber once in the fresh epoch.
  return currentEpoch() === epoch ? ids : batchStringIds(strings)
}

function isSingle(v: Labels | Labels[]): v is Labels {
  return v.length === 0 || typeof v[0] === 'string'
}

function sameIds(
  labels: Labels,
  batchIds: Uint32Array,
  refs: Uint32Array,
  from: number,
  count: number,
): boolean {
  if (labels.length !== count) return false
  const ids = labelFacts(labels).ids
  if (ids === undefined) return false
  for (let j = 0; j < count; j++) if (ids[j] !== batchIds[refs[from + j]!]) return false
  return true
}
