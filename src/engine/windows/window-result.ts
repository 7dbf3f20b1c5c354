/**
 * What KeyedWindows hands its sink. A window's identity is (key, windowId): for tumbling and
 * sliding windows `windowId === windowStart`; a session keeps the id it was opened with through
 * merges, since its start and end move. Each emission for one identity carries the next revision
 * (1, 2, …); a store upserts by identity and keeps the highest revision.
 */
export interface WindowResult<A> {
  readonly kind: 'window'
  readonly key: string
  readonly windowId: number
  readonly windowStart: number
  readonly windowEnd: number
  readonly revision: number
  /** True once the watermark passed the window's end: later revisions only fold in late data. */
  readonly final: boolean
  /** Lent for the duration of `onResult`: the window keeps updating it; encode or copy to keep it. */
  readonly accumulator: A
}

/** A session window absorbed by a merge after it had emitted: the store deletes that identity. */
export interface WindowRetraction {
  readonly kind: 'retract'
  readonly key: string
  readonly windowId: number
  readonly windowStart: number
  readonly windowEnd: number
  readonly revision: number
}

export type WindowOutput<A> = WindowResult<A> | WindowRetraction

export const lateReasons = ['window_closed', 'too_many_windows', 'invalid_timestamp'] as const
export type LateReason = (typeof lateReasons)[number]

export interface LateRecord {
  readonly key: string
  readonly ts: number
  readonly value: number
}

/** Receives results and refused records, synchronously, in a deterministic order. */
export interface WindowSink<A> {
  onResult(output: WindowOutput<A>): void
  onLate(record: LateRecord, reason: LateReason): void
}
