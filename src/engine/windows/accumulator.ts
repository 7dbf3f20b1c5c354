/**
 * What a window keeps per (key, window): the seam to the aggregates module. The window core only
 * adds samples, merges two accumulators (session merges) and rebuilds one from scratch (when a
 * duplicate sample replaces an earlier one with a different value), so any mergeable aggregate fits.
 */
export interface WindowAccumulator<A> {
  /** Adds one sample; called once per distinct (key, ts) when deduplication is on. */
  add(ts: number, value: number): void
  /** Folds `other` into this one; `other` is discarded afterwards. */
  merge(other: A): void
}

/**
 * How to make, persist and restore an accumulator. `encode`/`decode` must round-trip exactly:
 * a restored window must produce the same results as one never snapshotted.
 */
export interface AccumulatorKind<A extends WindowAccumulator<A>> {
  create(): A
  encode(acc: A): Uint8Array
  decode(bytes: Uint8Array): A
}
