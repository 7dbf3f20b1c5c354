import { decodeBatch, seriesKinds } from '../../core/batch/index.js'
import type { AnyBatch, Labels } from '../../core/batch/index.js'
import { DEAD_LETTER_TOPIC, decodeDeadLetterRecord } from '../../ingest/http/index.js'
import type { ReadRecord } from '../../log/index.js'

/**
 * One log record as a JSON-ready object for `vigil log dump`: its position and key, and its value
 * decoded by what it is — a telemetry batch (summary, or every row with `full`), a dead-letter
 * record (payload in base64), or, for anything else, the value in base64.
 */
export function recordJson(topic: string, partition: number, record: ReadRecord, full: boolean): unknown {
  const head = {
    topic,
    partition,
    offset: record.offset,
    timestampMs: record.timestampMs,
    key: record.key === null ? null : Buffer.from(record.key).toString('utf8'),
  }
  const value = record.value
  if (value === null) return { ...head, value: null }
  if (topic === DEAD_LETTER_TOPIC) {
    const dl = decodeDeadLetterRecord(value)
    if (!dl.ok) return { ...head, error: dl.reason, valueBase64: Buffer.from(value).toString('base64') }
    const { payload, ...rest } = dl.record
    return { ...head, deadLetter: { ...rest, payloadBase64: Buffer.from(payload).toString('base64') } }
  }
  const decoded = decodeBatch(value)
  if (!decoded.ok) return { ...head, bytes: value.length, valueBase64: Buffer.from(value).toString('base64') }
  return { ...head, bytes: value.length, batch: batchJson(decoded.batch, full) }
}

function labelsObject(flat: Labels): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!
  return out
}

function batchJson(batch: AnyBatch, full: boolean): unknown {
  switch (batch.kind) {
    case 'metrics': {
      const summary = {
        kind: batch.kind,
        tenant: batch.tenant,
        series: batch.series.length,
        samples: batch.length,
        keptPoints: batch.keptPoints.length,
      }
      if (!full) return summary
      const samples = []
      for (let i = 0; i < batch.length; i++) {
        const s = batch.seriesIdx[i]!
        samples.push({
          labels: labelsObject(batch.series[s]!),
          kind: seriesKinds[batch.seriesKinds[s]!],
          ts: batch.ts[i],
          value: Number.isFinite(batch.value[i]!) ? batch.value[i] : String(batch.value[i]),
        })
      }
      return { ...summary, samples }
    }
    case 'logs':
    case 'spans': {
      const summary = {
        kind: batch.kind,
        tenant: batch.tenant,
        resources: batch.resources.length,
        rows: batch.rows.length,
      }
      if (!full) return summary
      return {
        ...summary,
        resources: batch.resources.map((r) => ({ ...r, attributes: labelsObject(r.attributes) })),
        rows: batch.rows.map((r) => ({ ...r, attributes: labelsObject(r.attributes) })),
      }
    }
    case 'events': {
      const summary = {
        kind: batch.kind,
        tenant: batch.tenant,
        stream: batch.stream,
        rows: batch.rows.length,
      }
      if (!full) return summary
      return { ...summary, rows: batch.rows.map((r) => ({ ...r, fields: labelsObject(r.fields) })) }
    }
    case 'results': {
      const summary = { kind: batch.kind, job: batch.job, rows: batch.rows.length }
      if (!full) return summary
      // NaN and ±Infinity are not JSON numbers: written as strings, as for metric samples.
      const num = (v: number): number | string => (Number.isFinite(v) ? v : String(v))
      return {
        ...summary,
        rows: batch.rows.map((r) => ({
          ...r,
          key: r.key.split('\u0000'),
          count: num(r.count),
          sum: num(r.sum),
          min: num(r.min),
          max: num(r.max),
          last: num(r.last),
          mean: num(r.mean),
          p50: num(r.p50),
          p90: num(r.p90),
          p99: num(r.p99),
          errors: num(r.errors),
        })),
      }
    }
  }
}
