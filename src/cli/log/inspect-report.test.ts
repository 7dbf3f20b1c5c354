import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PartitionDescription, TopicDescription, TopicPartitionOffset } from '../../log/index.js'
import { buildInspectReport } from './inspect-report.js'
import type { InspectSource } from './inspect-report.js'
import { renderInspectReport } from './inspect-table.js'

function partition(partition: number, highWatermark: number): PartitionDescription {
  return {
    partition,
    logStartOffset: 0,
    highWatermark,
    lastStableOffset: highWatermark,
    sizeBytes: 10,
    segments: 1,
  }
}

function topic(name: string, partitions: PartitionDescription[]): TopicDescription {
  return {
    name,
    config: {
      partitions: partitions.length,
      cleanupPolicy: 'delete',
      retentionMs: -1,
      retentionBytes: -1,
      deleteRetentionMs: 0,
      segmentBytes: 1 << 20,
      segmentMs: 3_600_000,
    },
    partitions,
  }
}

function fakeLog(topics: TopicDescription[], groups: Record<string, TopicPartitionOffset[]>): InspectSource {
  return {
    listTopics: () => Promise.resolve(topics),
    listGroups: () => Promise.resolve(Object.keys(groups)),
    fetchOffsets: (group) => Promise.resolve(groups[group] ?? []),
  }
}

test('lag is high watermark minus committed offset, summed per group, sorted', async () => {
  const log = fakeLog(
    [topic('zeta', [partition(1, 7), partition(0, 10)]), topic('alpha', [partition(0, 4)])],
    {
      store: [{ topic: 'alpha', partition: 0, offset: 4 }],
      detector: [
        { topic: 'zeta', partition: 1, offset: 2 },
        { topic: 'zeta', partition: 0, offset: 6 },
      ],
    },
  )
  const report = await buildInspectReport(log)
  assert.deepEqual(
    report.topics.map((t) => [t.name, t.partitions.map((p) => p.partition)]),
    [
      ['alpha', [0]],
      ['zeta', [0, 1]],
    ],
  )
  assert.deepEqual(report.groups, [
    {
      group: 'detector',
      totalLag: 9,
      partitions: [
        { topic: 'zeta', partition: 0, committedOffset: 6, highWatermark: 10, lag: 4 },
        { topic: 'zeta', partition: 1, committedOffset: 2, highWatermark: 7, lag: 5 },
      ],
    },
    {
      group: 'store',
      totalLag: 0,
      partitions: [{ topic: 'alpha', partition: 0, committedOffset: 4, highWatermark: 4, lag: 0 }],
    },
  ])
})

test('offsets of a deleted topic have no lag and do not count in the total', async () => {
  const log = fakeLog([topic('a', [partition(0, 5)])], {
    g: [
      { topic: 'a', partition: 0, offset: 1 },
      { topic: 'gone', partition: 0, offset: 3 },
    ],
  })
  const report = await buildInspectReport(log)
  assert.equal(report.groups[0]?.totalLag, 4)
  assert.deepEqual(report.groups[0]?.partitions[1], {
    topic: 'gone',
    partition: 0,
    committedOffset: 3,
    highWatermark: null,
    lag: null,
  })
  const text = renderInspectReport('/data', report)
  assert.match(text, /^g\s+gone\s+0\s+3\s+-\s+\(partition gone\)$/m)
})

test('an empty log renders as such', async () => {
  const text = renderInspectReport('/data', await buildInspectReport(fakeLog([], {})))
  assert.equal(text, 'Log at /data (read-only view)\n\nNo topics.\n\nNo consumer groups.\n')
})
