import type { MetricBatch } from '../../../core/batch/index.js'
import type { AggregateResult } from '../../aggregates/index.js'
import type { Collector, Operator, OperatorContext } from '../../api/index.js'
import {
  decodeWindowsSnapshot,
  encodeWindowsSnapshot,
  lastWindowStart,
  resolveWindowSettings,
  tumbling,
} from '../../windows/index.js'
import type { LateReason, LateRecord } from '../../windows/index.js'
import { aggregateKind } from './aggregate-kind.js'
import {
  APPEND,
  ROW,
  SAMPLE,
  WHOLE,
  decodeRollupCheckpoint,
  encodeRollupCheckpoint,
} from './rollup-checkpoint.js'
import type { RollupCheckpoint } from './rollup-checkpoint.js'
import { SeriesTable } from './series-table.js'
import { ADDED, DUPLICATE, LATE_CLOSED, REPLACE, TumblingTable } from './tumbling-table.js'

/** One rollup result: the aggregate of one series over one window, as an upsert by identity. */
export interface RollupRow {
  /** The batch's tenant: results are keyed by (tenant, series), never by labels alone. */
  readonly tenant: string
  /** The series' `labelsKey` (labels joined with NUL). */
  readonly series: string
  readonly windowMs: number
  readonly windowStart: number
  readonly windowEnd: number
  readonly revision: number
  readonly final: boolean
  readonly aggregate: AggregateResult
}

/** A sample refused by the windows of one size (`late` side output); `key` is the series' labelsKey. */
export interface RollupLateRecord extends LateRecord {
  readonly tenant: string
  readonly windowMs: number
}

export interface RollupSettings {
  /** Tumbling window sizes, e.g. [10_000, 60_000]; at most 30. */
  readonly windowsMs: readonly number[]
  readonly allowedLatenessMs: number
  /** Per window size, as KeyedWindows' option. */
  readonly maxOpenWindows?: number
}

/** By `offer` result: LATE_CLOSED, LATE_TOO_MANY. */
const REASONS: readonly LateReason[] = ['window_closed', 'too_many_windows']
/**
 * A delta is written full instead once the deltas since the last full checkpoint would pass this
 * many times its bytes, so a restore reads at most about (1 + this) full checkpoints' worth.
 */
const DELTA_BYTES_PER_FULL = 2

/**
 * The metric rollup job's operator: per (tenant, series), tumbling windows of each configured size
 * with the aggregate (count, sum, min, max, last, mean; quantiles are NaN, no sketch is kept). A
 * sample is identified by (tenant, series, timestamp), so a retried request never double-counts,
 * and a repeated timestamp with another value replaces the earlier one. Results are emitted when
 * the watermark passes a window's end, and again (revision n+1, at the end of the batch) for late
 * samples within the allowed lateness; later samples go to the `late` side output with their reason, once per window size
 * that refused them. Tenants must not contain NUL (snapshots key windows by `tenant NUL labels`).
 *
 * The semantics are exactly those of one KeyedWindows per size keyed by `tenant NUL labelsKey`
 * (testing/keyed-rollup.ts, checked by rollup-equivalence.test.ts); the implementation is a
 * specialised columnar one (series-table.ts, tumbling-table.ts) because the generic one ran at
 * ~0.5 M samples/s and the job needs ≥ 1.5 M per core. Sizes share one sample store per series:
 * each sample carries a bit per size that took it.
 *
 * State: the open windows of every size and the retained samples. Two snapshot forms:
 * `checkpoint`/`restoreCheckpoints` (what the built-in job commits) write the operator's columns
 * in rollup-checkpoint.ts's format, full or a delta of the series changed since the previous
 * checkpoint; `snapshot`/`restore` write every size whole in the windows snapshot format, one part
 * per size, which KeyedWindows also reads (the equivalence test crosses over with it).
 */
export class RollupOperator implements Operator<MetricBatch, RollupRow[]> {
  readonly #sizes: readonly number[]
  readonly #lateness: number
  readonly #maxOpen: number
  #series: SeriesTable
  #tables: TumblingTable[]
  #watermarkMs = Number.NEGATIVE_INFINITY
  #late: { record: RollupLateRecord; reason: LateReason }[][] = []
  /** Change tracking for delta checkpoints: series slots changed since the last checkpoint. */
  #dirty = new Uint8Array(0)
  #dirtyList: number[] = []
  /** Series forgotten since the last checkpoint, as (tenant, labelsKey). */
  #deleted: string[] = []
  /**
   * Per series slot: its samples (a prefix, in arrival order) that checkpoints already hold, and
   * whether anything else than appending changed them since (a replaced value, a prune): then the
   * next delta writes the series' samples whole instead of appending the new ones.
   */
  #checkpointed = new Int32Array(0)
  #rewrite = new Uint8Array(0)
  /** A checkpoint (taken or restored) exists that a delta can follow. */
  #hasBase = false
  /** Bytes of the last full checkpoint and of the deltas since (restore work). */
  #bytesAtFull = 0
  #bytesInDeltas = 0

  constructor(settings: RollupSettings) {
    if (settings.windowsMs.length > 30) throw new RangeError('a rollup takes at most 30 window sizes')
    for (const sizeMs of settings.windowsMs) tumbling(sizeMs) // throws on a bad size
    // Lateness and maxOpenWindows checked and defaulted exactly as KeyedWindows does.
    const resolved = resolveWindowSettings({
      assigner: tumbling(settings.windowsMs[0] ?? 1),
      accumulator: aggregateKind(),
      allowedLatenessMs: settings.allowedLatenessMs,
      ...(settings.maxOpenWindows === undefined ? {} : { maxOpenWindows: settings.maxOpenWindows }),
    })
    this.#sizes = [...settings.windowsMs]
    this.#lateness = resolved.allowedLatenessMs
    this.#maxOpen = resolved.maxOpenWindows
    this.#series = new SeriesTable()
    this.#tables = this.#newTables()
  }

  processBatch(batch: MetricBatch, ctx: OperatorContext, out: Collector<RollupRow[]>): void {
    const series = this.#series
    const ids = series.resolve(batch)
    const tables = this.#tables
    for (const t of tables) t.ensureSeries(series.capacity)
    this.#ensureDirty()
    const k = tables.length
    const done = this.#watermarkMs + 1
    const { seriesIdx, ts: times, value: values } = batch
    for (let i = 0; i < batch.length; i++) {
      const s = ids[seriesIdx[i]!]!
      const ts = times[i]!
      const value = values[i]!
      if (!Number.isFinite(ts)) {
        for (let j = 0; j < k; j++) this.#refuse(j, s, ts, value, 'invalid_timestamp')
        continue
      }
      const pos = series.find(s, ts)
      let mask = 0
      let previous = 0
      if (pos >= 0) {
        const a = series.arena(s)
        previous = a[pos + 1]!
        mask = a[pos + 2]!
      }
      let added = 0
      let replaced = 0
      for (let j = 0; j < k; j++) {
        const bit = 1 << j
        const r = tables[j]!.offer(s, ts, value, (mask & bit) !== 0, previous, done)
        if (r === ADDED) added |= bit
        else if (r === REPLACE) replaced |= bit
        else if (r !== DUPLICATE) this.#refuse(j, s, ts, value, REASONS[r - LATE_CLOSED]!)
      }
      if (added === 0 && replaced === 0) continue
      this.#mark(s)
      if (pos < 0) series.append(s, ts, value, added)
      else {
        this.#rewrite[s] = 1
        const a = series.arena(s)
        a[pos + 1] = value
        a[pos + 2] = mask | added
      }
      for (let j = 0; replaced !== 0 && j < k; j++) {
        if ((replaced & (1 << j)) !== 0) tables[j]!.rebuild(s, ts, 1 << j, done)
      }
    }
    // Series whose every sample was refused hold nothing.
    for (let j = 0; j < batch.series.length; j++) {
      const s = ids[j]!
      if (series.isLive(s) && series.open[s] === 0) this.#release(s)
    }
    // A sample behind the watermark may update a window that already fired: its next revision is
    // emitted right after this batch (an upsert, as KeyedWindows' flushUpdates), not only at the
    // next watermark advance, which may not come while that sample is the latest input.
    this.#emit(false, out)
    this.#flushLate(ctx, out)
  }

  onWatermark(timeMs: number, ctx: OperatorContext, out: Collector<RollupRow[]>): void {
    if (timeMs > this.#watermarkMs) this.#watermarkMs = timeMs
    this.#emit(true, out)
    this.#flushLate(ctx, out)
  }

  /** Every window size's open windows, encoded (versioned, checksummed by the windows codec). */
  snapshot(): Uint8Array[] {
    return this.#tables.map((t, j) => encodeWindowsSnapshot(t.snapshot(this.#watermarkMs, 1 << j)))
  }

  restore(parts: readonly Uint8Array[]): void {
    if (parts.length !== this.#tables.length) {
      throw new Error(`rollup snapshot has ${parts.length} window sizes, the job has ${this.#tables.length}`)
    }
    const snapshots = parts.map((part) => {
      const decoded = decodeWindowsSnapshot(part)
      if (!decoded.ok) throw new Error(`cannot restore rollup windows: ${decoded.reason}`)
      return decoded.snapshot
    })
    const series = new SeriesTable()
    this.#series = series
    this.#tables = this.#newTables()
    this.#watermarkMs = Math.max(...snapshots.map((s) => s.watermarkMs))
    const done = this.#watermarkMs + 1
    snapshots.forEach((snap, j) => {
      const sizeMs = this.#sizes[j]!
      const a = snap.assigner
      if (a.kind !== 'tumbling' || a.sizeMs !== sizeMs || a.offsetMs !== 0 || !snap.dedupeByTimestamp) {
        throw new Error(`cannot restore rollup windows: part ${j} is not of tumbling ${sizeMs} ms windows`)
      }
      const table = this.#tables[j]!
      for (const entry of snap.windows) {
        const [tenant, labels] = splitKey(entry.key)
        const s = series.idOf(tenant, labels)
        for (const t of this.#tables) t.ensureSeries(series.capacity)
        table.restoreWindow(s, entry, aggregateKind().decode(entry.accumulator), done)
      }
      for (const entry of snap.keySamples) {
        const [tenant, labels] = splitKey(entry.key)
        const s = series.idOf(tenant, labels)
        for (let i = 0; i + 1 < entry.samples.length; i += 2) {
          const ts = entry.samples[i]!
          const value = entry.samples[i + 1]!
          const pos = series.find(s, ts)
          if (pos < 0) series.append(s, ts, value, 1 << j)
          else series.arena(s)[pos + 2]! |= 1 << j
        }
      }
    })
    for (const s of [...series.live()]) if (series.open[s] === 0) series.release(s)
    this.#allCheckpointed()
    this.#resetTracking(false)
  }

  /**
   * The state for a commit in the rollup checkpoint format: everything when `full`, when there is
   * no checkpoint to follow, or when the deltas since the last full checkpoint would hold more
   * series than it did; else a delta of the series changed since the previous call. Tracking restarts at every call: a checkpoint that is not
   * committed is followed by a restore (the runtime restarts the task), never by another delta.
   */
  checkpoint(full: boolean): { readonly bytes: Uint8Array; readonly full: boolean } {
    const series = this.#series
    // A delta that would bring the deltas since the full checkpoint past its size is written full
    // instead, so a restore never does more than about twice a full restore's work.
    const isFull = full || !this.#hasBase || this.#bytesInDeltas > DELTA_BYTES_PER_FULL * this.#bytesAtFull
    let ids: number[]
    if (isFull) ids = [...series.live()]
    else {
      ids = []
      for (const s of this.#dirtyList) if (series.isLive(s)) ids.push(s)
    }
    const deleted = isFull ? [] : this.#deleted
    const tenants: string[] = []
    const tenantIndex = new Map<string, number>()
    const labels: string[] = new Array<string>(ids.length + deleted.length / 2)
    // Per written series, the first sample written: 0 (whole) or the ones checkpoints already hold.
    const from = new Int32Array(ids.length)
    const checkpointed = this.#checkpointed
    let windows = 0
    let samples = 0
    for (let i = 0; i < ids.length; i++) {
      const s = ids[i]!
      windows += series.open[s]!
      const held = checkpointed[s]!
      const append = !isFull && this.#rewrite[s] === 0 && held > 0 && held <= series.sampleLen[s]!
      from[i] = append ? held : 0
      samples += series.sampleLen[s]! - from[i]!
      labels[i] = series.labelsOf[s]!
    }
    for (let i = 0; i < deleted.length; i += 2) labels[ids.length + i / 2] = deleted[i + 1]!
    let lastTenant: string | undefined
    let lastIndex = 0
    const tenantOf = (t: string): number => {
      if (t === lastTenant) return lastIndex
      let at = tenantIndex.get(t)
      if (at === undefined) {
        at = tenants.length
        tenants.push(t)
        tenantIndex.set(t, at)
      }
      lastTenant = t
      lastIndex = at
      return at
    }
    const tenantIdx = new Uint32Array(labels.length)
    for (let i = 0; i < ids.length; i++) tenantIdx[i] = tenantOf(series.tenantOf[ids[i]!]!)
    for (let i = 0; i < deleted.length; i += 2) tenantIdx[ids.length + i / 2] = tenantOf(deleted[i]!)
    const bytes = encodeRollupCheckpoint(
      {
        full: isFull,
        watermarkMs: this.#watermarkMs,
        sizesMs: this.#sizes,
        tenants,
        upserts: ids.length,
        deleted: deleted.length / 2,
        windows,
        samples,
        labels: labels.join(''),
      },
      (cols) => {
        let w = 0
        let p = 0
        for (let i = 0; i < ids.length; i++) {
          const s = ids[i]!
          cols.seriesLabelLength[i] = labels[i]!.length
          const w0 = w
          for (let j = 0; j < this.#tables.length; j++) w = this.#tables[j]!.exportSeries(s, j, w, cols)
          cols.seriesWindows[i] = w - w0
          const first = from[i]!
          const n = series.sampleLen[s]! - first
          cols.seriesSamples[i] = n
          cols.seriesMode[i] = first > 0 ? APPEND : WHOLE
          if (n > 0) {
            const base = series.base(s) + first * SAMPLE
            const a = series.arena(s)
            const to = cols.samples
            const at = p * SAMPLE
            for (let i = 0; i < n * SAMPLE; i++) to[at + i] = a[base + i]!
            p += n
          }
        }
        cols.seriesTenant.set(tenantIdx)
        for (let i = ids.length; i < labels.length; i++) cols.seriesLabelLength[i] = labels[i]!.length
        if (w !== windows) throw new Error(`rollup checkpoint: ${w} windows written, ${windows} counted`)
      },
    )
    for (const s of ids) {
      checkpointed[s] = series.sampleLen[s]!
      this.#rewrite[s] = 0
    }
    this.#resetTracking(true)
    if (isFull) {
      this.#bytesAtFull = bytes.length
      this.#bytesInDeltas = 0
    } else this.#bytesInDeltas += bytes.length
    return { bytes, full: isFull }
  }

  /**
   * Restores from a full checkpoint and the deltas after it, in order (empty: fresh state). Throws
   * with the reason when a checkpoint is damaged (CRC), of another format version, or of other
   * window sizes, or when the chain does not start with a full checkpoint.
   */
  restoreCheckpoints(chain: readonly Uint8Array[]): void {
    const parts = chain.map((bytes, i) => {
      const d = decodeRollupCheckpoint(bytes)
      if (!d.ok) throw new Error(`cannot restore rollup checkpoint ${i + 1} of ${chain.length}: ${d.reason}`)
      const c = d.checkpoint
      if (c.sizesMs.length !== this.#sizes.length || c.sizesMs.some((sz, j) => sz !== this.#sizes[j])) {
        throw new Error(
          `cannot restore rollup checkpoint: its window sizes ${c.sizesMs.join(',')} are not the job's ${this.#sizes.join(',')}`,
        )
      }
      return c
    })
    if (parts.some((c, p) => c.full !== (p === 0))) {
      throw new Error('cannot restore rollup checkpoints: the chain is not one full checkpoint and deltas')
    }
    const series = new SeriesTable()
    this.#series = series
    this.#tables = this.#newTables()
    const last = parts[parts.length - 1]
    this.#watermarkMs = last === undefined ? Number.NEGATIVE_INFINITY : last.watermarkMs
    const done = this.#watermarkMs + 1
    const tables = this.#tables
    // The full checkpoint, then each delta in order: a deleted series is forgotten, a changed one
    // replaced whole. Replaced windows leave their generations once, after the last delta.
    parts.forEach((c, p) => {
      const [w0, s0] = seriesOffsets(c)
      if (p > 0) {
        for (let i = c.upserts; i < c.seriesLabels.length; i++) {
          const s = series.lookup(c.tenants[c.seriesTenant[i]!]!, c.seriesLabels[i]!)
          if (s === undefined) continue
          for (const t of tables) t.removeSeries(s)
          series.release(s)
        }
      }
      for (let i = 0; i < c.upserts; i++) {
        const s = series.idOf(c.tenants[c.seriesTenant[i]!]!, c.seriesLabels[i]!)
        for (const t of tables) t.ensureSeries(series.capacity)
        if (p > 0 && series.open[s]! > 0) for (const t of tables) t.removeSeries(s)
        const end = w0[i]! + c.seriesWindows[i]!
        for (let w = w0[i]!; w < end; w++) {
          tables[c.sizeIndex[w]!]!.restoreRow(s, c.rows, w * ROW, c.revision[w]!, c.flags[w]!, done)
        }
        if (c.seriesMode[i] === APPEND)
          series.appendSamples(s, c.samples, s0[i]! * SAMPLE, c.seriesSamples[i]!)
        else series.restoreSamples(s, c.samples, s0[i]! * SAMPLE, c.seriesSamples[i]!)
      }
    })
    for (const t of tables) t.compactRemoved()
    for (const s of [...series.live()]) if (series.open[s] === 0) series.release(s)
    this.#allCheckpointed()
    this.#resetTracking(parts.length > 0)
    this.#bytesAtFull = chain[0]?.length ?? 0
    this.#bytesInDeltas = 0
    for (let p = 1; p < chain.length; p++) this.#bytesInDeltas += chain[p]!.length
  }

  #emit(isWatermark: boolean, out: Collector<RollupRow[]>): void {
    const done = this.#watermarkMs + 1
    const rows: RollupRow[] = []
    const touched: number[] = []
    const series = this.#series
    this.#tables.forEach((t, j) => {
      const windowMs = this.#sizes[j]!
      t.emit(
        done,
        (s, windowStart, revision, aggregate) => {
          this.#mark(s)
          rows.push({
            tenant: series.tenantOf[s]!,
            series: series.labelsOf[s]!,
            windowMs,
            windowStart,
            windowEnd: windowStart + windowMs,
            revision,
            final: true,
            aggregate,
          })
        },
        touched,
        isWatermark,
      )
    })
    if (touched.length > 0) this.#prune(touched, done)
    if (rows.length > 0) out.emit(rows)
  }

  #mark(s: number): void {
    if (this.#dirty[s] === 0) {
      this.#dirty[s] = 1
      this.#dirtyList.push(s)
    }
  }

  #ensureDirty(): void {
    const n = this.#series.capacity
    if (this.#dirty.length < n) {
      const grown = new Uint8Array(n)
      grown.set(this.#dirty)
      this.#dirty = grown
    }
    if (this.#checkpointed.length < n) {
      const held = new Int32Array(n)
      held.set(this.#checkpointed)
      this.#checkpointed = held
      const rewrite = new Uint8Array(n)
      rewrite.set(this.#rewrite)
      this.#rewrite = rewrite
    }
  }

  #release(s: number): void {
    const series = this.#series
    this.#deleted.push(series.tenantOf[s]!, series.labelsOf[s]!)
    series.release(s)
    // The slot's next series starts with nothing checkpointed.
    this.#checkpointed[s] = 0
    this.#rewrite[s] = 0
  }

  /** After a restore: every sample of every series is what the checkpoints hold. */
  #allCheckpointed(): void {
    const series = this.#series
    this.#checkpointed = new Int32Array(series.capacity)
    this.#checkpointed.set(series.sampleLen.subarray(0, series.capacity))
    this.#rewrite = new Uint8Array(series.capacity)
  }

  #resetTracking(hasBase: boolean): void {
    if (this.#dirty.length !== this.#series.capacity || this.#dirtyList.length * 8 > this.#dirty.length) {
      this.#dirty = new Uint8Array(this.#series.capacity)
    } else for (const s of this.#dirtyList) this.#dirty[s] = 0
    this.#dirtyList = []
    this.#deleted = []
    this.#hasBase = hasBase
  }

  #newTables(): TumblingTable[] {
    this.#late = this.#sizes.map(() => [])
    return this.#sizes.map((sizeMs) => new TumblingTable(sizeMs, this.#lateness, this.#maxOpen, this.#series))
  }

  #refuse(j: number, s: number, ts: number, value: number, reason: LateReason): void {
    const series = this.#series
    const record = {
      tenant: series.tenantOf[s]!,
      key: series.labelsOf[s]!,
      ts,
      value,
      windowMs: this.#sizes[j]!,
    }
    this.#late[j]!.push({ record, reason })
  }

  /**
   * Forgets the samples no open window can hold any more: for each size, those before the window
   * containing done − 1 − lateness (the oldest one not dropped), and series with no window left.
   */
  #prune(touched: readonly number[], done: number): void {
    const series = this.#series
    let minTs = Number.POSITIVE_INFINITY
    for (const sizeMs of this.#sizes) {
      minTs = Math.min(minTs, lastWindowStart(done - this.#lateness, sizeMs, 0))
    }
    for (const s of touched) {
      if (!series.isLive(s)) continue
      this.#mark(s)
      if (series.open[s] === 0) this.#release(s)
      else {
        const before = series.sampleLen[s]!
        series.prune(s, minTs)
        if (series.sampleLen[s]! !== before) this.#rewrite[s] = 1
      }
    }
  }

  #flushLate(ctx: OperatorContext, out: Collector<RollupRow[]>): void {
    let n = 0
    for (const late of this.#late) {
      for (const { record, reason } of late) out.side('late', record, reason)
      n += late.length
      late.length = 0
    }
    if (n > 0) ctx.count('late', n)
  }
}

/** Per series of a checkpoint: the index of its first window and of its first sample. */
function seriesOffsets(c: RollupCheckpoint): [Uint32Array, Uint32Array] {
  const w = new Uint32Array(c.upserts)
  const p = new Uint32Array(c.upserts)
  let wi = 0
  let pi = 0
  for (let i = 0; i < c.upserts; i++) {
    w[i] = wi
    p[i] = pi
    wi += c.seriesWindows[i]!
    pi += c.seriesSamples[i]!
  }
  return [w, p]
}

function splitKey(key: string): [string, string] {
  const cut = key.indexOf('\u0000')
  if (cut < 0) throw new Error('cannot restore rollup windows: a key without a tenant')
  return [key.slice(0, cut), key.slice(cut + 1)]
}
