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
  return labelFacts(labels).key
}

/**
 * What is remembered about one label array: its key, and lazily its hash and its strings' ids
 * (string-ids.ts). One record per array, so the hot path chases one pointer per series instead of
 * one per side table (with ~10k series per second per core those were cache misses that showed).
 */
export interface LabelFacts {
  readonly key: string
  /** `labelsHash`, or -1 until computed. */
  hash: number
  /** `labelIds` and the id epoch they belong to. */
  ids: Uint32Array | undefined
  idsEpoch: number
  /** `seriesSlot` and the slot epoch it belongs to. */
  slot: SeriesSlot | undefined
  slotEpoch: number
  /** `serviceOfLabels`, once computed. */
  service: string | undefined
  /**
   * A consumer's own slot for the series (the engine's rollup series table): `owner` is the
   * consumer's per-tenant index, `ownerStamp` the slot's registration number it must still have.
   */
  owner: object | undefined
  ownerSlot: number
  ownerStamp: number
}

export function labelFacts(labels: Labels): LabelFacts {
  // Kept on the array itself (a non-enumerable symbol property: invisible to iteration, equality
  // checks, JSON and structured clone) rather than in a WeakMap: at 100k+ series the WeakMap probe
  // was a cache miss per series per pass. Frozen arrays fall back to the WeakMap.
  let facts = (labels as unknown as Record<symbol, LabelFacts | undefined>)[FACTS]
  if (facts !== undefined) return facts
  facts = factsOfLabels.get(labels)
  if (facts !== undefined) return facts
  facts = {
    key: labels.join('\u0000'),
    hash: -1,
    ids: undefined,
    idsEpoch: -1,
    slot: undefined,
    slotEpoch: -1,
    service: undefined,
    owner: undefined,
    ownerSlot: -1,
    ownerStamp: 0,
  }
  if (Object.isExtensible(labels)) Object.defineProperty(labels, FACTS, { value: facts })
  else factsOfLabels.set(labels, facts)
  return facts
}

const FACTS = Symbol('vigil.labelFacts')
const factsOfLabels = new WeakMap<Labels, LabelFacts>()

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
  const facts = labelFacts(labels)
  let h = facts.hash
  if (h === -1) {
    const key = facts.key
    let a = 0x811c9dc5
    let b = 0x9747b28c
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i)
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x5bd1e995)
      b ^= b >>> 15
    }
    h = (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff)
    facts.hash = h
  }
  return h
}

/**
 * One slot per distinct label set (by content) in the process, shared by every array with that
 * content: `MetricBatchBuilder` stamps it with its generation and the series' index in its batch,
 * so interning a series in a batch is a field compare instead of a map lookup and insert. Bounded:
 * past `MAX_SLOTS` distinct label sets the table is cleared and a new epoch starts (builders alive
 * across an epoch change fall back to a map, see MetricBatchBuilder).
 */
export interface SeriesSlot {
  stamp: number
  index: number
}

const MAX_SLOTS = 1 << 21
const slotOfKey = new Map<string, SeriesSlot>()
let slotEpoch = 0

export function seriesSlotEpoch(): number {
  return slotEpoch
}

export function seriesSlot(labels: Labels): SeriesSlot {
  const facts = labelFacts(labels)
  if (facts.slot !== undefined && facts.slotEpoch === slotEpoch) return facts.slot
  let slot = slotOfKey.get(facts.key)
  if (slot === undefined) {
    if (slotOfKey.size >= MAX_SLOTS) {
      slotOfKey.clear()
      slotEpoch++
    }
    slot = { stamp: 0, index: 0 }
    slotOfKey.set(facts.key, slot)
  }
  facts.slot = slot
  facts.slotEpoch = slotEpoch
  return slot
}

/**
 * The service a series belongs to: its `job` label (Prometheus' convention, and what the OTLP
 * translation derives from service.namespace/service.name), else `service`, else `service_name`,
 * else ''. Ingest partitions metrics by (tenant, service). Remembered per array.
 */
export function serviceOfLabels(labels: Labels): string {
  const facts = labelFacts(labels)
  let service = facts.service
  if (service === undefined) {
    service =
      labelValue(labels, 'job') ?? labelValue(labels, 'service') ?? labelValue(labels, 'service_name') ?? ''
    facts.service = service
  }
  return service
}
