import type { ValueType } from './ast.js'

/**
 * The PromQL functions Vigil evaluates, with Prometheus' signatures (`promql/parser/functions.go`):
 * argument types, how many trailing arguments are optional, and the return type. A function
 * Prometheus knows but that is not listed here is refused with a 400 that names it
 * (`UNSUPPORTED_FUNCTIONS`); an unknown name is a parse error, as in Prometheus.
 */
export interface FunctionSignature {
  readonly name: string
  readonly argTypes: readonly ValueType[]
  /** How many of the trailing `argTypes` may be left out (Prometheus' `Variadic`, ≥ 0 here). */
  readonly optional: number
  readonly returnType: ValueType
}

function sig(name: string, argTypes: readonly ValueType[], returnType: ValueType, optional = 0) {
  return { name, argTypes, optional, returnType } satisfies FunctionSignature
}

const signatures: readonly FunctionSignature[] = [
  sig('rate', ['matrix'], 'vector'),
  sig('irate', ['matrix'], 'vector'),
  sig('increase', ['matrix'], 'vector'),
  sig('delta', ['matrix'], 'vector'),
  sig('idelta', ['matrix'], 'vector'),
  sig('avg_over_time', ['matrix'], 'vector'),
  sig('min_over_time', ['matrix'], 'vector'),
  sig('max_over_time', ['matrix'], 'vector'),
  sig('sum_over_time', ['matrix'], 'vector'),
  sig('count_over_time', ['matrix'], 'vector'),
  sig('last_over_time', ['matrix'], 'vector'),
  sig('quantile_over_time', ['scalar', 'matrix'], 'vector'),
  sig('histogram_quantile', ['scalar', 'vector'], 'vector'),
  sig('abs', ['vector'], 'vector'),
  sig('ceil', ['vector'], 'vector'),
  sig('floor', ['vector'], 'vector'),
  sig('exp', ['vector'], 'vector'),
  sig('ln', ['vector'], 'vector'),
  sig('log2', ['vector'], 'vector'),
  sig('log10', ['vector'], 'vector'),
  sig('sqrt', ['vector'], 'vector'),
  sig('round', ['vector', 'scalar'], 'vector', 1),
  sig('clamp', ['vector', 'scalar', 'scalar'], 'vector'),
  sig('clamp_min', ['vector', 'scalar'], 'vector'),
  sig('clamp_max', ['vector', 'scalar'], 'vector'),
  sig('scalar', ['vector'], 'scalar'),
  sig('vector', ['scalar'], 'vector'),
  sig('time', [], 'scalar'),
  sig('timestamp', ['vector'], 'vector'),
  sig('sort', ['vector'], 'vector'),
  sig('sort_desc', ['vector'], 'vector'),
]

export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map(signatures.map((s) => [s.name, s]))

/**
 * Functions of Prometheus 2.42 that Vigil does not evaluate (yet): a query using one gets a 400
 * "unsupported" naming the function rather than the parse error an unknown name gets.
 */
export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'absent',
  'absent_over_time',
  'acos',
  'acosh',
  'asin',
  'asinh',
  'atan',
  'atanh',
  'changes',
  'cos',
  'cosh',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'deg',
  'deriv',
  'group',
  'holt_winters',
  'hour',
  'label_join',
  'label_replace',
  'minute',
  'month',
  'pi',
  'predict_linear',
  'present_over_time',
  'rad',
  'resets',
  'sgn',
  'sin',
  'sinh',
  'stddev_over_time',
  'stdvar_over_time',
  'tan',
  'tanh',
  'year',
  'histogram_count',
  'histogram_sum',
  'histogram_fraction',
  'histogram_stddev',
  'histogram_stdvar',
])
