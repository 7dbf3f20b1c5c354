import { QueryParamError } from '../sql/query-error.js'

/**
 * Where a page of anomalies ended: the sort key of its last row. Rows sort newest first by
 * (time_ms, src_partition, src_offset, row_index), unique per stored row, so the next page starts
 * strictly after it: no anomaly is skipped or repeated, whatever rows share a time.
 */
export interface AnomalyCursor {
  readonly timeMs: bigint
  readonly partition: number
  readonly offset: bigint
  readonly rowIndex: number
}

const VERSION = 'a1'
const SHAPE = /^a1:(-?\d{1,19}):(\d{1,10}):(\d{1,19}):(\d{1,10})$/

/** The opaque cursor string for `c` (base64url). */
export function encodeAnomalyCursor(c: AnomalyCursor): string {
  const text = [VERSION, c.timeMs, c.partition, c.offset, c.rowIndex].join(':')
  return Buffer.from(text, 'utf8').toString('base64url')
}

/** Decodes a cursor returned by `queryAnomalies`; anything else is a QueryParamError naming `name`. */
export function decodeAnomalyCursor(value: string, name: string): AnomalyCursor {
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
    timeMs: BigInt(m[1]!),
    partition: Number(m[2]),
    offset: BigInt(m[3]!),
    rowIndex: Number(m[4]),
  }
}
