import type { DuckDBConnection } from '@duckdb/node-api'
import { METRIC_NAME_LABEL, labelsKey } from '../../core/batch/index.js'
import type { Labels } from '../../core/batch/index.js'

/** One stored series: its id in `samples`, its labels and the span of its stored samples. */
export interface IndexedSeries {
  readonly id: number
  readonly labels: Labels
  /** Earliest and latest sample time written (ms); Infinity/-Infinity until the first sample. */
  firstMs: number
  lastMs: number
}

/** A label matcher as the index applies it (PromQL's four types; `regex` anchored for =~ and !~). */
export interface SeriesMatcher {
  readonly name: string
  readonly type: '=' | '!=' | '=~' | '!~'
  readonly value: string
  readonly regex?: RegExp
}

class TenantSeries {
  readonly byKey = new Map<string, IndexedSeries>()
  readonly all: IndexedSeries[] = []
  /** Postings by metric name: a selector with `__name__="x"` looks at x's series only. */
  readonly byName = new Map<string, IndexedSeries[]>()

  add(s: IndexedSeries, key: string): void {
    this.byKey.set(key, s)
    this.all.push(s)
    const name = labelValue(s.labels, METRIC_NAME_LABEL)
    const list = this.byName.get(name)
    if (list === undefined) this.byName.set(name, [s])
    else list.push(s)
  }
}

/**
 * The series dictionary of the store, in memory: every (tenant, label set) that has samples, with
 * its integer id (what `samples.series_id` holds) and the time span of its samples. The sink assigns
 * ids inside its transaction (`begin` → `SeriesStaging`) and publishes them with `commit` only after
 * the database committed, so readers never see a series whose rows are not there, and a rolled
 * back transaction leaves no trace. Queries select series here (the way Prometheus' head index
 * answers matchers from memory) and read only their samples from DuckDB.
 *
 * Memory is one entry per series (its labels are shared with nothing else); the series count is
 * bounded by ingest's per-tenant series limit.
 */
export class SeriesIndex {
  readonly #tenants = new Map<string, TenantSeries>()
  #nextId = 0
  #staging: SeriesStaging | undefined

  /** Loads the dictionary and each series' sample span from the store. */
  static async load(c: DuckDBConnection): Promise<SeriesIndex> {
    const index = new SeriesIndex()
    const reader = await c.runAndReadAll(
      `SELECT d.tenant, d.series_id, d.labels, s.first_ms, s.last_ms
       FROM series d LEFT JOIN (
         SELECT series_id, min(ts_ms) AS first_ms, max(ts_ms) AS last_ms FROM samples GROUP BY series_id
       ) s USING (series_id)`,
    )
    for (const [tenant, id, key, first, last] of reader.getRows()) {
      const labels = String(key).split('\u0000')
      const s: IndexedSeries = {
        id: Number(id),
        labels,
        firstMs: first === null ? Infinity : Number(first),
        lastMs: last === null ? -Infinity : Number(last),
      }
      index.#tenant(String(tenant)).add(s, labelsKey(labels))
      if (s.id >= index.#nextId) index.#nextId = s.id + 1
    }
    return index
  }

  get size(): number {
    let n = 0
    for (const t of this.#tenants.values()) n += t.all.length
    return n
  }

  /** Starts the staging of one transaction's new series (one at a time). */
  begin(): SeriesStaging {
    if (this.#staging !== undefined) throw new Error('SeriesIndex: a staging is already open.')
    this.#staging = new SeriesStaging(this, this.#nextId)
    return this.#staging
  }

  /** Publishes what `staging` added, after its transaction committed. */
  commit(staging: SeriesStaging): void {
    this.#end(staging)
    for (const n of staging.added) {
      this.#tenant(n.tenant).add(n.series, n.key)
      this.#nextId = Math.max(this.#nextId, n.series.id + 1)
    }
    for (const [s, first, last] of staging.spans()) {
      if (first < s.firstMs) s.firstMs = first
      if (last > s.lastMs) s.lastMs = last
    }
  }

  /** Forgets `staging` after its transaction rolled back. */
  rollback(staging: SeriesStaging): void {
    this.#end(staging)
  }

  /** The committed series of `tenant` with `labels`, if any. */
  get(tenant: string, key: string): IndexedSeries | undefined {
    return this.#tenants.get(tenant)?.byKey.get(key)
  }

  /**
   * The series of `tenant` matching every matcher (a missing label matches as ""), with samples
   * between `minMs` and `maxMs` (by their span). Order: as stored.
   */
  select(tenant: string, matchers: readonly SeriesMatcher[], minMs = -Infinity, maxMs = Infinity) {
    const t = this.#tenants.get(tenant)
    if (t === undefined) return []
    const byName = matchers.find((m) => m.name === METRIC_NAME_LABEL && m.type === '=')
    const candidates = byName === undefined ? t.all : (t.byName.get(byName.value) ?? [])
    const out: IndexedSeries[] = []
    for (const s of candidates) {
      if (s.lastMs < minMs || s.firstMs > maxMs) continue
      if (matchesAll(s.labels, matchers)) out.push(s)
    }
    return out
  }

  /** Every series of `tenant` (for label listings). */
  all(tenant: string): readonly IndexedSeries[] {
    return this.#tenants.get(tenant)?.all ?? []
  }

  #tenant(tenant: string): TenantSeries {
    let t = this.#tenants.get(tenant)
    if (t === undefined) {
      t = new TenantSeries()
      this.#tenants.set(tenant, t)
    }
    return t
  }

  #end(staging: SeriesStaging): void {
    if (this.#staging !== staging) throw new Error('SeriesIndex: not the open staging.')
    this.#staging = undefined
  }
}

/** New series and sample spans of one store transaction, not yet visible to readers. */
export class SeriesStaging {
  readonly #index: SeriesIndex
  readonly added: { tenant: string; key: string; series: IndexedSeries }[] = []
  readonly #addedByKey = new Map<string, IndexedSeries>()
  readonly #spans = new Map<IndexedSeries, [number, number]>()
  #nextId: number

  constructor(index: SeriesIndex, nextId: number) {
    this.#index = index
    this.#nextId = nextId
  }

  /** The series of `labels` in `tenant`: the committed one, or a new one staged here. */
  series(tenant: string, labels: Labels): IndexedSeries {
    const key = labelsKey(labels)
    const known = this.#index.get(tenant, key)
    if (known !== undefined) return known
    const tk = `${tenant}\u0001${key}`
    let s = this.#addedByKey.get(tk)
    if (s === undefined) {
      s = { id: this.#nextId++, labels, firstMs: Infinity, lastMs: -Infinity }
      this.#addedByKey.set(tk, s)
      this.added.push({ tenant, key, series: s })
    }
    return s
  }

  /** Records that `series` got samples between `firstMs` and `lastMs`. */
  observe(series: IndexedSeries, firstMs: number, lastMs: number): void {
    const span = this.#spans.get(series)
    if (span === undefined) this.#spans.set(series, [firstMs, lastMs])
    else {
      if (firstMs < span[0]) span[0] = firstMs
      if (lastMs > span[1]) span[1] = lastMs
    }
  }

  *spans(): IterableIterator<[IndexedSeries, number, number]> {
    for (const [s, [first, last]] of this.#spans) yield [s, first, last]
  }
}

/** The value of label `name` in a sorted flat label set, or "" when absent (as in Prometheus). */
export function labelValue(labels: Labels, name: string): string {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) return labels[i + 1]!
  return ''
}

export function matches(m: SeriesMatcher, value: string): boolean {
  switch (m.type) {
    case '=':
      return value === m.value
    case '!=':
      return value !== m.value
    case '=~':
      return m.regex!.test(value)
    case '!~':
      return !m.regex!.test(value)
  }
}

function matchesAll(labels: Labels, matchers: readonly SeriesMatcher[]): boolean {
  for (const m of matchers) if (!matches(m, labelValue(labels, m.name))) return false
  return true
}
