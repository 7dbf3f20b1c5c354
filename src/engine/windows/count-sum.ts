import type { AccumulatorKind, WindowAccumulator } from './accumulator.js'

/** The smallest useful accumulator: sample count and sum. Used by the tests and as an example. */
export class CountSum implements WindowAccumulator<CountSum> {
  count = 0
  sum = 0

  add(_ts: number, value: number): void {
    this.count++
    this.sum += value
  }

  merge(other: CountSum): void {
    this.count += other.count
    this.sum += other.sum
  }
}

export const countSumKind: AccumulatorKind<CountSum> = {
  create: () => new CountSum(),
  encode(acc) {
    const bytes = new Uint8Array(16)
    const view = new DataView(bytes.buffer)
    view.setFloat64(0, acc.count, true)
    view.setFloat64(8, acc.sum, true)
    return bytes
  },
  decode(bytes) {
    if (bytes.byteLength !== 16) throw new RangeError(`count-sum state is 16 bytes, got ${bytes.byteLength}`)
    const view = new DataView(bytes.buffer, bytes.byteOffset, 16)
    const acc = new CountSum()
    acc.count = view.getFloat64(0, true)
    acc.sum = view.getFloat64(8, true)
    return acc
  },
}
