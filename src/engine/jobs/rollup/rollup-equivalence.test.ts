import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { MetricBatchBuilder } from '../../../core/batch/index.js'
import type { MetricBatch } from '../../../core/batch/index.js'
import { ManualClock } from '../../../core/testing/manual-clock.js'
import type { Collector, OperatorContext } from '../../api/index.js'
import { RollupOperator } from './rollup-operator.js'
import type { RollupRow, RollupSettings } from './rollup-operator.js'
import { KeyedRollup } from './testing/keyed-rollup.js'
import { emissionTuning } from './tumbling-table.js'

/**
 * VIGIL_PROPERTY_RUNS (default 200) × 5: cheap runs, and a mutation test showed that 200 missed
 * samples pruned a few ms too early (found in ~1 of 1,000 cases). fast-check prints the seed.
 */
const RUNS = Number(process.env.VIGIL_PROPERTY_RUNS ?? 200) * 5

type Step =
  | { kind: 'batch'; tenant: string; samples: [string, number, number][] }
  | { kind: 'wm'; at: number }
  | { kind: 'snapshot' }
  | { kind: 'replay'; back: number }

// Few series, timestamps and values, so duplicates, replacements, late data and full tables are common.
const arbSample = fc.tuple(
  // Mostly two names (duplicates); sometimes one of 40, so emission orders both small and large due sets.
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('x', 'y') },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 39 }).map((i) => `s${i}`) },
  ),
  fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: -5, max: 40 }) },
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
      tenant: fc.constantFrom('a', 'b'),
      samples: fc.array(arbSample, { minLength: 1, maxLength: 6 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('wm' as const), at: fc.integer({ min: -10, max: 50 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('snapshot' as const) }) },
  // A client retrying an earlier request: the same batch again, some steps later.
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('replay' as const), back: fc.integer({ min: 1, max: 8 }) }),
  },
)
const arbSettings: fc.Arbitrary<RollupSettings> = fc.record(
  {
    windowsMs: fc.uniqueArray(fc.constantFrom(5, 7, 10, 20), { minLength: 1, maxLength: 3 }),
    allowedLatenessMs: fc.integer({ min: 0, max: 30 }),
    maxOpenWindows: fc.integer({ min: 1, max: 12 }),
  },
  { requiredKeys: ['windowsMs', 'allowedLatenessMs'] },
)

function batch(tenant: string, samples: readonly [string, number, number][]): MetricBatch {
  const b = new MetricBatchBuilder(tenant)
  for (const [name, ts, v] of samples) b.sample(b.series(['__name__', name], 'gauge'), ts, v)
  return b.build()
}

interface Op {
  processBatch(batch: MetricBatch, ctx: OperatorContext, out: Collector<RollupRow[]>): void
  onWatermark(timeMs: number, ctx: OperatorContext, out: Collector<RollupRow[]>): void
  snapshot(): Uint8Array[]
  restore(parts: readonly Uint8Array[]): void
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

/** Runs the steps; at each snapshot step the state moves into a fresh operator made by `next`. */
function run(steps: readonly Step[], first: Op, next: () => Op): unknown[] {
  const log: unknown[] = []
  const { ctx, out } = recorder(log)
  const sent: MetricBatch[] = []
  let op = first
  for (const step of steps) {
    if (step.kind === 'batch') {
      sent.push(batch(step.tenant, step.samples))
      op.processBatch(sent[sent.length - 1]!, ctx, out)
    } else if (step.kind === 'replay') {
      const again = sent[sent.length - step.back]
      if (again !== undefined) op.processBatch(again, ctx, out)
    } else if (step.kind === 'wm') op.onWatermark(step.at, ctx, out)
    else {
      const parts = op.snapshot()
      op = next()
      op.restore(parts)
    }
  }
  op.onWatermark(10_000, ctx, out)
  return log
}

describe('RollupOperator equals one KeyedWindows per size (keyed by tenant NUL labels)', () => {
  const paths: [number, string][] = [
    [16, 'emission mostly places windows by key rank'],
    [0, 'emission always sorts'],
    [1e9, 'emission always places windows by key rank'],
  ]
  for (const [walkFactor, path] of paths) {
    test(`random input with duplicates, replacements, late data, full tables and snapshots (${path})`, () => {
      emissionTuning.walkFactor = walkFactor
      try {
        fc.assert(
          fc.property(arbSettings, fc.array(arbStep, { maxLength: 40 }), (settings, steps) => {
            const expected = run(steps, new KeyedRollup(settings), () => new KeyedRollup(settings))
            const fast = run(steps, new RollupOperator(settings), () => new RollupOperator(settings))
            assert.deepEqual(fast, expected)
          }),
          { numRuns: RUNS },
        )
      } finally {
        emissionTuning.walkFactor = 16
      }
    })
  }

  test('snapshots cross over: fast → reference and reference → fast continue identically', () => {
    fc.assert(
      fc.property(arbSettings, fc.array(arbStep, { maxLength: 40 }), (settings, steps) => {
        const expected = run(steps, new KeyedRollup(settings), () => new KeyedRollup(settings))
        let restores = 0
        const alternate = (): Op =>
          restores++ % 2 === 0 ? new KeyedRollup(settings) : new RollupOperator(settings)
        assert.deepEqual(run(steps, new RollupOperator(settings), alternate), expected)
      }),
      { numRuns: RUNS },
    )
  })
})
