import { ProtoEncoder } from '../ingest/protobuf/proto-encoder.js'
import { NEW_PATTERN, SEVERITY_NUMBER, templatesFor } from './log-templates.js'
import type { LineContext, LogTemplate } from './log-templates.js'
import { OtlpResources, intAttribute } from './otlp-common.js'
import type { Payload, PayloadBuilder } from './payload.js'
import type { Rng } from './rng.js'
import type { ServiceHealth } from './service-health.js'
import type { Topology } from './topology.js'

export const OTLP_LOGS_PATH = '/v1/logs'
/** The attribute every record carries: the request's `seq`. */
export const GEN_SEQ_ATTRIBUTE = 'gen.seq'
/** Share of a service's lines that use the new template during a `new-log-pattern` incident. */
export const NEW_PATTERN_SHARE = 0.05

/** Field numbers (opentelemetry-proto logs/v1/logs.proto, LogRecord). */
const TIME = 1
const SEVERITY_NUMBER_FIELD = 2
const SEVERITY_TEXT = 3
const BODY = 5
const ATTRIBUTES = 6
const OBSERVED_TIME = 11

interface ServiceLines {
  readonly ok: readonly LogTemplate[]
  readonly errors: readonly LogTemplate[]
  readonly contexts: readonly LineContext[]
}

/**
 * OTLP/HTTP protobuf `ExportLogsServiceRequest` bodies: the request's lines split evenly over the
 * services, one ResourceLogs each; every record carries `gen.seq` = the request's seq. Line `k` of
 * a request is stamped `tsMs` + k µs, so records keep their order.
 */
export class OtlpLogsPayloads implements PayloadBuilder {
  readonly signal = 'logs'
  readonly protocol = 'otlp'
  readonly #topology: Topology
  readonly #rng: Rng
  readonly #health: ServiceHealth
  readonly #resources: OtlpResources
  readonly #lines: ServiceLines[]
  readonly #w = new ProtoEncoder(64 * 1024)

  constructor(topology: Topology, rng: Rng, health: ServiceHealth) {
    this.#topology = topology
    this.#rng = rng
    this.#health = health
    this.#resources = new OtlpResources(topology.services)
    this.#lines = topology.services.map((service, s) => {
      const all = templatesFor(service)
      const callees = topology.callees[s] ?? []
      const contexts = (topology.routes[s] ?? ['/']).map((route, k) => ({
        service,
        route,
        callee: topology.services[callees[k % Math.max(1, callees.length)] ?? -1] ?? 'object-store',
      }))
      return {
        ok: all.filter((x) => x.severity !== 'ERROR'),
        errors: all.filter((x) => x.severity === 'ERROR'),
        contexts,
      }
    })
  }

  build(seq: number, tsMs: number, maxRecords: number): Payload {
    const w = this.#w
    const rng = this.#rng
    const n = this.#topology.services.length
    w.reset()
    let line = 0
    for (let s = 0; s < n; s++) {
      const count = Math.floor(maxRecords / n) + (s < maxRecords % n ? 1 : 0)
      if (count === 0) continue
      const lines = this.#lines[s]!
      const errorShare = this.#health.errorShare(s, tsMs)
      const newPattern = this.#health.isActive('new-log-pattern', s, tsMs)
      this.#resources.open(w, s)
      for (let k = 0; k < count; k++, line++) {
        const p = rng.next()
        const template =
          newPattern && p < NEW_PATTERN_SHARE
            ? NEW_PATTERN
            : p < errorShare
              ? lines.errors[rng.int(lines.errors.length)]!
              : lines.ok[rng.int(lines.ok.length)]!
        const context = lines.contexts[rng.int(lines.contexts.length)]!
        const extraNs = (line % 1000) * 1000
        w.fork(2) // LogRecord
        w.fixed64TimeNs(TIME, tsMs, extraNs)
        w.fixed64TimeNs(OBSERVED_TIME, tsMs, extraNs)
        w.varint(SEVERITY_NUMBER_FIELD, SEVERITY_NUMBER[template.severity])
        w.string(SEVERITY_TEXT, template.severity)
        w.fork(BODY)
        w.string(1, template.render(rng, context))
        w.join()
        intAttribute(w, ATTRIBUTES, GEN_SEQ_ATTRIBUTE, seq)
        w.join()
      }
      this.#resources.close(w)
    }
    return {
      signal: 'logs',
      protocol: 'otlp',
      path: OTLP_LOGS_PATH,
      body: w.finish(),
      records: line,
      seq,
      tsMs,
      isSnappy: false,
    }
  }
}
