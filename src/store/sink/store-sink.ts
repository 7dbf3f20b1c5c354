import type { DuckDBConnection } from '@duckdb/node-api'
import {
  decodeAnomalyBatch,
  decodeLogBatch,
  decodeMetricBatch,
  decodeResultBatch,
  decodeSpanBatch,
} from '../../core/batch/index.js'
import type { Clock } from '../../core/index.js'
import { OffsetOutOfRangeError } from '../../log/index.js'
import type { Log, ReadRecord } from '../../log/index.js'
import type { StoreDatabase } from '../duckdb/store-database.js'
import { anomalyBatchProblem, writeAnomalyBatch } from '../tables/anomaly-table.js'
import { writeResultBatch } from '../tables/result-tables.js'
import { SampleWriter } from '../tables/sample-table.js'
import { SeriesIndex } from '../series/series-index.js'
import { writeLogBatch, writeSpanBatch } from '../tables/telemetry-tables.js'

/**
 * What a source topic holds: engine results (ResultBatch), the detect stage's anomalies
 * (AnomalyBatch), or raw ingest metrics, logs or spans.
 */
export const storeSourceKinds = ['results', 'anomalies', 'metrics', 'logs', 'spans'] as const
export type StoreSourceKind = (typeof storeSourceKinds)[number]

export interface StoreSource {
  readonly topic: string
  readonly kind: StoreSourceKind
}

export interface StoreSinkSettings {
  readonly log: Log
  readonly db: StoreDatabase
  /** Names this sink's offsets in `store_offsets` (one per consuming process role). */
  readonly consumer: string
  readonly sources: readonly StoreSource[]
  readonly clock: Clock
  readonly onError?: (err: unknown) => void
  /** Sleep when a pass found nothing new (default 50 ms). */
  readonly idleMs?: number
  /** Largest read per partition and pass (default 4 MiB). */
  readonly maxPollBytes?: number
}

export interface StoreSinkStatus {
  readonly passes: number
  readonly recordsConsumed: number
  readonly rowsWritten: number
  readonly recordsDropped: number
  readonly transactions: number
  readonly failedTransactions: number
  /** Next offset per `topic/partition`. */
  readonly positions: Readonly<Record<string, number>>
}

const DEFAULT_IDLE_MS = 50
const DEFAULT_MAX_POLL_BYTES = 4 << 20
const RETRY_MIN_MS = 100
const RETRY_MAX_MS = 5_000

/**
 * Consumes result, anomaly and raw topics read_committed and writes them into the store exactly
 * once: the rows of a read and the offset after it are committed in one DuckDB transaction
 * (`store_offsets`), and on start the sink resumes from the offsets stored there. A crash at any
 * instant leaves either the rows and their offset, or neither, so every record is applied once.
 * (Upserts keyed by result + revision would also be idempotent, but DuckDB's appender cannot
 * upsert and index maintenance on growing tables costs more than one offset row per commit.)
 *
 * A record that does not decode is not written: it is listed in `store_drops` with the reason, in
 * the same transaction, and counted. A failed transaction is rolled back and retried with backoff
 * from the same offset, so nothing is skipped.
 */
export class StoreSink {
  readonly #s: StoreSinkSettings
  readonly #positions = new Map<string, number>()
  readonly #known = new Set<string>()
  #connection: DuckDBConnection | undefined
  #series: SeriesIndex | undefined
  #loop: Promise<void> | undefined
  #stopping = false
  #wake: (() => void) | undefined
  #passes = 0
  #recordsConsumed = 0
  #rowsWritten = 0
  #recordsDropped = 0
  #transactions = 0
  #failed = 0

  constructor(settings: StoreSinkSettings) {
    this.#s = settings
  }

  /** Loads the stored offsets and starts consuming in the background. */
  async start(): Promise<void> {
    await this.open()
    this.#loop = this.#run()
  }

  /** Loads the stored offsets without starting the loop: then `pass()` consumes (tests, tools). */
  async open(): Promise<void> {
    if (this.#connection !== undefined) throw new Error('StoreSink is already open.')
    this.#connection = await this.#s.db.connect()
    const reader = await this.#connection.runAndReadAll(
      'SELECT topic, partition, next_offset FROM store_offsets WHERE consumer = $1',
      [this.#s.consumer],
    )
    for (const [topic, partition, next] of reader.getRows()) {
      this.#positions.set(`${String(topic)}/${Number(partition)}`, Number(next))
    }
    const tables = await this.#connection.runAndReadAll('SELECT name FROM result_tables')
    for (const [name] of tables.getRows()) this.#known.add(String(name))
    this.#series = await SeriesIndex.load(this.#connection)
  }

  /** The series dictionary (committed series only), for queries in the same process. After `open`. */
  get series(): SeriesIndex {
    if (this.#series === undefined) throw new Error('StoreSink is not open.')
    return this.#series
  }

  /**
   * Stops after the pass in progress (whose transaction completes or rolls back). With `drainMs`,
   * then keeps passing until nothing new is left or that time is up, so a clean stop after the
   * engine's last commit leaves the store level with the log. Idempotent.
   */
  async shutdown(options: { readonly drainMs?: number } = {}): Promise<void> {
    this.#stopping = true
    this.#wake?.()
    await this.#loop
    this.#loop = undefined
    if (this.#connection !== undefined && options.drainMs !== undefined) {
      const until = this.#s.clock.nowMs() + options.drainMs
      try {
        while (this.#s.clock.nowMs() < until && (await this.#pass()) > 0);
      } catch (err) {
        this.#s.onError?.(err) // what is left is stored on the next start
      }
    }
    this.#connection?.closeSync()
    this.#connection = undefined
  }

  status(): StoreSinkStatus {
    return {
      passes: this.#passes,
      recordsConsumed: this.#recordsConsumed,
      rowsWritten: this.#rowsWritten,
      recordsDropped: this.#recordsDropped,
      transactions: this.#transactions,
      failedTransactions: this.#failed,
      positions: Object.fromEntries(this.#positions),
    }
  }

  /**
   * One pass over every partition of every source: what each has past the stored offset, one
   * transaction per partition read. Returns the records consumed. Called by the loop, or by the
   * owner of a sink that was only `open`ed (never both: they would share one connection).
   */
  pass(): Promise<number> {
    if (this.#loop !== undefined)
      throw new Error('StoreSink.pass() is for a sink that was opened, not started.')
    return this.#pass()
  }

  async #pass(): Promise<number> {
    const c = this.#need()
    let consumed = 0
    for (const source of this.#s.sources) {
      const described = await this.#s.log.describeTopic(source.topic)
      if (described === undefined) continue
      for (const p of described.partitions) {
        const k = `${source.topic}/${p.partition}`
        let from = this.#positions.get(k) ?? p.logStartOffset
        let lost: { from: number; to: number } | undefined
        if (from < p.logStartOffset) {
          lost = { from, to: p.logStartOffset }
          from = p.logStartOffset
        }
        const res = await this.#read(source.topic, p.partition, from)
        if (res === undefined) continue
        if (res.records.length === 0 && res.nextOffset === from && lost === undefined) continue
        await this.#commit(c, source, p.partition, res.records, res.nextOffset, lost)
        this.#positions.set(k, res.nextOffset)
        consumed += res.records.length
      }
    }
    this.#passes++
    this.#recordsConsumed += consumed
    return consumed
  }

  async #read(topic: string, partition: number, from: number) {
    try {
      return await this.#s.log.read(topic, partition, from, {
        isolation: 'read_committed',
        maxBytes: this.#s.maxPollBytes ?? DEFAULT_MAX_POLL_BYTES,
      })
    } catch (err) {
      // Retention ran between describe and read: the next pass starts at the new log start.
      if (err instanceof OffsetOutOfRangeError) return undefined
      throw err
    }
  }

  async #commit(
    c: DuckDBConnection,
    source: StoreSource,
    partition: number,
    records: readonly ReadRecord[],
    next: number,
    lost: { from: number; to: number } | undefined,
  ): Promise<void> {
    const drops: { offset: number; reason: string }[] = []
    if (lost !== undefined) {
      drops.push({
        offset: lost.from,
        reason: `offsets ${lost.from}..${lost.to - 1} were removed by the log's retention before they were stored`,
      })
    }
    let rows = 0
    const stored = new Map<string, number>()
    const created = new Set<string>()
    const staging = source.kind === 'metrics' ? this.series.begin() : undefined
    const samples = staging === undefined ? undefined : new SampleWriter(staging)
    await c.run('BEGIN TRANSACTION')
    try {
      for (const r of records) {
        if (r.value === null) continue
        const w = await this.#write(c, source.kind, r.value, partition, r.offset, created, samples)
        if (!w.ok) {
          drops.push({ offset: r.offset, reason: w.reason })
          continue
        }
        rows += w.rows
        // Raw telemetry is counted per tenant (the store's side of the conservation ledger).
        if (w.tenant !== undefined) stored.set(w.tenant, (stored.get(w.tenant) ?? 0) + w.rows)
      }
      await samples?.flush(c)
      for (const d of drops) {
        await c.run('INSERT INTO store_drops VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
          this.#s.consumer,
          source.topic,
          partition,
          BigInt(d.offset),
          d.reason,
        ])
      }
      for (const [tenant, n] of stored) {
        await c.run(
          `INSERT INTO store_ledger VALUES ($1, $2, $3, 0)
           ON CONFLICT (tenant, signal) DO UPDATE SET stored = stored + excluded.stored`,
          [tenant, source.kind, BigInt(n)],
        )
      }
      await c.run(
        `INSERT INTO store_offsets VALUES ($1, $2, $3, $4)
         ON CONFLICT (consumer, topic, partition) DO UPDATE SET next_offset = excluded.next_offset`,
        [this.#s.consumer, source.topic, partition, BigInt(next)],
      )
      await c.run('COMMIT')
    } catch (err) {
      this.#failed++
      if (staging !== undefined) this.series.rollback(staging)
      await c.run('ROLLBACK').catch(() => undefined)
      throw err
    }
    if (staging !== undefined) this.series.commit(staging)
    for (const t of created) this.#known.add(t)
    this.#transactions++
    this.#rowsWritten += rows
    this.#recordsDropped += drops.length
  }

  /** Decodes one record of a source of `kind` and writes its rows; a record that does not decode is refused. */
  async #write(
    c: DuckDBConnection,
    kind: StoreSourceKind,
    value: Uint8Array,
    partition: number,
    offset: number,
    created: Set<string>,
    samples: SampleWriter | undefined,
  ): Promise<{ ok: true; rows: number; tenant?: string } | { ok: false; reason: string }> {
    switch (kind) {
      case 'results': {
        const d = decodeResultBatch(value)
        if (!d.ok) return d
        return { ok: true, rows: await writeResultBatch(c, d.batch, partition, offset, this.#known, created) }
      }
      case 'anomalies': {
        const d = decodeAnomalyBatch(value)
        if (!d.ok) return d
        const problem = anomalyBatchProblem(d.batch)
        if (problem !== undefined) return { ok: false, reason: problem }
        return { ok: true, rows: await writeAnomalyBatch(c, d.batch, partition, offset) }
      }
      case 'metrics': {
        const d = decodeMetricBatch(value)
        if (!d.ok) return d
        return { ok: true, rows: samples!.add(d.batch, partition, offset), tenant: d.batch.tenant }
      }
      case 'logs': {
        const d = decodeLogBatch(value)
        if (!d.ok) return d
        return { ok: true, rows: await writeLogBatch(c, d.batch, partition, offset), tenant: d.batch.tenant }
      }
      case 'spans': {
        const d = decodeSpanBatch(value)
        if (!d.ok) return d
        return { ok: true, rows: await writeSpanBatch(c, d.batch, partition, offset), tenant: d.batch.tenant }
      }
    }
  }

  async #run(): Promise<void> {
    let backoff = RETRY_MIN_MS
    while (!this.#stopping) {
      let consumed = 0
      try {
        consumed = await this.#pass()
        backoff = RETRY_MIN_MS
      } catch (err) {
        this.#s.onError?.(err)
        await this.#sleep(backoff)
        backoff = Math.min(RETRY_MAX_MS, backoff * 2)
        continue
      }
      if (consumed === 0) await this.#sleep(this.#s.idleMs ?? DEFAULT_IDLE_MS)
    }
  }

  /** Resolves after `ms`, or at once when `shutdown` wakes it. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms)
      this.#wake = () => {
        clearTimeout(t)
        resolve()
      }
    })
  }

  #need(): DuckDBConnection {
    if (this.#connection === undefined) throw new Error('StoreSink is not started.')
    return this.#connection
  }
}
