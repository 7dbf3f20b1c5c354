import { labelsKey } from './labels.js'

/**
 * Attributes of a log record, span, resource or event: flat `[key0, value0, key1, value1, …]` in
 * the order received (keys unique). Values are strings: OTLP's typed AnyValue is rendered the way
 * the OTLP → Prometheus/Loki translations do (ints and doubles in decimal, booleans as
 * `true`/`false`, bytes as base64, arrays and maps as JSON), so every signal shares one shape and
 * one string-table codec. Flat arrays keep an attribute set to one allocation.
 */
export type Attributes = readonly string[]

/** The value of attribute `key`, or undefined. */
export function attributeValue(attributes: Attributes, key: string): string | undefined {
  for (let i = 0; i < attributes.length; i += 2) if (attributes[i] === key) return attributes[i + 1]
  return undefined
}

/**
 * One entry of a batch's resource dictionary: who emitted the rows that point at it. OTLP's
 * resource and instrumentation scope are folded into one entry (rows reference one index); Loki
 * streams put their stream labels here.
 */
export interface ResourceEntry {
  /** `service.name` (OTLP), the `service_name`/`service`/`job`/`app` label (Loki); '' if none. */
  readonly service: string
  /** Every resource attribute (stream labels for Loki), `service.name` included. */
  readonly attributes: Attributes
  /** Instrumentation scope name and version; '' when absent. */
  readonly scope: string
  readonly scopeVersion: string
}

/**
 * Interns resource entries by content, so a batch's dictionary holds each distinct resource once.
 * Shared by the log, span and event batch builders.
 */
export class ResourceDictionary {
  readonly entries: ResourceEntry[] = []
  readonly #index = new Map<string, number>()

  /** The index of this resource, adding it on first sight. */
  intern(service: string, attributes: Attributes, scope = '', scopeVersion = ''): number {
    const key = `${service}\u0001${scope}\u0001${scopeVersion}\u0001${labelsKey(attributes)}`
    const known = this.#index.get(key)
    if (known !== undefined) return known
    const idx = this.entries.length
    this.entries.push({ service, attributes, scope, scopeVersion })
    this.#index.set(key, idx)
    return idx
  }
}

/**
 * The shared part of the log and span batch builders: a tenant, a resource dictionary and rows
 * that point into it. `build()` hands out the arrays (the builder must not be used afterwards).
 */
export class RowBatchBuilder<Row> {
  protected readonly tenant: string
  protected readonly resources = new ResourceDictionary()
  protected readonly rows: Row[] = []

  constructor(tenant: string) {
    this.tenant = tenant
  }

  get length(): number {
    return this.rows.length
  }

  resource(service: string, attributes: Attributes, scope = '', scopeVersion = ''): number {
    return this.resources.intern(service, attributes, scope, scopeVersion)
  }

  add(row: Row): void {
    this.rows.push(row)
  }
}
