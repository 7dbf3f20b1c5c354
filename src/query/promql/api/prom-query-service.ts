import type { Labels } from '../../../core/batch/index.js'
import type { Clock } from '../../../core/index.js'
import type { Expr, Matcher } from '../ast.js'
import { AggregationError } from '../eval/aggregate.js'
import { BinaryMatchError } from '../eval/binary.js'
import { Evaluator, PromQLExecutionError, QueryLimitError } from '../eval/evaluate.js'
import { compareLabels, labelsKeyOf, labelsObject } from '../eval/labels.js'
import type { SeriesSource } from '../eval/value.js'
import { formatQueryData } from '../format.js'
import { PromQLParseError, parsePromQL } from '../parse.js'
import { PromApiError } from './prom-api-error.js'
import type { PromRuleGroup } from './prom-rules.js'
import { MAX_TIME_MS, MIN_TIME_MS, parsePromDuration, parsePromTime, timeParam } from './params.js'

export interface PromQueryLimits {
  /** Default and largest query timeout (a `timeout` parameter may only shorten it). */
  readonly timeoutMs: number
  readonly maxSamples: number
  readonly maxSeries: number
  readonly maxResultPoints: number
}

export const DEFAULT_PROM_QUERY_LIMITS: PromQueryLimits = {
  timeoutMs: 60_000,
  maxSamples: 20_000_000,
  maxSeries: 100_000,
  maxResultPoints: 5_000_000,
}

/** A tenant's samples for one query; `interrupt` cancels a read in progress, `close` frees it. */
export interface QuerySession {
  readonly source: SeriesSource
  interrupt(): void
  close(): void
}

/** The series of a tenant, for /series and the label endpoints (committed series only). */
export interface SeriesCatalog {
  select(
    tenant: string,
    matchers: readonly Matcher[],
    minMs: number,
    maxMs: number,
  ): readonly { readonly labels: Labels }[]
  all(
    tenant: string,
  ): readonly { readonly labels: Labels; readonly firstMs: number; readonly lastMs: number }[]
}

export interface PromQueryDeps {
  readonly openSession: (tenant: string) => Promise<QuerySession>
  readonly catalog: SeriesCatalog
  readonly clock: Clock
  readonly limits: PromQueryLimits
  /**
   * The tenant's alerting rules and their alerts for `/api/v1/rules` (src/alert/http
   * `prometheusRuleGroups`); absent: no rules.
   */
  readonly ruleGroups?: (tenant: string) => readonly PromRuleGroup[]
}

/** The JSON text of a whole answer, and its HTTP status. */
export interface PromAnswer {
  readonly status: number
  readonly body: string
}

/**
 * The Prometheus release whose query API and PromQL semantics Vigil reproduces; reported as
 * `version` by `/api/v1/status/buildinfo` (see `PromQueryService.buildInfo`).
 */
export const PROMETHEUS_COMPAT_VERSION = '2.42.0'

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const MAX_POINTS_PER_SERIES = 11_000

/**
 * Prometheus' HTTP query API (`/api/v1/query`, `query_range`, `series`, `labels`,
 * `label/<name>/values`) over one tenant's data: parameters, errors and JSON as Prometheus 2.42
 * answers them. Every method takes the caller's tenant (from its key) and sees nothing else.
 */
export class PromQueryService {
  readonly #d: PromQueryDeps

  constructor(deps: PromQueryDeps) {
    this.#d = deps
  }

  /** GET/POST /api/v1/query */
  query(tenant: string, params: URLSearchParams): Promise<PromAnswer> {
    return answer(async () => {
      const time = timeParam(params, 'time', this.#d.clock.nowMs())
      const timeoutMs = this.#timeout(params)
      const parsed = parseQuery(params.get('query') ?? '')
      return this.#run(tenant, timeoutMs, (ev) => ev.instant(parsed.expr, parsed.type, time))
    })
  }

  /** GET/POST /api/v1/query_range */
  queryRange(tenant: string, params: URLSearchParams): Promise<PromAnswer> {
    return answer(async () => {
      const start = parsePromTime(params.get('start') ?? '', 'start')
      const end = parsePromTime(params.get('end') ?? '', 'end')
      if (end < start) throw PromApiError.param('end', 'end timestamp must not be before start time')
      const step = parsePromDuration(params.get('step') ?? '', 'step')
      if (!(step > 0)) {
        throw PromApiError.param(
          'step',
          'zero or negative query resolution step widths are not accepted. Try a positive integer',
        )
      }
      if (Math.floor((end - start) / step) > MAX_POINTS_PER_SERIES) {
        throw new PromApiError(
          'bad_data',
          'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
        )
      }
      const timeoutMs = this.#timeout(params)
      const parsed = parseQuery(params.get('query') ?? '')
      if (parsed.type !== 'scalar' && parsed.type !== 'vector') {
        const name = parsed.type === 'matrix' ? 'range vector' : parsed.type
        throw new PromApiError(
          'bad_data',
          `invalid expression type ${JSON.stringify(name)} for range query, must be Scalar or instant Vector`,
        )
      }
      return this.#run(tenant, timeoutMs, (ev) => ev.range(parsed.expr, start, end, Math.round(step)))
    })
  }

  /** GET/POST /api/v1/series */
  series(tenant: string, params: URLSearchParams): Promise<PromAnswer> {
    return answer(async () => {
      const selectors = params.getAll('match[]')
      if (selectors.length === 0) throw new PromApiError('bad_data', 'no match[] parameter provided')
      const { start, end } = bounds(params)
      const sets = selectors.map(parseSelector)
      const found = new Map<string, Labels>()
      for (const matchers of sets) {
        for (const s of this.#d.catalog.select(tenant, matchers, start, end))
          found.set(labelsKeyOf(s.labels), s.labels)
      }
      const list = [...found.values()].sort(compareLabels).map(labelsObject)
      return success(JSON.stringify(list))
    })
  }

  /** GET/POST /api/v1/labels */
  labels(tenant: string, params: URLSearchParams): Promise<PromAnswer> {
    return answer(async () => {
      const { start, end } = bounds(params)
      const names = new Set<string>()
      for (const s of this.#matching(tenant, params, start, end)) {
        for (let i = 0; i < s.labels.length; i += 2) names.add(s.labels[i]!)
      }
      return success(JSON.stringify([...names].sort()))
    })
  }

  /** GET /api/v1/label/<name>/values */
  labelValues(tenant: string, name: string, params: URLSearchParams): Promise<PromAnswer> {
    return answer(async () => {
      if (!LABEL_NAME.test(name))
        throw new PromApiError('bad_data', `invalid label name: ${JSON.stringify(name)}`)
      const { start, end } = bounds(params)
      const values = new Set<string>()
      for (const s of this.#matching(tenant, params, start, end)) {
        for (let i = 0; i < s.labels.length; i += 2) if (s.labels[i] === name) values.add(s.labels[i + 1]!)
      }
      return success(JSON.stringify([...values].sort()))
    })
  }

  /**
   * GET /api/v1/status/buildinfo. `version` is the Prometheus version whose API and PromQL
   * semantics Vigil reproduces (`PROMETHEUS_COMPAT_VERSION`), not Vigil's own: clients read it as a
   * Prometheus version to decide what the server supports (Grafana's version detection keeps it only
   * when it is semver and close to a Prometheus release it knows, then gates APIs on it, e.g. label
   * matchers on `/labels` from 2.24). Vigil's own version is in `revision` (`vigil-<version>`) and
   * `branch` is `vigil`, where a person reading the build info sees it. No `features` field: Grafana
   * takes a non-empty one for Mimir and would then call Mimir's ruler API.
   */
  buildInfo(vigilVersion: string): Promise<PromAnswer> {
    return answer(async () =>
      success(
        JSON.stringify({
          version: PROMETHEUS_COMPAT_VERSION,
          revision: `vigil-${vigilVersion}`,
          branch: 'vigil',
          buildUser: '',
          buildDate: '',
          goVersion: '',
        }),
      ),
    )
  }

  /**
   * GET /api/v1/metadata: metric metadata (TYPE, HELP, UNIT), which Vigil does not keep (ingest
   * reads remote write metadata only for each series' kind, and stores no HELP or UNIT), so the
   * answer is always `{}`. `limit` is checked as Prometheus checks it; `metric` narrows nothing.
   */
  metadata(_tenant: string, params: URLSearchParams): Promise<PromAnswer> {
    return answer(async () => {
      const limit = params.get('limit')
      if (limit !== null && limit !== '' && !isGoInt(limit))
        throw new PromApiError('bad_data', 'limit must be a number')
      return success('{}')
    })
  }

  /**
   * GET/POST /api/v1/query_exemplars: parameters checked as Prometheus 2.42 checks them (`start` and
   * `end` default to no bound, `end` not before `start`, `query` must parse). Vigil stores no
   * exemplars, so the answer is `[]`, or `null` for a query without a series selector, as
   * Prometheus answers both.
   */
  queryExemplars(_tenant: string, params: URLSearchParams): Promise<PromAnswer> {
    return answer(async () => {
      const { start, end } = bounds(params)
      if (end < start) throw new PromApiError('bad_data', 'end timestamp must not be before start timestamp')
      let expr: Expr
      try {
        expr = parsePromQL(params.get('query') ?? '').expr
      } catch (err) {
        if (err instanceof PromQLParseError) throw new PromApiError('bad_data', err.message)
        throw err
      }
      return success(hasSelector(expr) ? '[]' : 'null')
    })
  }

  /**
   * GET /api/v1/rules: the tenant's alerting rules and their pending and firing alerts, from
   * `ruleGroups` (none without it). Vigil evaluates no recording rules, so `type=record` answers no
   * groups; `type` is checked as Prometheus checks it (`alert`, `record` or empty). A group left
   * without rules by `type` is left out.
   */
  rules(tenant: string, params: URLSearchParams): Promise<PromAnswer> {
    return answer(async () => {
      const type = (params.get('type') ?? '').toLowerCase()
      if (type !== '' && type !== 'alert' && type !== 'record')
        throw PromApiError.param('type', `not supported value ${JSON.stringify(type)}`)
      const groups = type === 'record' ? [] : (this.#d.ruleGroups?.(tenant) ?? [])
      return success(JSON.stringify({ groups }))
    })
  }

  #matching(tenant: string, params: URLSearchParams, start: number, end: number) {
    const selectors = params.getAll('match[]')
    if (selectors.length === 0) {
      return this.#d.catalog.all(tenant).filter((s) => s.lastMs >= start && s.firstMs <= end)
    }
    return selectors.flatMap((sel) => this.#d.catalog.select(tenant, parseSelector(sel), start, end))
  }

  #timeout(params: URLSearchParams): number {
    const t = params.get('timeout')
    const max = this.#d.limits.timeoutMs
    if (t === null || t === '') return max
    return Math.min(max, parsePromDuration(t, 'timeout'))
  }

  async #run(
    tenant: string,
    timeoutMs: number,
    evaluate: (ev: Evaluator) => Promise<Parameters<typeof formatQueryData>[0]>,
  ): Promise<PromAnswer> {
    const { clock, limits } = this.#d
    const deadline = clock.nowMs() + timeoutMs
    const timedOut = () =>
      new PromApiError('timeout', `query timed out in expression evaluation (timeout ${timeoutMs} ms)`)
    const session = await this.#d.openSession(tenant)
    let expired = false
    const timer = setTimeout(() => {
      expired = true
      session.interrupt()
    }, timeoutMs)
    try {
      const ev = new Evaluator(session.source, {
        maxSamples: limits.maxSamples,
        maxSeries: limits.maxSeries,
        maxResultPoints: limits.maxResultPoints,
        checkDeadline: () => {
          if (expired || clock.nowMs() > deadline) throw timedOut()
        },
      })
      const result = await evaluate(ev)
      return success(formatQueryData(result))
    } catch (err) {
      if (expired) throw timedOut()
      throw err
    } finally {
      clearTimeout(timer)
      session.close()
    }
  }
}

/** Whether an expression reads any series (Prometheus' `parser.ExtractSelectors` is not empty). */
function hasSelector(e: Expr): boolean {
  switch (e.kind) {
    case 'vector':
    case 'matrix':
      return true
    case 'number':
    case 'string':
      return false
    case 'call':
      return e.args.some(hasSelector)
    case 'aggregate':
      return hasSelector(e.expr) || (e.param !== undefined && hasSelector(e.param))
    case 'binary':
      return hasSelector(e.lhs) || hasSelector(e.rhs)
    case 'unary':
    case 'paren':
      return hasSelector(e.expr)
  }
}

/** What Go's `strconv.Atoi` accepts on 64-bit: an optional sign and decimal digits within int64. */
function isGoInt(text: string): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false
  const n = BigInt(text)
  return n >= -(2n ** 63n) && n < 2n ** 63n
}

function parseQuery(text: string): { expr: Expr; type: ReturnType<typeof parsePromQL>['type'] } {
  try {
    return parsePromQL(text)
  } catch (err) {
    if (err instanceof PromQLParseError) throw PromApiError.param('query', err.message)
    throw err
  }
}

/** A `match[]` value: a series selector with at least one non-empty matcher. */
function parseSelector(text: string): readonly Matcher[] {
  let expr: Expr
  try {
    expr = parsePromQL(text).expr
  } catch (err) {
    if (err instanceof PromQLParseError) throw PromApiError.param('match[]', err.message)
    throw err
  }
  if (expr.kind !== 'vector' || expr.offsetMs !== 0) {
    throw PromApiError.param('match[]', `${JSON.stringify(text)} is not a series selector like up{job="api"}`)
  }
  return expr.matchers
}

function bounds(params: URLSearchParams): { start: number; end: number } {
  return { start: timeParam(params, 'start', MIN_TIME_MS), end: timeParam(params, 'end', MAX_TIME_MS) }
}

function success(data: string): PromAnswer {
  return { status: 200, body: `{"status":"success","data":${data}}` }
}

/** Runs one request, turning every refusal into Prometheus' error answer. */
async function answer(body: () => Promise<PromAnswer>): Promise<PromAnswer> {
  try {
    return await body()
  } catch (err) {
    const e = toApiError(err)
    return { status: e.status, body: e.body() }
  }
}

function toApiError(err: unknown): PromApiError {
  if (err instanceof PromApiError) return err
  if (
    err instanceof PromQLExecutionError ||
    err instanceof QueryLimitError ||
    err instanceof AggregationError ||
    err instanceof BinaryMatchError
  ) {
    return new PromApiError('execution', err.message)
  }
  throw err
}
