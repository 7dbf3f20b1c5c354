/**
 * The PromQL syntax tree the evaluator runs: a small, typed, immutable mirror of Prometheus'
 * `promql/parser/ast.go`, built from the `@prometheus-io/lezer-promql` parse tree by `parse.ts`
 * (which also does Prometheus' type checks, so an expression that reaches the evaluator is
 * well-typed). Durations and times are milliseconds.
 */

/** What an expression evaluates to, as Prometheus names it in `resultType`. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string'

export type MatchType = '=' | '!=' | '=~' | '!~'

export interface Matcher {
  readonly name: string
  readonly type: MatchType
  readonly value: string
  /** For `=~` and `!~`: the value anchored as Prometheus does (`^(?:value)$`). */
  readonly regex?: RegExp
}

export interface NumberLiteral {
  readonly kind: 'number'
  readonly value: number
}

export interface StringLiteral {
  readonly kind: 'string'
  readonly value: string
}

/** `name{matchers} offset d`; the metric name, when given, is also an `=` matcher on `__name__`. */
export interface VectorSelector {
  readonly kind: 'vector'
  /** The metric name as written before the braces, if any (for messages and `__name__` dropping). */
  readonly name: string | undefined
  readonly matchers: readonly Matcher[]
  /** `offset`, positive into the past; 0 without one. */
  readonly offsetMs: number
}

/** `selector[range]` (with the selector's offset). */
export interface MatrixSelector {
  readonly kind: 'matrix'
  readonly vector: VectorSelector
  readonly rangeMs: number
}

export interface Call {
  readonly kind: 'call'
  /** A supported function name (see `functions.ts`). */
  readonly func: string
  readonly args: readonly Expr[]
}

export const aggregateOps = ['sum', 'avg', 'min', 'max', 'count', 'topk', 'bottomk', 'quantile'] as const
export type AggregateOp = (typeof aggregateOps)[number]

export interface Aggregate {
  readonly kind: 'aggregate'
  readonly op: AggregateOp
  /** `topk`/`bottomk` k and `quantile` φ; undefined for the others. */
  readonly param: Expr | undefined
  readonly expr: Expr
  /** The labels of `by (...)` or `without (...)`; empty without a clause. */
  readonly grouping: readonly string[]
  readonly without: boolean
}

export const arithmeticOps = ['+', '-', '*', '/', '%', '^'] as const
export const comparisonOps = ['==', '!=', '>', '<', '>=', '<='] as const
export const setOps = ['and', 'or', 'unless'] as const
export type ArithmeticOp = (typeof arithmeticOps)[number]
export type ComparisonOp = (typeof comparisonOps)[number]
export type SetOp = (typeof setOps)[number]
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp

/** `on (...)` / `ignoring (...)` with `group_left (...)` / `group_right (...)`. */
export interface VectorMatching {
  /** one-to-one, or many-to-one (`group_left`) / one-to-many (`group_right`). */
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many'
  /** The labels of `on` (when `on` is true) or `ignoring`. */
  readonly matchingLabels: readonly string[]
  /** True for `on (...)`, false for `ignoring (...)` or no clause. */
  readonly on: boolean
  /** The labels listed in `group_left (...)` / `group_right (...)`, copied from the "one" side. */
  readonly include: readonly string[]
}

export interface Binary {
  readonly kind: 'binary'
  readonly op: BinaryOp
  readonly lhs: Expr
  readonly rhs: Expr
  /** The `bool` modifier of a comparison. */
  readonly returnBool: boolean
  /**
   * Set when both sides are instant vectors (Prometheus sets `many-to-many` for set operators);
   * undefined when at least one side is a scalar.
   */
  readonly matching: VectorMatching | undefined
}

export interface Unary {
  readonly kind: 'unary'
  readonly op: '-' | '+'
  readonly expr: Expr
}

export interface Paren {
  readonly kind: 'paren'
  readonly expr: Expr
}

export type Expr =
  NumberLiteral | StringLiteral | VectorSelector | MatrixSelector | Call | Aggregate | Binary | Unary | Paren
