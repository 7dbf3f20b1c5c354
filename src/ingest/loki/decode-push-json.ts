import { exceedsUtf8Bytes } from '../text/utf8-bytes.js'
import type { DecodeResult, RejectReason } from './decode-result.js'
import { timeFromNanosText } from './entry-time.js'
import type { EntryTime } from './entry-time.js'
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
  const entry = stream.reason ?? readValue(value, ctx.limits)
  const reason =
    typeof entry === 'string' ? entry : ctx.checkMetadata(entry.metadata, entry.metadata.length / 2)
  if (typeof entry === 'string' || reason !== undefined) {
    ctx.reject(stream, reason ?? 'invalid_entry', new TextEncoder().encode(JSON.stringify(value)))
    return
  }
  ctx.add(stream, entry.time.timeMs, entry.time.timeNanos, entry.line, entry.metadata)
}

interface JsonEntry {
  readonly time: EntryTime
  readonly line: string
  readonly metadata: string[]
}

/** The parts of a value, or why it is not `[ns text, string]` / `[ns text, string, {string: string}]`. */
function readValue(value: unknown, limits: LokiLimits): JsonEntry | RejectReason {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 3)) return 'invalid_entry'
  const [ts, line, meta] = value as readonly unknown[]
  if (typeof line !== 'string' || (value.length === 3 && !isObject(meta))) return 'invalid_entry'
  const metadata: string[] = []
  if (isObject(meta)) {
    for (const name in meta) {
      const v = meta[name]
      if (typeof v !== 'string') return 'invalid_entry'
      metadata.push(name, v)
    }
  }
  const time = timeFromNanosText(ts)
  if (time === undefined) return 'invalid_timestamp'
  if (exceedsUtf8Bytes(line, limits.maxLineBytes)) return 'line_too_long'
  return { time, line, metadata }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
