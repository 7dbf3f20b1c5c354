import type { Operator } from './operator.js'

/**
 * Stateless operators (Vector's "function" transforms, STYLE.md §5): no state tables, no hooks,
 * so a watermark, barrier, tick or end passes through them untouched (the runtime's default; in a
 * `chain` the next stage gets it). They work on a batch: an array of elements in, one array out;
 * an empty result is not emitted.
 *
 * ```ts
 * const op = chain(
 *   filter((s: Span) => s.kind === 'server'),
 *   keyBy((s: Span) => s.service),
 * )
 * ```
 */
export type Batch<T> = readonly T[]

/** An element with the partition key `keyBy` gave it (the key a repartition topic routes by). */
export interface Keyed<T> {
  readonly key: string
  readonly value: T
}

/** Each element to `fn(element)`. */
export function map<T, U>(fn: (element: T) => U): Operator<Batch<T>, Batch<U>> {
  return {
    processBatch(batch, _ctx, out) {
      if (batch.length > 0) out.emit(batch.map((e) => fn(e)))
    },
  }
}

/** The elements for which `keep(element)` holds; the others are counted as `filtered`. */
export function filter<T>(keep: (element: T) => boolean): Operator<Batch<T>, Batch<T>> {
  return {
    processBatch(batch, ctx, out) {
      const kept = batch.filter((e) => keep(e))
      if (kept.length < batch.length) ctx.count('filtered', batch.length - kept.length)
      if (kept.length > 0) out.emit(kept)
    },
  }
}

/** Every element of `fn(element)` for each element, in order. */
export function flatMap<T, U>(fn: (element: T) => Iterable<U>): Operator<Batch<T>, Batch<U>> {
  return {
    processBatch(batch, _ctx, out) {
      const all: U[] = []
      for (const e of batch) for (const u of fn(e)) all.push(u)
      if (all.length > 0) out.emit(all)
    },
  }
}

/** Each element with its partition key `keyOf(element)`; the elements themselves are unchanged. */
export function keyBy<T>(keyOf: (element: T) => string): Operator<Batch<T>, Batch<Keyed<T>>> {
  return map((value: T): Keyed<T> => ({ key: keyOf(value), value }))
}
