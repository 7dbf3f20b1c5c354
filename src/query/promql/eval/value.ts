import type { Labels } from '../../../core/batch/index.js'

/**
 * Values the evaluator passes around at one evaluation time (Prometheus' `Vector`, `Scalar`,
 * `String`), and the stored series it reads (`SelectedSeries`).
 */
export interface Sample {
  readonly labels: Labels
  readonly value: number
  /** The sample's own time (ms) when it comes straight from a vector selector; else the step time. */
  readonly ts?: number
}

export type Vector = Sample[]

/**
 * One stored series in time order: times (ms), values, and which samples are staleness markers
 * (`stale[i] === 1`; their value is meaningless). Times are strictly increasing (duplicates of a
 * time were resolved when the series was read: the first written wins, as in Prometheus).
 */
export interface SelectedSeries {
  readonly labels: Labels
  readonly ts: Float64Array
  readonly values: Float64Array
  readonly stale: Uint8Array | undefined
}

/** Where the evaluator reads series from (the store, or a fixture in tests). */
export interface SeriesSource {
  /**
   * The series matching all `matchers`, with their samples in `[minMs, maxMs]`; a series with no
   * sample in the range may be left out. `signal` aborts a slow read.
   */
  select(
    matchers: readonly {
      readonly name: string
      readonly type: '=' | '!=' | '=~' | '!~'
      readonly value: string
      readonly regex?: RegExp
    }[],
    minMs: number,
    maxMs: number,
  ): Promise<SelectedSeries[]>
}
