import { labelFacts } from './labels.js'
import type { Labels } from './labels.js'

/**
 * Process-wide small integer ids for label strings, so the metric batch encoder can build its
 * per-batch string table with typed-array lookups instead of a `Map<string, …>` lookup per label
 * per series (which was a quarter of ingest's encode time). Each label array remembers the ids of
 * its strings (weakly), and label arrays are shared across requests by the decoders' series caches,
 * so a series' strings are hashed once per process, not once per batch.
 *
 * Bounded: when `MAX_IDS` strings have ids, the table is cleared and a new epoch starts; ids
 * remembered from an older epoch are recomputed on next use.
 */
const MAX_IDS = 1 << 20

const idOf = new Map<string, number>()
const strings: string[] = []
/** UTF-8 byte length per id (computed once per string). */
let byteLengths = new Uint32Array(1024)
let epoch = 0

export function stringId(s: string): number {
  let id = idOf.get(s)
  if (id === undefined) {
    if (strings.length >= MAX_IDS) {
      idOf.clear()
      strings.length = 0
      epoch++
    }
    id = strings.length
    strings.push(s)
    idOf.set(s, id)
    if (id >= byteLengths.length) {
      const grown = new Uint32Array(byteLengths.length * 2)
      grown.set(byteLengths)
      byteLengths = grown
    }
    byteLengths[id] = Buffer.byteLength(s, 'utf8')
  }
  return id
}

/** The ids of every string of `labels` (names and values), in order; valid until the epoch ends. */
export function labelIds(labels: Labels): Uint32Array {
  const facts = labelFacts(labels)
  if (facts.ids !== undefined && facts.idsEpoch === epoch) return facts.ids
  const ids = new Uint32Array(labels.length)
  const start = epoch
  for (let i = 0; i < labels.length; i++) ids[i] = stringId(labels[i]!)
  // A wrap while computing would mix epochs: recompute once in the fresh epoch.
  if (epoch !== start) return labelIds(labels)
  facts.ids = ids
  facts.idsEpoch = epoch
  return ids
}

export function stringOfId(id: number): string {
  return strings[id]!
}

export function stringByteLength(id: number): number {
  return byteLengths[id]!
}

export function currentEpoch(): number {
  return epoch
}

/**
 * Per-batch numbering of global string ids: `local(id)` gives the string's index in the batch's
 * table, adding it on first sight. A generation stamp per id makes a reset O(1) per batch.
 */
export class LocalStringTable {
  #local = new Int32Array(1024)
  #stamp = new Uint32Array(1024)
  #generation = 0
  readonly order: number[] = []

  reset(): void {
    this.#generation++
    this.order.length = 0
    if (this.#generation === 0xffffffff) {
      this.#stamp.fill(0)
      this.#generation = 1
    }
  }

  local(id: number): number {
    if (id >= this.#stamp.length) this.#grow(id)
    if (this.#stamp[id] === this.#generation) return this.#local[id]!
    this.#stamp[id] = this.#generation
    const l = this.order.length
    this.#local[id] = l
    this.order.push(id)
    return l
  }

  #grow(id: number): void {
    let size = this.#stamp.length
    while (size <= id) size *= 2
    const local = new Int32Array(size)
    local.set(this.#local)
    const stamp = new Uint32Array(size)
    stamp.set(this.#stamp)
    this.#local = local
    this.#stamp = stamp
  }
}
