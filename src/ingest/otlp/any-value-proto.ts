import type { ProtoReader } from '../protobuf/proto-reader.js'
import { WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../protobuf/proto-reader.js'

/**
 * OTLP `AnyValue` (common/v1/common.proto) read as a label value. Strings stay as they are; bool,
 * int and double print as text; bytes as base64 (as in OTLP/JSON); arrays and key-value lists as
 * compact JSON, the way the Collector's `AsString` renders them. The JSON decoder produces the same
 * text for the same value (see any-value-json.ts).
 *
 * Every function here reads the message in `[r.pos, r.end)`: the caller has narrowed `r.end`.
 */
const T_STRING = (1 << 3) | WIRE_LEN
const T_BOOL = (2 << 3) | WIRE_VARINT
const T_INT = (3 << 3) | WIRE_VARINT
const T_DOUBLE = (4 << 3) | WIRE_I64
const T_ARRAY = (5 << 3) | WIRE_LEN
const T_KVLIST = (6 << 3) | WIRE_LEN
const T_BYTES = (7 << 3) | WIRE_LEN
/** ArrayValue.values, KeyValueList.values, KeyValue.key: all field 1; KeyValue.value: field 2. */
const T_FIELD1_LEN = (1 << 3) | WIRE_LEN
const T_FIELD2_LEN = (2 << 3) | WIRE_LEN

/** Formats a double the same way for both encodings: `1.5`, `NaN`, `+Inf`, `-Inf`. */
export function formatDouble(v: number): string {
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

/** Reads `AnyValue` and renders it as a label value; '' when unset. */
export function readAnyValueText(r: ProtoReader): string {
  return readAnyValue(r, false)
}

function readAnyValue(r: ProtoReader, json: boolean): string {
  let out = json ? 'null' : ''
  while (r.more) {
    const tag = r.tag()
    switch (tag) {
      case T_STRING:
        out = json ? JSON.stringify(r.string()) : r.string()
        break
      case T_BOOL:
        out = r.bool() ? 'true' : 'false'
        break
      case T_INT:
        out = int64Text(r)
        break
      case T_DOUBLE: {
        const v = r.double()
        out = json && !Number.isFinite(v) ? JSON.stringify(formatDouble(v)) : formatDouble(v)
        break
      }
      case T_BYTES: {
        const b = r.bytes()
        const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')
        out = json ? JSON.stringify(text) : text
        break
      }
      case T_ARRAY:
        out = nested(r, readArray)
        break
      case T_KVLIST:
        out = nested(r, readKvList)
        break
      default:
        r.skip(tag)
    }
  }
  return out
}

/** Runs `read` over the length-delimited message at `r.pos`, with `r.end` narrowed to it. */
function nested(r: ProtoReader, read: (r: ProtoReader) => string): string {
  const end = r.lengthDelimited()
  const outer = r.end
  r.end = end
  const out = read(r)
  r.end = outer
  if (r.error === undefined) r.pos = end
  return out
}

function readArray(r: ProtoReader): string {
  const parts: string[] = []
  while (r.more) {
    const tag = r.tag()
    if (tag === T_FIELD1_LEN) parts.push(nested(r, (s) => readAnyValue(s, true)))
    else r.skip(tag)
  }
  return `[${parts.join(',')}]`
}

function readKvList(r: ProtoReader): string {
  const parts: string[] = []
  while (r.more) {
    const tag = r.tag()
    if (tag === T_FIELD1_LEN) parts.push(nested(r, readKeyValueJson))
    else r.skip(tag)
  }
  return `{${parts.join(',')}}`
}

function readKeyValueJson(r: ProtoReader): string {
  let key = ''
  let value = 'null'
  while (r.more) {
    const tag = r.tag()
    if (tag === T_FIELD1_LEN) key = r.string()
    else if (tag === T_FIELD2_LEN) value = nested(r, (s) => readAnyValue(s, true))
    else r.skip(tag)
  }
  return `${JSON.stringify(key)}:${value}`
}

/** An int64 varint as exact decimal text (beyond 2^53 too). */
function int64Text(r: ProtoReader): string {
  const start = r.pos
  const n = r.int64()
  if (Number.isSafeInteger(n) || r.error !== undefined) return String(n)
  let v = 0n
  for (let i = r.pos - 1; i >= start; i--) v = (v << 7n) | BigInt(r.buf[i]! & 0x7f)
  return BigInt.asIntN(64, v).toString()
}

/** Reads a `KeyValue` and hands its key and text value to `add` (pass a function made once). */
export function readKeyValue(r: ProtoReader, add: (key: string, value: string) => void): void {
  let key = ''
  let value = ''
  while (r.more) {
    const tag = r.tag()
    if (tag === T_FIELD1_LEN) key = r.string()
    else if (tag === T_FIELD2_LEN) value = nested(r, readAnyValueText)
    else r.skip(tag)
  }
  add(key, value)
}

/** Reads the length-delimited `AnyValue` field at `r.pos` as text (a log body), as above. */
export function readAnyValueField(r: ProtoReader): string {
  return nested(r, readAnyValueText)
}
