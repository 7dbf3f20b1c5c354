import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { countSumKind } from './count-sum.js'
import { KeyedWindows } from './keyed-windows.js'
import { decodeWindowsSnapshot, encodeWindowsSnapshot } from './snapshot-codec.js'
import { arbAssigner, arbOptions, arbSample, arbSteps, onTimeSteps } from './testing/arbitraries.js'
import { RecordingSink, applyStep, runGolden } from './testing/golden.js'
import type { GoldenOptions } from './testing/golden.js'
import { finalWindows, referenceWindows } from './testing/reference.js'
import type { Sample } from './testing/reference.js'
import { tumbling } from './window-assigner.js'

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

  test('tumbling with late samples: the result equals the reference over the accepted samples', () => {
    const arb = fc.record({
      size: fc.integer({ min: 1, max: 30 }),
      lateness: fc.integer({ min: 0, max: 30 }),
      dedupe: fc.boolean(),
      steps: arbSteps,
    })
    fc.assert(
      fc.property(arb, ({ size, lateness, dedupe, steps }) => {
        const options: GoldenOptions = {
          assigner: tumbling(size),
          allowedLatenessMs: lateness,
          dedupeByTimestamp: dedupe,
        }
        const sink = new RecordingSink(false)
        const windows = new KeyedWindows({ ...options, accumulator: countSumKind }, sink)
        const accepted: Sample[] = []
        for (const step of steps) {
          const before = sink.lines.length
          applyStep(windows, sink, step)
          const add = /^(\w+)@(-?\d+)=(-?\d+)$/.exec(step)
          const isLate = sink.lines.slice(before).some((l) => l.startsWith('late'))
          if (add !== null && !isLate)
            accepted.push({ key: add[1]!, ts: Number(add[2]), value: Number(add[3]) })
        }
        assert.deepEqual(
          sorted(finalWindows(sink.lines)),
          sorted(referenceWindows(options.assigner, accepted, dedupe)),
        )
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
