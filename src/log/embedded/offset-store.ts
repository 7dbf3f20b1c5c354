import type { Partition } from './partition.js'
import type { LogRecord, TopicPartitionOffset } from '../log.js'

/**
 * Consumer-group offsets, kept as Kafka does: records in the compacted internal topic
 * `__consumer_offsets` (key = group, topic, partition; value = the offset as text), with an
 * in-memory view rebuilt on open by a `read_committed` scan. Offsets sent inside a transaction are
 * appended as transactional records and reach the view only when the commit marker is written,
 * so after a crash the scan sees exactly the committed ones.
 */
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets'

const SEP = '\u0000'

export class OffsetStore {
  readonly #groups = new Map<string, Map<string, TopicPartitionOffset>>()

  /** Rebuilds the view from the internal partition. */
  load(partition: Partition): void {
    this.#groups.clear()
    let offset = partition.logStartOffset
    for (;;) {
      const res = partition.read(offset, 4 * 1024 * 1024, 'read_committed')
      for (const r of res.records) this.#applyRecord(r.key, r.value)
      if (res.nextOffset <= offset) break
      offset = res.nextOffset
    }
  }

  toRecords(group: string, offsets: readonly TopicPartitionOffset[], timestampMs: number): LogRecord[] {
    return offsets.map((o) => ({
      key: Buffer.from([group, o.topic, String(o.partition)].join(SEP)),
      value: Buffer.from(String(o.offset)),
      timestampMs,
    }))
  }

  apply(group: string, offsets: readonly TopicPartitionOffset[]): void {
    let map = this.#groups.get(group)
    if (map === undefined) this.#groups.set(group, (map = new Map()))
    for (const o of offsets) map.set(`${o.topic}${SEP}${o.partition}`, { ...o })
  }

  fetch(group: string): TopicPartitionOffset[] {
    const map = this.#groups.get(group)
    if (map === undefined) return []
    return [...map.values()].sort((a, b) =>
      a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
    )
  }

  groups(): string[] {
    return [...this.#groups.keys()].sort()
  }

  #applyRecord(key: Uint8Array | null, value: Uint8Array | null): void {
    if (key === null) return
    const [group, topic, partition] = Buffer.from(key).toString('utf8').split(SEP)
    if (group === undefined || topic === undefined || partition === undefined) return
    if (value === null) {
      this.#groups.get(group)?.delete(`${topic}${SEP}${partition}`)
      return
    }
    this.apply(group, [
      { topic, partition: Number(partition), offset: Number(Buffer.from(value).toString('utf8')) },
    ])
  }
}
