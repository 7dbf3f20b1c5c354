import fc from 'fast-check'
import type { Arbitrary } from 'fast-check'
import type { EventBatch } from '../event-batch.js'
import type { LogBatch, LogRow } from '../log-batch.js'
import type { Attributes, ResourceEntry } from '../resource.js'
import { spanKinds, spanStatusCodes } from '../span-batch.js'
import type { SpanBatch, SpanEventRow, SpanLinkRow, SpanRow } from '../span-batch.js'

/**
 * fast-check arbitraries for the log, span and event batches, for codec property tests: any
 * Unicode text (whole code points: the format stores UTF-8), times from 0 to the largest
 * `time_unix_nano` (2^64 ns), and empty batches as often as small ones.
 */
export const text: Arbitrary<string> = fc.string({ unit: 'binary', maxLength: 24 })
export const attributes: Arbitrary<Attributes> = fc
  .array(fc.tuple(text, text), { maxLength: 5 })
  .map((pairs) => pairs.flat())
/** Epoch ms as the decoders make them: integers from 0 to 2^64 ns / 1e6, often 0. */
export const timeMs: Arbitrary<number> = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 18_446_744_073_709 }),
  fc.constant(1_700_000_000_123),
)
export const nanos: Arbitrary<number> = fc.integer({ min: 0, max: 999_999 })
/** Records with Object.prototype, as the codecs build them (deepEqual compares prototypes). */
const plain = { noNullPrototype: true } as const
const uint32 = fc.integer({ min: 0, max: 0xffff_ffff })
const hex = (bytes: number): Arbitrary<string> =>
  fc.oneof(
    fc.constant(''),
    fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex')),
  )

const resources: Arbitrary<ResourceEntry[]> = fc.array(
  fc.record({ service: text, attributes, scope: text, scopeVersion: text }, plain),
  { minLength: 1, maxLength: 4 },
)

/** Rows that point at one of `n` resources. */
function rowsOf<R>(row: Arbitrary<Omit<R, 'resource'>>, n: number): Arbitrary<R[]> {
  return fc.array(
    fc.tuple(fc.nat({ max: n - 1 }), row).map(([resource, r]) => ({ resource, ...r }) as R),
    { maxLength: 12 },
  )
}

const logRow: Arbitrary<Omit<LogRow, 'resource'>> = fc.record(
  {
    timeMs,
    timeNanos: nanos,
    observedTimeMs: timeMs,
    observedTimeNanos: nanos,
    severityNumber: fc.integer({ min: 0, max: 24 }),
    severityText: text,
    body: fc.oneof(text, fc.string({ unit: 'grapheme', maxLength: 400 })),
    attributes,
    traceId: hex(16),
    spanId: hex(8),
    flags: uint32,
  },
  plain,
)

export const logBatch: Arbitrary<LogBatch> = fc
  .record({ tenant: text, resources })
  .chain(({ tenant, resources }) =>
    rowsOf(logRow, resources.length).map((rows): LogBatch => ({ kind: 'logs', tenant, resources, rows })),
  )
  .chain((b) => fc.oneof(fc.constant(b), fc.constant<LogBatch>({ ...b, resources: [], rows: [] })))

const spanEvent: Arbitrary<SpanEventRow> = fc.record(
  { name: text, timeMs, timeNanos: nanos, attributes },
  plain,
)
const spanLink: Arbitrary<SpanLinkRow> = fc.record(
  {
    traceId: hex(16),
    spanId: hex(8),
    traceState: text,
    attributes,
  },
  plain,
)
const spanRow: Arbitrary<Omit<SpanRow, 'resource'>> = fc.record(
  {
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: hex(8),
    traceState: text,
    name: text,
    kind: fc.nat({ max: spanKinds.length - 1 }),
    startMs: timeMs,
    startNanos: nanos,
    endMs: timeMs,
    endNanos: nanos,
    statusCode: fc.nat({ max: spanStatusCodes.length - 1 }),
    statusMessage: text,
    attributes,
    events: fc.array(spanEvent, { maxLength: 3 }),
    links: fc.array(spanLink, { maxLength: 2 }),
    flags: uint32,
  },
  plain,
)

export const spanBatch: Arbitrary<SpanBatch> = fc
  .record({ tenant: text, resources })
  .chain(({ tenant, resources }) =>
    rowsOf(spanRow, resources.length).map((rows): SpanBatch => ({ kind: 'spans', tenant, resources, rows })),
  )
  .chain((b) => fc.oneof(fc.constant(b), fc.constant<SpanBatch>({ ...b, resources: [], rows: [] })))

export const eventBatch: Arbitrary<EventBatch> = fc.record(
  {
    kind: fc.constant('events' as const),
    tenant: text,
    stream: text,
    rows: fc.array(
      fc.record(
        { timeMs: fc.oneof(timeMs, fc.double({ noNaN: true })), service: text, fields: attributes },
        plain,
      ),
      { maxLength: 12 },
    ),
  },
  plain,
)
