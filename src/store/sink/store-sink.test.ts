import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { MetricBatchBuilder, encodeMetricBatch, encodeResultBatch } from '../../core/batch/index.js'
import type { ResultRow } from '../../core/batch/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import type { Log } from '../../log/index.js'
import { StoreDatabase } from '../duckdb/store-database.js'
import { StoreSink } from './store-sink.js'
import type { StoreSource } from './store-sink.js'

const clock = new ManualClock(1_700_000_000_000)
const RESULTS = 'vigil.results.rollups'
const METRICS = 'vigil.ingest.metrics'
const SOURCES: StoreSource[] = [
  { topic: RESULTS, kind: 'results' },
  { topic: METRICS, kind: 'metrics' },
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

test('raw samples are stored with their series and counted per tenant in the ledger', async () => {
  await withStore(async (log, path) => {
    const b = new MetricBatchBuilder('acme')
    const up = b.series(['__name__', 'up', 'job', 'api'], 'gauge')
    const lat = b.series(['__name__', 'latency', 'job', 'api'], 'gauge')
    b.sample(up, 1_000, 1)
    b.sample(lat, 1_000, 0.25)
    b.sample(up, 2_000.5, 0)
    await log.append(METRICS, 0, [{ key: null, value: encodeMetricBatch(b.build()), timestampMs: 0 }])
    const db = await StoreDatabase.open(path, { clock })
    const sink = new StoreSink({ log, db, consumer: 'store', sources: SOURCES, clock })
    await sink.open()
    await sink.pass()
    assert.deepEqual(
      await query(db, 'SELECT tenant, series, ts_ms, value FROM samples ORDER BY ts_ms, value'),
      [
        ['acme', '__name__\u0000latency\u0000job\u0000api', 1000, 0.25],
        ['acme', '__name__\u0000up\u0000job\u0000api', 1000, 1],
        ['acme', '__name__\u0000up\u0000job\u0000api', 2000.5, 0],
      ],
    )
    assert.deepEqual(await query(db, 'SELECT tenant, signal, stored, dropped FROM store_ledger'), [
      ['acme', 'metrics', 3n, 0n],
    ])
    await sink.shutdown()
    db.close()
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
