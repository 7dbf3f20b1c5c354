import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { encodeAnomalyBatch } from '../../core/batch/index.js'
import type { AnomalyRow } from '../../core/batch/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import type { Log } from '../../log/index.js'
import { StoreDatabase } from '../duckdb/store-database.js'
import { StoreSink } from './store-sink.js'
import type { StoreSource } from './store-sink.js'

const clock = new ManualClock(1_700_000_000_000)
const TOPIC = 'vigil.anomalies'
const SOURCES: StoreSource[] = [{ topic: TOPIC, kind: 'anomalies' }]
const T = 1_700_000_000_000

function anomaly(key: string, timeMs: number, over: Partial<AnomalyRow> = {}): AnomalyRow {
  return {
    tenant: 'acme',
    source: 'rollups',
    key,
    feature: 'mean',
    windowMs: 10_000,
    timeMs,
    value: 42.5,
    score: 0.97,
    alert: true,
    novelty: 6.5,
    levelZ: 4.25,
    seasonalZ: -1.5,
    changePoint: false,
    detectedAtMs: timeMs + 1_250,
    ...over,
  }
}

/** Appends `rows` as one record in a transaction of its own (as an engine task does), committed or aborted. */
async function appendInTransaction(
  log: Log,
  partition: number,
  rows: AnomalyRow[],
  commit: boolean,
): Promise<void> {
  const producer = await log.initProducer({ transactionalId: `engine-task-${partition}` })
  const value = encodeAnomalyBatch({ kind: 'anomalies', rows })
  await log.append(TOPIC, partition, [{ key: null, value, timestampMs: 0 }], {
    producer: { ...producer, sequence: 0 },
    transactional: true,
  })
  await log.endTransaction(producer, commit)
}

async function appendPlain(log: Log, partition: number, value: Uint8Array): Promise<void> {
  await log.append(TOPIC, partition, [{ key: null, value: Buffer.from(value), timestampMs: 0 }])
}

async function query(db: StoreDatabase, sql: string): Promise<unknown[][]> {
  return (await db.connection.runAndReadAll(sql)).getRows() as unknown[][]
}

test('committed anomalies land once with every field; aborted ones never; bad records are listed drops', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-store-anomalies-'))
  const log = await openEmbeddedLog({ dataDir: join(dir, 'log') })
  const path = join(dir, 'store', 'vigil.duckdb')
  try {
    await log.createTopic(TOPIC, { partitions: 2 })
    const series = '__name__\u0000cpu\u0000host\u0000a'
    await appendInTransaction(
      log,
      0,
      [
        anomaly(series, T),
        anomaly(series, T + 10_000, { alert: false, changePoint: true, score: 0.5, value: NaN }),
      ],
      true,
    )
    await appendInTransaction(log, 1, [anomaly('checkout\u0000POST /pay', T, { source: 'red' })], true)
    await appendInTransaction(log, 1, [anomaly('ABORTED', T)], false)
    await appendPlain(log, 0, Buffer.from('not a batch'))
    // Decodes, but a time that is not a time: the whole record is a drop (a failing append would
    // fail the transaction on every retry).
    await appendPlain(log, 0, encodeAnomalyBatch({ kind: 'anomalies', rows: [anomaly('x', NaN)] }))

    const db = await StoreDatabase.open(path, { clock })
    const sink = new StoreSink({ log, db, consumer: 'store', sources: SOURCES, clock })
    await sink.open()
    await sink.pass()
    assert.equal(await sink.pass(), 0)
    const rows = await query(
      db,
      `SELECT tenant, source, key, feature, window_ms, time_ms, value, score, alert, novelty, level_z,
              seasonal_z, change_point, detected_at_ms, src_partition, row_index
       FROM anomalies ORDER BY src_partition, time_ms`,
    )
    assert.equal(rows.length, 3)
    assert.deepEqual(rows[0], [
      'acme',
      'rollups',
      series,
      'mean',
      10_000n,
      BigInt(T),
      42.5,
      0.97,
      true,
      6.5,
      4.25,
      -1.5,
      false,
      BigInt(T + 1_250),
      0,
      0,
    ])
    assert.ok(Number.isNaN(rows[1]![6]), 'a NaN value is stored as NaN')
    assert.deepEqual(rows[1]!.slice(7, 9), [0.5, false])
    assert.equal(rows[1]![12], true)
    assert.deepEqual(rows[2]!.slice(1, 3), ['red', 'checkout\u0000POST /pay'])
    assert.deepEqual(await query(db, "SELECT count(*) FROM anomalies WHERE key = 'ABORTED'"), [[0n]])

    const drops = await query(db, 'SELECT topic, partition, reason FROM store_drops ORDER BY record_offset')
    assert.equal(drops.length, 2)
    assert.deepEqual(drops[0]!.slice(0, 2), [TOPIC, 0])
    assert.match(String(drops[0]![2]), /not an anomalies batch|malformed|unsupported|version/)
    assert.match(String(drops[1]![2]), /^anomaly row 0: timeMs NaN is not a time in ms$/)
    assert.equal(sink.status().recordsDropped, 2)
    // Anomalies are engine output, not raw telemetry: the ingest ledger does not count them.
    assert.deepEqual(await query(db, 'SELECT count(*) FROM store_ledger'), [[0n]])
    await sink.shutdown()
    db.close()

    // A restart resumes from the stored offsets: nothing is written twice, new records are.
    await appendInTransaction(log, 1, [anomaly(series, T + 20_000, { tenant: 'other' })], true)
    const again = await StoreDatabase.open(path, { clock })
    const second = new StoreSink({ log, db: again, consumer: 'store', sources: SOURCES, clock })
    await second.open()
    await second.pass()
    assert.deepEqual(
      await query(again, 'SELECT tenant, count(*) FROM anomalies GROUP BY tenant ORDER BY tenant'),
      [
        ['acme', 3n],
        ['other', 1n],
      ],
    )
    assert.deepEqual(
      await query(
        again,
        'SELECT src_partition, src_offset, row_index FROM anomalies GROUP BY ALL HAVING count(*) > 1',
      ),
      [],
    )
    await second.shutdown()
    again.close()
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})
