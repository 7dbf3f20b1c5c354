import type { EmbeddedLog } from '../../src/log/embedded/index.js'
import type { IsolationLevel } from '../../src/log/index.js'
import { BENCH_TOPIC } from './append.js'
import type { Sample } from './workload.js'

export const READ_MAX_BYTES = 1024 * 1024

/**
 * Reads partition 0 of the bench topic from offset 0 to the high watermark with
 * `read(…, { maxBytes: 1 MiB, isolation })`, the way a consumer catches up. `bytes` is the
 * partition's size on disk; `batches` counts `read` calls.
 */
export async function readWholePartition(log: EmbeddedLog, isolation: IsolationLevel): Promise<Sample> {
  const description = await log.describeTopic(BENCH_TOPIC)
  const partition = description?.partitions[0]
  if (partition === undefined) throw new Error(`The bench log has no topic "${BENCH_TOPIC}".`)
  let offset = partition.logStartOffset
  let records = 0
  let calls = 0
  const start = performance.now()
  while (offset < partition.highWatermark) {
    const result = await log.read(BENCH_TOPIC, 0, offset, { maxBytes: READ_MAX_BYTES, isolation })
    records += result.records.length
    calls++
    if (result.nextOffset <= offset) throw new Error(`read made no progress at offset ${offset}.`)
    offset = result.nextOffset
  }
  const seconds = (performance.now() - start) / 1000
  return { seconds, bytes: partition.sizeBytes, batches: calls, records }
}
