import type { Attributes } from '../../core/batch/index.js'
import { AttributeList } from './attribute-list.js'
import type { RecordLimits, RecordRejectReason } from './record-limits.js'
import { RecordTally } from './record-result.js'

/** The part of LogBatchBuilder and SpanBatchBuilder the decoders use for resources. */
export interface ResourceInterner {
  resource(service: string, attributes: Attributes, scope: string, scopeVersion: string): number
}

/**
 * What a logs or traces decode (protobuf or JSON) keeps while it walks a request: the batch
 * builder, rejects, the current resource and scope, and attribute lists reused from record to
 * record.
 */
export class RecordDecodeState<B extends ResourceInterner> {
  readonly builder: B
  readonly limits: RecordLimits
  readonly tally = new RecordTally()
  /** The current record's (or span's) attributes. */
  readonly attributes: AttributeList
  /** A second list, for resources, span events and links. */
  readonly inner: AttributeList
  accepted = 0
  service = ''
  resourceAttributes: Attributes = []
  /** Why every record of the current resource is rejected (its attributes broke a limit). */
  resourceViolation: RecordRejectReason | undefined
  scope = ''
  scopeVersion = ''
  #resourceIndex = -1

  constructor(builder: B, limits: RecordLimits) {
    this.builder = builder
    this.limits = limits
    this.attributes = new AttributeList(limits)
    this.inner = new AttributeList(limits)
  }

  /** Takes the resource attributes collected in `inner`; `service` is their `service.name`. */
  endResource(): void {
    this.resourceViolation = this.inner.violation
    this.resourceAttributes = this.inner.take()
    this.service = ''
    const attrs = this.resourceAttributes
    for (let i = 0; i < attrs.length; i += 2) if (attrs[i] === 'service.name') this.service = attrs[i + 1]!
  }

  beginScope(): void {
    this.scope = ''
    this.scopeVersion = ''
    this.#resourceIndex = -1
  }

  /** The dictionary index of the current resource + scope, interned when a row first needs it. */
  resource(): number {
    if (this.#resourceIndex < 0) {
      this.#resourceIndex = this.builder.resource(
        this.service,
        this.resourceAttributes,
        this.scope,
        this.scopeVersion,
      )
    }
    return this.#resourceIndex
  }
}
