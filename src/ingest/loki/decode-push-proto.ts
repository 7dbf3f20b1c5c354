import { Buffer } from 'node:buffer'
import { ProtoReader, WIRE_LEN, WIRE_VARINT } from '../protobuf/proto-reader.js'
import type { DecodeResult } from './decode-result.js'
import { timeFromTimestamp } from './entry-time.js'
import { parseLabelSelector } from './label-selector.js'
import type { LokiLimits } from './limits.js'
import { PushContext, setPair } from './push-context.js'
import type { OpenStream } from './push-context.js'

/*
 * Field numbers from grafana/loki pkg/push/push.proto (package logproto):
 *   PushRequest      { repeated StreamAdapter streams = 1; string format = 2; }
 *   StreamAdapter    { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
 *   EntryAdapter     { google.protobuf.Timestamp timestamp = 1; string line = 2;
 *                      repeated LabelPairAdapter structuredMetadata = 3; repeated … parsed = 4; }
 *   LabelPairAdapter { string name = 1; string value = 2; }
 *   Timestamp        { int64 seconds = 1; int32 nanos = 2; }
 * `format`, `hash` and `parsed` (query responses only) are skipped.
 */
const STREAM_TAG = (1 << 3) | WIRE_LEN
const LABELS_TAG = (1 << 3) | WIRE_LEN
const ENTRY_TAG = (2 << 3) | WIRE_LEN
const TIMESTAMP_TAG = (1 << 3) | WIRE_LEN
const LINE_TAG = (2 << 3) | WIRE_LEN
const METADATA_TAG = (3 << 3) | WIRE_LEN
const PAIR_NAME_TAG = (1 << 3) | WIRE_LEN
const PAIR_VALUE_TAG = (2 << 3) | WIRE_LEN
const SECONDS_TAG = (1 << 3) | WIRE_VARINT
const NANOS_TAG = (2 << 3) | WIRE_VARINT

/**
 * Decodes an uncompressed `logproto.PushRequest` into a LogBatch for `tenant` (mapping and limits:
 * README.md). Malformed protobuf fails the request, naming the byte offset; a stream whose labels
 * are invalid or over a limit has all its entries rejected; a bad entry is rejected alone, with its
 * EntryAdapter bytes (copied) as the payload. Never throws.
 */
export function decodePushRequest(
  bytes: Uint8Array,
  tenant: string,
  limits: LokiLimits,
  observedAtMs = 0,
): DecodeResult {
  const r = new ProtoReader(bytes)
  const ctx = new PushContext(tenant, limits, observedAtMs)
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  while (r.more) {
    const start = r.pos
    const tag = r.tag()
    if (tag !== STREAM_TAG) {
      r.skip(tag)
      continue
    }
    const end = r.lengthDelimited()
    if (r.error !== undefined) return { ok: false, reason: `truncated StreamAdapter at byte ${start}` }
    r.end = end
    decodeStream(ctx, r, buf)
    if (r.error !== undefined) {
      return { ok: false, reason: `malformed StreamAdapter at byte ${start}: ${r.error}` }
    }
    r.pos = end
    r.end = bytes.length
  }
  if (r.error !== undefined) return { ok: false, reason: `malformed PushRequest: ${r.error}` }
  return ctx.result()
}

/** Decodes the StreamAdapter in `[r.pos, r.end)`: its labels first, wherever they are, then entries. */
function decodeStream(ctx: PushContext, r: ProtoReader, buf: Buffer): void {
  const start = r.pos
  let text = ''
  while (r.more) {
    const tag = r.tag()
    if (tag === LABELS_TAG) text = r.string()
    else r.skip(tag)
  }
  if (r.error !== undefined) return
  const parsed = parseLabelSelector(text)
  const stream = ctx.openStream(parsed.ok ? parsed.labels : 'invalid_labels', text)
  r.pos = start
  while (r.more) {
    const tag = r.tag()
    if (tag !== ENTRY_TAG) {
      r.skip(tag)
      continue
    }
    const end = r.lengthDelimited()
    decodeEntry(ctx, r, buf, stream, end)
  }
}

/** Decodes the EntryAdapter from `r.pos` to `end` and adds or rejects it. */
function decodeEntry(ctx: PushContext, r: ProtoReader, buf: Buffer, stream: OpenStream, end: number): void {
  const start = r.pos
  const maxPairs = ctx.limits.maxStructuredMetadataPairs
  let hasTime = false
  let seconds = 0
  let nanos = 0
  let lineStart = 0
  let lineEnd = 0
  const metadata: string[] = []
  let pairs = 0
  while (r.pos < end && r.error === undefined) {
    const tag = r.tag()
    if (tag === TIMESTAMP_TAG) {
      const tsEnd = r.lengthDelimited()
      hasTime = true
      seconds = 0
      nanos = 0
      while (r.pos < tsEnd && r.error === undefined) {
        const t = r.tag()
        if (t === SECONDS_TAG) seconds = r.int64()
        else if (t === NANOS_TAG) nanos = r.int64()
        else r.skip(t)
      }
      if (r.pos !== tsEnd) r.fail('Timestamp overruns its length')
    } else if (tag === LINE_TAG) {
      lineEnd = r.lengthDelimited()
      lineStart = r.pos
      r.pos = lineEnd
    } else if (tag === METADATA_TAG) {
      const pairEnd = r.lengthDelimited()
      if (++pairs <= maxPairs) readPair(r, pairEnd, metadata)
      r.pos = pairEnd
    } else r.skip(tag)
  }
  if (r.pos !== end) r.fail('EntryAdapter overruns its length')
  if (r.error !== undefined) return
  const time = hasTime ? timeFromTimestamp(seconds, nanos) : undefined
  const reason =
    stream.reason ??
    (time === undefined ? 'invalid_timestamp' : undefined) ??
    (lineEnd - lineStart > ctx.limits.maxLineBytes ? 'line_too_long' : undefined) ??
    ctx.checkMetadata(metadata, pairs)
  if (reason !== undefined || time === undefined) {
    ctx.reject(stream, reason ?? 'invalid_timestamp', Uint8Array.prototype.slice.call(buf, start, end))
    return
  }
  ctx.add(stream, time.timeMs, time.timeNanos, buf.toString('utf8', lineStart, lineEnd), metadata)
}

/** Reads a LabelPairAdapter ending at `end` into `metadata`. */
function readPair(r: ProtoReader, end: number, metadata: string[]): void {
  let name = ''
  let value = ''
  while (r.pos < end && r.error === undefined) {
    const tag = r.tag()
    if (tag === PAIR_NAME_TAG) name = r.string()
    else if (tag === PAIR_VALUE_TAG) value = r.string()
    else r.skip(tag)
  }
  if (r.pos !== end) r.fail('LabelPairAdapter overruns its length')
  setPair(metadata, name, value)
}
