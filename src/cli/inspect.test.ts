import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { openEmbeddedLog } from '../log/embedded/index.js'
import type { LogRecord } from '../log/index.js'
import type { InspectReport } from './log/inspect-report.js'
import { makeTempDir, runVigil } from './testing/run-vigil.js'

function records(count: number): LogRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    key: null,
    value: new TextEncoder().encode(`record ${i}`),
    timestampMs: 1_700_000_000_000 + i,
  }))
}

describe('vigil log inspect', () => {
  let dataDir: string
  let cleanup: () => Promise<void>

  before(async () => {
    ;({ dir: dataDir, cleanup } = await makeTempDir())
    const log = await openEmbeddedLog({ dataDir })
    try {
      await log.createTopic('events', { partitions: 2 })
      await log.append('events', 0, records(3))
      await log.append('events', 0, records(2))
      await log.append('events', 1, records(3))
      await log.commitOffsets('detector', [
        { topic: 'events', partition: 0, offset: 2 },
        { topic: 'events', partition: 1, offset: 3 },
      ])
    } finally {
      await log.close()
    }
  })

  after(() => cleanup())

  test('--json prints offsets, sizes and consumer-group lag', async () => {
    const result = await runVigil(['log', 'inspect', '--data-dir', dataDir, '--json'])
    assert.equal(result.code, 0, result.stderr)
    const report = JSON.parse(result.stdout) as InspectReport & { dataDir: string }
    assert.equal(report.dataDir, dataDir)
    assert.deepEqual(
      report.topics.map((t) => t.name),
      ['events'],
    )
    const [p0, p1] = report.topics[0]?.partitions ?? []
    assert.deepEqual(
      [p0?.partition, p0?.logStartOffset, p0?.highWatermark, p0?.lastStableOffset],
      [0, 0, 5, 5],
    )
    assert.deepEqual(
      [p1?.partition, p1?.logStartOffset, p1?.highWatermark, p1?.lastStableOffset],
      [1, 0, 3, 3],
    )
    for (const p of [p0, p1]) {
      assert.ok((p?.sizeBytes ?? 0) > 0, 'partition size is reported')
      assert.ok((p?.segments ?? 0) >= 1, 'segment count is reported')
    }
    assert.deepEqual(report.groups, [
      {
        group: 'detector',
        totalLag: 3,
        partitions: [
          { topic: 'events', partition: 0, committedOffset: 2, highWatermark: 5, lag: 3 },
          { topic: 'events', partition: 1, committedOffset: 3, highWatermark: 3, lag: 0 },
        ],
      },
    ])
  })

  test('prints aligned tables by default', async () => {
    const result = await runVigil(['log', 'inspect', '--data-dir', dataDir])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^TOPIC\s+PARTITION\s+LOG-START\s+HIGH-WATERMARK/m)
    assert.match(result.stdout, /^events\s+0\s+0\s+5\s+5\s/m)
    assert.match(result.stdout, /^GROUP\s+TOPIC\s+PARTITION\s+COMMITTED\s+HIGH-WATERMARK\s+LAG$/m)
    assert.match(result.stdout, /^detector\s+events\s+0\s+2\s+5\s+3$/m)
    assert.match(result.stdout, /^detector\s+\(total\)\s+3$/m)
  })

  test('works while another process holds the log open (read-only, no lock)', async () => {
    const log = await openEmbeddedLog({ dataDir })
    try {
      await log.append('events', 1, records(1))
      const result = await runVigil(['log', 'inspect', '--data-dir', dataDir, '--json'])
      assert.equal(result.code, 0, result.stderr)
      const report = JSON.parse(result.stdout) as InspectReport
      assert.equal(report.topics[0]?.partitions[1]?.highWatermark, 4)
    } finally {
      await log.close()
    }
  })

  test('a missing data dir is a one-line error with exit code 1', async () => {
    const missing = `${dataDir}-does-not-exist`
    const result = await runVigil(['log', 'inspect', '--data-dir', missing])
    assert.equal(result.code, 1)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, /does not exist/)
    assert.ok(result.stderr.includes(missing), result.stderr)
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr)
  })
})
