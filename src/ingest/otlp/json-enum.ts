import { JsonShapeError, intField } from './json-fields.js'
import type { JsonObject } from './json-fields.js'

/**
 * An OTLP/JSON enum field: an integer (what the spec asks senders for) or, as the protobuf JSON
 * mapping also allows, the value's name; `names[i]` is the name of value `i`. 0 when absent.
 */
export function enumField(o: JsonObject, key: string, what: string, names: readonly string[]): number {
  const v = o[key]
  if (typeof v === 'string' && !/^-?\d+$/.test(v)) {
    const i = names.indexOf(v)
    if (i < 0) throw new JsonShapeError(`${what}.${key}: unknown value ${JSON.stringify(v)}`)
    return i
  }
  return intField(o, key, what)
}
