import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { crc32 } from 'node:zlib'
import fc from 'fast-check'
import { MetricBatchBuilder } from '../../../core/batch/index.js'
import type { MetricBatch } from '../../../core/batch/index.js'
import { ManualClock } from '../../../core/testing/manual-clock.js'
import type { Collector, OperatorContext } from '../../api/index.js'
import { APPEND, ROLLUP_CHECKPOINT_VERSION, WHOLE, decodeRollupCheckpoint } from './rollup-checkpoint.js'
import { RollupOperator } from './rollup-operator.js'
import type { RollupRow, RollupSettings } from './rollup-operator.js'

const RUNS = Number(process.env.VIGIL_PROPERTY_RUNS ?? 200) * 2

type Step =
  | { kind: 'batch'; tenant: string; samples: [string, number, number][] }
  | { kind: 'wm'; at: number }
  | { kind: 'commit'; restart: boolean }
  | { kind: 'replay'; back: number }

const arbSample = fc.tuple(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('x', 'y') },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 39 }).map((i) => `s${i}`) },
  ),
  fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: -5, max: 60 }) },
    { weight: 1, arbitrary: fc.constant(NaN) },
  ),
  fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: 0, max: 4 }) },
    { weight: 1, arbitrary: fc.constant(NaN) },
  ),
)
const arbStep: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      tenant: fc.constantFrom('a', 'b', 'é'),
      samples: fc.array(arbSample, { minLength: 1, maxLength: 6 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('wm' as const), at: fc.integer({ min: -10, max: 70 }) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('commit' as const), restart: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('replay' as const), back: fc.integer({ min: 1, max: 8 }) }),
  },
)
const arbSettings: fc.Arbitrary<RollupSettings> = fc.record(
  {
    windowsMs: fc.uniqueArray(fc.constantFrom(5, 7, 10, 20), { minLength: 1, maxLength: 3 }),
    allowedLatenessMs: fc.integer({ min: 0, max: 30 }),
    maxOpenWindows: fc.integer({ min: 1, max: 40 }),
  },
  { requiredKeys: ['windowsMs', 'allowedLatenessMs'] },
)

function batch(tenant: string, samples: readonly [string, number, number][]): MetricBatch {
  const b = new MetricBatchBuilder(tenant)
  for (const [name, ts, v] of samples) b.sample(b.series(['__name__', name], 'gauge'), ts, v)
  return b.build()
}

function recorder(log: unknown[]): { ctx: OperatorContext; out: Collector<RollupRow[]> } {
  return {
    ctx: {
      operatorId: 'rollup',
      clock: new ManualClock(),
      watermarkMs: Number.NEGATIVE_INFINITY,
      table: () => {
        throw new Error('unused')
      },
      count: (c, n) => log.push(['count', c, n]),
    },
    out: {
      emit: (rows) => log.push(['emit', structuredClone(rows)]),
      side: (output, record, reason) => log.push(['side', output, record, reason]),
    },
  }
}

/**
 * Runs the steps. With `fullEvery`, each commit step takes a checkpoint (full at every multiple of
 * `fullEvery`, else a delta) into a chain as the state topic keeps it, and a restart moves the
 * state into a fresh operator restored from that chain (the full one and the deltas after it).
 */
function run(settings: RollupSettings, steps: readonly Step[], fullEvery?: number): unknown[] {
  const log: unknown[] = []
  const { ctx, out } = recorder(log)
  const sent: MetricBatch[] = []
  let op = new RollupOperator(settings)
  let chain: Uint8Array[] = []
  let epoch = 0
  for (const step of steps) {
    if (step.kind === 'batch') {
      sent.push(batch(step.tenant, step.samples))
      op.processBatch(sent[sent.length - 1]!, ctx, out)
    } else if (step.kind === 'replay') {
      const again = sent[sent.length - step.back]
      if (again !== undefined) op.processBatch(again, ctx, out)
    } else if (step.kind === 'wm') op.onWatermark(step.at, ctx, out)
    else if (fullEvery !== undefined) {
      epoch++
      const c = op.checkpoint(epoch % fullEvery === 0)
      chain = c.full ? [c.bytes] : [...chain, c.bytes]
      assert.ok(chain.length <= fullEvery, 'at most fullEvery − 1 deltas follow a full checkpoint')
      if (step.restart) {
        const restored = new RollupOperator(settings)
        restored.restoreCheckpoints(chain)
        assert.deepEqual(restored.snapshot(), op.snapshot(), 'the restored state equals the state')
        op = restored
      }
    }
  }
  op.onWatermark(10_000, ctx, out)
  return log
}

/** An operator of windows 10 and 20 (lateness 5) holding samples of series a and b. */
function twoSizes(): { op: RollupOperator } & ReturnType<typeof recorder> {
  const op = new RollupOperator({ windowsMs: [10, 20], allowedLatenessMs: 5 })
  const rec = recorder([])
  op.processBatch(
    batch('t', [
      ['a', 1, 1],
      ['b', 3, 2],
    ]),
    rec.ctx,
    rec.out,
  )
  return { op, ...rec }
}

describe('rollup checkpoints (full + deltas)', () => {
  test('a restore from the full checkpoint and the deltas after it continues as the uninterrupted run', () => {
    fc.assert(
      fc.property(
        arbSettings,
        fc.array(arbStep, { maxLength: 80 }),
        fc.integer({ min: 1, max: 5 }),
        (settings, steps, fullEvery) => {
          assert.deepEqual(run(settings, steps, fullEvery), run(settings, steps))
        },
      ),
      { numRuns: RUNS },
    )
  })

  test('a delta holds only the series changed since the previous checkpoint, and deletions', () => {
    const op = new RollupOperator({ windowsMs: [10], allowedLatenessMs: 0 })
    const { ctx, out } = recorder([])
    const names = Array.from({ length: 100 }, (_, i): [string, number, number] => [`s${i}`, 1, i])
    op.processBatch(batch('t', names), ctx, out)
    const full = op.checkpoint(false)
    assert.equal(full.full, true, 'nothing to follow yet: full')
    op.processBatch(batch('t', [['s3', 2, 1]]), ctx, out)
    const delta = op.checkpoint(false)
    assert.equal(delta.full, false)
    const d = decodeRollupCheckpoint(delta.bytes)
    assert.ok(d.ok)
    assert.deepEqual(d.checkpoint.seriesLabels, [`__name__\u0000s3`])
    assert.equal(d.checkpoint.upserts, 1)
    assert.deepEqual([...d.checkpoint.seriesMode], [APPEND], 's3 only gained a sample: appended')
    assert.deepEqual([...d.checkpoint.seriesSamples], [1], 'only the new sample is written')
    assert.ok(delta.bytes.length < full.bytes.length / 20, `${delta.bytes.length} vs ${full.bytes.length}`)
    // A replaced value rewrites the series' samples whole.
    op.processBatch(batch('t', [['s4', 1, 99]]), ctx, out)
    const rewrite = op.checkpoint(false)
    const r = decodeRollupCheckpoint(rewrite.bytes)
    assert.ok(r.ok)
    assert.deepEqual([...r.checkpoint.seriesMode], [WHOLE], 's4 had a value replaced: whole')
    const chained = new RollupOperator({ windowsMs: [10], allowedLatenessMs: 0 })
    chained.restoreCheckpoints([full.bytes, delta.bytes, rewrite.bytes])
    assert.deepEqual(chained.snapshot(), op.snapshot())
    // Every series changes each round (windows close and open): deltas about as large as the full
    // checkpoint, so once the deltas since it pass twice its size the next one is full.
    const kinds: boolean[] = []
    for (let round = 1; round <= 4; round++) {
      op.onWatermark(10 * round + 10, ctx, out)
      op.processBatch(
        batch(
          't',
          names.map(([n, , v]) => [n, 10 * round + 15, v]),
        ),
        ctx,
        out,
      )
      kinds.push(op.checkpoint(false).full)
    }
    assert.ok(kinds.includes(true), `a full checkpoint once the deltas outgrow it: ${kinds.join(',')}`)
    assert.equal(kinds[0], false, 'the first such delta still follows the full checkpoint')
    const base = op.checkpoint(true)
    assert.equal(base.full, true)
    op.processBatch(batch('t', [['z', 30, 1]]), ctx, out)
    op.onWatermark(40, ctx, out)
    const goneBytes = op.checkpoint(false).bytes
    const gone = decodeRollupCheckpoint(goneBytes)
    assert.ok(gone.ok)
    assert.equal(gone.checkpoint.full, false)
    assert.equal(gone.checkpoint.upserts, 0)
    assert.deepEqual(gone.checkpoint.seriesLabels, [`__name__\u0000z`], 'z was forgotten: a deletion')
    const restored = new RollupOperator({ windowsMs: [10], allowedLatenessMs: 0 })
    restored.restoreCheckpoints([base.bytes, goneBytes])
    assert.deepEqual(restored.snapshot(), op.snapshot())
    assert.deepEqual(restored.snapshot(), op.snapshot())
  })

  test('a version 1 checkpoint (no per-series mode column: every series whole) still restores', () => {
    const { op, ctx, out } = twoSizes()
    op.processBatch(batch('t', [['a', 4, 5]]), ctx, out)
    const v2 = Buffer.from(op.checkpoint(true).bytes)
    // Version 1 is version 2 without the u8 × upserts mode column (padded to 8) after the
    // per-series sample counts: header 48, sizes, tenant and label-length columns, windows and
    // samples per series.
    const k = v2.readUInt8(7)
    const upserts = v2.readUInt32LE(16)
    const named = upserts + v2.readUInt32LE(20)
    const pad8 = (n: number): number => (n + 7) & ~7
    const modeAt = 48 + pad8(8 * k) + 2 * pad8(4 * named) + 2 * pad8(4 * upserts)
    const body = Buffer.concat([v2.subarray(0, modeAt), v2.subarray(modeAt + pad8(upserts), v2.length - 4)])
    body.writeUInt16LE(1, 4)
    const v1 = Buffer.alloc(body.length + 4)
    body.copy(v1)
    v1.writeUInt32LE(crc32(body), body.length)
    const d = decodeRollupCheckpoint(v1)
    assert.ok(d.ok, d.ok ? '' : d.reason)
    assert.deepEqual([...d.checkpoint.seriesMode], [WHOLE, WHOLE])
    const restored = new RollupOperator({ windowsMs: [10, 20], allowedLatenessMs: 5 })
    restored.restoreCheckpoints([v1])
    assert.deepEqual(restored.snapshot(), op.snapshot())
  })

  test('damaged, truncated, foreign, other-version and other-size checkpoints are refused with the reason', () => {
    const { op, ctx, out } = twoSizes()
    const { bytes } = op.checkpoint(true)
    const fresh = (): RollupOperator => new RollupOperator({ windowsMs: [10, 20], allowedLatenessMs: 5 })
    fresh().restoreCheckpoints([bytes])

    for (let at = 8; at < bytes.length; at += 7) {
      const flipped = new Uint8Array(bytes)
      flipped[at]! ^= 0x10
      const d = decodeRollupCheckpoint(flipped)
      assert.equal(d.ok, false, `a flipped bit at ${at} is refused`)
    }
    const flipped = new Uint8Array(bytes)
    flipped[bytes.length - 20]! ^= 1
    assert.throws(() => fresh().restoreCheckpoints([flipped]), /checksum mismatch/)
    assert.throws(
      () => fresh().restoreCheckpoints([bytes.subarray(0, bytes.length - 1)]),
      /bytes, its header says/,
    )
    assert.throws(() => fresh().restoreCheckpoints([new Uint8Array(64)]), /bad magic/)

    const newer = new Uint8Array(bytes)
    Buffer.from(newer.buffer).writeUInt16LE(ROLLUP_CHECKPOINT_VERSION + 1, 4)
    assert.throws(
      () => fresh().restoreCheckpoints([newer]),
      new RegExp(`unsupported rollup checkpoint version ${ROLLUP_CHECKPOINT_VERSION + 1}`),
    )
    assert.throws(
      () => new RollupOperator({ windowsMs: [10], allowedLatenessMs: 5 }).restoreCheckpoints([bytes]),
      /window sizes 10,20 are not the job's 10/,
    )
    op.processBatch(batch('t', [['a', 2, 1]]), ctx, out)
    const delta = op.checkpoint(false)
    assert.equal(delta.full, false)
    assert.throws(() => fresh().restoreCheckpoints([delta.bytes]), /is not one full checkpoint and deltas/)
  })

  test('unaligned input bytes decode (the state record slices them at any offset)', () => {
    const op = new RollupOperator({ windowsMs: [10], allowedLatenessMs: 0 })
    const { ctx, out } = recorder([])
    op.processBatch(batch('t', [['a', 1, 1.5]]), ctx, out)
    const { bytes } = op.checkpoint(true)
    const shifted = new Uint8Array(bytes.length + 3)
    shifted.set(bytes, 3)
    const restored = new RollupOperator({ windowsMs: [10], allowedLatenessMs: 0 })
    restored.restoreCheckpoints([shifted.subarray(3)])
    assert.deepEqual(restored.snapshot(), op.snapshot())
  })
})
