import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  Rng,
  crashCycles,
  crashSeed,
  reproduceHint,
  runToEnd,
  runUntilKilled,
} from '../../../test/crash/harness.js'
import {
  MetricBatchBuilder,
  encodeAnomalyBatch,
  encodeMetricBatch,
  encodeResultBatch,
} from '../../core/batch/index.js'
import type { AnomalyRow, ResultRow } from '../../core/batch/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import { StoreDatabase } from '../duckdb/store-database.js'

/**
 * The store sink's kill test (issue 5): a child process (test/crash/store-sink.ts) writes
 * `vigil.results.rollups`, the anomalies of `vigil.anomalies` and raw samples from
 * `vigil.ingest.metrics` (with the series dictionary they extend) into the store, one record per
 * DuckDB transaction; the harness adds
 * records to the topic, starts the child and `kill -9`s it at a random instant (mostly while it
 * writes; one in five from the spawn, so during DuckDB's WAL replay and the offset load too), for
 * VIGIL_CRASH_CYCLES cycles (default 24). Then a last child drains the topic, and every row of
 * every record must be in the store exactly once, with its values, and the stored offsets at the
 * end of the topic.
 */
const script = fileURLToPath(new URL('../../../test/crash/store-sink.js', import.meta.url))
const TOPIC = 'vigil.results.rollups'
const METRICS = 'vigil.ingest.metrics'
const ANOMALIES = 'vigil.anomalies'
const ANOMALIES_PER_RECORD = 10
const SAMPLES_PER_RECORD = 20
const PARTITIONS = 2
const ROWS_PER_RECORD = 40

/** Row i of the record at (partition, offset): its own key, a value derived from all three. */
function rowOf(partition: number, offset: number, i: number): ResultRow {
  const windowMs = i % 2 === 0 ? 10_000 : 60_000
  const sum = partition * 1_000_000 + offset * 100 + i
  return {
    tenant: `t${i % 3}`,
    key: `__name__\u0000m${i}\u0000p\u0000${partition}\u0000o\u0000${offset}`,
    windowMs,
    windowStart: offset * windowMs,
    windowEnd: (offset + 1) * windowMs,
    revision: 1,
    final: true,
    count: i + 1,
    sum,
    min: -i,
    max: sum,
    last: sum / 2,
    mean: sum / (i + 1),
    p50: NaN,
    p90: NaN,
    p99: NaN,
    errors: 0,
  }
}

/**
 * Sample i of the metrics record at (partition, offset): tenant and series recur across records and
 * partitions (so new and known series mix in every transaction); time and value say where it came from.
 */
function sampleOf(partition: number, offset: number, i: number) {
  return {
    tenant: `t${offset % 2}`,
    labels: ['__name__', 'm', 'k', String((i + offset) % 15)],
    ts: offset * 1000 + i,
    value: partition * 1_000_000 + offset * 100 + i,
  }
}

/** Anomaly i of the record at (partition, offset): its value and time say where it came from. */
function anomalyOf(partition: number, offset: number, i: number): AnomalyRow {
  return {
    tenant: `t${i % 2}`,
    source: 'rollups',
    key: `__name__\u0000m${i}`,
    feature: 'mean',
    windowMs: 10_000,
    timeMs: offset * 10_000 + i,
    value: partition * 1_000_000 + offset * 100 + i,
    score: 0.5,
    alert: i % 3 === 0,
    novelty: i,
    levelZ: -i,
    seasonalZ: NaN,
    changePoint: false,
    detectedAtMs: offset,
  }
}

async function appendAnomalies(log: Awaited<ReturnType<typeof openEmbeddedLog>>, perPartition: number) {
  await log.createTopic(ANOMALIES, { partitions: PARTITIONS }).catch(() => undefined)
  const ends: number[] = []
  for (let p = 0; p < PARTITIONS; p++) {
    let offset = (await log.describeTopic(ANOMALIES))!.partitions[p]!.highWatermark
    for (let r = 0; r < perPartition; r++, offset++) {
      const rows = Array.from({ length: ANOMALIES_PER_RECORD }, (_, i) => anomalyOf(p, offset, i))
      const value = encodeAnomalyBatch({ kind: 'anomalies', rows })
      await log.append(ANOMALIES, p, [{ key: null, value, timestampMs: 0 }])
    }
    ends.push(offset)
  }
  return ends
}

async function appendMetrics(log: Awaited<ReturnType<typeof openEmbeddedLog>>, perPartition: number) {
  await log.createTopic(METRICS, { partitions: PARTITIONS }).catch(() => undefined)
  const ends: number[] = []
  for (let p = 0; p < PARTITIONS; p++) {
    let offset = (await log.describeTopic(METRICS))!.partitions[p]!.highWatermark
    for (let r = 0; r < perPartition; r++, offset++) {
      const b = new MetricBatchBuilder(sampleOf(p, offset, 0).tenant)
      for (let i = 0; i < SAMPLES_PER_RECORD; i++) {
        const s = sampleOf(p, offset, i)
        b.sample(b.series(s.labels, 'gauge'), s.ts, s.value)
      }
      await log.append(METRICS, p, [{ key: null, value: encodeMetricBatch(b.build()), timestampMs: 0 }])
    }
    ends.push(offset)
  }
  return ends
}

async function appendRound(
  dir: string,
  perPartition: number,
): Promise<{ results: number[]; metrics: number[]; anomalies: number[] }> {
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    const metrics = await appendMetrics(log, Math.ceil(perPartition / 3))
    const anomalies = await appendAnomalies(log, Math.ceil(perPartition / 6))
    await log.createTopic(TOPIC, { partitions: PARTITIONS }).catch(() => undefined)
    const ends: number[] = []
    for (let p = 0; p < PARTITIONS; p++) {
      const described = await log.describeTopic(TOPIC)
      let offset = described!.partitions[p]!.highWatermark
      for (let r = 0; r < perPartition; r++, offset++) {
        const rows = Array.from({ length: ROWS_PER_RECORD }, (_, i) => rowOf(p, offset, i))
        const value = encodeResultBatch({ kind: 'results', job: 'rollups', rows })
        await log.append(TOPIC, p, [{ key: null, value, timestampMs: 0 }])
      }
      ends.push(offset)
    }
    return { results: ends, metrics, anomalies }
  } finally {
    await log.close()
  }
}

test('kill -9 of the store sink at random instants: every result row, sample and anomaly is stored exactly once', async () => {
  const seed = crashSeed()
  const rng = new Rng(seed)
  const cycles = crashCycles(24)
  const dir = await mkdtemp(join(tmpdir(), 'vigil-store-crash-'))
  const logDir = join(dir, 'log')
  const dbPath = join(dir, 'store', 'vigil.duckdb')
  const hint = `(${reproduceHint(seed)})`
  try {
    let ends: number[] = []
    let metricEnds: number[] = []
    let anomalyEnds: number[] = []
    let midWrite = 0
    for (let cycle = 0; cycle < cycles; cycle++) {
      ;({ results: ends, metrics: metricEnds, anomalies: anomalyEnds } = await appendRound(logDir, 30))
      const fromSpawn = rng.int(0, 4) === 0
      const run = await runUntilKilled({
        script,
        args: [logDir, dbPath],
        killFrom: fromSpawn ? 'spawn' : 'ready',
        killAfterMs: fromSpawn ? rng.int(50, 650) : rng.int(5, 125),
      })
      if (run.readyIndex >= 0 && !fromSpawn) midWrite++
    }
    await runToEnd(script, [logDir, dbPath, '--drain'])

    const db = await StoreDatabase.open(dbPath, { clock: new ManualClock() })
    try {
      const rows = async (sql: string): Promise<unknown[][]> =>
        (await db.connection.runAndReadAll(sql)).getRows() as unknown[][]
      const union = `SELECT * FROM rollups_10s UNION ALL SELECT * FROM rollups_1m`
      const dupes = await rows(
        `SELECT src_partition, src_offset, row_index, count(*) FROM (${union})
         GROUP BY ALL HAVING count(*) > 1 LIMIT 5`,
      )
      assert.deepEqual(dupes, [], `rows stored more than once ${hint}`)
      const total = ends.reduce((a, b) => a + b, 0) * ROWS_PER_RECORD
      assert.deepEqual(await rows(`SELECT count(*) FROM (${union})`), [[BigInt(total)]], `row count ${hint}`)
      // Every row has its record's values (nothing torn, nothing from another record).
      const wrong = await rows(
        `SELECT src_partition, src_offset, row_index FROM (${union})
         WHERE sum <> src_partition * 1000000 + src_offset * 100 + row_index
            OR count <> row_index + 1
            OR key <> '__name__' || chr(0) || 'm' || row_index || chr(0) || 'p' || chr(0) || src_partition
                      || chr(0) || 'o' || chr(0) || src_offset
         LIMIT 5`,
      )
      assert.deepEqual(wrong, [], `rows with another record's values ${hint}`)
      assert.deepEqual(
        await rows(
          `SELECT topic, partition, next_offset FROM store_offsets WHERE consumer = 'store' ORDER BY 1, 2`,
        ),
        [
          ...anomalyEnds.map((end, p) => [ANOMALIES, p, BigInt(end)]),
          ...metricEnds.map((end, p) => [METRICS, p, BigInt(end)]),
          ...ends.map((end, p) => [TOPIC, p, BigInt(end)]),
        ],
        `stored offsets ${hint}`,
      )

      // Raw samples: each once, on a series with the right labels; each series once in the dictionary.
      const sampleTotal = metricEnds.reduce((a, b) => a + b, 0) * SAMPLES_PER_RECORD
      assert.deepEqual(
        await rows('SELECT count(*) FROM samples'),
        [[BigInt(sampleTotal)]],
        `sample count ${hint}`,
      )
      assert.deepEqual(
        await rows(
          `SELECT src_partition, src_offset, ts_ms FROM samples GROUP BY ALL HAVING count(*) > 1 LIMIT 5`,
        ),
        [],
        `samples stored more than once ${hint}`,
      )
      assert.deepEqual(
        await rows(`SELECT tenant, labels FROM series GROUP BY ALL HAVING count(*) > 1 LIMIT 5`),
        [],
        `series registered more than once ${hint}`,
      )
      assert.deepEqual(
        await rows(`SELECT series_id FROM series GROUP BY ALL HAVING count(*) > 1 LIMIT 5`),
        [],
        `series ids given twice ${hint}`,
      )
      const wrongSamples = await rows(
        `SELECT s.src_partition, s.src_offset, s.ts_ms FROM samples s LEFT JOIN series d USING (series_id)
         WHERE d.labels IS DISTINCT FROM
                 '__name__' || chr(0) || 'm' || chr(0) || 'k' || chr(0)
                 || CAST(((CAST(s.ts_ms AS BIGINT) - s.src_offset * 1000) + s.src_offset) % 15 AS VARCHAR)
            OR d.tenant IS DISTINCT FROM 't' || CAST(s.src_offset % 2 AS VARCHAR)
            OR s.value <> s.src_partition * 1000000 + s.src_offset * 100 + (CAST(s.ts_ms AS BIGINT) - s.src_offset * 1000)
         LIMIT 5`,
      )
      assert.deepEqual(wrongSamples, [], `samples on the wrong series or with wrong values ${hint}`)

      // Anomalies: each row once, with its record's values.
      const anomalyTotal = anomalyEnds.reduce((a, b) => a + b, 0) * ANOMALIES_PER_RECORD
      assert.deepEqual(
        await rows('SELECT count(*) FROM anomalies'),
        [[BigInt(anomalyTotal)]],
        `anomaly count ${hint}`,
      )
      assert.deepEqual(
        await rows(
          `SELECT src_partition, src_offset, row_index FROM anomalies GROUP BY ALL HAVING count(*) > 1 LIMIT 5`,
        ),
        [],
        `anomalies stored more than once ${hint}`,
      )
      const wrongAnomalies = await rows(
        `SELECT src_partition, src_offset, row_index FROM anomalies
         WHERE value <> src_partition * 1000000 + src_offset * 100 + row_index
            OR time_ms <> src_offset * 10000 + row_index
            OR key <> '__name__' || chr(0) || 'm' || row_index
            OR tenant <> 't' || CAST(row_index % 2 AS VARCHAR)
            OR alert <> (row_index % 3 = 0) OR NOT isnan(seasonal_z)
         LIMIT 5`,
      )
      assert.deepEqual(wrongAnomalies, [], `anomalies with another record's values ${hint}`)
      assert.ok(midWrite >= cycles / 2, `only ${midWrite} of ${cycles} kills came while writing ${hint}`)
    } finally {
      db.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
