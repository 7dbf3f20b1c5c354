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
  if (needed > 0 && table.openCount + needed > table.settings.maxOpenWindows) return 'too_many_windows'
  const slots = existing ?? table.slotsOf(key)
  for (let start = first; start + size > ts; start -= slide) {
    let slot = slots.get(start)
    if (slot === undefined) {
      if (start + size + allowedLatenessMs <= done) continue
      const samples = dedupeByTimestamp ? new Map<number, number>() : undefined
      slot = new WindowSlot(key, start, start, start + size, accumulator.create(), samples)
      table.insert(slots, slot)
    }
    if (slot.addSample(ts, value, accumulator)) table.markChanged(slot)
  }
  return 'accepted'
}
