import { ProtoEncoder } from '../ingest/protobuf/proto-encoder.js'

/**
 * OTLP building blocks shared by the metrics, logs and traces payloads. Field numbers from
 * opentelemetry-proto (common/v1/common.proto, resource/v1/resource.proto): KeyValue{key=1,
 * value=2}, AnyValue{string_value=1, bool_value=2, int_value=3, double_value=4},
 * Resource{attributes=1}, InstrumentationScope{name=1, version=2}. In every Resource* message
 * the resource is field 1 and the Scope* list field 2; in every Scope* message the scope is field
 * 1 and the records field 2; every Export*ServiceRequest holds its Resource* list in field 1.
 */
export const SCOPE_NAME = 'vigil-gen'
export const SCOPE_VERSION = '1'

export function stringAttribute(w: ProtoEncoder, field: number, key: string, value: string): void {
  openAttribute(w, field, key)
  w.string(1, value)
  closeAttribute(w)
}

export function intAttribute(w: ProtoEncoder, field: number, key: string, value: number): void {
  openAttribute(w, field, key)
  w.int64(3, value)
  closeAttribute(w)
}

/** Opens KeyValue `field` and its AnyValue; write exactly one AnyValue field, then close. */
function openAttribute(w: ProtoEncoder, field: number, key: string): void {
  w.fork(field)
  w.string(1, key)
  w.fork(2)
}

function closeAttribute(w: ProtoEncoder): void {
  w.join()
  w.join()
}

/**
 * The per-service resources and the scope, encoded once. `open(w, s)` starts the
 * Resource{Metrics,Logs,Spans} message of service `s` and its Scope* message, so the records come
 * next (as field 2); `close(w)` ends both.
 */
export class OtlpResources {
  readonly #resources: Buffer[]
  readonly #scope = scopeBytes()

  constructor(services: readonly string[]) {
    this.#resources = services.map(resourceBytes)
  }

  open(w: ProtoEncoder, service: number): void {
    w.fork(1)
    w.rawBytes(this.#resources[service]!)
    w.fork(2)
    w.rawBytes(this.#scope)
  }

  close(w: ProtoEncoder): void {
    w.join()
    w.join()
  }
}

/** Pre-encoded `Resource` (as field 1) + the opening of the scope: written once per service. */
function resourceBytes(service: string): Buffer {
  const w = new ProtoEncoder(128)
  w.fork(1)
  stringAttribute(w, 1, 'service.name', service)
  stringAttribute(w, 1, 'service.namespace', 'vigil-demo')
  stringAttribute(w, 1, 'deployment.environment', 'gen')
  w.join()
  return w.finish()
}

/** Pre-encoded `InstrumentationScope` as field 1 of a Scope* message. */
function scopeBytes(): Buffer {
  const w = new ProtoEncoder(64)
  w.fork(1)
  w.string(1, SCOPE_NAME)
  w.string(2, SCOPE_VERSION)
  w.join()
  return w.finish()
}

/** Pre-encoded repeated KeyValue string attributes as `field`. */
export function attributesBytes(field: number, attrs: readonly (readonly [string, string])[]): Buffer {
  const w = new ProtoEncoder(128)
  for (const [k, v] of attrs) stringAttribute(w, field, k, v)
  return w.finish()
}
