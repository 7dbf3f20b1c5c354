export {
  DEFAULT_MAX_TRACKED_SPANS,
  DEFAULT_RED_MAX_OPEN_WINDOWS,
  RedOperator,
  maxSpanEndMs,
} from './red-operator.js'
export type { RedLateReason, RedLateRecord, RedSettings } from './red-operator.js'
export { RED_ACCUMULATOR_FORMAT_VERSION, RedAccumulator, redAccumulatorKind } from './red-accumulator.js'
