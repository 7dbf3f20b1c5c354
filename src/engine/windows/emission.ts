import type { WindowAccumulator } from './accumulator.js'
import { pruneKeySamples } from './fixed-windows.js'
import type { WindowRetraction, WindowSink } from './window-result.js'
import type { WindowSlot } from './window-slot.js'
import type { WindowTable } from './window-table.js'

type Due<A extends WindowAccumulator<A>> = WindowSlot<A> | WindowRetraction

/**
 * One emission round. A watermark round emits every window whose end the watermark passed and
 * that has not fired yet, every closed window changed since it fired (late upsert), and pending
 * retractions; then drops windows past end + lateness. A flush round emits the same changed and
 * retracted windows, plus (emit-on-update) every open window changed since its last emission, as
 * a non-final revision. Output order: (windowEnd, key, windowStart, windowId), retractions
 * included, so equal input gives an identical output sequence.
 */
export function emitDue<A extends WindowAccumulator<A>>(
  table: WindowTable<A>,
  sink: WindowSink<A>,
  isWatermark: boolean,
): void {
  const round = ++table.round
  const done = table.done
  const isUpdateMode = table.settings.emitMode === 'emit-on-update'
  const due: Due<A>[] = [...table.retractions]
  table.retractions.length = 0
  for (const slot of table.changed) {
    if (slot.isRemoved || slot.pickedIn === round) continue
    const isDue =
      slot.end <= done ? !slot.hasClosed || slot.isDirty : isUpdateMode && !isWatermark && slot.isDirty
    if (!isDue) continue
    slot.pickedIn = round
    due.push(slot)
  }
  const dropped: WindowSlot<A>[] = []
  if (isWatermark && done >= table.nextDueAt) scan(table, round, due, dropped)
  due.sort(compareDue)
  for (const item of due) {
    if ('kind' in item) sink.onResult(item)
    else emitSlot(item, done, sink)
  }
  for (const slot of dropped) table.remove(slot)
  if (table.keySamples.size > 0) {
    for (let i = 0; i < dropped.length; i++) {
      const key = dropped[i]!.key
      if (key !== dropped[i - 1]?.key) pruneKeySamples(table, key)
    }
  }
  let kept = 0
  for (const slot of table.changed) {
    if (!slot.isRemoved && table.isQueueable(slot)) table.changed[kept++] = slot
  }
  table.changed.length = kept
}

function scan<A extends WindowAccumulator<A>>(
  table: WindowTable<A>,
  round: number,
  due: Due<A>[],
  dropped: WindowSlot<A>[],
): void {
  const done = table.done
  const lateness = table.settings.allowedLatenessMs
  let nextDueAt = Number.POSITIVE_INFINITY
  for (const slots of table.keys.values()) {
    for (const slot of slots.values()) {
      if (slot.end <= done && !slot.hasClosed && slot.pickedIn !== round) {
        slot.pickedIn = round
        due.push(slot)
      }
      const dueAt = slot.end <= done ? slot.end + lateness : slot.end
      if (dueAt <= done) dropped.push(slot)
      else if (dueAt < nextDueAt) nextDueAt = dueAt
    }
  }
  table.nextDueAt = nextDueAt
}

function emitSlot<A extends WindowAccumulator<A>>(
  slot: WindowSlot<A>,
  done: number,
  sink: WindowSink<A>,
): void {
  const final = slot.end <= done
  slot.revision++
  slot.isDirty = false
  if (final) slot.hasClosed = true
  sink.onResult({
    kind: 'window',
    key: slot.key,
    windowId: slot.id,
    windowStart: slot.start,
    windowEnd: slot.end,
    revision: slot.revision,
    final,
    accumulator: slot.acc,
  })
}

function compareDue<A extends WindowAccumulator<A>>(a: Due<A>, b: Due<A>): number {
  return (
    endOf(a) - endOf(b) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
    startOf(a) - startOf(b) ||
    idOf(a) - idOf(b) ||
    ('kind' in a ? 0 : 1) - ('kind' in b ? 0 : 1)
  )
}

function endOf<A extends WindowAccumulator<A>>(d: Due<A>): number {
  return 'kind' in d ? d.windowEnd : d.end
}

function startOf<A extends WindowAccumulator<A>>(d: Due<A>): number {
  return 'kind' in d ? d.windowStart : d.start
}

function idOf<A extends WindowAccumulator<A>>(d: Due<A>): number {
  return 'kind' in d ? d.windowId : d.id
}
