/**
 * Sparse offset and time index of one segment, kept in memory as growable typed arrays and saved
 * beside a sealed segment (see `segment-sidecar.ts`).
 *
 * An entry is added for a batch once `intervalBytes` of batches were written since the previous
 * entry. Entry i says: the batch starting at file position `positions[i]` has base offset
 * `baseOffset + relOffsets[i]`, and every batch before it has a timestamp <= `maxTsBefore[i]`.
 * So a lookup starts scanning at the last entry whose offset is <= the target (offset index), or
 * whose `maxTsBefore` is < the target time (time index), and never misses a match.
 */
export class SegmentIndex {
  relOffsets: Uint32Array
  positions: Uint32Array
  maxTsBefore: Float64Array
  length = 0
  #bytesSinceEntry: number
  readonly #intervalBytes: number

  constructor(intervalBytes: number, capacity = 64) {
    this.#intervalBytes = intervalBytes
    this.relOffsets = new Uint32Array(capacity)
    this.positions = new Uint32Array(capacity)
    this.maxTsBefore = new Float64Array(capacity)
    // The first batch of a segment always gets an entry.
    this.#bytesSinceEntry = intervalBytes
  }

  /** Called for every batch appended (or found by a recovery scan), in file order. */
  onBatch(relOffset: number, position: number, batchBytes: number, maxTsBefore: number): void {
    if (this.#bytesSinceEntry >= this.#intervalBytes) {
      this.#push(relOffset, position, maxTsBefore)
      this.#bytesSinceEntry = 0
    }
    this.#bytesSinceEntry += batchBytes
  }

  /** File position to start scanning for `relOffset` (0 when before the first entry). */
  positionForOffset(relOffset: number): number {
    const i = lastIndexWhere(this.length, (k) => this.relOffsets[k]! <= relOffset)
    return i < 0 ? 0 : this.positions[i]!
  }

  /** File position to start scanning for the first record with timestamp >= `timestampMs`. */
  positionForTime(timestampMs: number): number {
    const i = lastIndexWhere(this.length, (k) => this.maxTsBefore[k]! < timestampMs)
    return i < 0 ? 0 : this.positions[i]!
  }

  /** Drops entries at or past `position` (after a truncation). */
  truncateTo(position: number): void {
    while (this.length > 0 && this.positions[this.length - 1]! >= position) this.length--
    this.#bytesSinceEntry = this.#intervalBytes
  }

  static fromArrays(
    intervalBytes: number,
    relOffsets: Uint32Array,
    positions: Uint32Array,
    maxTsBefore: Float64Array,
  ): SegmentIndex {
    const index = new SegmentIndex(intervalBytes, Math.max(64, relOffsets.length))
    index.relOffsets.set(relOffsets)
    index.positions.set(positions)
    index.maxTsBefore.set(maxTsBefore)
    index.length = relOffsets.length
    index.#bytesSinceEntry = 0
    return index
  }

  #push(relOffset: number, position: number, maxTsBefore: number): void {
    if (this.length === this.relOffsets.length) {
      const cap = this.length * 2
      this.relOffsets = grow(this.relOffsets, new Uint32Array(cap))
      this.positions = grow(this.positions, new Uint32Array(cap))
      this.maxTsBefore = grow(this.maxTsBefore, new Float64Array(cap))
    }
    this.relOffsets[this.length] = relOffset
    this.positions[this.length] = position
    this.maxTsBefore[this.length] = maxTsBefore
    this.length++
  }
}

function grow<T extends Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from)
  return to
}

/** Binary search over a monotone predicate (true then false): the last index where it holds, or -1. */
function lastIndexWhere(length: number, holds: (i: number) => boolean): number {
  let lo = 0
  let hi = length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (holds(mid)) {
      found = mid
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return found
}
