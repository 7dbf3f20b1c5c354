import { exceedsUtf8Bytes } from '../text/utf8-bytes.js'
import type { DecodeResult, RejectReason } from './decode-result.js'
import { timeFromNanosText } from './entry-time.js'
import type { LokiLimits } from './limits.js'
import { PushContext } from './push-context.js'
import type { OpenStream } from './push-context.js'
import { labelsFromObject } from './stream-labels.js'

type JsonObject = Readonly<Record<string, unknown>>

/**
 * Decodes a Loki JSON push body, `{"streams":[{"stream":{…},"values":[["<ns>","<line>",{…}],…]}]}`,
 * into a LogBatch for `tenant` with the same mapping and limits as the protobuf decoder
 * (README.md). Invalid JSON or a wrong shape above the entries fails the request with a reason
 * naming the place, e.g. "streams[1].values: expected an array"; a bad entry is rejected alone,
 * with the JSON text of its value array as the payload. Never throws.
 */
export function decodePushJson(
  body: Uint8Array | string,
  tenant: string,
  limits: LokiLimits,
  observedAtMs = 0,
): DecodeResult {
  let parsed: unknown
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body))
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` }
  }
  if (!isObject(parsed)) return { ok: false, reason: 'request: expected an object' }
  const streams = parsed.streams ?? []
  if (!Array.isArray(streams)) return { ok: false, reason: 'streams: expected an array' }
  const ctx = new PushContext(tenant, limits, observedAtMs)
  for (let i = 0; i < streams.length; i++) {
    const s: unknown = streams[i]
    const what = `streams[${i}]`
    if (!isObject(s)) return { ok: false, reason: `${what}: expected an object` }
    const labels = s.stream ?? {}
    const values = s.values ?? []
    if (!isObject(labels)) return { ok: false, reason: `${what}.stream: expected an object` }
    if (!Array.isArray(values)) return { ok: false, reason: `${what}.values: expected an array` }
    const stream = ctx.openStream(labelsFromObject(labels) ?? 'invalid_labels', JSON.stringify(labels))
    for (const value of values as readonly unknown[]) decodeValue(ctx, stream, value)
  }
  return ctx.result()
}

/** Adds or rejects one `[ts, line]` / `[ts, line, {metadata}]` value. */
function decodeValue(ctx: PushContext, stream: OpenStream, value: unknown): void {
  let reason: RejectReason | undefined = stream.reason
  const metadata: string[] = []
  let pairs = 0
  if (reason === undefined) {
    const shapeOk =
      Array.isArray(value) &&
      (value.length === 2 || value.length === 3) &&
      typeof value[1] === 'string' &&
      (value.length === 2 || isObject(value[2]))
    if (!shapeOk) reason = 'invalid_entry'
  }
  const entry = value as readonly unknown[]
  if (reason === undefined && entry.length === 3) {
    const m = entry[2] as JsonObject
    for (const name in m) {
      const v = m[name]
      if (typeof v !== 'string') reason = 'invalid_entry'
      else if (++pairs <= ctx.limits.maxStructuredMetadataPairs) metadata.push(name, v)
    }
  }
  const time = reason === undefined ? timeFromNanosText(entry[0]) : undefined
  if (reason === undefined && time === undefined) reason = 'invalid_timestamp'
  const line = reason === undefined ? (entry[1] as string) : ''
  if (reason === undefined && exceedsUtf8Bytes(line, ctx.limits.maxLineBytes)) reason = 'line_too_long'
  reason ??= ctx.checkMetadata(metadata, pairs)
  if (reason !== undefined || time === undefined) {
    const payload = new TextEncoder().encode(JSON.stringify(value))
    ctx.reject(stream, reason ?? 'invalid_timestamp', payload)
    return
  }
  ctx.add(stream, time.timeMs, time.timeNanos, line, metadata)
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
