import type { DuckDBConnection } from '@duckdb/node-api'
import type { Labels } from '../../core/batch/index.js'
import type { SeriesIndex, SeriesMatcher } from './series-index.js'

/** One series' samples in time order; `stale[i] === 1` marks a staleness marker. */
export interface StoredSeries {
  readonly labels: Labels
  readonly ts: Float64Array
  readonly values: Float64Array
  readonly stale: Uint8Array | undefined
}

/** Series ids per SQL statement (the list is inlined: they are our own integers, never user text). */
const IDS_PER_STATEMENT = 10_000

/**
 * Reads raw samples for the query engine: the series come from the in-memory `SeriesIndex` (only
 * committed ones, matched there), their samples from `samples` in DuckDB, one scan per 10,000
 * series, in (series, time, write order). Two samples of a series at one time keep the first
 * written, as Prometheus keeps the first and refuses the other.
 *
 * Scoped to one tenant: the tenant is a bound parameter and the index is looked up by tenant.
 */
export class SampleReader {
  readonly #c: DuckDBConnection
  readonly #index: SeriesIndex
  readonly #tenant: string

  constructor(connection: DuckDBConnection, index: SeriesIndex, tenant: string) {
    this.#c = connection
    this.#index = index
    this.#tenant = tenant
  }

  async select(matchers: readonly SeriesMatcher[], minMs: number, maxMs: number): Promise<StoredSeries[]> {
    const selected = this.#index.select(this.#tenant, matchers, minMs, maxMs)
    const out: StoredSeries[] = []
    for (let i = 0; i < selected.length; i += IDS_PER_STATEMENT) {
      const part = selected.slice(i, i + IDS_PER_STATEMENT)
      const byId = new Map(part.map((s) => [s.id, s.labels]))
      await this.#read(byId, minMs, maxMs, out)
    }
    return out
  }

  async #read(byId: Map<number, Labels>, minMs: number, maxMs: number, out: StoredSeries[]): Promise<void> {
    const ids = [...byId.keys()].join(',')
    const result = await this.#c.stream(
      `SELECT series_id, ts_ms, value FROM samples
       WHERE tenant = $1 AND series_id IN (${ids}) AND ts_ms >= $2 AND ts_ms <= $3
       ORDER BY series_id, ts_ms, src_partition, src_offset`,
      [this.#tenant, minMs, maxMs],
    )
    let id = -1
    let ts: number[] = []
    let values: number[] = []
    let stale: number[] = []
    let anyStale = false
    const flush = () => {
      if (id < 0 || ts.length === 0) return
      out.push({
        labels: byId.get(id)!,
        ts: Float64Array.from(ts),
        values: Float64Array.from(values),
        stale: anyStale ? Uint8Array.from(stale) : undefined,
      })
    }
    for (;;) {
      const chunk = await result.fetchChunk()
      if (chunk === null || chunk.rowCount === 0) break
      const idCol = chunk.getColumnVector(0)
      const tsCol = chunk.getColumnVector(1)
      const valueCol = chunk.getColumnVector(2)
      for (let r = 0; r < chunk.rowCount; r++) {
        const sid = idCol.getItem(r) as number
        const t = tsCol.getItem(r) as number
        if (sid !== id) {
          flush()
          id = sid
          ts = []
          values = []
          stale = []
          anyStale = false
        } else if (t === ts[ts.length - 1]) continue // a later write of the same time
        const v = valueCol.getItem(r) as number | null
        ts.push(t)
        values.push(v ?? NaN)
        stale.push(v === null ? 1 : 0)
        if (v === null) anyStale = true
      }
    }
    flush()
  }
}
