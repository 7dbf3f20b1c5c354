import type { Clock } from '../../core/index.js'
import type { AnyTableSpec, TableOf } from '../state/index.js'

/** Where an operator's output goes; `side` outputs carry records set aside (late data, rejects). */
export interface Collector<Out> {
  emit(batch: Out): void
  /** A named side output, e.g. `late` (records past allowed lateness) with the reason. */
  side(output: string, batch: unknown, reason: string): void
}

/**
 * A keyed state table an operator declares (`valueTable`, `mapTable`, `timeKeyedTable` from
 * `engine/state`): the runtime creates it, restores it from the last checkpoint, and writes
 * incremental snapshots of it into each epoch's transaction. Operators never open files.
 */
export type StateTableDeclaration = AnyTableSpec

/** What the runtime gives an operator. */
export interface OperatorContext {
  readonly operatorId: string
  /** Processing time; event time comes from the data and the watermark. */
  readonly clock: Clock
  /** The task's current watermark (−Infinity before the first one). */
  readonly watermarkMs: number
  /** The handle of a declared state table (throws when the operator did not declare it). */
  table<S extends AnyTableSpec>(spec: S): TableOf<S>
  /** Counts something the operator decided (dropped, late, …) on the task's metrics. */
  count(counter: string, n: number): void
}

/**
 * A stream operator (Arroyo's `ArrowOperator`, Flink's `StreamOperator`): only `processBatch` is
 * required; the hooks have safe defaults in the runtime (a watermark is passed on after
 * `onWatermark`, a barrier after `onBarrier`). Calls are synchronous and never concurrent for one
 * instance; the runtime owns threads, files, offsets and commits.
 *
 * ```ts
 * const dropNaN: Operator<MetricBatch, MetricBatch> = {
 *   processBatch(batch, _ctx, out) { out.emit(withoutNaN(batch)) },
 * }
 * ```
 */
export interface Operator<In, Out> {
  readonly stateTables?: readonly StateTableDeclaration[]
  /** After restore (state is loaded), before the first element. */
  onStart?(ctx: OperatorContext): void
  processBatch(batch: In, ctx: OperatorContext, out: Collector<Out>): void
  /** Event time advanced to `timeMs` (windows fire here). */
  onWatermark?(timeMs: number, ctx: OperatorContext, out: Collector<Out>): void
  /** Epoch `epoch` is about to commit: emit what belongs to it. State is snapshotted right after. */
  onBarrier?(epoch: number, ctx: OperatorContext, out: Collector<Out>): void
  /** Processing-time tick (about once a second) for time-based housekeeping. */
  onTick?(nowMs: number, ctx: OperatorContext, out: Collector<Out>): void
  /** Input ended (bounded runs): emit everything still held. */
  onEnd?(ctx: OperatorContext, out: Collector<Out>): void
}
