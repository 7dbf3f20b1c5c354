import fc from 'fast-check'
import { session, sliding, tumbling } from '../window-assigner.js'
import type { WindowAssigner } from '../window-assigner.js'
import type { GoldenOptions } from './golden.js'
import type { Sample } from './reference.js'

export const arbAssigner: fc.Arbitrary<WindowAssigner> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: -20, max: 20 }))
    .map(([s, o]) => tumbling(s, o)),
  fc
    .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: -9, max: 9 }))
    .map(([slide, k, o]) => sliding(slide * k + (k > 1 ? slide - 1 : 0), slide, o)),
  fc.integer({ min: 1, max: 30 }).map((g) => session(g)),
)

export const arbSample: fc.Arbitrary<Sample> = fc.record({
  key: fc.constantFrom('a', 'b', 'c'),
  ts: fc.integer({ min: 0, max: 120 }),
  value: fc.integer({ min: -5, max: 5 }),
})

export const arbOptions = (assigner: WindowAssigner): fc.Arbitrary<GoldenOptions> =>
  fc.record({
    assigner: fc.constant(assigner),
    allowedLatenessMs: fc.integer({ min: 0, max: 40 }),
    emitMode: fc.constantFrom('emit-on-close' as const, 'emit-on-update' as const),
    dedupeByTimestamp: fc.boolean(),
  })

/**
 * Golden steps in which no sample is behind the watermark when added: before each sample the
 * watermark may move, but never to or past the smallest timestamp still to come. `flush` may
 * follow any sample; the last step moves the watermark past everything.
 */
export function onTimeSteps(
  samples: readonly Sample[],
  moves: readonly number[],
  flushes: readonly boolean[],
) {
  const steps: string[] = []
  let wm = -1
  samples.forEach((s, i) => {
    const bound = Math.min(...samples.slice(i).map((r) => r.ts)) - 1
    const target = Math.min(bound, wm + (moves[i] ?? 0))
    if (target > wm) {
      wm = target
      steps.push(`wm ${wm}`)
    }
    steps.push(`${s.key}@${s.ts}=${s.value}`)
    if (flushes[i] === true) steps.push('flush')
  })
  steps.push('wm 100000')
  return steps
}

/** Any steps: samples (possibly late), watermark moves (possibly backwards) and flushes. */
export const arbSteps: fc.Arbitrary<string[]> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: arbSample.map((s) => `${s.key}@${s.ts}=${s.value}`) },
      { weight: 2, arbitrary: fc.integer({ min: -5, max: 140 }).map((w) => `wm ${w}`) },
      { weight: 1, arbitrary: fc.constant('flush') },
    ),
    { maxLength: 60 },
  )
  .map((steps) => [...steps, 'wm 100000'])
