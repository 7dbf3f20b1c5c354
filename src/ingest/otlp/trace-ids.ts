import type { ProtoReader } from '../protobuf/proto-reader.js'
import { JsonShapeError } from './json-fields.js'
import type { JsonObject } from './json-fields.js'

/**
 * Trace and span ids as lowercase hex, from protobuf bytes or OTLP/JSON hex strings. '' when the
 * id is absent or all zeros (the spec's invalid id, which senders use for "none"); undefined when
 * it has the wrong length (16 bytes for a trace id, 8 for a span id) or, in JSON, is not hex.
 */
export const TRACE_ID_BYTES = 16
export const SPAN_ID_BYTES = 8

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function idFromBytes(buf: Uint8Array, start: number, end: number, size: number): string | undefined {
  const n = end - start
  if (n === 0) return ''
  if (n !== size) return undefined
  let out = ''
  let zero = true
  for (let i = start; i < end; i++) {
    const b = buf[i]!
    if (b !== 0) zero = false
    out += HEX[b]
  }
  return zero ? '' : out
}

/** Reads a length-delimited id field at `r.pos` (see `idFromBytes`). */
export function readId(r: ProtoReader, size: number): string | undefined {
  const end = r.lengthDelimited()
  const id = idFromBytes(r.buf, r.pos, end, size)
  r.pos = end
  return id
}

const HEX_TEXT = /^[0-9a-fA-F]*$/
const ZEROS = /^0*$/

export function idFromJson(o: JsonObject, key: string, what: string, size: number): string | undefined {
  const v = o[key]
  if (v === undefined || v === null) return ''
  if (typeof v !== 'string') throw new JsonShapeError(`${what}.${key}: expected a hex string`)
  if (v.length === 0) return ''
  if (v.length !== size * 2 || !HEX_TEXT.test(v)) return undefined
  return ZEROS.test(v) ? '' : v.toLowerCase()
}
