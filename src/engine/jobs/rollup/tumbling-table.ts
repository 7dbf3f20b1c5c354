import { Aggregate } from '../../aggregates/index.js'
import type { AggregateResult } from '../../aggregates/index.js'
import { WINDOWS_SNAPSHOT_VERSION, lastWindowStart, tumbling } from '../../windows/index.js'
import type { WindowSnapshotEntry, WindowsSnapshot } from '../../windows/index.js'
import { growFloat64, growInt32 } from './series-table.js'
import type { SeriesTable } from './series-table.js'

/** Doubles per window: start, count, nanCount, sum, min, max, lastTs, last (Aggregate's fields). */
const STRIDE = 8
const COUNT = 1
const NAN_COUNT = 2
const SUM = 3
const MIN = 4
const MAX = 5
const LAST_TS = 6
const LAST = 7

const CLOSED = 1
const DIRTY = 2
/** Removed by a checkpoint delta during restore, until `compactRemoved`. */
const REMOVED = 4

/**
 * Emission sorts due windows when there are few (due × walkFactor < series), else places them by key
 * rank. Mutable only so the equivalence test can force each path (0: always sort).
 */
export const emissionTuning = { walkFactor: 16 }

/** What `offer` did with a sample, for one window size. */
export const ADDED = 0
export const DUPLICATE = 1
/** A held (series, ts) with another value: the caller stores the value, then calls `rebuild`. */
export const REPLACE = 2
export const LATE_CLOSED = 3
export const LATE_TOO_MANY = 4

/** The windows of one start (all series): they fire together and are dropped together. */
interface Generation {
  readonly start: number
  slots: number[]
  fired: boolean
}

/** Builds the operator's row for one emitted window (called in emission order). */
export type EmitWindow = (
  series: number,
  windowStart: number,
  revision: number,
  aggregate: AggregateResult,
) => void

/**
 * The open tumbling windows of one size for every series: KeyedWindows' semantics (docs/windows.md)
 * specialised to tumbling windows of the rollup's Aggregate without quantiles, emit-on-close,
 * dedupe on.
 *
 * Why hand-written: a sample of a tumbling window belongs to exactly one window, so the window is
 * found from a per-series chain (the current window is at its head) instead of two Map lookups,
 * and the aggregate lives in a Float64Array row (no object, no boxed doubles). Windows of one
 * start form a generation, so firing and dropping never scan windows that are not due.
 * Equivalence with KeyedWindows is checked by rollup-equivalence.test.ts.
 */
export class TumblingTable {
  #f = new Float64Array(0)
  #revision = new Int32Array(0)
  #flags = new Uint8Array(0)
  #seriesOf = new Int32Array(0)
  /**
   * The series' windows as a doubly linked chain ordered by start, newest first (-1 ends it), so
   * an in-order sample finds its window, or that it has none, at the head however many windows
   * are open (a task catching up holds many: the watermark moves once per poll).
   */
  #next = new Int32Array(0)
  #prev = new Int32Array(0)
  #picked = new Int32Array(0)
  /** Per series: its newest window, or -1. */
  #head = new Int32Array(0)
  #top = 0
  readonly #free: number[] = []
  readonly #gens = new Map<number, Generation>()
  /** Windows changed behind the watermark (late upserts, late-created windows): due at next emission. */
  #pending: number[] = []
  #round = 0
  #removed = 0
  /** Scratch of `#sorted`: window by series rank, -1 where none (kept all -1 between calls). */
  #byRank = new Int32Array(0)
  /** The generation `#create` used last (restores create many windows of one start in a row). */
  #lastGen: Generation | undefined
  openCount = 0

  constructor(
    readonly sizeMs: number,
    readonly latenessMs: number,
    readonly maxOpenWindows: number,
    readonly series: SeriesTable,
  ) {}

  ensureSeries(n: number): void {
    if (this.#head.length < n) this.#head = growInt32(this.#head, n, -1)
  }

  /** The window of series s starting at `start`, or -1. */
  slotOf(s: number, start: number): number {
    const f = this.#f
    let slot = this.#head[s]!
    while (slot >= 0 && f[slot * STRIDE]! > start) slot = this.#next[slot]!
    return slot >= 0 && f[slot * STRIDE] === start ? slot : -1
  }

  /**
   * One sample for this size; `held` says the (series, ts) is already stored with this size's bit,
   * with value `previous`. Mirrors addToFixedWindows for a tumbling assigner.
   */
  offer(s: number, ts: number, value: number, held: boolean, previous: number, done: number): number {
    const size = this.sizeMs
    const start = ts - (((ts % size) + size) % size)
    let slot = this.slotOf(s, start)
    if (slot >= 0) {
      if (held) return Object.is(previous, value) ? DUPLICATE : REPLACE
    } else {
      if (start + size + this.latenessMs <= done) return LATE_CLOSED
      if (this.openCount + 1 > this.maxOpenWindows) return LATE_TOO_MANY
      slot = this.#create(s, start, done)
    }
    this.#add(slot * STRIDE, ts, value)
    this.#changed(slot, done)
    return ADDED
  }

  /** Recomputes series s's window of ts from its stored samples with this size's `bit`. */
  rebuild(s: number, ts: number, bit: number, done: number): void {
    const size = this.sizeMs
    const start = ts - (((ts % size) + size) % size)
    const slot = this.slotOf(s, start)
    const o = slot * STRIDE
    this.#reset(o, start)
    const a = this.series.arena(s)
    const base = this.series.base(s)
    const end = base + this.series.sampleLen[s]! * 3
    for (let p = base; p < end; p += 3) {
      const t = a[p]!
      if ((a[p + 2]! & bit) !== 0 && t >= start && t < start + size) this.#add(o, t, a[p + 1]!)
    }
    this.#changed(slot, done)
  }

  /**
   * Emits what is due at `done` (watermark + 1) in (windowEnd, key) order. A watermark round fires
   * the windows the watermark passed, then drops the windows past end + lateness (series that lost
   * a window are pushed to `touched`); a flush round (after a batch) emits only late upserts and
   * windows created behind the watermark, as KeyedWindows' flushUpdates.
   */
  emit(done: number, emitWindow: EmitWindow, touched: number[], isWatermark: boolean): void {
    if (!isWatermark && this.#pending.length === 0) return
    const round = ++this.#round
    const due: number[] = []
    for (const slot of this.#pending) this.#pick(slot, round, due)
    this.#pending = []
    for (const gen of isWatermark ? this.#gens.values() : []) {
      if (gen.fired || gen.start + this.sizeMs > done) continue
      gen.fired = true
      for (const slot of gen.slots) if ((this.#flags[slot]! & CLOSED) === 0) this.#pick(slot, round, due)
    }
    if (due.length > 0) {
      this.series.ensureRanks()
      for (const slot of this.#sorted(due)) this.#emitSlot(slot, emitWindow)
    }
    for (const gen of isWatermark ? this.#gens.values() : []) {
      if (gen.start + this.sizeMs + this.latenessMs > done) continue
      for (const slot of gen.slots) touched.push(this.#drop(slot))
      this.#gens.delete(gen.start)
      if (this.#lastGen === gen) this.#lastGen = undefined
    }
  }

  /** This size's state in KeyedWindows' snapshot form (keys `tenant NUL labelsKey`), so either restores it. */
  snapshot(watermarkMs: number, bit: number): WindowsSnapshot {
    const series = this.series
    const keyOf = (s: number): string => `${series.tenantOf[s]!}\u0000${series.labelsOf[s]!}`
    const windows: WindowSnapshotEntry[] = []
    for (const gen of this.#gens.values()) {
      for (const slot of gen.slots) {
        const o = slot * STRIDE
        const f = this.#f
        const acc = Aggregate.fromState({
          count: f[o + COUNT]!,
          nanCount: f[o + NAN_COUNT]!,
          sum: f[o + SUM]!,
          min: f[o + MIN]!,
          max: f[o + MAX]!,
          lastTs: f[o + LAST_TS]!,
          last: f[o + LAST]!,
        })
        windows.push({
          key: keyOf(this.#seriesOf[slot]!),
          id: gen.start,
          start: gen.start,
          end: gen.start + this.sizeMs,
          revision: this.#revision[slot]!,
          hasClosed: (this.#flags[slot]! & CLOSED) !== 0,
          isDirty: (this.#flags[slot]! & DIRTY) !== 0,
          accumulator: acc.encode(),
          samples: null,
        })
      }
    }
    windows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id))
    const keySamples: { key: string; samples: number[] }[] = []
    for (const s of series.live()) {
      const a = series.arena(s)
      const base = series.base(s)
      const samples: number[] = []
      for (let i = 0; i < series.sampleLen[s]!; i++) {
        const p = base + i * 3
        if ((a[p + 2]! & bit) !== 0) samples.push(a[p]!, a[p + 1]!)
      }
      if (samples.length > 0) keySamples.push({ key: keyOf(s), samples })
    }
    keySamples.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    return {
      version: WINDOWS_SNAPSHOT_VERSION,
      assigner: tumbling(this.sizeMs),
      dedupeByTimestamp: true,
      watermarkMs,
      nextSessionId: 1,
      windows,
      keySamples,
      retractions: [],
    }
  }

  /** Series s's open windows. */
  windowCount(s: number): number {
    let n = 0
    for (let slot = this.#head[s]!; slot >= 0; slot = this.#next[slot]!) n++
    return n
  }

  /**
   * Copies series s's windows into checkpoint columns from index `at` (rows of 8 doubles, revision,
   * size index, flags); returns the next index.
   */
  exportSeries(
    s: number,
    sizeIndex: number,
    at: number,
    cols: { rows: Float64Array; revision: Int32Array; sizeIndex: Uint8Array; flags: Uint8Array },
  ): number {
    const f = this.#f
    for (let slot = this.#head[s]!; slot >= 0; slot = this.#next[slot]!) {
      // Eight scalar copies: a subarray per window costs more than the copy.
      const o = slot * STRIDE
      const to = at * STRIDE
      const rows = cols.rows
      for (let i = 0; i < STRIDE; i++) rows[to + i] = f[o + i]!
      cols.revision[at] = this.#revision[slot]!
      cols.sizeIndex[at] = sizeIndex
      cols.flags[at] = this.#flags[slot]!
      at++
    }
    return at
  }

  /** Adds one window from a checkpoint row (`rows[o..o+8)`, TumblingTable's own layout). */
  restoreRow(s: number, rows: Float64Array, o: number, revision: number, flags: number, done: number): void {
    const start = rows[o]!
    if (!Number.isFinite(start) || lastWindowStart(start, this.sizeMs, 0) !== start) {
      throw new Error(`rollup checkpoint window start ${start} is not aligned to ${this.sizeMs} ms`)
    }
    if (this.slotOf(s, start) >= 0) throw new Error(`rollup checkpoint holds window ${start} twice`)
    const slot = this.#create(s, start, Number.NEGATIVE_INFINITY)
    const f = this.#f
    const to = slot * STRIDE
    for (let i = 0; i < STRIDE; i++) f[to + i] = rows[o + i]!
    this.#restored(slot, start, revision, flags & (CLOSED | DIRTY), done)
  }

  /**
   * Restore only: forgets series s's windows (a checkpoint delta replaces or deletes the series).
   * Their slots stay in their generations until `compactRemoved`, called once after the deltas.
   */
  removeSeries(s: number): void {
    for (let slot = this.#head[s]!; slot >= 0; slot = this.#next[slot]!) {
      this.#flags[slot] = REMOVED
      this.openCount--
      this.series.open[s]!--
      this.#removed++
    }
    this.#head[s] = -1
  }

  compactRemoved(): void {
    if (this.#removed === 0) return
    const flags = this.#flags
    for (const gen of [...this.#gens.values()]) {
      const kept: number[] = []
      for (const slot of gen.slots) {
        if ((flags[slot]! & REMOVED) === 0) kept.push(slot)
        else this.#free.push(slot)
      }
      if (kept.length === 0) {
        this.#gens.delete(gen.start)
        if (this.#lastGen === gen) this.#lastGen = undefined
      } else gen.slots = kept // (not splice(…, ...kept): a million arguments overflow the stack)
    }
    this.#pending = this.#pending.filter((slot) => (flags[slot]! & REMOVED) === 0)
    this.#removed = 0
  }

  #restored(slot: number, start: number, revision: number, flags: number, done: number): void {
    const end = start + this.sizeMs
    this.#revision[slot] = revision
    this.#flags[slot] = flags
    if (end <= done && ((flags & CLOSED) === 0 || (flags & DIRTY) !== 0)) this.#pending.push(slot)
    const gen = this.#lastGen?.start === start ? this.#lastGen : this.#gens.get(start)!
    gen.fired = end <= done
  }

  /** Adds one window of a snapshot (taken by this class or by KeyedWindows). */
  restoreWindow(s: number, entry: WindowSnapshotEntry, acc: Aggregate, done: number): void {
    if (entry.id !== entry.start || entry.end !== entry.start + this.sizeMs) {
      throw new Error(
        `rollup snapshot window [${entry.start}, ${entry.end}) is not a ${this.sizeMs} ms window`,
      )
    }
    if (lastWindowStart(entry.start, this.sizeMs, 0) !== entry.start) {
      throw new Error(`rollup snapshot window start ${entry.start} is not aligned to ${this.sizeMs} ms`)
    }
    const slot = this.#create(s, entry.start, Number.NEGATIVE_INFINITY)
    const st = acc.state()
    const o = slot * STRIDE
    const f = this.#f
    f[o + COUNT] = st.count
    f[o + NAN_COUNT] = st.nanCount
    f[o + SUM] = st.sum
    f[o + MIN] = st.min
    f[o + MAX] = st.max
    f[o + LAST_TS] = st.lastTs
    f[o + LAST] = st.last
    const flags = (entry.hasClosed ? CLOSED : 0) | (entry.isDirty ? DIRTY : 0)
    this.#restored(slot, entry.start, entry.revision, flags, done)
  }

  #pick(slot: number, round: number, due: number[]): void {
    if (this.#picked[slot] === round) return
    this.#picked[slot] = round
    due.push(slot)
  }

  /**
   * Due windows by (start, key rank). Within a size, one start and one series name exactly one
   * window, so a large group of one start (a generation firing: every series) is ordered by
   * placing each window at its series' rank and reading the ranks in order (a counting sort), and
   * a small group is sorted by rank; a comparator sort of 1M items took ~1 s. Catching up, one
   * emission holds several starts: each is its own group.
   */
  #sorted(due: number[]): Iterable<number> {
    const rank = this.series.rank
    const seriesOf = this.#seriesOf
    const f = this.#f
    const ranked = this.series.rankedCount
    if (due.length * emissionTuning.walkFactor < ranked) {
      return due.sort((a, b) => f[a * STRIDE]! - f[b * STRIDE]! || rank[seriesOf[a]!]! - rank[seriesOf[b]!]!)
    }
    const byStart = new Map<number, number[]>()
    for (const slot of due) {
      const start = f[slot * STRIDE]!
      const group = byStart.get(start)
      if (group === undefined) byStart.set(start, [slot])
      else group.push(slot)
    }
    const out = new Int32Array(due.length)
    let n = 0
    for (const start of [...byStart.keys()].sort((a, b) => a - b)) {
      const group = byStart.get(start)!
      if (group.length * emissionTuning.walkFactor < ranked) {
        group.sort((a, b) => rank[seriesOf[a]!]! - rank[seriesOf[b]!]!)
        for (const slot of group) out[n++] = slot
        continue
      }
      if (this.#byRank.length < ranked)
        this.#byRank = new Int32Array(Math.max(ranked, this.#byRank.length * 2)).fill(-1)
      const byRank = this.#byRank
      for (const slot of group) byRank[rank[seriesOf[slot]!]!] = slot
      for (let r = 0; r < ranked; r++) {
        const slot = byRank[r]!
        if (slot >= 0) {
          out[n++] = slot
          byRank[r] = -1
        }
      }
    }
    return out
  }

  #emitSlot(slot: number, emitWindow: EmitWindow): void {
    const o = slot * STRIDE
    const f = this.#f
    const count = f[o + COUNT]!
    const sum = f[o + SUM]!
    const empty = count === 0
    const revision = ++this.#revision[slot]!
    this.#flags[slot] = CLOSED
    // As Aggregate.result() without a sketch.
    emitWindow(this.#seriesOf[slot]!, f[o]!, revision, {
      count,
      sum,
      min: empty ? NaN : f[o + MIN]!,
      max: empty ? NaN : f[o + MAX]!,
      last: empty ? NaN : f[o + LAST]!,
      mean: empty ? NaN : sum / count,
      p50: NaN,
      p90: NaN,
      p99: NaN,
    })
  }

  #create(s: number, start: number, done: number): number {
    const slot = this.#free.pop() ?? this.#top++
    if (slot >= this.#seriesOf.length) this.#grow(Math.max(64, this.#seriesOf.length * 2))
    this.#reset(slot * STRIDE, start)
    this.#revision[slot] = 0
    this.#flags[slot] = 0
    this.#picked[slot] = 0
    this.#seriesOf[slot] = s
    // Linked in by start (at the head for in-order data).
    const f = this.#f
    let after = -1
    let at = this.#head[s]!
    while (at >= 0 && f[at * STRIDE]! > start) {
      after = at
      at = this.#next[at]!
    }
    this.#next[slot] = at
    this.#prev[slot] = after
    if (at >= 0) this.#prev[at] = slot
    if (after < 0) this.#head[s] = slot
    else this.#next[after] = slot
    let gen = this.#lastGen?.start === start ? this.#lastGen : this.#gens.get(start)
    if (gen === undefined) {
      // A generation born behind the watermark never fires as a whole: its windows go through #pending.
      gen = { start, slots: [], fired: start + this.sizeMs <= done }
      this.#gens.set(start, gen)
    }
    gen.slots.push(slot)
    this.#lastGen = gen
    this.openCount++
    this.series.open[s]!++
    return slot
  }

  #drop(slot: number): number {
    const s = this.#seriesOf[slot]!
    const before = this.#prev[slot]!
    const after = this.#next[slot]!
    if (before < 0) this.#head[s] = after
    else this.#next[before] = after
    if (after >= 0) this.#prev[after] = before
    this.#free.push(slot)
    this.openCount--
    this.series.open[s]!--
    return s
  }

  #reset(o: number, start: number): void {
    const f = this.#f
    f[o] = start
    f[o + COUNT] = 0
    f[o + NAN_COUNT] = 0
    f[o + SUM] = 0
    f[o + MIN] = Infinity
    f[o + MAX] = -Infinity
    f[o + LAST_TS] = -Infinity
    f[o + LAST] = NaN
  }

  /** Aggregate.add on a window row. */
  #add(o: number, ts: number, value: number): void {
    const f = this.#f
    if (value !== value) {
      f[o + NAN_COUNT]!++
      return
    }
    const count = ++f[o + COUNT]!
    f[o + SUM] = f[o + SUM]! + value
    if (value < f[o + MIN]!) f[o + MIN] = value
    if (value > f[o + MAX]!) f[o + MAX] = value
    const lastTs = f[o + LAST_TS]!
    if (ts >= lastTs || count === 1 || lastTs !== lastTs) {
      f[o + LAST_TS] = ts
      f[o + LAST] = value
    }
  }

  /** KeyedWindows' markChanged for emit-on-close: queued only when already behind the watermark. */
  #changed(slot: number, done: number): void {
    const flags = this.#flags[slot]!
    if ((flags & DIRTY) !== 0) return
    this.#flags[slot] = flags | DIRTY
    if (this.#f[slot * STRIDE]! + this.sizeMs <= done) this.#pending.push(slot)
  }

  #grow(n: number): void {
    this.#f = growFloat64(this.#f, n * STRIDE)
    this.#revision = growInt32(this.#revision, n, 0)
    const flags = new Uint8Array(n)
    flags.set(this.#flags)
    this.#flags = flags
    this.#seriesOf = growInt32(this.#seriesOf, n, 0)
    this.#next = growInt32(this.#next, n, 0)
    this.#prev = growInt32(this.#prev, n, 0)
    this.#picked = growInt32(this.#picked, n, 0)
  }
}
