import type { AccumulatorKind, WindowAccumulator } from './accumulator.js'

/**
 * The mutable state of one open window of one key. `samples` (timestamp → value) exists only for
 * session windows with deduplication on; it lives exactly as long as the window. Fixed windows share
 * one sample map per key instead (WindowTable.keySamples), since a sample is in several of them.
 */
export class WindowSlot<A extends WindowAccumulator<A>> {
  /** Revisions emitted so far (0: never emitted). */
  revision = 0
  /** Emitted as final for its current extent; a later change is a late upsert. */
  hasClosed = false
  /** Changed since its last emission. */
  isDirty = false
  /** Removed (dropped or merged away); stale references to it are skipped. */
  isRemoved = false
  /** The emission round that last picked it, so one round emits it once. */
  pickedIn = 0

  constructor(
    readonly key: string,
    readonly id: number,
    public start: number,
    public end: number,
    public acc: A,
    public samples: Map<number, number> | undefined,
  ) {}

  /**
   * Adds one sample. With deduplication, a repeat of a timestamp with the same value changes
   * nothing and one with another value replaces it (the accumulator is rebuilt from the samples,
   * since min/max/sketches cannot subtract). Returns whether the window changed.
   */
  addSample(ts: number, value: number, kind: AccumulatorKind<A>): boolean {
    const samples = this.samples
    if (samples !== undefined) {
      const previous = samples.get(ts)
      if (previous !== undefined) {
        if (Object.is(previous, value)) return false
        samples.set(ts, value)
        this.rebuild(samples, kind)
        return true
      }
      samples.set(ts, value)
    }
    this.acc.add(ts, value)
    return true
  }

  /** Recomputes the accumulator from the samples in [start, end) of `samples`. */
  rebuild(samples: Map<number, number>, kind: AccumulatorKind<A>): void {
    const acc = kind.create()
    for (const [ts, value] of samples) if (ts >= this.start && ts < this.end) acc.add(ts, value)
    this.acc = acc
  }

  /** Folds another slot of the same key into this one (session merge). */
  absorb(other: WindowSlot<A>): void {
    this.start = Math.min(this.start, other.start)
    this.end = Math.max(this.end, other.end)
    this.acc.merge(other.acc)
    if (this.samples !== undefined && other.samples !== undefined) {
      for (const [ts, value] of other.samples) this.samples.set(ts, value)
    }
    other.isRemoved = true
  }
}
