import { BIGINT, DOUBLE, INTEGER, VARCHAR } from '@duckdb/node-api'
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api'
import type { MetricBatch } from '../../core/batch/index.js'
import { appendColumns } from '../duckdb/append-columns.js'
import type { SeriesStaging } from '../series/series-index.js'

const SAMPLE_TYPES = [VARCHAR, INTEGER, DOUBLE, DOUBLE, INTEGER, BIGINT]
const SERIES_TYPES = [VARCHAR, INTEGER, VARCHAR]

/** The staleness marker's bits (Prometheus' StaleNaN); any other NaN is an ordinary value. */
const STALE_HI = 0x7ff00000
const STALE_LO = 2
const QUIET_BIT = 0x00080000

/**
 * Collects the raw samples of the metric records of one store transaction and appends them in one
 * go (`flush`): new series into `series`, samples into `samples` (tenant, series_id, ts_ms, value,
 * and the record's partition and offset). A staleness marker is stored as a NULL value. Series ids
 * come from the transaction's `SeriesStaging`.
 */
export class SampleWriter {
  readonly #staging: SeriesStaging
  #tenant: DuckDBValue[] = []
  #series: DuckDBValue[] = []
  #ts: DuckDBValue[] = []
  #value: DuckDBValue[] = []
  #partition: DuckDBValue[] = []
  #offset: DuckDBValue[] = []

  constructor(staging: SeriesStaging) {
    this.#staging = staging
  }

  get pending(): number {
    return this.#ts.length
  }

  /** Adds the samples of one record; returns how many. */
  add(batch: MetricBatch, partition: number, offset: number): number {
    const n = batch.length
    const ids = batch.series.map((labels) => this.#staging.series(batch.tenant, labels))
    const first = new Float64Array(ids.length).fill(Infinity)
    const last = new Float64Array(ids.length).fill(-Infinity)
    const words = new Uint32Array(batch.value.buffer, batch.value.byteOffset, n * 2)
    const src = BigInt(offset)
    for (let i = 0; i < n; i++) {
      const s = batch.seriesIdx[i]!
      const t = batch.ts[i]!
      const v = batch.value[i]!
      if (t < first[s]!) first[s] = t
      if (t > last[s]!) last[s] = t
      this.#tenant.push(batch.tenant)
      this.#series.push(ids[s]!.id)
      this.#ts.push(t)
      // Little-endian words: [low, high]. The quiet bit is ignored (some paths set it).
      const stale = v !== v && words[2 * i] === STALE_LO && (words[2 * i + 1]! & ~QUIET_BIT) === STALE_HI
      this.#value.push(stale ? null : v)
      this.#partition.push(partition)
      this.#offset.push(src)
    }
    for (let s = 0; s < ids.length; s++) {
      if (first[s]! <= last[s]!) this.#staging.observe(ids[s]!, first[s]!, last[s]!)
    }
    return n
  }

  /** Appends the staged new series and the collected samples (inside the open transaction). */
  async flush(c: DuckDBConnection): Promise<void> {
    const added = this.#staging.added
    if (added.length > 0) {
      await appendColumns(
        c,
        'series',
        SERIES_TYPES,
        [added.map((a) => a.tenant), added.map((a) => a.series.id), added.map((a) => a.key)],
        added.length,
      )
    }
    const columns = [this.#tenant, this.#series, this.#ts, this.#value, this.#partition, this.#offset]
    await appendColumns(c, 'samples', SAMPLE_TYPES, columns, this.#ts.length)
    this.#tenant = []
    this.#series = []
    this.#ts = []
    this.#value = []
    this.#partition = []
    this.#offset = []
  }
}
