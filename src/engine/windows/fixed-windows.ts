import type { WindowAccumulator } from './accumulator.js'
import { lastWindowStart, slideOf } from './window-assigner.js'
import type { LateReason } from './window-result.js'
import { WindowSlot } from './window-slot.js'
import type { WindowTable } from './window-table.js'

/**
 * Adds a record to its tumbling or sliding windows. All or nothing: capacity is checked before any
 * window changes, so a refused record can be dead-lettered and replayed without double counting.
 * A window already dropped (end + lateness ≤ done) is skipped; the record is late only when every
 * one of its windows was (as Flink does for sliding windows).
 *
 * With dedupe, the key's samples live in one map shared by its windows (a sliding sample is stored
 * once, not once per window). A sample already there with an open window is a duplicate: the same
 * value changes nothing, another value replaces it and rebuilds the open windows of ts. Every open
 * window of ts holds the sample: they all existed when it was added, and dropped ones never return.
 */
export function addToFixedWindows<A extends WindowAccumulator<A>>(
  table: WindowTable<A>,
  key: string,
  ts: number,
  value: number,
): 'accepted' | LateReason {
  const { assigner, allowedLatenessMs, accumulator, dedupeByTimestamp } = table.settings
  if (assigner.kind === 'session') throw new Error('addToFixedWindows called with a session assigner')
  const size = assigner.sizeMs
  const slide = slideOf(assigner)
  const first = lastWindowStart(ts, slide, assigner.offsetMs)
  const done = table.done
  const existing = table.keys.get(key)
  let live = 0
  let needed = 0
  for (let start = first; start + size > ts; start -= slide) {
    if (existing?.has(start) === true) live++
    else if (start + size + allowedLatenessMs > done) needed++
  }
  if (live + needed === 0) return 'window_closed'
  const samples = dedupeByTimestamp ? table.keySamples.get(key) : undefined
  const previous = samples?.get(ts)
  if (samples !== undefined && previous !== undefined && live > 0) {
    if (Object.is(previous, value)) return 'accepted'
    samples.set(ts, value)
    for (let start = first; start + size > ts; start -= slide) {
      const slot = existing?.get(start)
      if (slot === undefined) continue
      slot.rebuild(samples, accumulator)
      table.markChanged(slot)
    }
    return 'accepted'
  }
  if (needed > 0 && table.openCount + needed > table.settings.maxOpenWindows) return 'too_many_windows'
  const slots = existing ?? table.slotsOf(key)
  if (dedupeByTimestamp) table.samplesOf(key).set(ts, value)
  for (let start = first; start + size > ts; start -= slide) {
    let slot = slots.get(start)
    if (slot === undefined) {
      if (start + size + allowedLatenessMs <= done) continue
      slot = new WindowSlot(key, start, start, start + size, accumulator.create(), undefined)
      table.insert(slots, slot)
    }
    slot.acc.add(ts, value)
    table.markChanged(slot)
  }
  return 'accepted'
}

/**
 * Forgets the samples of `key` whose windows are all dropped. Samples are mostly in time order, so
 * it walks from the oldest and stops at the first still needed; a sample kept a little longer is
 * harmless (with no open window of its ts, a repeat of it is late, not a duplicate).
 */
export function pruneKeySamples<A extends WindowAccumulator<A>>(table: WindowTable<A>, key: string): void {
  const samples = table.keySamples.get(key)
  const { assigner, allowedLatenessMs } = table.settings
  if (samples === undefined || assigner.kind === 'session') return
  const done = table.done
  for (const ts of samples.keys()) {
    const lastEnd = lastWindowStart(ts, slideOf(assigner), assigner.offsetMs) + assigner.sizeMs
    if (lastEnd + allowedLatenessMs > done) break
    samples.delete(ts)
  }
}
