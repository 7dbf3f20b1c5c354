import { exceedsUtf8Bytes } from '../text/utf8-bytes.js'
import type { RejectReason } from './decode-result.js'
import type { EventsLimits } from './limits.js'

type JsonObject = Readonly<Record<string, unknown>>

/**
 * Flattens an event object into `[key, value, …]` (core/batch EventBatch): nested object keys are
 * joined with `.`, scalars rendered as text (strings as is, numbers in JS decimal, `true`/`false`,
 * `null`), arrays as JSON text, an empty nested object as `{}`. Keys keep the order of the JSON; a
 * key produced twice (`{"a.b":1,"a":{"b":2}}`) keeps its first position and its last value.
 * Returns the reason when a limit is broken.
 */
export function flattenEvent(event: JsonObject, limits: EventsLimits): string[] | RejectReason {
  const f = new Flattener(limits)
  return f.object(event, undefined, 1) ?? f.fields
}

class Flattener {
  readonly fields: string[] = []
  readonly #index = new Map<string, number>()
  readonly #limits: EventsLimits

  constructor(limits: EventsLimits) {
    this.#limits = limits
  }

  object(o: JsonObject, prefix: string | undefined, depth: number): RejectReason | undefined {
    if (depth > this.#limits.maxDepth) return 'too_deep'
    let empty = true
    for (const k in o) {
      empty = false
      const key = prefix === undefined ? k : `${prefix}.${k}`
      const v = o[k]
      const problem = isObject(v) ? this.object(v, key, depth + 1) : this.#scalar(key, v, depth + 1)
      if (problem !== undefined) return problem
    }
    if (empty && prefix !== undefined) return this.#set(prefix, '{}')
    return undefined
  }

  #scalar(key: string, v: unknown, depth: number): RejectReason | undefined {
    if (Array.isArray(v) && !within(v, depth, this.#limits.maxDepth)) return 'too_deep'
    return this.#set(key, typeof v === 'string' ? v : Array.isArray(v) ? JSON.stringify(v) : String(v))
  }

  #set(key: string, value: string): RejectReason | undefined {
    if (exceedsUtf8Bytes(key, this.#limits.maxKeyLength)) return 'key_too_long'
    if (exceedsUtf8Bytes(value, this.#limits.maxValueLength)) return 'value_too_long'
    const at = this.#index.get(key)
    if (at !== undefined) {
      this.fields[at] = value
      return undefined
    }
    if (this.fields.length >= this.#limits.maxFields * 2) return 'too_many_fields'
    this.#index.set(key, this.fields.length + 1)
    this.fields.push(key, value)
    return undefined
  }
}

/** True when the array `v` at `depth`, and everything inside it, nests no deeper than `max`. */
function within(v: unknown, depth: number, max: number): boolean {
  if (typeof v !== 'object' || v === null) return true
  if (depth > max) return false
  for (const item of Array.isArray(v) ? v : Object.values(v)) if (!within(item, depth + 1, max)) return false
  return true
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
