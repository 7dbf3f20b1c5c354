import type { AccumulatorKind, WindowAccumulator } from './accumulator.js'
import type { WindowAssigner } from './window-assigner.js'
import type { WindowRetraction } from './window-result.js'
import type { WindowSlot } from './window-slot.js'

export const emitModes = ['emit-on-close', 'emit-on-update'] as const
export type EmitMode = (typeof emitModes)[number]

/** KeyedWindows options after defaults; shared by the add, emission and snapshot code. */
export interface WindowSettings<A extends WindowAccumulator<A>> {
  readonly assigner: WindowAssigner
  readonly accumulator: AccumulatorKind<A>
  readonly allowedLatenessMs: number
  readonly emitMode: EmitMode
  readonly dedupeByTimestamp: boolean
  readonly maxOpenWindows: number
}

/**
 * Every open window of one KeyedWindows instance, and the bookkeeping that keeps emission cheap:
 * `changed` lists the windows that may be due outside a watermark scan, `nextDueAt` is a lower bound
 * of the earliest close or drop time, so a watermark that reaches nothing skips the scan.
 */
export class WindowTable<A extends WindowAccumulator<A>> {
  /** key → window id → slot. */
  readonly keys = new Map<string, Map<number, WindowSlot<A>>>()
  /** Fixed windows with dedupe: key → ts → value, for every sample some open window of the key holds. */
  readonly keySamples = new Map<string, Map<number, number>>()
  readonly changed: WindowSlot<A>[] = []
  readonly retractions: WindowRetraction[] = []
  openCount = 0
  nextDueAt = Number.POSITIVE_INFINITY
  nextSessionId = 1
  watermarkMs = Number.NEGATIVE_INFINITY
  round = 0

  constructor(readonly settings: WindowSettings<A>) {}

  /** Exclusive bound of completeness: every record with ts < done is behind the watermark. */
  get done(): number {
    return this.watermarkMs + 1
  }

  slotsOf(key: string): Map<number, WindowSlot<A>> {
    let slots = this.keys.get(key)
    if (slots === undefined) {
      slots = new Map()
      this.keys.set(key, slots)
    }
    return slots
  }

  samplesOf(key: string): Map<number, number> {
    let samples = this.keySamples.get(key)
    if (samples === undefined) {
      samples = new Map()
      this.keySamples.set(key, samples)
    }
    return samples
  }

  insert(slots: Map<number, WindowSlot<A>>, slot: WindowSlot<A>): void {
    slots.set(slot.id, slot)
    this.openCount++
    if (slot.end < this.nextDueAt) this.nextDueAt = slot.end
  }

  remove(slot: WindowSlot<A>): void {
    const slots = this.keys.get(slot.key)
    if (slots?.delete(slot.id) === true) {
      this.openCount--
      if (slots.size === 0) {
        this.keys.delete(slot.key)
        this.keySamples.delete(slot.key)
      }
    }
    slot.isRemoved = true
  }

  /** Marks a slot changed; queues it when a flush or the next watermark may have to emit it. */
  markChanged(slot: WindowSlot<A>): void {
    if (slot.end < this.nextDueAt) this.nextDueAt = slot.end
    if (slot.isDirty) return
    slot.isDirty = true
    if (this.isQueueable(slot)) this.changed.push(slot)
  }

  isQueueable(slot: WindowSlot<A>): boolean {
    return slot.isDirty && (this.settings.emitMode === 'emit-on-update' || slot.end <= this.done)
  }
}
