import type { AnomalyBatch } from './anomaly-batch.js'
import { decodeAnomalyBatch } from './anomaly-batch-codec.js'
import { BATCH_KIND_CODE } from './binary.js'
import type { EventBatch } from './event-batch.js'
import { decodeEventBatch } from './event-batch-codec.js'
import type { LogBatch } from './log-batch.js'
import { decodeLogBatch } from './log-batch-codec.js'
import type { MetricBatch } from './metric-batch.js'
import { decodeMetricBatch } from './metric-batch-codec.js'
import type { DecodeBatchResult } from './metric-batch-codec.js'
import type { ResultBatch } from './result-batch.js'
import { decodeResultBatch } from './result-batch-codec.js'
import type { SpanBatch } from './span-batch.js'
import { decodeSpanBatch } from './span-batch-codec.js'

export type AnyBatch = MetricBatch | LogBatch | SpanBatch | EventBatch | ResultBatch | AnomalyBatch

/**
 * Decodes any batch record (metrics, logs, spans, events or engine results) by its kind byte, for readers that
 * don't know the topic's signal (`vigil log inspect`, tests). Never throws on bad input.
 *
 * ```ts
 * const res = decodeBatch(record.value)
 * if (res.ok && res.batch.kind === 'logs') console.log(res.batch.rows.length)
 * ```
 */
export function decodeBatch(bytes: Uint8Array): DecodeBatchResult<AnyBatch> {
  if (bytes.length < 2) return { ok: false, reason: 'batch record shorter than its header' }
  switch (bytes[1]) {
    case BATCH_KIND_CODE.metrics:
      return decodeMetricBatch(bytes)
    case BATCH_KIND_CODE.logs:
      return decodeLogBatch(bytes)
    case BATCH_KIND_CODE.spans:
      return decodeSpanBatch(bytes)
    case BATCH_KIND_CODE.events:
      return decodeEventBatch(bytes)
    case BATCH_KIND_CODE.results:
      return decodeResultBatch(bytes)
    case BATCH_KIND_CODE.anomalies:
      return decodeAnomalyBatch(bytes)
    default:
      return { ok: false, reason: `unknown batch kind ${bytes[1]}` }
  }
}
