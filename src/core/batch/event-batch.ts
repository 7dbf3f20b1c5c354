import type { Attributes } from './resource.js'

/**
 * A batch of business events of one tenant and one stream (`POST /api/v1/events/{stream}`, one
 * NDJSON line per event). An event's JSON object is flattened into `fields`: nested object keys are
 * joined with `.` (`{"user":{"id":7}}` → `user.id` = `7`), scalars rendered as in `Attributes`
 * (strings as is, numbers in decimal, booleans `true`/`false`, null as `null`), arrays as JSON
 * text. The log stores these rows in a compact binary form, never the JSON line.
 */
export interface EventRow {
  /** Event time, integer epoch ms (from the event's time field, else the receive time). */
  readonly timeMs: number
  /** The service the event belongs to ('' if none): its `service` field, else ''. */
  readonly service: string
  readonly fields: Attributes
}

export interface EventBatch {
  readonly kind: 'events'
  readonly tenant: string
  /** The stream name from the URL path. */
  readonly stream: string
  readonly rows: readonly EventRow[]
}
