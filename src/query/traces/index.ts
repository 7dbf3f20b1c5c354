export { TRACE_MAX_SPANS_DEFAULT, getTrace } from './trace-query.js'
export type { TraceTree } from './trace-query.js'
export {
  TRACE_SEARCH_LIMIT_DEFAULT,
  TRACE_SEARCH_LIMIT_MAX,
  parseTraceSearch,
  searchTraces,
  spanStatuses,
} from './trace-search.js'
export type { SpanStatus, TraceSearch, TraceSummary } from './trace-search.js'
export type { SpanEvent, SpanLink, SpanNode } from './span-node.js'
