/**
 * Per-partition event-time watermarks and the task watermark (DESIGN.md §4.5).
 *
 * Each input partition tracks the largest event time it has delivered; its watermark trails that
 * by the bounded out-of-orderness: `maxEventTime − maxOutOfOrdernessMs − 1` (as Flink's
 * BoundedOutOfOrdernessWatermarks: a record at exactly `maxEventTime − bound` is still on time).
 * A partition that delivered nothing for `idleTimeoutMs` of processing time is idle and does not
 * hold the task back; it becomes active again with its next record. The task watermark is the
 * minimum over active partitions, never decreases, and holds (does not advance) while every
 * partition is idle or none has delivered a record yet.
 *
 * Processing time comes from the caller (the runtime's Clock), so tests drive it by hand.
 */
export interface WatermarkSettings {
  readonly maxOutOfOrdernessMs: number
  readonly idleTimeoutMs: number
}

interface PartitionTime {
  maxEventTimeMs: number
  lastRecordAtMs: number
}

export class WatermarkTracker {
  readonly #settings: WatermarkSettings
  readonly #partitions = new Map<string, PartitionTime>()
  #watermarkMs = Number.NEGATIVE_INFINITY

  constructor(settings: WatermarkSettings) {
    this.#settings = settings
  }

  /** The task watermark (−Infinity until the first one). */
  get watermarkMs(): number {
    return this.#watermarkMs
  }

  /** Registers an input partition (e.g. `topic/3`) before it delivers anything. */
  addPartition(id: string, nowMs: number): void {
    if (!this.#partitions.has(id)) {
      this.#partitions.set(id, { maxEventTimeMs: Number.NEGATIVE_INFINITY, lastRecordAtMs: nowMs })
    }
  }

  removePartition(id: string): void {
    this.#partitions.delete(id)
  }

  /** A batch from partition `id` whose largest event time is `maxEventTimeMs`. */
  observe(id: string, maxEventTimeMs: number, nowMs: number): void {
    let p = this.#partitions.get(id)
    if (p === undefined) {
      p = { maxEventTimeMs: Number.NEGATIVE_INFINITY, lastRecordAtMs: nowMs }
      this.#partitions.set(id, p)
    }
    if (maxEventTimeMs > p.maxEventTimeMs) p.maxEventTimeMs = maxEventTimeMs
    p.lastRecordAtMs = nowMs
  }

  /** True when `id` has been quiet for the idle timeout. */
  isIdle(id: string, nowMs: number): boolean {
    const p = this.#partitions.get(id)
    return p !== undefined && nowMs - p.lastRecordAtMs >= this.#settings.idleTimeoutMs
  }

  /**
   * Recomputes the task watermark at processing time `nowMs`; returns the new value when it
   * advanced, else undefined (so the caller emits a watermark element only on progress).
   */
  advance(nowMs: number): number | undefined {
    let min = Number.POSITIVE_INFINITY
    let active = 0
    for (const p of this.#partitions.values()) {
      if (nowMs - p.lastRecordAtMs >= this.#settings.idleTimeoutMs) continue
      active++
      const wm = p.maxEventTimeMs - this.#settings.maxOutOfOrdernessMs - 1
      if (wm < min) min = wm
    }
    if (active === 0 || !Number.isFinite(min) || min <= this.#watermarkMs) return undefined
    this.#watermarkMs = min
    return min
  }

  /** What must survive a restart: the task watermark and each partition's largest event time. */
  exportState(): WatermarkState {
    return {
      watermarkMs: this.#watermarkMs,
      partitions: [...this.#partitions].map(([id, p]) => [id, p.maxEventTimeMs] as const),
    }
  }

  /** Restores `exportState()`; partitions count as active from `nowMs`. */
  importState(state: WatermarkState, nowMs: number): void {
    this.#watermarkMs = state.watermarkMs
    for (const [id, maxEventTimeMs] of state.partitions) {
      this.#partitions.set(id, { maxEventTimeMs, lastRecordAtMs: nowMs })
    }
  }
}

export interface WatermarkState {
  readonly watermarkMs: number
  readonly partitions: readonly (readonly [string, number])[]
}
