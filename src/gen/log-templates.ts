import type { Rng } from './rng.js'

/**
 * Log line templates: realistic text with variable parts (ids, durations, IPs, counts), the kind
 * of lines a template miner must group. Each service gets the twelve common templates (worded
 * with its own routes and callees) plus its own flavour lines. `NEW_PATTERN` is the template a
 * `new-log-pattern` incident introduces.
 */
export const severities = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const
export type Severity = (typeof severities)[number]
/** OTLP SeverityNumber per severity (DEBUG=5, INFO=9, WARN=13, ERROR=17). */
export const SEVERITY_NUMBER: Readonly<Record<Severity, number>> = { DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17 }

export interface LineContext {
  readonly service: string
  readonly route: string
  /** A service this one calls, or a made-up dependency for leaves. */
  readonly callee: string
}

export interface LogTemplate {
  readonly severity: Severity
  render(r: Rng, c: LineContext): string
}

const hex = (r: Rng, n: number): string => {
  let s = ''
  while (s.length < n) s += r.uint32().toString(16).padStart(8, '0')
  return s.slice(0, n)
}
const ip = (r: Rng): string => `10.${r.int(256)}.${r.int(256)}.${1 + r.int(254)}`
const ms = (r: Rng, median: number): string => r.logNormal(median, 0.6).toFixed(1)
const user = (r: Rng): string => `u-${100000 + r.int(900000)}`
const t = (severity: Severity, render: (r: Rng, c: LineContext) => string): LogTemplate => ({
  severity,
  render,
})

export const COMMON_TEMPLATES: readonly LogTemplate[] = [
  t('INFO', (r, c) => `${c.route} 200 ${ms(r, 25)}ms request_id=${hex(r, 16)} client=${ip(r)}`),
  t('INFO', (r, c) => `Handled ${c.route} for user ${user(r)} in ${ms(r, 30)} ms`),
  t('DEBUG', (r, c) => `Cache hit for key ${c.service}:${hex(r, 8)} (ttl ${30 + r.int(570)}s)`),
  t('DEBUG', (r) => `Cache miss for key session:${hex(r, 12)}, loading from store`),
  t('INFO', (r, c) => `Calling ${c.callee} ${c.route} attempt=1 timeout=${500 + 100 * r.int(20)}ms`),
  t('INFO', (r) => `Connection pool stats: active=${r.int(20)} idle=${r.int(10)} waiting=${r.int(3)}`),
  t(
    'WARN',
    (r, c) => `Slow request ${c.route} took ${ms(r, 900)} ms (threshold 500 ms) request_id=${hex(r, 16)}`,
  ),
  t(
    'WARN',
    (r, c) => `Retrying call to ${c.callee} after ${50 * (1 + r.int(8))} ms (attempt ${2 + r.int(3)} of 5)`,
  ),
  t('INFO', (r) => `GC pause ${ms(r, 4)} ms, heap used ${200 + r.int(600)} MiB of 1024 MiB`),
  t('INFO', (r) => `Accepted connection from ${ip(r)}:${1024 + r.int(60000)}`),
  t(
    'ERROR',
    (r, c) =>
      `Upstream ${c.callee} returned 503 for ${c.route} after ${ms(r, 1200)} ms request_id=${hex(r, 16)}`,
  ),
  t(
    'ERROR',
    (r, c) =>
      `Request ${c.route} failed: context deadline exceeded after ${1000 + r.int(4000)} ms trace_id=${hex(r, 32)}`,
  ),
]

const FLAVOUR: Readonly<Record<string, readonly LogTemplate[]>> = {
  frontend: [t('INFO', (r) => `Rendered page /product/${10000 + r.int(90000)} in ${ms(r, 40)} ms (ssr)`)],
  checkout: [
    t(
      'INFO',
      (r) =>
        `Order ord-${hex(r, 10)} placed: ${1 + r.int(6)} items, total ${(r.next() * 400).toFixed(2)} EUR`,
    ),
  ],
  payments: [
    t('INFO', (r) => `Charge ch_${hex(r, 14)} authorized amount=${(r.next() * 400).toFixed(2)} currency=EUR`),
    t('WARN', (r) => `Card declined for customer cus_${hex(r, 10)}: insufficient_funds`),
  ],
  db: [t('DEBUG', (r) => `Query executed rows=${r.int(500)} duration=${ms(r, 3)}ms plan=index_scan`)],
  inventory: [
    t('INFO', (r) => `Reserved ${1 + r.int(5)} units of sku-${10000 + r.int(90000)} (left ${r.int(300)})`),
  ],
}

/** Appears only during a `new-log-pattern` incident. */
export const NEW_PATTERN: LogTemplate = t(
  'ERROR',
  (r, c) =>
    `Circuit breaker for ${c.callee} opened after ${5 + r.int(20)} consecutive failures; shedding load for ${10 + r.int(50)}s`,
)

/** The templates of one service: the common ones, then its flavour lines. */
export function templatesFor(service: string): readonly LogTemplate[] {
  return [...COMMON_TEMPLATES, ...(FLAVOUR[service] ?? [])]
}
