import { formatDouble } from './any-value-proto.js'
import { JsonShapeError, arrayField, asObject, intText, stringField, toDouble } from './json-fields.js'
import type { JsonObject } from './json-fields.js'

/**
 * OTLP/JSON `AnyValue` as a label value, rendered exactly as any-value-proto.ts renders the
 * protobuf form: strings as they are, bool/int/double as text, bytes as base64, arrays and
 * key-value lists as compact JSON.
 */
export function anyValueText(v: unknown, what: string): string {
  return render(v, false, what)
}

function render(v: unknown, json: boolean, what: string): string {
  if (v === undefined || v === null) return json ? 'null' : ''
  const o = asObject(v, what)
  if (o.stringValue !== undefined) {
    const s = stringField(o, 'stringValue', what)
    return json ? JSON.stringify(s) : s
  }
  if (o.boolValue !== undefined) {
    if (typeof o.boolValue !== 'boolean') throw new JsonShapeError(`${what}.boolValue: expected a boolean`)
    return o.boolValue ? 'true' : 'false'
  }
  if (o.intValue !== undefined) return intText(o.intValue, `${what}.intValue`)
  if (o.doubleValue !== undefined) {
    const d = toDouble(o.doubleValue, `${what}.doubleValue`)
    return json && !Number.isFinite(d) ? JSON.stringify(formatDouble(d)) : formatDouble(d)
  }
  if (o.bytesValue !== undefined) {
    const text = Buffer.from(stringField(o, 'bytesValue', what), 'base64').toString('base64')
    return json ? JSON.stringify(text) : text
  }
  if (o.arrayValue !== undefined) {
    const values = arrayField(asObject(o.arrayValue, `${what}.arrayValue`), 'values', `${what}.arrayValue`)
    return `[${values.map((x, i) => render(x, true, `${what}.arrayValue.values[${i}]`)).join(',')}]`
  }
  if (o.kvlistValue !== undefined) {
    const kvs = arrayField(asObject(o.kvlistValue, `${what}.kvlistValue`), 'values', `${what}.kvlistValue`)
    const parts = kvs.map((x, i) => {
      const kv = asObject(x, `${what}.kvlistValue.values[${i}]`)
      const key = stringField(kv, 'key', `${what}.kvlistValue.values[${i}]`)
      return `${JSON.stringify(key)}:${render(kv.value, true, `${what}.kvlistValue.values[${i}].value`)}`
    })
    return `{${parts.join(',')}}`
  }
  return json ? 'null' : ''
}

/** Calls `add(key, text)` for each KeyValue of an `attributes` array. */
export function forEachAttribute(
  attributes: readonly unknown[],
  what: string,
  add: (key: string, value: string) => void,
): void {
  for (let i = 0; i < attributes.length; i++) {
    const kv: JsonObject = asObject(attributes[i], `${what}[${i}]`)
    add(stringField(kv, 'key', `${what}[${i}]`), anyValueText(kv.value, `${what}[${i}].value`))
  }
}
