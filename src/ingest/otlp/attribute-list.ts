import type { RecordLimits, RecordRejectReason } from './record-limits.js'

/**
 * Collects one attribute set (flat `[key, value, …]`, see `Attributes`) while a record is read and
 * checks it against the limits. A repeated key keeps its first place and its last value, so keys
 * stay unique. After the first violation nothing more is kept; `violation` says what it was.
 * `add` is bound once, so decoders pass it to `readKeyValue` without a closure per record.
 */
export class AttributeList {
  violation: RecordRejectReason | undefined
  readonly #limits: RecordLimits
  #out: string[] = []
  #taken = false

  constructor(limits: RecordLimits) {
    this.#limits = limits
  }

  get length(): number {
    return this.#out.length >>> 1
  }

  reset(): void {
    if (this.#taken) this.#out = []
    else this.#out.length = 0
    this.#taken = false
    this.violation = undefined
  }

  readonly add = (key: string, value: string): void => {
    if (this.violation !== undefined) return
    const limits = this.#limits
    if (key.length > limits.maxAttributeNameLength) this.violation = 'attribute_name_too_long'
    else if (value.length > limits.maxAttributeValueLength) this.violation = 'attribute_value_too_long'
    if (this.violation !== undefined) return
    const out = this.#out
    for (let i = 0; i < out.length; i += 2) {
      if (out[i] === key) {
        out[i + 1] = value
        return
      }
    }
    if (out.length >>> 1 === limits.maxAttributesPerRecord) this.violation = 'too_many_attributes'
    else out.push(key, value)
  }

  /** True when `key` is already in the set. */
  has(key: string): boolean {
    const out = this.#out
    for (let i = 0; i < out.length; i += 2) if (out[i] === key) return true
    return false
  }

  /** The collected set, handed over (the next `reset` starts a new array). */
  take(): string[] {
    this.#taken = true
    return this.#out
  }
}
