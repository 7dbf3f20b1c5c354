import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { countSumKind } from './count-sum.js'
import { KeyedWindows } from './keyed-windows.js'
import { decodeWindowsSnapshot, encodeWindowsSnapshot } from './snapshot-codec.js'
import { arbAssigner, arbOptions, arbSample, arbSteps, onTimeSteps } from './testing/arbitraries.js'
import { RecordingSink, applyStep, runGolden } from './testing/golden.js'
import type { GoldenOptions } from './testing/golden.js'
import { finalWindows, referenceOfTaken, referenceWindows, windowsOpenAt } from './testing/reference.js'
import type { TakenSample } from './testing/reference.js'
import type { FixedWindowAssigner } from './window-assigner.js'

/** VIGIL_PROPERTY_RUNS (default 200) sets the runs; fast-check prints the seed of a failure. */
const RUNS = Number(process.env.VIGIL_PROPERTY_RUNS ?? 200)

const arbCase = arbAssigner.chain((assigner) =>
  fc.record({
    options: arbOptions(assigner),
    samples: fc.array(arbSample, { maxLength: 40 }),
    moves: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 40 }),
    flushes: fc.array(fc.boolean(), { maxLength: 40 }),
  }),
)

describe('KeyedWindows properties', () => {
  test('any on-time interleaving: the last revision per window equals the offline reference', () => {
    fc.assert(
      fc.property(arbCase, ({ options, samples, moves, flushes }) => {
        const out = runGolden(options, onTimeSteps(samples, moves, flushes))
        assert.ok(!out.some((l) => l.startsWith('late')), 'no on-time sample is late')
        const expected = referenceWindows(options.assigner, samples, options.dedupeByTimestamp ?? true)
        assert.deepEqual(sorted(finalWindows(out)), sorted(expected))
      }),
      { numRuns: RUNS },
    )
  })

  test('fixed windows with late samples: each window equals the reference over the samples it took', () => {
    const arb = fc.record({
      assigner: arbAssigner.filter((a): a is FixedWindowAssigner => a.kind !== 'session'),
      lateness: fc.integer({ min: 0, max: 30 }),
      dedupe: fc.boolean(),
      steps: arbSteps,
    })
    fc.assert(
      fc.property(arb, ({ assigner, lateness, dedupe, steps }) => {
        const options: GoldenOptions = { assigner, allowedLatenessMs: lateness, dedupeByTimestamp: dedupe }
        const sink = new RecordingSink(false)
        const windows = new KeyedWindows({ ...options, accumulator: countSumKind }, sink)
        const taken: TakenSample[] = []
        for (const step of steps) {
          const before = sink.lines.length
          const done = windows.watermarkMs + 1
          applyStep(windows, sink, step)
          const add = /^(\w+)@(-?\d+)=(-?\d+)$/.exec(step)
          if (add === null) continue
          const sample = { key: add[1]!, ts: Number(add[2]), value: Number(add[3]) }
          const starts = windowsOpenAt(assigner, sample.ts, done, lateness)
          const isLate = sink.lines.slice(before).some((l) => l.startsWith('late'))
          assert.equal(isLate, starts.length === 0, `${step} late iff all its windows were dropped`)
          for (const start of starts) taken.push({ ...sample, start })
        }
        assert.deepEqual(sorted(finalWindows(sink.lines)), sorted(referenceOfTaken(assigner, taken, dedupe)))
      }),
      { numRuns: RUNS },
    )
  })

  test('snapshot, encode, decode and restore at any step continues exactly like an uninterrupted run', () => {
    const arb = arbAssigner.chain((assigner) =>
      fc.record({
        options: arbOptions(assigner),
        maxOpenWindows: fc.integer({ min: 1, max: 12 }),
        steps: arbSteps,
        cut: fc.nat(),
      }),
    )
    fc.assert(
      fc.property(arb, ({ options, maxOpenWindows, steps, cut }) => {
        const full = { ...options, maxOpenWindows }
        const expected = runGolden(full, steps)
        const at = cut % (steps.length + 1)
        const isSession = options.assigner.kind === 'session'
        const sink = new RecordingSink(isSession)
        const first = new KeyedWindows({ ...full, accumulator: countSumKind }, sink)
        for (const step of steps.slice(0, at)) applyStep(first, sink, step)
        const bytes = encodeWindowsSnapshot(first.snapshot())
        const decoded = decodeWindowsSnapshot(bytes)
        assert.ok(decoded.ok, decoded.ok ? '' : decoded.reason)
        const second = new KeyedWindows({ ...full, accumulator: countSumKind }, sink)
        second.restore(decoded.snapshot)
        assert.deepEqual(
          encodeWindowsSnapshot(second.snapshot()),
          bytes,
          'a restored state snapshots identically',
        )
        for (const step of steps.slice(at)) applyStep(second, sink, step)
        assert.deepEqual(sink.lines, expected)
      }),
      { numRuns: RUNS },
    )
  })
})

function sorted(m: Map<string, string>): [string, string][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}
