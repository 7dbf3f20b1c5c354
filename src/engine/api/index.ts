export type { StreamElement } from './stream-element.js'
export type { Collector, Operator, OperatorContext, StateTableDeclaration } from './operator.js'
export { chain } from './chain.js'
export { filter, flatMap, keyBy, map } from './stateless.js'
export type { Batch, Keyed } from './stateless.js'
export { REPARTITION_PREFIX, repartitionTopic, validateJobGraph } from './job-graph.js'
export type {
  JobGraph,
  KeyedElementCodec,
  StageCodec,
  StageOutput,
  StageSpec,
  ValidatedJobGraph,
} from './job-graph.js'
