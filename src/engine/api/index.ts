export type { StreamElement } from './stream-element.js'
export type { Collector, Operator, OperatorContext, StateTableDeclaration } from './operator.js'
