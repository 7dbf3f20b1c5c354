import { PipelineError } from '../../core/index.js'
import { canonicalLabels } from '../alert-labels.js'
import type { InstantQuery, QuerySample } from './prometheus-rule-evaluator.js'

/**
 * The part of the query API's `PromQueryService` (src/query/promql/api) that rules need: an instant
 * query for one tenant, answered as Prometheus' JSON. Structural, so alerting does not depend on
 * the query module's internals and tests can stand in for it.
 */
export interface PromInstantQueryApi {
  query(tenant: string, params: URLSearchParams): Promise<{ readonly status: number; readonly body: string }>
}

/** Prometheus' error types that a later try may not hit (the others are the query's own fault). */
const RETRYABLE_ERROR_TYPES = new Set(['timeout', 'canceled', 'unavailable', 'internal'])

/**
 * An `InstantQuery` on the store's PromQL engine for `tenant`: the same evaluation, limits and
 * timeout as `GET /api/v1/query?query=…&time=…`. A vector answer gives its samples, a scalar one
 * sample without labels (Prometheus' `EngineQueryFunc`); a string or matrix answer, or an error
 * answer, rejects with a `PipelineError` (`ALERT_QUERY`) carrying Prometheus' message.
 */
export function promQLSource(api: PromInstantQueryApi, tenant: string): InstantQuery {
  return async (expr, timeMs) => {
    // RFC 3339 keeps the millisecond exact (a float of seconds may not).
    const params = new URLSearchParams({ query: expr, time: new Date(timeMs).toISOString() })
    const answer = await api.query(tenant, params)
    const body = JSON.parse(answer.body) as PromBody
    if (body.status !== 'success' || body.data === undefined) {
      const type = body.errorType ?? 'unknown'
      throw new PipelineError(`${type}: ${body.error ?? `HTTP ${answer.status}`}`, {
        code: 'ALERT_QUERY',
        domain: RETRYABLE_ERROR_TYPES.has(type) ? 'external' : 'user',
        retryable: RETRYABLE_ERROR_TYPES.has(type),
      })
    }
    const { resultType, result } = body.data
    if (resultType === 'vector') {
      return (result as VectorItem[]).map((s): QuerySample => ({
        labels: canonicalLabels(s.metric),
        value: parseSampleValue(s.value[1]),
      }))
    }
    if (resultType === 'scalar')
      return [{ labels: {}, value: parseSampleValue((result as [number, string])[1]) }]
    throw new PipelineError(`rule result is not a vector or scalar but a ${resultType}`, {
      code: 'ALERT_QUERY',
      domain: 'user',
      retryable: false,
    })
  }
}

interface PromBody {
  readonly status: string
  readonly errorType?: string
  readonly error?: string
  readonly data?: { readonly resultType: string; readonly result: unknown }
}

interface VectorItem {
  readonly metric: Record<string, string>
  readonly value: [number, string]
}

/** Prometheus' sample value text: Go's float, or NaN, +Inf, -Inf. */
function parseSampleValue(text: string): number {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  return Number(text)
}
