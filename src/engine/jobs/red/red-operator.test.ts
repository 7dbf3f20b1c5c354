import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SpanBatchBuilder } from '../../../core/batch/index.js'
import type { SpanBatch } from '../../../core/batch/index.js'
import { ManualClock } from '../../../core/testing/manual-clock.js'
import type { Collector, OperatorContext } from '../../api/index.js'
import type { ResultRow } from '../../results/result-row.js'
import { RedOperator, maxSpanEndMs } from './red-operator.js'
import type { RedSettings } from './red-operator.js'

/** [service, operation, spanId, endMs, durationMs, isError] */
type Span = [string, string, string, number, number, boolean]

function spans(tenant: string, rows: Span[]): SpanBatch {
  const b = new SpanBatchBuilder(tenant)
  for (const [service, name, spanId, endMs, durationMs, isError] of rows) {
    b.add({
      resource: b.resource(service, ['service.name', service]),
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId,
      parentSpanId: '',
      traceState: '',
      name,
      kind: 2,
      startMs: endMs - durationMs,
      startNanos: 0,
      endMs,
      endNanos: 0,
      statusCode: isError ? 2 : 1,
      statusMessage: '',
      attributes: [],
      events: [],
      links: [],
      flags: 0,
    })
  }
  return b.build()
}

interface Harness {
  readonly ctx: OperatorContext
  readonly out: Collector<ResultRow[]>
  readonly rows: ResultRow[]
  readonly late: { record: Record<string, unknown>; reason: string }[]
  readonly counts: Map<string, number>
}

function harness(): Harness {
  const rows: ResultRow[] = []
  const late: { record: Record<string, unknown>; reason: string }[] = []
  const counts = new Map<string, number>()
  return {
    rows,
    late,
    counts,
    ctx: {
      operatorId: 'red',
      clock: new ManualClock(),
      watermarkMs: Number.NEGATIVE_INFINITY,
      table: () => {
        throw new Error('unused')
      },
      count: (c, n) => counts.set(c, (counts.get(c) ?? 0) + n),
    },
    out: {
      emit: (r) => rows.push(...r),
      side: (output, record, reason) => {
        assert.equal(output, 'late')
        late.push({ record: record as Record<string, unknown>, reason })
      },
    },
  }
}

/** The fields a golden row checks: tenant, key, window, revision, final, count, errors, sum, min, max. */
function brief(r: ResultRow): unknown[] {
  return [
    r.tenant,
    r.key,
    r.windowMs,
    r.windowStart,
    r.revision,
    r.final,
    r.count,
    r.errors,
    r.sum,
    r.min,
    r.max,
  ]
}

const settings: RedSettings = { windowsMs: [10_000], allowedLatenessMs: 5_000 }

test('golden: rate, errors and duration per (tenant, service, operation) when the watermark passes the end', () => {
  const op = new RedOperator({ windowsMs: [10_000, 60_000], allowedLatenessMs: 0 })
  const h = harness()
  op.processBatch(
    spans('acme', [
      ['checkout', 'GET /cart', '0000000000000001', 1_000, 20, false],
      ['checkout', 'GET /cart', '0000000000000002', 1_000, 40, true],
      ['checkout', 'POST /pay', '0000000000000003', 9_999, 100, false],
      ['checkout', 'GET /cart', '0000000000000004', 10_000, 5, false],
    ]),
    h.ctx,
    h.out,
  )
  assert.equal(h.rows.length, 0, 'nothing before the watermark')
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(h.rows.map(brief), [
    ['acme', 'checkout\u0000GET /cart', 10_000, 0, 1, true, 2, 1, 60, 20, 40],
    ['acme', 'checkout\u0000POST /pay', 10_000, 0, 1, true, 1, 0, 100, 100, 100],
  ])
  const cart = h.rows[0]!
  assert.equal(cart.mean, 30)
  assert.equal(cart.last, 40, 'same end time: the span added later is last')
  // Quantiles are of rank ⌊q·(n−1)⌋ (docs/aggregates.md): with two spans, p50 and p99 are the smaller.
  assert.ok(Math.abs(cart.p50 - 20) <= 0.2, `p50 ${cart.p50} within 1 % of 20`)
  assert.ok(Math.abs(cart.p99 - 20) <= 0.2, `p99 ${cart.p99} within 1 % of 20`)
  h.rows.length = 0
  op.onWatermark(59_999, h.ctx, h.out)
  assert.deepEqual(h.rows.map(brief), [
    ['acme', 'checkout\u0000GET /cart', 10_000, 10_000, 1, true, 1, 0, 5, 5, 5],
    ['acme', 'checkout\u0000GET /cart', 60_000, 0, 1, true, 3, 1, 65, 5, 40],
    ['acme', 'checkout\u0000POST /pay', 60_000, 0, 1, true, 1, 0, 100, 100, 100],
  ])
})

test('a span is counted in the window of its end time, with nanosecond-exact duration', () => {
  const op = new RedOperator(settings)
  const h = harness()
  const b = new SpanBatchBuilder('acme')
  const base = spans('acme', [['api', 'op', '00000000000000aa', 10_000, 0, false]]).rows[0]!
  b.add({
    ...base,
    resource: b.resource('api', []),
    startMs: 9_990,
    startNanos: 250_000,
    endMs: 10_000,
    endNanos: 500,
  })
  op.processBatch(b.build(), h.ctx, h.out)
  op.onWatermark(19_999, h.ctx, h.out)
  assert.deepEqual(
    h.rows.map((r) => [r.windowStart, r.sum]),
    [[10_000, 9.7505]],
  )
})

test('late spans: within lateness an upsert with revision 2, beyond it the late side output', () => {
  const op = new RedOperator(settings)
  const h = harness()
  op.processBatch(spans('acme', [['api', 'op', '0000000000000001', 3_000, 10, false]]), h.ctx, h.out)
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(
    h.rows.map(brief),
    [['acme', 'api\u0000op', 10_000, 0, 1, true, 1, 0, 10, 10, 10]],
    'final at the close, though late spans may still follow',
  )
  h.rows.length = 0

  op.onWatermark(12_000, h.ctx, h.out)
  op.processBatch(spans('acme', [['api', 'op', '0000000000000002', 7_000, 30, true]]), h.ctx, h.out)
  assert.deepEqual(
    h.rows.map(brief),
    [['acme', 'api\u0000op', 10_000, 0, 2, true, 2, 1, 40, 10, 30]],
    'the upsert is emitted with the batch, not held until the next watermark, and is final too',
  )
  h.rows.length = 0

  op.onWatermark(14_999, h.ctx, h.out)
  assert.equal(h.rows.length, 0, 'dropping a window emits nothing')
  op.processBatch(spans('acme', [['api', 'op', '0000000000000003', 8_000, 1, false]]), h.ctx, h.out)
  assert.equal(h.rows.length, 0)
  assert.deepEqual(h.late, [
    {
      record: {
        tenant: 'acme',
        service: 'api',
        operation: 'op',
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: '0000000000000003',
        endMs: 8_000,
        windowMs: 10_000,
      },
      reason: 'window_closed',
    },
  ])
  assert.equal(h.counts.get('late'), 1)
})

test('without lateness the result at the close is final and the only revision', () => {
  const op = new RedOperator({ windowsMs: [10_000], allowedLatenessMs: 0 })
  const h = harness()
  op.processBatch(spans('acme', [['api', 'op', '0000000000000001', 3_000, 10, false]]), h.ctx, h.out)
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(
    h.rows.map((r) => [r.revision, r.final]),
    [[1, true]],
  )
  op.processBatch(spans('acme', [['api', 'op', '0000000000000002', 4_000, 10, false]]), h.ctx, h.out)
  assert.equal(h.rows.length, 1, 'no later revision can follow')
  assert.deepEqual(
    h.late.map((l) => [l.record['spanId'], l.reason]),
    [['0000000000000002', 'window_closed']],
  )
})

test('duplicates: a retried export (same traceId, spanId) counts once, even with another end time', () => {
  const op = new RedOperator({ windowsMs: [10_000, 60_000], allowedLatenessMs: 5_000 })
  const h = harness()
  const first: Span[] = [
    ['api', 'op', '0000000000000001', 1_000, 10, false],
    ['api', 'op', '0000000000000002', 1_000, 10, true],
  ]
  op.processBatch(spans('acme', first), h.ctx, h.out)
  op.processBatch(spans('acme', first), h.ctx, h.out)
  op.processBatch(spans('acme', [['api', 'op', '0000000000000001', 2_000, 99, false]]), h.ctx, h.out)
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(h.rows.map(brief), [['acme', 'api\u0000op', 10_000, 0, 1, true, 2, 1, 20, 10, 10]])
  assert.equal(h.counts.get('duplicate_spans'), 3)
  op.onWatermark(12_000, h.ctx, h.out)
  op.processBatch(spans('acme', first), h.ctx, h.out)
  assert.equal(h.rows.length, 1, 'a retry within lateness is still a duplicate: no revision 2')
  assert.equal(op.trackedSpans, 2)
  op.onWatermark(64_999, h.ctx, h.out)
  assert.equal(op.trackedSpans, 0, 'identities are forgotten when the largest window is dropped')
  h.late.length = 0
  op.processBatch(spans('acme', first), h.ctx, h.out)
  assert.deepEqual(
    h.late.map((l) => [l.record['spanId'], l.record['windowMs'], l.reason]),
    [
      ['0000000000000001', 10_000, 'window_closed'],
      ['0000000000000001', 60_000, 'window_closed'],
      ['0000000000000002', 10_000, 'window_closed'],
      ['0000000000000002', 60_000, 'window_closed'],
    ],
    'a retry after its windows were dropped is late, never counted',
  )
})

test('distinct spans ending in the same millisecond all count (no (key, ts) dedupe)', () => {
  const op = new RedOperator(settings)
  const h = harness()
  const same: Span[] = []
  for (let i = 1; i <= 5; i++) same.push(['api', 'op', `000000000000000${i}`, 4_000, i, false])
  op.processBatch(spans('acme', same), h.ctx, h.out)
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(
    h.rows.map((r) => [r.count, r.sum]),
    [[5, 15]],
  )
})

test('two tenants with the same service and operation get separate rows; identities are per tenant', () => {
  const op = new RedOperator(settings)
  const h = harness()
  const row: Span = ['api', 'op', '0000000000000001', 1_000, 10, false]
  op.processBatch(spans('acme', [row]), h.ctx, h.out)
  op.processBatch(spans('globex', [row, ['api', 'op', '0000000000000002', 1_000, 30, true]]), h.ctx, h.out)
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(h.rows.map(brief), [
    ['acme', 'api\u0000op', 10_000, 0, 1, true, 1, 0, 10, 10, 10],
    ['globex', 'api\u0000op', 10_000, 0, 1, true, 2, 1, 40, 10, 30],
  ])
  assert.equal(h.counts.get('duplicate_spans'), undefined)
})

test('bounded state: beyond maxTrackedSpans and maxOpenWindows spans go to the late side output', () => {
  const op = new RedOperator({
    windowsMs: [10_000],
    allowedLatenessMs: 0,
    maxTrackedSpans: 2,
    maxOpenWindows: 1,
  })
  const h = harness()
  op.processBatch(
    spans('acme', [
      ['api', 'a', '0000000000000001', 1_000, 1, false],
      ['api', 'b', '0000000000000002', 1_000, 1, false],
      ['api', 'a', '0000000000000003', 1_000, 1, false],
      ['api', 'a', '0000000000000004', 1_000, 1, false],
    ]),
    h.ctx,
    h.out,
  )
  assert.deepEqual(
    h.late.map((l) => [l.record['spanId'], l.record['windowMs'], l.reason]),
    [
      ['0000000000000002', 10_000, 'too_many_windows'],
      ['0000000000000004', null, 'too_many_spans'],
    ],
  )
  assert.equal(h.counts.get('late'), 2)
})

test('negative durations are clamped to 0 and counted', () => {
  const op = new RedOperator(settings)
  const h = harness()
  op.processBatch(spans('acme', [['api', 'op', '0000000000000001', 1_000, -5, false]]), h.ctx, h.out)
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(
    h.rows.map((r) => [r.count, r.sum, r.min]),
    [[1, 0, 0]],
  )
  assert.equal(h.counts.get('negative_duration'), 1)
})

test('snapshot → restore at every step gives the same results as an uninterrupted run', () => {
  const s: RedSettings = { windowsMs: [10_000, 30_000], allowedLatenessMs: 5_000 }
  const steps: ((op: RedOperator, h: Harness) => void)[] = [
    (op, h) =>
      op.processBatch(
        spans('acme', [
          ['api', 'op', '0000000000000001', 1_000, 10, false],
          ['api', 'op', '0000000000000002', 12_000, 20, true],
        ]),
        h.ctx,
        h.out,
      ),
    (op, h) => op.onWatermark(9_999, h.ctx, h.out),
    (op, h) =>
      op.processBatch(
        spans('acme', [
          ['api', 'op', '0000000000000001', 1_000, 10, false], // a retry: must stay deduped
          ['api', 'op', '0000000000000003', 8_000, 30, false], // late, within lateness
        ]),
        h.ctx,
        h.out,
      ),
    (op, h) => op.onWatermark(20_000, h.ctx, h.out),
    (op, h) =>
      op.processBatch(spans('acme', [['api', 'op', '0000000000000002', 12_000, 20, true]]), h.ctx, h.out),
    (op, h) => op.onWatermark(40_000, h.ctx, h.out),
  ]
  const straight = new RedOperator(s)
  const h1 = harness()
  for (const step of steps) step(straight, h1)
  assert.ok(h1.rows.length >= 4)

  for (let cut = 0; cut <= steps.length; cut++) {
    const h2 = harness()
    let op = new RedOperator(s)
    steps.forEach((step, i) => {
      if (i === cut) {
        const restored = new RedOperator(s)
        restored.restore(op.snapshot())
        assert.deepEqual(restored.snapshot(), op.snapshot(), 'equal states encode to equal bytes')
        op = restored
      }
      step(op, h2)
    })
    assert.deepEqual(h2.rows, h1.rows, `restored before step ${cut}`)
    assert.deepEqual(h2.counts, h1.counts, `restored before step ${cut}`)
  }
})

test('restore refuses damaged or mismatched parts; bad settings are one user error', () => {
  const op = new RedOperator(settings)
  const parts = op.snapshot()
  assert.throws(() => op.restore(parts.slice(1)), /has 1 parts, the job needs 2/)
  const seen = new Uint8Array(parts[1]!)
  seen[1] = seen[1]! ^ 0xff
  const damaged = [parts[0]!, seen]
  assert.throws(() => op.restore(damaged), /span dedupe/)
  assert.throws(
    () => new RedOperator({ windowsMs: [], allowedLatenessMs: 0, maxTrackedSpans: 0 }),
    (err: Error & { code?: string }) =>
      err.code === 'invalid_red_config' &&
      /at least one/.test(err.message) &&
      /maxTrackedSpans/.test(err.message),
  )
})

test('a bounded run ends with every open window fired and final; the watermark helper takes span ends', () => {
  const op = new RedOperator(settings)
  const h = harness()
  const batch = spans('acme', [
    ['api', 'op', '0000000000000001', 12_000, 10, false],
    ['api', 'op', '0000000000000002', 3_000, 10, false],
  ])
  assert.equal(maxSpanEndMs(batch), 12_000)
  assert.equal(maxSpanEndMs(spans('acme', [])), Number.NEGATIVE_INFINITY)
  op.processBatch(batch, h.ctx, h.out)
  op.onEnd(h.ctx, h.out)
  assert.deepEqual(
    h.rows.map((r) => [r.windowStart, r.revision, r.final, r.count]),
    [
      [0, 1, true, 1],
      [10_000, 1, true, 1],
    ],
  )
  assert.equal(op.trackedSpans, 0)
})
