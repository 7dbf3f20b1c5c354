import { Aggregate } from '../../aggregates/index.js'
import type { AggregateOptions } from '../../aggregates/index.js'
import type { AccumulatorKind } from '../../windows/index.js'

/** Windows keep `Aggregate`s (count, sum, min, max, last, mean, quantile sketch). */
export function aggregateKind(options: AggregateOptions = {}): AccumulatorKind<Aggregate> {
  return {
    create: () => new Aggregate(options),
    encode: (acc) => acc.encode(),
    decode(bytes) {
      const res = Aggregate.decode(bytes)
      if (!res.ok) throw new Error(`cannot restore a window aggregate: ${res.reason}`)
      return res.value
    },
  }
}
