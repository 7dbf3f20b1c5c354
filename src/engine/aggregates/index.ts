export { Aggregate, AGGREGATE_FORMAT_VERSION } from './aggregate.js'
export type { AggregateOptions, AggregateResult, AggregateState } from './aggregate.js'
export {
  DEFAULT_MAX_BUCKETS,
  DEFAULT_RELATIVE_ACCURACY,
  QuantileSketch,
  SKETCH_FORMAT_VERSION,
  SketchError,
  validateSketchOptions,
} from './quantile-sketch.js'
export type { SketchOptions } from './quantile-sketch.js'
export type { DecodeResult } from './decode-result.js'
