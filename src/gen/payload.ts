import type { GenSignal } from './gen-options.js'

export const payloadProtocols = ['remote_write', 'otlp'] as const
export type PayloadProtocol = (typeof payloadProtocols)[number]

/**
 * One request body, ready to send. `seq` is the request's identity (unique in a run, never
 * reused); `tsMs` is the timestamp every metric sample of the request carries (for logs and
 * traces: the time it was built). `records` counts samples (as remote_write series, a histogram
 * point being `_bucket`…, `_sum`, `_count`), log records or spans.
 */
export interface Payload {
  readonly signal: GenSignal
  readonly protocol: PayloadProtocol
  /** URL path, e.g. `/api/v1/write`. */
  readonly path: string
  readonly body: Buffer
  readonly records: number
  readonly seq: number
  readonly tsMs: number
  readonly isSnappy: boolean
}

/** Builds the next payload of one signal; `maxRecords` is the batch size. */
export interface PayloadBuilder {
  readonly signal: GenSignal
  readonly protocol: PayloadProtocol
  build(seq: number, tsMs: number, maxRecords: number): Payload
}
