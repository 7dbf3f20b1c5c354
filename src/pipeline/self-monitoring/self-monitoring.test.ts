import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { decodeMetricBatch, labelValue, SERIES_KIND_CODE } from '../../core/batch/index.js'
import type { MetricBatch } from '../../core/batch/index.js'
import type { PipelineError } from '../../core/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import type { EngineStatus } from '../../engine/host/engine-host.js'
import { IngestLedger } from '../../ingest/ledger/ingest-ledger.js'
import { IngestWriter } from '../../ingest/writer/ingest-writer.js'
import { INGEST_TOPICS, partitionOf } from '../../ingest/http/index.js'
import { createDefaultEmbeddedLogConfig, openEmbeddedLog } from '../../log/embedded/index.js'
import type { EmbeddedLog } from '../../log/embedded/index.js'
import { registerEngineMetrics } from '../engine-metrics.js'
import { registerLogMetrics } from '../log-metrics.js'
import { readTopic } from '../testing/read-topic.js'
import { parseSelfMonitoringConfig } from './config.js'
import { SelfMonitoring } from './self-monitoring.js'
import type { SelfMetricsSource } from './self-monitoring.js'
import { registerSelfMonitoringMetrics } from './self-monitoring-metrics.js'
import { ManualScheduler } from './testing/manual-scheduler.js'

const T0 = 1_700_000_000_000
const PARTITIONS = 4

const engineStatus: EngineStatus = {
  workers: 1,
  restarts: 0,
  tasks: [
    {
      job: 'rollups',
      task: 0,
      epoch: 3,
      watermarkMs: T0 - 5_000,
      recordsRead: 42,
      positions: [],
      counters: [['side.late.too_late', 2]],
      lastCommitMs: 12,
      lastSnapshotBytes: 100,
    },
  ],
}

interface Harness {
  readonly dir: string
  readonly log: EmbeddedLog
  readonly clock: ManualClock
  readonly scheduler: ManualScheduler
  readonly writer: IngestWriter
  readonly ledger: IngestLedger
  readonly errors: PipelineError[]
  monitor(registry: SelfMetricsSource, config?: Record<string, unknown>): SelfMonitoring
  /** The metrics topic's records, decoded (closes the log first). */
  batches(): Promise<{ key: string; partition: number; batch: MetricBatch }[]>
}

async function withHarness(run: (h: Harness) => Promise<void>, createTopics = true): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-self-monitoring-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  const clock = new ManualClock(T0)
  const writer = new IngestWriter(log, PARTITIONS, clock)
  if (createTopics) await writer.createTopics()
  const h: Harness = {
    dir,
    log,
    clock,
    scheduler: new ManualScheduler(clock),
    writer,
    ledger: new IngestLedger(),
    errors: [],
    monitor(registry, config = {}) {
      return new SelfMonitoring(parseSelfMonitoringConfig({ instance: 'test-host', ...config }), {
        registry,
        writer: h.writer,
        ledger: h.ledger,
        clock: h.clock,
        scheduler: h.scheduler,
        onError: (err) => h.errors.push(err),
      })
    },
    async batches() {
      await log.close()
      const records = await readTopic(createDefaultEmbeddedLogConfig(dir), INGEST_TOPICS.metrics)
      return records.map((r) => {
        const decoded = decodeMetricBatch(r.value)
        assert.ok(decoded.ok, 'a decodable MetricBatch')
        return { key: r.key, partition: r.partition, batch: decoded.batch }
      })
    },
  }
  try {
    await run(h)
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/** The value of the series named `name` whose labels include `match`, or undefined. */
function valueOf(batch: MetricBatch, name: string, match: Record<string, string> = {}): number | undefined {
  for (let i = 0; i < batch.length; i++) {
    const labels = batch.series[batch.seriesIdx[i]!]!
    if (labelValue(labels, '__name__') !== name) continue
    if (Object.entries(match).every(([k, v]) => labelValue(labels, k) === v)) return batch.value[i]
  }
  return undefined
}

function kindOf(batch: MetricBatch, name: string): number | undefined {
  const i = batch.series.findIndex((l) => labelValue(l, '__name__') === name)
  return i === -1 ? undefined : batch.seriesKinds[i]
}

function ledgerRow(ledger: IngestLedger, tenant: string) {
  return ledger.rows().find((r) => r.tenant === tenant && r.signal === 'metrics')
}

describe('SelfMonitoring', () => {
  test('every interval the registry is appended as one batch of the self tenant, stamped with the scrape time', () =>
    withHarness(async (h) => {
      const registry = new Registry()
      collectDefaultMetrics({ register: registry })
      registerLogMetrics(registry, h.log)
      registerEngineMetrics(registry, () => engineStatus)
      const self = h.monitor(registry)
      registerSelfMonitoringMetrics(registry, () => self.status())
      await self.start()
      await h.scheduler.advance(9_999)
      assert.equal(self.status().scrapes.appended, 0, 'nothing before the first interval')
      await h.scheduler.advance(1)
      await h.scheduler.advance(10_000)
      await self.stop()
      assert.equal(h.scheduler.pending, 0, 'stop cancels the next run')
      assert.deepEqual(h.errors, [])

      const stored = await h.batches()
      assert.equal(stored.length, 2)
      const expectedPartition = partitionOf('vigil-self', 'vigil', PARTITIONS)
      stored.forEach(({ key, partition, batch }, i) => {
        assert.equal(key, 'vigil-self/vigil')
        assert.equal(partition, expectedPartition)
        assert.equal(batch.tenant, 'vigil-self')
        assert.ok(batch.length > 50, `${batch.length} samples`)
        assert.ok(
          batch.ts.every((t) => t === T0 + (i + 1) * 10_000),
          'every sample at its scrape time',
        )
        assert.ok(
          batch.series.every(
            (l) => labelValue(l, 'job') === 'vigil' && labelValue(l, 'instance') === 'test-host',
          ),
        )
      })
      const [first, second] = [stored[0]!.batch, stored[1]!.batch]
      assert.equal(kindOf(second, 'process_cpu_seconds_total'), SERIES_KIND_CODE.counter)
      assert.ok(valueOf(second, 'process_cpu_seconds_total')! > 0)
      assert.equal(kindOf(second, 'process_resident_memory_bytes'), SERIES_KIND_CODE.gauge)
      // The second scrape sees the first append in the log's counters.
      assert.ok(
        valueOf(second, 'vigil_log_appended_records_total')! >
          valueOf(first, 'vigil_log_appended_records_total')!,
      )
      assert.equal(
        valueOf(second, 'vigil_log_partition_high_watermark', {
          topic: INGEST_TOPICS.metrics,
          partition: String(expectedPartition),
        }),
        1,
      )
      assert.equal(
        valueOf(second, 'vigil_engine_checkpoint_duration_seconds', { exported_job: 'rollups', task: '0' }),
        0.012,
      )
      assert.equal(
        valueOf(second, 'vigil_engine_late_records_total', { exported_job: 'rollups', reason: 'too_late' }),
        2,
      )
      assert.equal(valueOf(first, 'vigil_self_monitoring_scrapes_total', { outcome: 'appended' }), 0)
      assert.equal(valueOf(second, 'vigil_self_monitoring_scrapes_total', { outcome: 'appended' }), 1)
      assert.equal(valueOf(second, 'vigil_self_monitoring_samples_appended_total'), first.length)

      const status = self.status()
      assert.deepEqual(status.scrapes, { appended: 2, scrape_failed: 0, append_failed: 0 })
      assert.equal(status.samplesAppended, first.length + second.length)
      assert.equal(status.lastSuccessMs, T0 + 20_000)
      assert.deepEqual(ledgerRow(h.ledger, 'vigil-self'), {
        tenant: 'vigil-self',
        signal: 'metrics',
        received: first.length + second.length,
        accepted: first.length + second.length,
        deadLettered: 0,
        dropped: 0,
        droppedByReason: {},
        deadLetteredByReason: {},
      })
    }))

  test('a failed append is counted and booked as dropped; the next interval succeeds', () =>
    withHarness(async (h) => {
      const registry = new Registry()
      new Gauge({ name: 'vigil_test_gauge', help: 'h', registers: [registry] }).set(1)
      const self = h.monitor(registry)
      await self.start()
      await h.scheduler.advance(10_000) // the topics do not exist yet: the append fails
      assert.equal(self.status().scrapes.append_failed, 1)
      assert.equal(h.errors.length, 1)
      assert.equal(h.errors[0]!.code, 'SELF_MONITORING_APPEND_FAILED')
      assert.equal(h.errors[0]!.retryable, true)
      assert.deepEqual(ledgerRow(h.ledger, 'vigil-self')?.droppedByReason, { log_append_failed: 1 })

      await h.writer.createTopics()
      await h.scheduler.advance(10_000)
      await self.stop()
      const status = self.status()
      assert.deepEqual(status.scrapes, { appended: 1, scrape_failed: 0, append_failed: 1 })
      assert.equal(status.samplesFailed, 1)
      assert.equal(status.samplesAppended, 1)
      const row = ledgerRow(h.ledger, 'vigil-self')!
      assert.deepEqual([row.received, row.accepted, row.dropped], [2, 1, 1])
      const stored = await h.batches()
      assert.equal(stored.length, 1)
      assert.deepEqual([...stored[0]!.batch.ts], [T0 + 20_000])
    }, false))

  test('a closed log fails the append without throwing; stop still resolves', () =>
    withHarness(async (h) => {
      const registry = new Registry()
      new Gauge({ name: 'vigil_test_gauge', help: 'h', registers: [registry] }).set(1)
      const self = h.monitor(registry)
      await self.start()
      await h.log.close()
      await h.scheduler.advance(10_000)
      await h.scheduler.advance(10_000)
      assert.deepEqual(self.status().scrapes, { appended: 0, scrape_failed: 0, append_failed: 2 })
      assert.match(h.errors[0]!.message, /could not append 1 samples: The log is closed/)
      assert.equal(h.scheduler.pending, 1, 'still scheduled: the next interval tries again')
      await self.stop()
      await self.stop()
      assert.equal(h.scheduler.pending, 0)
    }))

  test('a registry that fails to collect is counted as a failed scrape; the next one succeeds', () =>
    withHarness(async (h) => {
      const registry = new Registry()
      let broken = true
      new Gauge({
        name: 'vigil_test_flaky',
        help: 'h',
        registers: [registry],
        collect() {
          if (broken) throw new Error('collect failed')
          this.set(5)
        },
      })
      const self = h.monitor(registry)
      await self.start()
      await h.scheduler.advance(10_000)
      assert.deepEqual(self.status().scrapes, { appended: 0, scrape_failed: 1, append_failed: 0 })
      assert.equal(h.errors[0]!.code, 'SELF_MONITORING_SCRAPE_FAILED')
      assert.equal(ledgerRow(h.ledger, 'vigil-self'), undefined, 'nothing read, nothing booked')
      broken = false
      await h.scheduler.advance(10_000)
      await self.stop()
      assert.deepEqual(self.status().scrapes, { appended: 1, scrape_failed: 1, append_failed: 0 })
      const [stored] = await h.batches()
      assert.equal(valueOf(stored!.batch, 'vigil_test_flaky'), 5)
    }))

  test('at most maxSeries series per scrape; the rest are counted and booked as dropped', () =>
    withHarness(async (h) => {
      const registry = new Registry()
      collectDefaultMetrics({ register: registry })
      const self = h.monitor(registry, { maxSeries: 10 })
      registerSelfMonitoringMetrics(registry, () => self.status())
      await self.start()
      await h.scheduler.advance(20_000)
      await self.stop()
      const stored = await h.batches()
      assert.equal(stored.length, 2)
      for (const { batch } of stored) {
        assert.ok(batch.series.length <= 10 && batch.series.length > 0, `${batch.series.length} series`)
        assert.equal(batch.series.length, batch.length)
      }
      const status = self.status()
      assert.ok(status.seriesDropped > 0)
      const row = ledgerRow(h.ledger, 'vigil-self')!
      assert.deepEqual(row.droppedByReason, { self_max_series: status.seriesDropped })
      assert.equal(row.accepted, stored[0]!.batch.length + stored[1]!.batch.length)
      assert.equal(row.received, row.accepted + status.seriesDropped)
    }))

  test('stop waits for a scrape in flight, its append included', () =>
    withHarness(async (h) => {
      const registry = new Registry()
      collectDefaultMetrics({ register: registry })
      const self = h.monitor(registry)
      await self.start()
      let settled = false
      const scrape = self.scrapeOnce().then((o) => {
        settled = true
        return o
      })
      assert.equal(self.scrapeOnce() === self.scrapeOnce(), true, 'concurrent calls share the scrape')
      await self.stop()
      assert.equal(settled, true)
      assert.equal((await scrape).kind, 'appended')
      assert.equal((await h.batches()).length, 1)
    }))

  test('lifecycle: stop without start, start twice, no start after stop', () =>
    withHarness(async (h) => {
      const registry = new Registry()
      const idle = h.monitor(registry)
      await idle.stop()
      await idle.stop()
      await assert.rejects(idle.start(), { code: 'SELF_MONITORING_STOPPED' })

      const self = h.monitor(registry)
      await self.start()
      await self.start()
      assert.equal(h.scheduler.pending, 1)
      await self.stop()
      assert.equal(h.scheduler.pending, 0)
    }))

  test('a scrape that overruns its interval skips the ticks it missed (fixed rate)', () =>
    withHarness(async (h) => {
      const registry = new Registry()
      new Gauge({ name: 'vigil_test_gauge', help: 'h', registers: [registry] }).set(1)
      let slow = true
      const source: SelfMetricsSource = {
        getMetricsAsJSON: () => {
          if (slow) h.clock.advance(25_000) // the scrape at T0+10s ends at T0+35s
          slow = false
          return registry.getMetricsAsJSON()
        },
      }
      const self = h.monitor(source)
      await self.start()
      await h.scheduler.advance(10_000)
      assert.equal(h.clock.nowMs(), T0 + 35_000)
      await h.scheduler.advance(4_999)
      assert.equal(self.status().scrapes.appended, 1)
      await h.scheduler.advance(1)
      await self.stop()
      const stored = await h.batches()
      assert.deepEqual(
        stored.map((s) => s.batch.ts[0]),
        [T0 + 10_000, T0 + 40_000],
      )
    }))
})
