import { PipelineError } from '../../core/index.js'
import type { WindowAccumulator } from './accumulator.js'
import { sameAssigner } from './window-assigner.js'
import type { WindowAssigner } from './window-assigner.js'
import type { WindowRetraction } from './window-result.js'
import { WindowSlot } from './window-slot.js'
import { WindowTable } from './window-table.js'
import type { WindowSettings } from './window-table.js'

export const WINDOWS_SNAPSHOT_VERSION = 1

/** One open window as plain data. `samples` is null when deduplication is off. */
export interface WindowSnapshotEntry {
  readonly key: string
  readonly id: number
  readonly start: number
  readonly end: number
  readonly revision: number
  readonly hasClosed: boolean
  readonly isDirty: boolean
  readonly accumulator: Uint8Array
  /** Timestamps and values, interleaved: [ts0, v0, ts1, v1, …]. */
  readonly samples: readonly number[] | null
}

export interface KeySamplesEntry {
  readonly key: string
  readonly samples: readonly number[]
}

/**
 * Everything a KeyedWindows needs to continue exactly where it was: the watermark, every open
 * window with its emitted-revision counter and pending changes, and pending retractions. Entries
 * are sorted by (key, id), so equal states give equal snapshots.
 */
export interface WindowsSnapshot {
  readonly version: number
  readonly assigner: WindowAssigner
  readonly dedupeByTimestamp: boolean
  readonly watermarkMs: number
  readonly nextSessionId: number
  readonly windows: readonly WindowSnapshotEntry[]
  /** Fixed windows with dedupe: each key's samples, [ts0, v0, ts1, v1, …] in insertion order. */
  readonly keySamples: readonly KeySamplesEntry[]
  readonly retractions: readonly WindowRetraction[]
}

export function takeSnapshot<A extends WindowAccumulator<A>>(table: WindowTable<A>): WindowsSnapshot {
  const { accumulator } = table.settings
  const windows: WindowSnapshotEntry[] = []
  for (const key of [...table.keys.keys()].sort()) {
    const slots = [...table.keys.get(key)!.values()].sort((a, b) => a.id - b.id)
    for (const slot of slots) {
      windows.push({
        key,
        id: slot.id,
        start: slot.start,
        end: slot.end,
        revision: slot.revision,
        hasClosed: slot.hasClosed,
        isDirty: slot.isDirty,
        accumulator: accumulator.encode(slot.acc),
        samples: slot.samples === undefined ? null : [...slot.samples].flat(),
      })
    }
  }
  return {
    version: WINDOWS_SNAPSHOT_VERSION,
    assigner: table.settings.assigner,
    dedupeByTimestamp: table.settings.dedupeByTimestamp,
    watermarkMs: table.watermarkMs,
    nextSessionId: table.nextSessionId,
    windows,
    keySamples: [...table.keySamples.keys()]
      .sort()
      .map((key) => ({ key, samples: [...table.keySamples.get(key)!].flat() })),
    retractions: [...table.retractions],
  }
}

/** A table holding exactly the snapshot's state; throws when it was taken under other settings. */
export function restoreTable<A extends WindowAccumulator<A>>(
  snapshot: WindowsSnapshot,
  settings: WindowSettings<A>,
): WindowTable<A> {
  if (snapshot.version !== WINDOWS_SNAPSHOT_VERSION) mismatch(`unsupported version ${snapshot.version}`)
  if (!sameAssigner(snapshot.assigner, settings.assigner)) mismatch('it was taken with another assigner')
  if (snapshot.dedupeByTimestamp !== settings.dedupeByTimestamp) mismatch('dedupeByTimestamp differs')
  const table = new WindowTable(settings)
  table.watermarkMs = snapshot.watermarkMs
  table.nextSessionId = snapshot.nextSessionId
  table.retractions.push(...snapshot.retractions)
  for (const entry of snapshot.windows) {
    const slot = new WindowSlot(
      entry.key,
      entry.id,
      entry.start,
      entry.end,
      settings.accumulator.decode(entry.accumulator),
      entry.samples === null ? undefined : toMap(entry.samples),
    )
    slot.revision = entry.revision
    slot.hasClosed = entry.hasClosed
    slot.isDirty = entry.isDirty
    table.insert(table.slotsOf(entry.key), slot)
    if (table.isQueueable(slot)) table.changed.push(slot)
  }
  for (const entry of snapshot.keySamples) table.keySamples.set(entry.key, toMap(entry.samples))
  return table
}

function toMap(flat: readonly number[]): Map<number, number> {
  const samples = new Map<number, number>()
  for (let i = 0; i + 1 < flat.length; i += 2) samples.set(flat[i]!, flat[i + 1]!)
  return samples
}

function mismatch(why: string): never {
  throw new PipelineError(`cannot restore window state: ${why}`, {
    code: 'window_snapshot_mismatch',
    domain: 'internal',
    retryable: false,
  })
}
