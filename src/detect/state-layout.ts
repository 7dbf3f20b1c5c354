/**
 * The per-series state of the detectors lives in one `Float64Array` per series bank, `stride`
 * numbers per series (struct-of-arrays by slot, array-of-structs by series), so 100k series are one
 * allocation and a point update touches one contiguous run of memory — no object per series, none
 * per point. Each component reserves its fields here when it is constructed and keeps the offsets.
 */
export class StateLayout {
  #size = 0
  readonly #names: string[] = []

  /** Reserves `count` consecutive numbers; returns the offset of the first within a series' state. */
  reserve(name: string, count = 1): number {
    const offset = this.#size
    this.#size += count
    this.#names.push(count === 1 ? name : `${name}[${count}]`)
    return offset
  }

  /** Numbers per series. */
  get stride(): number {
    return this.#size
  }

  /** What each offset holds, for docs and debugging. */
  get fields(): readonly string[] {
    return this.#names
  }
}
