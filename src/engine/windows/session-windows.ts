import type { WindowAccumulator } from './accumulator.js'
import type { LateReason } from './window-result.js'
import { WindowSlot } from './window-slot.js'
import type { WindowTable } from './window-table.js'

/**
 * Adds a record to its key's session. The record's own window is [ts, ts + gap); every open session
 * overlapping it merges into one survivor: the session with the most emitted revisions (ties: the
 * oldest id), so the identity downstream already upserts stays. Absorbed sessions that had emitted
 * are retracted at the next emission. A merged session whose end moves past the watermark is open
 * again and fires (final) when the watermark passes its new end. A record joining no open session
 * is late when ts + allowedLatenessMs ≤ watermark.
 */
export function addToSession<A extends WindowAccumulator<A>>(
  table: WindowTable<A>,
  key: string,
  ts: number,
  value: number,
): 'accepted' | LateReason {
  const { assigner, allowedLatenessMs, accumulator, dedupeByTimestamp, maxOpenWindows } = table.settings
  if (assigner.kind !== 'session') throw new Error('addToSession called with a fixed-window assigner')
  const end = ts + assigner.gapMs
  const done = table.done
  const existing = table.keys.get(key)
  let survivor: WindowSlot<A> | undefined
  let overlaps = 0
  if (existing !== undefined) {
    for (const slot of existing.values()) {
      if (slot.start >= end || ts >= slot.end) continue
      overlaps++
      if (
        survivor === undefined ||
        slot.revision > survivor.revision ||
        (slot.revision === survivor.revision && slot.id < survivor.id)
      ) {
        survivor = slot
      }
    }
  }
  if (survivor === undefined) {
    // Not `end + lateness ≤ done` (Flink): a session this record would have joined may already be
    // dropped, and a fresh one would overlap its emitted result. Behind by more than the lateness is late.
    if (ts + allowedLatenessMs < done) return 'window_closed'
    if (table.openCount + 1 > maxOpenWindows) return 'too_many_windows'
    const samples = dedupeByTimestamp ? new Map<number, number>() : undefined
    survivor = new WindowSlot(key, table.nextSessionId++, ts, end, accumulator.create(), samples)
    table.insert(existing ?? table.slotsOf(key), survivor)
  } else if (overlaps > 1 || ts < survivor.start || end > survivor.end) {
    mergeInto(table, existing!, survivor, ts, end)
    table.markChanged(survivor)
  }
  if (survivor.addSample(ts, value, accumulator)) table.markChanged(survivor)
  return 'accepted'
}

function mergeInto<A extends WindowAccumulator<A>>(
  table: WindowTable<A>,
  slots: Map<number, WindowSlot<A>>,
  survivor: WindowSlot<A>,
  start: number,
  end: number,
): void {
  let hasClosed = survivor.hasClosed
  for (const slot of slots.values()) {
    if (slot === survivor || slot.start >= end || start >= slot.end) continue
    if (slot.revision > 0) {
      table.retractions.push({
        kind: 'retract',
        key: slot.key,
        windowId: slot.id,
        windowStart: slot.start,
        windowEnd: slot.end,
        revision: slot.revision + 1,
      })
    }
    hasClosed ||= slot.hasClosed
    survivor.absorb(slot)
    table.remove(slot)
  }
  survivor.start = Math.min(survivor.start, start)
  survivor.end = Math.max(survivor.end, end)
  survivor.hasClosed = hasClosed && survivor.end <= table.done
}
