import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { pino } from 'pino'
import { Registry, collectDefaultMetrics } from 'prom-client'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { createDefaultIngestConfig } from '../../ingest/http/index.js'
import { IngestLedger } from '../../ingest/ledger/ingest-ledger.js'
import { IngestWriter } from '../../ingest/writer/ingest-writer.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import { AllInOne } from '../all-in-one.js'
import { parseAllInOneConfig } from '../all-in-one-config.js'
import { registerLogMetrics } from '../log-metrics.js'
import { parseSelfMonitoringConfig } from './config.js'
import { SelfMonitoring } from './self-monitoring.js'
import { registerSelfMonitoringMetrics } from './self-monitoring-metrics.js'
import { ManualScheduler } from './testing/manual-scheduler.js'

interface QueryResult {
  readonly status: string
  readonly data: { readonly result: { metric: Record<string, string>; value: [number, string] }[] }
}

/**
 * The self samples take the user data's path: written to the metrics topic by self-monitoring,
 * then a real all-in-one process on the same data dir stores them (raw samples) and its PromQL
 * API answers them for the self tenant, and only for it.
 */
test('self metrics are stored and queryable with PromQL for the self tenant only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-self-promql-'))
  const dataDir = join(dir, 'data')
  // Recent, so the store's retention keeps the samples.
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000
  try {
    const log = await openEmbeddedLog({ dataDir })
    const clock = new ManualClock(t0)
    const scheduler = new ManualScheduler(clock)
    const writer = new IngestWriter(log, createDefaultIngestConfig().partitions, clock)
    await writer.createTopics()
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    registerLogMetrics(registry, log)
    const self = new SelfMonitoring(parseSelfMonitoringConfig({ instance: 'test-host' }), {
      registry,
      writer,
      ledger: new IngestLedger(),
      clock,
      scheduler,
    })
    registerSelfMonitoringMetrics(registry, () => self.status())
    await self.start()
    await scheduler.advance(20_000)
    await self.stop()
    await log.close()
    assert.equal(self.status().scrapes.appended, 2)

    const config = parseAllInOneConfig({
      api: { port: 0 },
      ingest: { port: 0 },
      log: { dataDir },
      store: { raw: { metrics: true } },
    })
    const app = new AllInOne(config, { logger: pino({ level: 'silent' }) })
    await app.start()
    try {
      const query = async (tenant: string, q: string): Promise<QueryResult> => {
        const params = new URLSearchParams({ query: q, time: String((t0 + 20_000) / 1000) })
        const res = await fetch(`http://127.0.0.1:${app.apiAddress().port}/api/v1/query?${params}`, {
          headers: { 'x-scope-orgid': tenant },
        })
        assert.equal(res.status, 200)
        return (await res.json()) as QueryResult
      }
      const q = 'vigil_self_monitoring_scrapes_total{job="vigil", outcome="appended"}'
      let result: QueryResult
      for (let i = 0; ; i++) {
        result = await query('vigil-self', q)
        if (result.data.result.length > 0) break
        if (i > 200) assert.fail('the self samples were not stored')
        await new Promise((r) => setTimeout(r, 50))
      }
      assert.deepEqual(result.data.result, [
        {
          metric: {
            __name__: 'vigil_self_monitoring_scrapes_total',
            instance: 'test-host',
            job: 'vigil',
            outcome: 'appended',
          },
          value: [(t0 + 20_000) / 1000, '1'],
        },
      ])
      const rate = await query(
        'vigil-self',
        'increase(vigil_log_appended_records_total{job="vigil"}[1m]) > 0',
      )
      assert.equal(rate.data.result.length, 1)
      assert.deepEqual((await query('default', q)).data.result, [], 'other tenants do not see them')
    } finally {
      await app.shutdown()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
