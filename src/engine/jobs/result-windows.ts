import type { ResultRow } from '../results/result-row.js'
import type { Collector } from '../api/index.js'
import { KeyedWindows, decodeWindowsSnapshot, encodeWindowsSnapshot, tumbling } from '../windows/index.js'
import type { AccumulatorKind, LateReason, WindowAccumulator } from '../windows/index.js'

/** The value fields of a result row (everything but the window identity). */
export type ResultValues = Pick<
  ResultRow,
  'count' | 'sum' | 'min' | 'max' | 'last' | 'mean' | 'p50' | 'p90' | 'p99' | 'errors'
>

export interface ResultWindowsSettings<A extends WindowAccumulator<A>> {
  /** Names the job in restore errors. */
  readonly job: string
  readonly windowsMs: readonly number[]
  readonly allowedLatenessMs: number
  readonly maxOpenWindows?: number
  readonly accumulator: AccumulatorKind<A>
  readonly values: (acc: A) => ResultValues
}

/**
 * Tumbling windows of each configured size over keys `tenant NUL rest`, emitting ResultRows: the
 * part the RED and log-count operators share. Samples are not deduplicated by timestamp here (the
 * operators decide what a duplicate is). Rows collect until `drain`.
 */
export class ResultWindows<A extends WindowAccumulator<A>> {
  readonly sizes: readonly { readonly sizeMs: number; readonly w: KeyedWindows<A> }[]
  readonly #s: ResultWindowsSettings<A>
  #rows: ResultRow[] = []
  #lateReason: LateReason = 'window_closed'

  constructor(s: ResultWindowsSettings<A>) {
    this.#s = s
    this.sizes = s.windowsMs.map((sizeMs) => ({
      sizeMs,
      w: new KeyedWindows<A>(
        {
          assigner: tumbling(sizeMs),
          accumulator: s.accumulator,
          allowedLatenessMs: s.allowedLatenessMs,
          dedupeByTimestamp: false,
          ...(s.maxOpenWindows === undefined ? {} : { maxOpenWindows: s.maxOpenWindows }),
        },
        {
          onResult: (o) => {
            if (o.kind !== 'window') return // tumbling windows never merge, so never retract
            const split = o.key.indexOf('\u0000') // tenant ids never contain NUL (ingest checks them)
            this.#rows.push({
              tenant: o.key.slice(0, split),
              key: o.key.slice(split + 1),
              windowMs: sizeMs,
              windowStart: o.windowStart,
              windowEnd: o.windowEnd,
              revision: o.revision,
              final: o.final,
              ...s.values(o.accumulator),
            })
          },
          onLate: (_record, reason) => {
            this.#lateReason = reason
          },
        },
      ),
    }))
  }

  /** Why the last refused `add` was refused. */
  get lateReason(): LateReason {
    return this.#lateReason
  }

  /** After a batch: late upserts are emitted now, not at the next watermark. */
  flushUpdates(): void {
    for (const { w } of this.sizes) w.flushUpdates()
  }

  advanceWatermark(timeMs: number): void {
    for (const { w } of this.sizes) w.advanceWatermark(timeMs)
  }

  /** Emits the rows collected so far, if any. */
  drain(out: Collector<ResultRow[]>): void {
    if (this.#rows.length === 0) return
    out.emit(this.#rows)
    this.#rows = []
  }

  /** One encoded windows snapshot per size, in `windowsMs` order. */
  snapshot(): Uint8Array[] {
    return this.sizes.map(({ w }) => encodeWindowsSnapshot(w.snapshot()))
  }

  /** Decodes every part before replacing anything; throws on damage or another window count. */
  restore(parts: readonly Uint8Array[]): void {
    if (parts.length !== this.sizes.length) {
      throw new Error(`${this.#s.job} snapshot has ${parts.length} parts, the job needs ${this.sizes.length}`)
    }
    const decoded = parts.map((p) => {
      const d = decodeWindowsSnapshot(p)
      if (!d.ok) throw new Error(`cannot restore ${this.#s.job} windows: ${d.reason}`)
      return d.snapshot
    })
    this.sizes.forEach(({ w }, i) => w.restore(decoded[i]!))
  }
}
