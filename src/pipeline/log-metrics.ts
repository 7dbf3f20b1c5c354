import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import type { TopicDescription } from '../log/index.js'
import type { EmbeddedLogStats } from '../log/embedded/index.js'

/**
 * Bridges the log's self-telemetry into a prom-client registry. Nothing is pushed: every metric has
 * a `collect()` callback that reads the log's counters, or its topic list, when Prometheus scrapes.
 *
 * Per-partition gauges carry `topic` and `partition` labels; at most `maxPartitionSeries` partitions
 * are exported (label cardinality is bounded), and `vigil_log_partitions_omitted` counts the rest.
 */
export interface LogMetricsSource {
  readonly stats: Readonly<EmbeddedLogStats>
  listTopics(): Promise<readonly TopicDescription[]>
}

export interface LogMetricsOptions {
  readonly maxPartitionSeries?: number
}

export const DEFAULT_MAX_PARTITION_SERIES = 2_000

/**
 * Help text per field of `EmbeddedLogStats`. The metric name is derived from the field
 * (`appendedRecords` → `vigil_log_appended_records_total`), so a field added to the stats is exported
 * without a change here; it only lacks a specific help text until one is written.
 */
const counterHelp: Partial<Record<keyof EmbeddedLogStats, string>> = {
  appendedBatches: 'Record batches appended (one per append call).',
  appendedRecords: 'Records appended.',
  appendedBytes: 'Encoded bytes appended to segment files.',
  duplicateAppends: 'Idempotent retries recognised and not written again.',
  readBatches: 'Record batches served to readers.',
  readRecords: 'Records served to readers.',
  readBytes: 'Bytes served to readers.',
  fsyncs: 'fsync calls on log files.',
  fsyncSeconds: 'Time spent in fsync, in seconds.',
  recoveryTruncatedBytes: 'Bytes of torn or corrupt tail truncated during recovery.',
  recoverySeconds: 'Time spent recovering the log when it was opened, in seconds.',
  segmentsDeleted: 'Segments deleted by retention or compaction.',
  compactions: 'Compaction passes completed.',
  transactionsCommitted: 'Transactions committed.',
  transactionsAborted: 'Transactions aborted (explicitly, by fencing or by timeout).',
}

/** `fsyncSeconds` → `vigil_log_fsync_seconds_total`. */
export function logCounterName(field: string): string {
  return `vigil_log_${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_total`
}

const partitionGauges = [
  ['vigil_log_partition_high_watermark', 'Offset the next appended record gets.', 'highWatermark'],
  ['vigil_log_partition_log_start_offset', 'First offset still readable.', 'logStartOffset'],
  [
    'vigil_log_partition_last_stable_offset',
    'Offset below which every transaction is decided.',
    'lastStableOffset',
  ],
  ['vigil_log_partition_size_bytes', 'Bytes of segment files of the partition.', 'sizeBytes'],
  ['vigil_log_partition_segments', 'Segment files of the partition.', 'segments'],
] as const

export function registerLogMetrics(
  registry: Registry,
  source: LogMetricsSource,
  options: LogMetricsOptions = {},
): void {
  const fields = Object.keys(source.stats).filter(
    (k): k is keyof EmbeddedLogStats => typeof source.stats[k as keyof EmbeddedLogStats] === 'number',
  )
  for (const key of fields) {
    new Counter({
      name: logCounterName(key),
      help: counterHelp[key] ?? `Embedded log counter ${key}.`,
      registers: [registry],
      collect() {
        this.reset()
        this.inc(Math.max(0, source.stats[key]))
      },
    })
  }

  const maxSeries = options.maxPartitionSeries ?? DEFAULT_MAX_PARTITION_SERIES
  const snapshot = sharedInFlight(() => source.listTopics())
  for (const [name, help, field] of partitionGauges) {
    new Gauge({
      name,
      help,
      labelNames: ['topic', 'partition'],
      registers: [registry],
      async collect() {
        this.reset()
        let exported = 0
        for (const topic of await snapshot()) {
          for (const p of topic.partitions) {
            if (exported++ >= maxSeries) return
            this.set({ topic: topic.name, partition: String(p.partition) }, p[field])
          }
        }
      },
    })
  }
  new Gauge({
    name: 'vigil_log_partitions_omitted',
    help: `Partitions left out of the per-partition gauges (limit ${maxSeries}).`,
    registers: [registry],
    async collect() {
      const partitions = (await snapshot()).reduce((n, t) => n + t.partitions.length, 0)
      this.set(Math.max(0, partitions - maxSeries))
    },
  })
}

/** Callers that overlap share one pending call: one scrape lists the topics once, not per gauge. */
function sharedInFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined
  return () => {
    pending ??= fn().finally(() => {
      pending = undefined
    })
    return pending
  }
}
