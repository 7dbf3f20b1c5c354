import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LogBatchBuilder } from '../../../core/batch/index.js'
import type { LogBatch } from '../../../core/batch/index.js'
import { ManualClock } from '../../../core/testing/manual-clock.js'
import type { Collector, OperatorContext } from '../../api/index.js'
import type { ResultRow } from '../../results/result-row.js'
import { LogCountsOperator, maxLogTimeMs } from './log-counts-operator.js'
import type { LogCountsSettings } from './log-counts-operator.js'

/** [service, timeMs, severityNumber, severityText, observedTimeMs?] */
type Log = [string, number, number, string, number?]

function logs(tenant: string, rows: Log[]): LogBatch {
  const b = new LogBatchBuilder(tenant)
  for (const [service, timeMs, severityNumber, severityText, observedTimeMs] of rows) {
    b.add({
      resource: b.resource(service, ['service.name', service]),
      timeMs,
      timeNanos: 0,
      observedTimeMs: observedTimeMs ?? 0,
      observedTimeNanos: 0,
      severityNumber,
      severityText,
      body: 'connection refused',
      attributes: [],
      traceId: '',
      spanId: '',
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
      operatorId: 'log-counts',
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

/** tenant, key, window size, start, revision, final, count */
function brief(r: ResultRow): unknown[] {
  return [r.tenant, r.key, r.windowMs, r.windowStart, r.revision, r.final, r.count]
}

const settings: LogCountsSettings = { windowsMs: [10_000], allowedLatenessMs: 5_000 }

test('golden: counts per (tenant, service, severity bucket) and window size when the watermark passes the end', () => {
  const op = new LogCountsOperator({ windowsMs: [10_000, 60_000], allowedLatenessMs: 0 })
  const h = harness()
  op.processBatch(
    logs('acme', [
      ['checkout', 1_000, 9, 'INFO'],
      ['checkout', 2_000, 10, 'INFO2'],
      ['checkout', 3_000, 17, 'ERROR'],
      ['checkout', 4_000, 0, 'warning'],
      ['checkout', 0, 0, 'ERROR', 5_000], // no time: observed time
      ['checkout', 10_000, 0, 'whatever'],
    ]),
    h.ctx,
    h.out,
  )
  assert.equal(h.rows.length, 0, 'nothing before the watermark')
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(h.rows.map(brief), [
    ['acme', 'checkout\u0000ERROR', 10_000, 0, 1, true, 2],
    ['acme', 'checkout\u0000INFO', 10_000, 0, 1, true, 2],
    ['acme', 'checkout\u0000WARN', 10_000, 0, 1, true, 1],
  ])
  const row = h.rows[0]!
  assert.deepEqual(
    [row.errors, row.sum, row.min, row.max, row.last, row.mean, row.p50, row.p90, row.p99],
    [0, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN],
  )
  h.rows.length = 0
  op.onWatermark(59_999, h.ctx, h.out)
  assert.deepEqual(h.rows.map(brief), [
    ['acme', 'checkout\u0000UNSPECIFIED', 10_000, 10_000, 1, true, 1],
    ['acme', 'checkout\u0000ERROR', 60_000, 0, 1, true, 2],
    ['acme', 'checkout\u0000INFO', 60_000, 0, 1, true, 2],
    ['acme', 'checkout\u0000UNSPECIFIED', 60_000, 0, 1, true, 1],
    ['acme', 'checkout\u0000WARN', 60_000, 0, 1, true, 1],
  ])
})

test('late records: within lateness an upsert with revision 2, beyond it the late side output', () => {
  const op = new LogCountsOperator(settings)
  const h = harness()
  op.processBatch(logs('acme', [['api', 3_000, 9, 'INFO']]), h.ctx, h.out)
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(
    h.rows.map(brief),
    [['acme', 'api\u0000INFO', 10_000, 0, 1, true, 1]],
    'final at the close, though late records may still follow',
  )
  h.rows.length = 0
  op.onWatermark(12_000, h.ctx, h.out)
  op.processBatch(
    logs('acme', [
      ['api', 7_000, 9, 'INFO'],
      ['api', 8_000, 9, 'INFO'],
    ]),
    h.ctx,
    h.out,
  )
  assert.deepEqual(
    h.rows.map(brief),
    [['acme', 'api\u0000INFO', 10_000, 0, 2, true, 3]],
    'one revision per batch; a late upsert is final too',
  )
  h.rows.length = 0
  op.onWatermark(14_999, h.ctx, h.out)
  op.processBatch(logs('acme', [['api', 9_000, 21, 'FATAL']]), h.ctx, h.out)
  assert.equal(h.rows.length, 0)
  assert.deepEqual(h.late, [
    {
      record: { tenant: 'acme', service: 'api', severity: 'FATAL', timeMs: 9_000, windowMs: 10_000 },
      reason: 'window_closed',
    },
  ])
  assert.equal(h.counts.get('late'), 1)
})

test('a record without time and observed time goes to the late side output as invalid_timestamp', () => {
  const op = new LogCountsOperator(settings)
  const h = harness()
  op.processBatch(logs('acme', [['api', 0, 9, 'INFO', 0]]), h.ctx, h.out)
  assert.deepEqual(
    h.late.map((l) => [l.record['timeMs'], l.reason]),
    [[NaN, 'invalid_timestamp']],
  )
})

test('duplicates are counted: log records have no identity (a retried request counts twice)', () => {
  const op = new LogCountsOperator(settings)
  const h = harness()
  const request: Log[] = [
    ['api', 1_000, 17, 'ERROR'],
    ['api', 1_000, 17, 'ERROR'],
  ]
  op.processBatch(logs('acme', request), h.ctx, h.out)
  op.processBatch(logs('acme', request), h.ctx, h.out)
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(h.rows.map(brief), [['acme', 'api\u0000ERROR', 10_000, 0, 1, true, 4]])
})

test('two tenants with the same service get separate rows', () => {
  const op = new LogCountsOperator(settings)
  const h = harness()
  op.processBatch(logs('globex', [['api', 1_000, 9, 'INFO']]), h.ctx, h.out)
  op.processBatch(
    logs('acme', [
      ['api', 1_000, 9, 'INFO'],
      ['api', 2_000, 9, 'INFO'],
    ]),
    h.ctx,
    h.out,
  )
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(h.rows.map(brief), [
    ['acme', 'api\u0000INFO', 10_000, 0, 1, true, 2],
    ['globex', 'api\u0000INFO', 10_000, 0, 1, true, 1],
  ])
})

test('maxOpenWindows bounds the windows; refused records go to the late side output', () => {
  const op = new LogCountsOperator({ ...settings, maxOpenWindows: 1 })
  const h = harness()
  op.processBatch(
    logs('acme', [
      ['api', 1_000, 9, 'INFO'],
      ['api', 1_000, 17, 'ERROR'],
      ['api', 2_000, 9, 'INFO'],
    ]),
    h.ctx,
    h.out,
  )
  assert.deepEqual(
    h.late.map((l) => [l.record['severity'], l.reason]),
    [['ERROR', 'too_many_windows']],
  )
})

test('snapshot → restore at every step gives the same results as an uninterrupted run', () => {
  const s: LogCountsSettings = { windowsMs: [10_000, 30_000], allowedLatenessMs: 5_000 }
  const steps: ((op: LogCountsOperator, h: Harness) => void)[] = [
    (op, h) =>
      op.processBatch(
        logs('acme', [
          ['api', 1_000, 9, 'INFO'],
          ['api', 12_000, 17, 'ERROR'],
        ]),
        h.ctx,
        h.out,
      ),
    (op, h) => op.onWatermark(9_999, h.ctx, h.out),
    (op, h) => op.processBatch(logs('acme', [['api', 8_000, 9, 'INFO']]), h.ctx, h.out),
    (op, h) => op.onWatermark(20_000, h.ctx, h.out),
    (op, h) => op.processBatch(logs('acme', [['api', 2_000, 9, 'INFO']]), h.ctx, h.out),
    (op, h) => op.onWatermark(40_000, h.ctx, h.out),
  ]
  const straight = new LogCountsOperator(s)
  const h1 = harness()
  for (const step of steps) step(straight, h1)
  assert.ok(h1.rows.length >= 4)
  assert.equal(h1.late.length, 1)

  for (let cut = 0; cut <= steps.length; cut++) {
    const h2 = harness()
    let op = new LogCountsOperator(s)
    steps.forEach((step, i) => {
      if (i === cut) {
        const restored = new LogCountsOperator(s)
        restored.restore(op.snapshot())
        assert.deepEqual(restored.snapshot(), op.snapshot(), 'equal states encode to equal bytes')
        op = restored
      }
      step(op, h2)
    })
    assert.deepEqual(h2.rows, h1.rows, `restored before step ${cut}`)
    assert.deepEqual(h2.late, h1.late, `restored before step ${cut}`)
  }
})

test('restore refuses damaged or mismatched parts; bad settings are one user error', () => {
  const op = new LogCountsOperator(settings)
  const parts = op.snapshot()
  assert.throws(() => op.restore([...parts, ...parts]), /has 2 parts, the job needs 1/)
  const damaged = new Uint8Array(parts[0]!)
  damaged[2] = damaged[2]! ^ 0xff
  assert.throws(() => op.restore([damaged]), /cannot restore log-counts windows/)
  assert.throws(
    () => new LogCountsOperator({ windowsMs: [10_000, 10_000, -1], allowedLatenessMs: 0 }),
    (err: Error & { code?: string }) =>
      err.code === 'invalid_log_counts_config' && /repeats/.test(err.message) && /-1/.test(err.message),
  )
})

test('a bounded run ends with every open window fired and final; the watermark helper uses event time', () => {
  const op = new LogCountsOperator(settings)
  const h = harness()
  const batch = logs('acme', [
    ['api', 3_000, 9, 'INFO'],
    ['api', 0, 9, 'INFO', 14_000],
    ['api', 0, 9, 'INFO', 0],
  ])
  assert.equal(maxLogTimeMs(batch), 14_000)
  op.processBatch(batch, h.ctx, h.out)
  op.onEnd(h.ctx, h.out)
  assert.deepEqual(h.rows.map(brief), [
    ['acme', 'api\u0000INFO', 10_000, 0, 1, true, 1],
    ['acme', 'api\u0000INFO', 10_000, 10_000, 1, true, 1],
  ])
})
