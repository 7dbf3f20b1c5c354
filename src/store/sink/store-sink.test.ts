import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  LogBatchBuilder,
  MetricBatchBuilder,
  SpanBatchBuilder,
  encodeLogBatch,
  encodeMetricBatch,
  encodeResultBatch,
  encodeSpanBatch,
} from '../../core/batch/index.js'
import type { ResultRow } from '../../core/batch/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import type { Log } from '../../log/index.js'
import { StoreDatabase } from '../duckdb/store-database.js'
import { StoreSink } from './store-sink.js'
import type { StoreSource } from './store-sink.js'

const clock = new ManualClock(1_700_000_000_000)
/** Prometheus' staleness marker (a NaN with payload 2). */
const STALE = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!
const RESULTS = 'vigil.results.rollups'
const METRICS = 'vigil.ingest.metrics'
const LOGS = 'vigil.ingest.logs'
const TRACES = 'vigil.ingest.traces'
const SOURCES: StoreSource[] = [
  { topic: RESULTS, kind: 'results' },
  { topic: METRICS, kind: 'metrics' },
  { topic: LOGS, kind: 'logs' },
  { topic: TRACES, kind: 'spans' },
]

function row(key: string, windowMs: number, windowStart: number, revision: number, sum: number): ResultRow {
  return {
    tenant: 'acme',
    key,
    windowMs,
    windowStart,
    windowEnd: windowStart + windowMs,
    revision,
    final: true,
    count: 2,
    sum,
    min: 1,
    max: sum - 1,
    last: sum - 1,
    mean: sum / 2,
    p50: NaN,
    p90: NaN,
    p99: NaN,
    errors: 0,
  }
}

async function appendResults(log: Log, partition: number, rows: ResultRow[], transactional?: boolean) {
  const value = encodeResultBatch({ kind: 'results', job: 'rollups', rows })
  if (transactional !== true) return log.append(RESULTS, partition, [{ key: null, value, timestampMs: 0 }])
  // An aborted transaction: read_committed never shows it, so the store must not either.
  const producer = await log.initProducer({ transactionalId: `aborted-${partition}` })
  await log.append(RESULTS, partition, [{ key: null, value, timestampMs: 0 }], {
    producer: { ...producer, sequence: 0 },
    transactional: true,
  })
  await log.endTransaction(producer, false)
  return undefined
}

async function query(db: StoreDatabase, sql: string): Promise<unknown[][]> {
  return (await db.connection.runAndReadAll(sql)).getRows() as unknown[][]
}

async function withStore(fn: (log: Log, path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-store-sink-'))
  const log = await openEmbeddedLog({ dataDir: join(dir, 'log') })
  try {
    await log.createTopic(RESULTS, { partitions: 2 })
    await log.createTopic(METRICS, { partitions: 1 })
    await log.createTopic(LOGS, { partitions: 1 })
    await log.createTopic(TRACES, { partitions: 1 })
    await fn(log, join(dir, 'store', 'vigil.duckdb'))
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
}

test('committed results land in their per-size tables once; aborted ones never; undecodable ones are listed as drops', async () => {
  await withStore(async (log, path) => {
    await appendResults(log, 0, [row('a', 10_000, 0, 1, 5), row('a', 60_000, 0, 1, 9)])
    await appendResults(log, 1, [row('b', 10_000, 0, 1, 7)])
    await appendResults(log, 1, [row('x', 10_000, 0, 1, 99)], true)
    await log.append(RESULTS, 0, [{ key: null, value: Buffer.from('not a batch'), timestampMs: 0 }])
    await appendResults(log, 0, [row('a', 10_000, 0, 2, 6)]) // a late revision

    const db = await StoreDatabase.open(path, { clock })
    const sink = new StoreSink({ log, db, consumer: 'store', sources: SOURCES, clock })
    await sink.open()
    assert.equal(await sink.pass(), 4) // 3 + 1 records (the aborted batch and its marker are skipped)
    assert.equal(await sink.pass(), 0)
    assert.deepEqual(
      await query(db, 'SELECT key, revision, sum, src_partition FROM rollups_10s ORDER BY key, revision'),
      [
        ['a', 1, 5, 0],
        ['a', 2, 6, 0],
        ['b', 1, 7, 1],
      ],
    )
    assert.deepEqual(await query(db, 'SELECT key, window_end_ms, sum FROM rollups_1m'), [['a', 60_000n, 9]])
    assert.deepEqual(await query(db, 'SELECT name, window_ms FROM result_tables ORDER BY 1'), [
      ['rollups_10s', 10_000n],
      ['rollups_1m', 60_000n],
    ])
    const drops = await query(db, 'SELECT topic, partition, record_offset, reason FROM store_drops')
    assert.equal(drops.length, 1)
    assert.deepEqual(drops[0]!.slice(0, 3), [RESULTS, 0, 1n])
    assert.match(String(drops[0]![3]), /not a result batch|malformed|unsupported/)
    assert.equal(sink.status().recordsDropped, 1)
    await sink.shutdown()
    db.close()

    // A restart resumes from the stored offsets: nothing is written twice, new records are.
    await appendResults(log, 1, [row('c', 10_000, 10_000, 1, 3)])
    const again = await StoreDatabase.open(path, { clock })
    const second = new StoreSink({ log, db: again, consumer: 'store', sources: SOURCES, clock })
    await second.open()
    assert.equal(await second.pass(), 1)
    assert.deepEqual(await query(again, 'SELECT key, count(*) FROM rollups_10s GROUP BY key ORDER BY key'), [
      ['a', 2n],
      ['b', 1n],
      ['c', 1n],
    ])
    await second.shutdown()
    again.close()
  })
})

test('raw samples are stored by series id, stale markers as NULL, and counted per tenant in the ledger', async () => {
  await withStore(async (log, path) => {
    const b = new MetricBatchBuilder('acme')
    const up = b.series(['__name__', 'up', 'job', 'api'], 'gauge')
    const lat = b.series(['__name__', 'latency', 'job', 'api'], 'gauge')
    b.sample(up, 1_000, 1)
    b.sample(lat, 1_000, 0.25)
    b.sample(up, 2_000.5, 0)
    b.sample(lat, 3_000, STALE)
    b.sample(lat, 4_000, NaN)
    await log.append(METRICS, 0, [{ key: null, value: encodeMetricBatch(b.build()), timestampMs: 0 }])
    const other = new MetricBatchBuilder('umbrella')
    other.sample(other.series(['__name__', 'up', 'job', 'api'], 'gauge'), 1_000, 7)
    await log.append(METRICS, 0, [{ key: null, value: encodeMetricBatch(other.build()), timestampMs: 0 }])
    const db = await StoreDatabase.open(path, { clock })
    const sink = new StoreSink({ log, db, consumer: 'store', sources: SOURCES, clock })
    await sink.open()
    await sink.pass()
    const stored = await query(
      db,
      `SELECT s.tenant, d.labels, s.ts_ms, s.value FROM samples s JOIN series d USING (series_id)
       ORDER BY s.tenant, s.ts_ms, d.labels`,
    )
    assert.deepEqual(stored.slice(0, 4), [
      ['acme', '__name__\u0000latency\u0000job\u0000api', 1000, 0.25],
      ['acme', '__name__\u0000up\u0000job\u0000api', 1000, 1],
      ['acme', '__name__\u0000up\u0000job\u0000api', 2000.5, 0],
      ['acme', '__name__\u0000latency\u0000job\u0000api', 3000, null],
    ])
    assert.ok(Number.isNaN(stored[4]![3]), 'an ordinary NaN stays a NaN value')
    assert.deepEqual(stored[5], ['umbrella', '__name__\u0000up\u0000job\u0000api', 1000, 7])
    // One id per (tenant, label set): the same labels in two tenants are two series.
    assert.deepEqual(await query(db, 'SELECT count(*), count(DISTINCT series_id) FROM series'), [[3n, 3n]])
    assert.deepEqual(
      await query(db, 'SELECT tenant, signal, stored, dropped FROM store_ledger ORDER BY tenant'),
      [
        ['acme', 'metrics', 5n, 0n],
        ['umbrella', 'metrics', 1n, 0n],
      ],
    )
    const eq = (name: string, value: string) => ({ name, type: '=' as const, value })
    const latency = sink.series.select('acme', [eq('__name__', 'latency')])
    assert.deepEqual(
      latency.map((s) => [s.labels, s.firstMs, s.lastMs]),
      [[['__name__', 'latency', 'job', 'api'], 1000, 4000]],
    )
    assert.equal(
      sink.series.select('acme', [eq('job', 'api')], 2500, 9000).length,
      1,
      'only latency has samples then',
    )
    await sink.shutdown()
    db.close()

    // After a restart the dictionary (ids and spans) is loaded back, and new series get new ids.
    const more = new MetricBatchBuilder('acme')
    more.sample(more.series(['__name__', 'up', 'job', 'api'], 'gauge'), 5_000, 1)
    more.sample(more.series(['__name__', 'new', 'job', 'api'], 'gauge'), 5_000, 1)
    await log.append(METRICS, 0, [{ key: null, value: encodeMetricBatch(more.build()), timestampMs: 0 }])
    const db2 = await StoreDatabase.open(path, { clock })
    const sink2 = new StoreSink({ log, db: db2, consumer: 'store', sources: SOURCES, clock })
    await sink2.open()
    assert.equal(sink2.series.size, 3)
    assert.deepEqual(
      sink2.series.select('acme', [eq('__name__', 'up')]).map((s) => [s.firstMs, s.lastMs]),
      [[1000, 2000.5]],
    )
    await sink2.pass()
    assert.deepEqual(await query(db2, 'SELECT count(*), count(DISTINCT series_id) FROM series'), [[4n, 4n]])
    assert.deepEqual(
      sink2.series.select('acme', [eq('__name__', 'up')]).map((s) => [s.firstMs, s.lastMs]),
      [[1000, 5000]],
    )
    await sink2.shutdown()
    db2.close()
  })
})

test('a transaction that fails is rolled back whole and retried from the same offset', async () => {
  await withStore(async (log, path) => {
    await appendResults(log, 0, [row('a', 10_000, 0, 1, 5)])
    const db = await StoreDatabase.open(path, { clock })
    const sink = new StoreSink({ log, db, consumer: 'store', sources: SOURCES, clock })
    await sink.open()
    // The table exists with a column the writer does not fill: the append fails mid-transaction.
    await db.connection.run('CREATE TABLE rollups_10s (broken INTEGER)')
    await assert.rejects(sink.pass())
    assert.equal(sink.status().failedTransactions, 1)
    assert.deepEqual(await query(db, 'SELECT count(*) FROM store_offsets'), [[0n]])
    assert.deepEqual(await query(db, 'SELECT count(*) FROM result_tables'), [[0n]])
    await db.connection.run('DROP TABLE rollups_10s')
    assert.equal(await sink.pass(), 1)
    assert.deepEqual(await query(db, 'SELECT key, sum FROM rollups_10s'), [['a', 5]])
    await sink.shutdown()
    db.close()
  })
})

test('raw logs and spans are stored field by field: times, resource, attributes, events and links', async () => {
  await withStore(async (log, path) => {
    const logs = new LogBatchBuilder('acme')
    const res = logs.resource('billing', ['service.name', 'billing', 'host.name', 'h1'], 'app.logger', '1.2')
    const row = {
      resource: res,
      timeMs: 1_700_000_000_123,
      timeNanos: 456_789,
      observedTimeMs: 1_700_000_000_200,
      observedTimeNanos: 0,
      severityNumber: 17,
      severityText: 'ERROR',
      body: 'payment declined',
      attributes: ['http.method', 'POST', 'retry', '2'],
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      flags: 1,
    }
    logs.add(row)
    logs.add({ ...row, timeMs: 0, timeNanos: 0, attributes: [], body: 'no event time' })
    await log.append(LOGS, 0, [{ key: null, value: encodeLogBatch(logs.build()), timestampMs: 0 }])

    const spans = new SpanBatchBuilder('acme')
    spans.add({
      resource: spans.resource('checkout', ['service.name', 'checkout']),
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: '00f067aa0ba902b7',
      parentSpanId: 'b7ad6b7169203331',
      traceState: 'vendor=1',
      name: 'POST /pay',
      kind: 2,
      startMs: 1_700_000_000_000,
      startNanos: 500_000,
      endMs: 1_700_000_000_250,
      endNanos: 0,
      statusCode: 2,
      statusMessage: 'declined',
      attributes: ['http.status_code', '402'],
      events: [{ name: 'retry', timeMs: 1_700_000_000_100, timeNanos: 7, attributes: ['attempt', '2'] }],
      links: [{ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceState: '', attributes: [] }],
      flags: 0,
    })
    await log.append(TRACES, 0, [{ key: null, value: encodeSpanBatch(spans.build()), timestampMs: 0 }])

    const db = await StoreDatabase.open(path, { clock })
    const sink = new StoreSink({ log, db, consumer: 'store', sources: SOURCES, clock })
    await sink.open()
    assert.equal(await sink.pass(), 2)
    assert.deepEqual(
      await query(
        db,
        `SELECT time_ms, time_nanos, observed_time_ms, service, severity_number, severity_text, body,
                attributes['http.method'], cardinality(attributes), resource['host.name'], scope,
                trace_id, span_id, flags, template_id, row_index
         FROM logs ORDER BY row_index`,
      ),
      [
        [
          1_700_000_000_123n,
          456_789,
          1_700_000_000_200n,
          'billing',
          17,
          'ERROR',
          'payment declined',
          'POST',
          2n,
          'h1',
          'app.logger@1.2',
          row.traceId,
          row.spanId,
          1,
          null,
          0,
        ],
        [
          1_700_000_000_200n,
          0,
          1_700_000_000_200n,
          'billing',
          17,
          'ERROR',
          'no event time',
          null,
          0n,
          'h1',
          'app.logger@1.2',
          row.traceId,
          row.spanId,
          1,
          null,
          1,
        ],
      ],
    )
    assert.deepEqual(
      await query(
        db,
        `SELECT service, name, kind, parent_span_id, trace_state, duration_ns, status_code, status_message,
                attributes['http.status_code'], events[1].name, events[1].time_nanos, events[1].attributes['attempt'],
                links[1].span_id, len(links)
         FROM spans`,
      ),
      [
        [
          'checkout',
          'POST /pay',
          'server',
          'b7ad6b7169203331',
          'vendor=1',
          249_500_000n,
          'error',
          'declined',
          '402',
          'retry',
          7,
          '2',
          '2'.repeat(16),
          1n,
        ],
      ],
    )
    assert.deepEqual(await query(db, 'SELECT signal, stored FROM store_ledger ORDER BY signal'), [
      ['logs', 2n],
      ['spans', 1n],
    ])
    await sink.shutdown()
    db.close()
  })
})
