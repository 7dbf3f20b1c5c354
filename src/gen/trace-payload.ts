import { ProtoEncoder } from '../ingest/protobuf/proto-encoder.js'
import { GEN_SEQ_ATTRIBUTE } from './log-payload.js'
import { OtlpResources, intAttribute, stringAttribute } from './otlp-common.js'
import type { Payload, PayloadBuilder } from './payload.js'
import type { Rng } from './rng.js'
import type { ServiceHealth } from './service-health.js'
import { routeMethod } from './topology.js'
import type { Topology } from './topology.js'

export const OTLP_TRACES_PATH = '/v1/traces'

/** Field numbers (opentelemetry-proto trace/v1/trace.proto). */
const TRACE_ID = 1
const SPAN_ID = 2
const PARENT_SPAN_ID = 4
const NAME = 5
const KIND = 6
const START_TIME = 7
const END_TIME = 8
const ATTRIBUTES = 9
const STATUS = 15
const STATUS_MESSAGE = 2
const STATUS_CODE = 3
const SPAN_KIND_SERVER = 2
const SPAN_KIND_CLIENT = 3
const STATUS_CODE_ERROR = 2

/** Median self time of a server span (µs) and network hop time (µs). */
const SELF_MEDIAN_US = 4000
const HOP_MEDIAN_US = 400
/** Chance that a call other than a service's first is made in a given trace. */
const OPTIONAL_CALL_SHARE = 0.85

/**
 * OTLP/HTTP protobuf `ExportTraceServiceRequest` bodies of whole request trees: a frontend server
 * span calls its callees (a CLIENT span in the caller, a SERVER span in the callee, recursively),
 * with log-normal self times, durations that add up along the tree, and errors that start at one
 * service and travel up to the root. Every span carries `gen.seq`. A request holds whole traces
 * while they fit `maxRecords` spans (at least one). Spans are built into reused typed arrays and
 * then written grouped by service, one ResourceSpans each.
 */
export class OtlpTracesPayloads implements PayloadBuilder {
  readonly signal = 'traces'
  readonly protocol = 'otlp'
  readonly #topology: Topology
  readonly #rng: Rng
  readonly #health: ServiceHealth
  readonly #resources: OtlpResources
  readonly #w = new ProtoEncoder(64 * 1024)
  // span table, reused across requests
  #cap = 0
  #n = 0
  #service = new Uint16Array(0)
  #parent = new Int32Array(0)
  #kind = new Uint8Array(0)
  #target = new Uint16Array(0)
  #route = new Uint16Array(0)
  #startUs = new Float64Array(0)
  #endUs = new Float64Array(0)
  #error = new Uint8Array(0)
  #trace = new Uint32Array(0)
  #spanIds = new Uint8Array(0)
  #traceIds = new Uint8Array(0)
  #tsMs = 0

  constructor(topology: Topology, rng: Rng, health: ServiceHealth) {
    this.#topology = topology
    this.#rng = rng
    this.#health = health
    this.#resources = new OtlpResources(topology.services)
  }

  build(seq: number, tsMs: number, maxRecords: number): Payload {
    this.#n = 0
    this.#tsMs = tsMs
    let traces = 0
    for (;;) {
      const before = this.#n
      this.#ensure(before + this.#maxTraceSpans())
      if (this.#traceIds.length < (traces + 1) * 16) this.#growTraceIds(traces + 1)
      this.#rng.fill(this.#traceIds, traces * 16, 16)
      const routes = this.#topology.routes[0] ?? ['/']
      this.#visit(0, -1, 0, this.#rng.int(routes.length), traces, (traces % 1000) * 1000)
      if (this.#n > maxRecords && traces > 0) {
        this.#n = before // this trace does not fit: drop it
        break
      }
      traces++
      if (this.#n >= maxRecords) break
    }
    return {
      signal: 'traces',
      protocol: 'otlp',
      path: OTLP_TRACES_PATH,
      body: this.#encode(seq),
      records: this.#n,
      seq,
      tsMs,
      isSnappy: false,
    }
  }

  /** Adds the server span of `s` (and its subtree) under `parent`; returns its end (µs). */
  #visit(s: number, parent: number, startUs: number, route: number, trace: number, offsetUs: number): number {
    const rng = this.#rng
    const server = this.#push(s, parent, SPAN_KIND_SERVER, s, route, trace, startUs + offsetUs)
    const factor = this.#health.latencyFactor(s, this.#tsMs)
    const self = Math.round(rng.logNormal(SELF_MEDIAN_US * factor, 0.5))
    let t = startUs + Math.round(self / 2)
    let failed = rng.next() < this.#health.errorShare(s, this.#tsMs)
    const callees = this.#topology.callees[s] ?? []
    for (let k = 0; k < callees.length; k++) {
      if (k > 0 && rng.next() > OPTIONAL_CALL_SHARE) continue
      const c = callees[k]!
      const calleeRoutes = this.#topology.routes[c]?.length ?? 1
      const calleeRoute = rng.int(calleeRoutes)
      const client = this.#push(s, server, SPAN_KIND_CLIENT, c, calleeRoute, trace, t + offsetUs)
      const hop = Math.round(rng.logNormal(HOP_MEDIAN_US, 0.4))
      const end = this.#visit(c, client, t + hop, calleeRoute, trace, offsetUs) + hop
      this.#endUs[client] = end + offsetUs
      if (this.#error[client + 1] === 1) {
        this.#error[client] = 1
        failed = true
      }
      t = end
    }
    const end = t + self - Math.round(self / 2)
    this.#endUs[server] = end + offsetUs
    this.#error[server] = failed ? 1 : 0
    return end
  }

  #push(
    s: number,
    parent: number,
    kind: number,
    target: number,
    route: number,
    trace: number,
    startUs: number,
  ): number {
    const i = this.#n++
    this.#service[i] = s
    this.#parent[i] = parent
    this.#kind[i] = kind
    this.#target[i] = target
    this.#route[i] = route
    this.#trace[i] = trace
    this.#startUs[i] = startUs
    this.#endUs[i] = startUs
    this.#error[i] = 0
    this.#rng.fill(this.#spanIds, i * 8, 8)
    return i
  }

  #encode(seq: number): Buffer {
    const w = this.#w
    const services = this.#topology.services
    w.reset()
    for (let s = 0; s < services.length; s++) {
      let open = false
      for (let i = 0; i < this.#n; i++) {
        if (this.#service[i] !== s) continue
        if (!open) this.#resources.open(w, s)
        open = true
        this.#span(i, seq)
      }
      if (open) this.#resources.close(w)
    }
    return w.finish()
  }

  #span(i: number, seq: number): void {
    const w = this.#w
    const target = this.#target[i]!
    const route = this.#topology.routes[target]?.[this.#route[i]!] ?? '/'
    const isServer = this.#kind[i] === SPAN_KIND_SERVER
    const isError = this.#error[i] === 1
    const isDb = this.#topology.services[target] === 'db'
    w.fork(2) // Span
    w.bytes(TRACE_ID, this.#traceIds.subarray(this.#trace[i]! * 16, this.#trace[i]! * 16 + 16))
    w.bytes(SPAN_ID, this.#spanIds.subarray(i * 8, i * 8 + 8))
    const parent = this.#parent[i]!
    if (parent >= 0) w.bytes(PARENT_SPAN_ID, this.#spanIds.subarray(parent * 8, parent * 8 + 8))
    w.string(NAME, isDb ? route : `${routeMethod(route)} ${route}`)
    w.varint(KIND, this.#kind[i]!)
    this.#time(START_TIME, this.#startUs[i]!)
    this.#time(END_TIME, this.#endUs[i]!)
    intAttribute(w, ATTRIBUTES, GEN_SEQ_ATTRIBUTE, seq)
    if (isDb) {
      stringAttribute(w, ATTRIBUTES, 'db.system', 'postgresql')
      stringAttribute(w, ATTRIBUTES, 'db.statement', route)
    } else {
      stringAttribute(w, ATTRIBUTES, 'http.route', route)
      intAttribute(w, ATTRIBUTES, 'http.response.status_code', isError ? 500 : 200)
    }
    if (!isServer) stringAttribute(w, ATTRIBUTES, 'peer.service', this.#topology.services[target] ?? '')
    if (isError) {
      w.fork(STATUS)
      w.string(STATUS_MESSAGE, isServer ? 'internal error' : 'upstream returned 500')
      w.varint(STATUS_CODE, STATUS_CODE_ERROR)
      w.join()
    }
    w.join()
  }

  #time(field: number, relUs: number): void {
    const ms = Math.floor(relUs / 1000)
    this.#w.fixed64TimeNs(field, this.#tsMs + ms, (relUs - ms * 1000) * 1000)
  }

  /** Spans of the largest possible trace (every optional call made). */
  #maxTraceSpans(): number {
    const count = (s: number, depth: number): number =>
      depth > 16 ? 1 : 1 + (this.#topology.callees[s] ?? []).reduce((n, c) => n + 1 + count(c, depth + 1), 0)
    return count(0, 0)
  }

  #ensure(spans: number): void {
    if (spans <= this.#cap) return
    const cap = Math.max(spans, this.#cap * 2, 64)
    const grow = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(
      old: T,
      make: (n: number) => T,
      per = 1,
    ): T => {
      const next = make(cap * per)
      next.set(old)
      return next
    }
    this.#service = grow(this.#service, (n) => new Uint16Array(n))
    this.#parent = grow(this.#parent, (n) => new Int32Array(n))
    this.#kind = grow(this.#kind, (n) => new Uint8Array(n))
    this.#target = grow(this.#target, (n) => new Uint16Array(n))
    this.#route = grow(this.#route, (n) => new Uint16Array(n))
    this.#startUs = grow(this.#startUs, (n) => new Float64Array(n))
    this.#endUs = grow(this.#endUs, (n) => new Float64Array(n))
    this.#error = grow(this.#error, (n) => new Uint8Array(n))
    this.#trace = grow(this.#trace, (n) => new Uint32Array(n))
    this.#spanIds = grow(this.#spanIds, (n) => new Uint8Array(n), 8)
    this.#cap = cap
  }

  #growTraceIds(traces: number): void {
    const next = new Uint8Array(Math.max(traces, 64) * 16 * 2)
    next.set(this.#traceIds)
    this.#traceIds = next
  }
}
