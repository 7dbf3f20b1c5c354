import type { Log, TopicConfig } from '../../log/index.js'

/** What `vigil log inspect` reads: only listing calls, so any Log works (and tests pass a fake). */
export type InspectSource = Pick<Log, 'listTopics' | 'listGroups' | 'fetchOffsets'>

export interface PartitionReport {
  readonly partition: number
  readonly logStartOffset: number
  readonly highWatermark: number
  readonly lastStableOffset: number
  readonly sizeBytes: number
  readonly segments: number
}

export interface TopicReport {
  readonly name: string
  readonly config: TopicConfig
  readonly partitions: readonly PartitionReport[]
}

export interface GroupPartitionLag {
  readonly topic: string
  readonly partition: number
  /** The next offset the group will consume. */
  readonly committedOffset: number
  /** `null` when the topic or partition no longer exists. */
  readonly highWatermark: number | null
  /** `highWatermark - committedOffset` (never negative); `null` when the partition is gone. */
  readonly lag: number | null
}

export interface GroupReport {
  readonly group: string
  /** Sum of the known lags of the group's partitions. */
  readonly totalLag: number
  readonly partitions: readonly GroupPartitionLag[]
}

export interface InspectReport {
  readonly topics: readonly TopicReport[]
  readonly groups: readonly GroupReport[]
}

/**
 * Topics with their partitions' offsets and sizes, and each consumer group's committed offsets with
 * the lag against the high watermark (as `kafka-consumer-groups --describe` computes it). Partitions
 * a group never committed are not listed. Everything is sorted, so output is stable.
 */
export async function buildInspectReport(log: InspectSource): Promise<InspectReport> {
  const described = [...(await log.listTopics())].sort((a, b) => a.name.localeCompare(b.name))
  const topics: TopicReport[] = described.map((t) => ({
    name: t.name,
    config: t.config,
    partitions: [...t.partitions]
      .sort((a, b) => a.partition - b.partition)
      .map((p) => ({
        partition: p.partition,
        logStartOffset: p.logStartOffset,
        highWatermark: p.highWatermark,
        lastStableOffset: p.lastStableOffset,
        sizeBytes: p.sizeBytes,
        segments: p.segments,
      })),
  }))
  const highWatermarks = new Map<string, number>()
  for (const t of topics)
    for (const p of t.partitions) highWatermarks.set(key(t.name, p.partition), p.highWatermark)

  const groups: GroupReport[] = []
  for (const group of [...(await log.listGroups())].sort()) {
    const offsets = [...(await log.fetchOffsets(group))].sort(
      (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition,
    )
    const partitions = offsets.map((o): GroupPartitionLag => {
      const hw = highWatermarks.get(key(o.topic, o.partition))
      return {
        topic: o.topic,
        partition: o.partition,
        committedOffset: o.offset,
        highWatermark: hw ?? null,
        lag: hw === undefined ? null : Math.max(0, hw - o.offset),
      }
    })
    const totalLag = partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0)
    groups.push({ group, totalLag, partitions })
  }
  return { topics, groups }
}

function key(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`
}
