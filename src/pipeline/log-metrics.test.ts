import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Registry } from 'prom-client'
import type { PartitionDescription, TopicDescription } from '../log/index.js'
import { newEmbeddedLogStats } from '../log/embedded/index.js'
import type { EmbeddedLogStats } from '../log/embedded/index.js'
import { logCounterName, registerLogMetrics } from './log-metrics.js'

function zeroStats(): EmbeddedLogStats {
  return newEmbeddedLogStats()
}

function partition(partition: number, highWatermark: number): PartitionDescription {
  return {
    partition,
    logStartOffset: 1,
    highWatermark,
    lastStableOffset: highWatermark,
    sizeBytes: 100 * highWatermark,
    segments: 2,
  }
}

function topic(name: string, partitions: readonly PartitionDescription[]): TopicDescription {
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

class FakeLog {
  stats = zeroStats()
  topics: TopicDescription[] = []
  listCalls = 0
  listTopics(): Promise<readonly TopicDescription[]> {
    this.listCalls++
    return Promise.resolve(this.topics)
  }
}

describe('registerLogMetrics', () => {
  test('every stats field is exported as a vigil_log_*_total counter with its current value', async () => {
    const log = new FakeLog()
    const registry = new Registry()
    registerLogMetrics(registry, log)
    const stats = log.stats
    Object.keys(stats).forEach((key, i) => {
      stats[key as keyof EmbeddedLogStats] = i + 1
    })
    const text = await registry.metrics()
    const counters = [...text.matchAll(/^# TYPE (vigil_log_\w+_total) counter$/gm)].map((m) => m[1])
    assert.equal(counters.length, Object.keys(stats).length)
    assert.match(text, /^vigil_log_appended_batches_total 1$/m)
    assert.match(text, /^vigil_log_appended_records_total 2$/m)
    assert.match(text, /^vigil_log_fsync_seconds_total 9$/m)
    for (const key of Object.keys(stats)) {
      assert.match(
        text,
        new RegExp(`^# HELP ${logCounterName(key)} (?!Embedded log counter)`, 'm'),
        `help for ${key}`,
      )
    }

    stats.appendedRecords = 50 // counters follow the source on the next scrape
    assert.match(await registry.metrics(), /^vigil_log_appended_records_total 50$/m)
  })

  test('per-partition gauges carry topic and partition labels and follow the topic list', async () => {
    const log = new FakeLog()
    log.topics = [topic('metrics', [partition(0, 10), partition(1, 20)])]
    const registry = new Registry()
    registerLogMetrics(registry, log)
    let text = await registry.metrics()
    assert.match(text, /^vigil_log_partition_high_watermark\{topic="metrics",partition="1"\} 20$/m)
    assert.match(text, /^vigil_log_partition_size_bytes\{topic="metrics",partition="0"\} 1000$/m)
    assert.match(text, /^vigil_log_partition_log_start_offset\{topic="metrics",partition="0"\} 1$/m)
    assert.match(text, /^vigil_log_partition_segments\{topic="metrics",partition="1"\} 2$/m)
    assert.equal(log.listCalls, 1, 'one scrape lists the topics once')

    log.topics = [topic('logs', [partition(0, 3)])]
    text = await registry.metrics()
    assert.doesNotMatch(text, /topic="metrics"/, 'a deleted topic disappears')
    assert.match(text, /^vigil_log_partition_high_watermark\{topic="logs",partition="0"\} 3$/m)
  })

  test('partition series are capped and the omitted ones counted', async () => {
    const log = new FakeLog()
    log.topics = [topic('a', [partition(0, 1), partition(1, 1)]), topic('b', [partition(0, 1)])]
    const registry = new Registry()
    registerLogMetrics(registry, log, { maxPartitionSeries: 2 })
    const text = await registry.metrics()
    assert.equal(text.match(/^vigil_log_partition_high_watermark\{/gm)?.length, 2)
    assert.match(text, /^vigil_log_partitions_omitted 1$/m)
  })
})
