import { openEmbeddedLog } from '../../log/embedded/index.js'
import type { EmbeddedLogConfig } from '../../log/embedded/index.js'
import type { IsolationLevel } from '../../log/index.js'

export interface StoredRecord {
  readonly partition: number
  readonly offset: number
  readonly key: string
  readonly value: Uint8Array
}

/**
 * Test-only: every record of `topic` in a (closed) data dir, opened read-only, in partition and
 * offset order. Values are copies.
 */
export async function readTopic(
  logConfig: EmbeddedLogConfig,
  topic: string,
  isolation: IsolationLevel = 'read_uncommitted',
): Promise<StoredRecord[]> {
  const log = await openEmbeddedLog(logConfig, { readOnly: true })
  try {
    const described = await log.describeTopic(topic)
    const out: StoredRecord[] = []
    for (const p of described?.partitions ?? []) {
      let offset = p.logStartOffset
      const end = isolation === 'read_committed' ? p.lastStableOffset : p.highWatermark
      while (offset < end) {
        const res = await log.read(topic, p.partition, offset, { maxBytes: 4 << 20, isolation })
        for (const r of res.records) {
          out.push({
            partition: p.partition,
            offset: r.offset,
            key: r.key === null ? '' : Buffer.from(r.key).toString('utf8'),
            value: new Uint8Array(r.value ?? new Uint8Array(0)),
          })
        }
        if (res.nextOffset <= offset) break
        offset = res.nextOffset
      }
    }
    return out
  } finally {
    await log.close()
  }
}
