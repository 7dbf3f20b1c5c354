import { QueryParamError } from '../sql/query-error.js'

export const logDirections = ['backward', 'forward'] as const
/** `backward`: newest first; `forward`: oldest first. */
export type LogDirection = (typeof logDirections)[number]

/**
 * Where a page of logs ended: the sort key of its last row. Rows sort by (time_ms, time_nanos,
 * src_partition, src_offset, row_index), unique per stored row, so the next page starts strictly
 * after it: no row is skipped or repeated, whatever rows share a timestamp.
 */
export interface LogCursor {
  readonly direction: LogDirection
  readonly timeMs: bigint
  readonly timeNanos: number
  readonly partition: number
  readonly offset: bigint
  readonly rowIndex: number
}

const VERSION = 'l1'
const SHAPE = /^l1:(backward|forward):(\d{1,19}):(\d{1,6}):(\d{1,10}):(\d{1,19}):(\d{1,10})$/

/** The opaque cursor string for `c` (base64url). */
export function encodeLogCursor(c: LogCursor): string {
  const text = [VERSION, c.direction, c.timeMs, c.timeNanos, c.partition, c.offset, c.rowIndex].join(':')
  return Buffer.from(text, 'utf8').toString('base64url')
}

/** Decodes a cursor returned by `queryLogs`; anything else is a QueryParamError. */
export function decodeLogCursor(value: string, name: string): LogCursor {
  const m = /^[A-Za-z0-9_-]+$/.test(value)
    ? SHAPE.exec(Buffer.from(value, 'base64url').toString('utf8'))
    : null
  if (m === null) {
    throw new QueryParamError(
      name,
      'is not a cursor returned by this API; pass nextCursor from the previous page',
    )
  }
  return {
    direction: m[1] as LogDirection,
    timeMs: BigInt(m[2]!),
    timeNanos: Number(m[3]),
    partition: Number(m[4]),
    offset: BigInt(m[5]!),
    rowIndex: Number(m[6]),
  }
}
