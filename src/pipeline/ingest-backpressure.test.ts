import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { pino } from 'pino'
import { Authenticator, createDefaultAuthConfig } from '../auth/index.js'
import { systemClock } from '../core/index.js'
import { INGEST_TOPICS, IngestGateway, createDefaultIngestConfig } from '../ingest/http/index.js'
import { remoteWriteBody } from '../ingest/prometheus/testing/write-request-proto.js'
import { openEmbeddedLog } from '../log/embedded/index.js'

const RW = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' }

test('a consumer group lagging past maxConsumerLagRecords turns ingest into 429 + Retry-After until it catches up', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-lag-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  const base = createDefaultIngestConfig()
  const gateway = new IngestGateway(
    { ...base, port: 0, retryAfterSeconds: 3, limits: { ...base.limits, maxConsumerLagRecords: 2 } },
    {
      logger: pino({ level: 'silent' }),
      clock: systemClock,
      log,
      auth: new Authenticator(createDefaultAuthConfig(), []),
      lagPollIntervalMs: 50,
    },
  )
  try {
    await gateway.start()
    const url = `http://127.0.0.1:${gateway.address().port}/api/v1/write`
    const send = (i: number): Promise<Response> =>
      fetch(url, {
        method: 'POST',
        headers: RW,
        body: remoteWriteBody({
          timeseries: [
            {
              labels: [
                { name: '__name__', value: 'up' },
                { name: 'job', value: 'api' },
              ],
              samples: [{ timestamp: i, value: 1 }],
            },
          ],
        }),
      })
    for (let i = 1; i <= 4; i++) assert.equal((await send(i)).status, 204)
    const partition = (await log.describeTopic(INGEST_TOPICS.metrics))!.partitions.find(
      (p) => p.highWatermark > 0,
    )!
    // A consumer that has read nothing yet: lag 4 > 2.
    await log.commitOffsets('engine', [
      { topic: INGEST_TOPICS.metrics, partition: partition.partition, offset: 0 },
    ])
    await waitFor(() => gateway.status().maxConsumerLag === 4)
    const refused = await send(5)
    assert.equal(refused.status, 429)
    assert.equal(refused.headers.get('retry-after'), '3')
    assert.match(await refused.text(), /consumer lags 4 records.*maxConsumerLagRecords 2/)
    assert.equal(gateway.status().refusals.find((r) => r.reason === 'consumer_lag')?.count, 1)
    // It catches up: ingest flows again.
    await log.commitOffsets('engine', [
      { topic: INGEST_TOPICS.metrics, partition: partition.partition, offset: 4 },
    ])
    await waitFor(() => gateway.status().maxConsumerLag === 0)
    assert.equal((await send(6)).status, 204)
  } finally {
    await gateway.shutdown()
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!check()) {
    if (performance.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}
