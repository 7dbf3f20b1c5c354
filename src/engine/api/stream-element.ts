/**
 * What flows between operators: data and control in one typed stream (STYLE.md §5), so an operator
 * sees a watermark or a commit point exactly where it falls between batches.
 *
 * - `batch`: records of one signal (a MetricBatch, LogBatch, … or an operator's own batch type).
 * - `watermark`: event time `timeMs` has passed on every input of the task: no record with an
 *   earlier event time is expected (later ones are late). Non-decreasing.
 * - `barrier`: the task is about to commit epoch `epoch` (state snapshot + input offsets + outputs,
 *   atomically). Operators flush what must be in this epoch's output.
 * - `end`: the input is exhausted (bounded jobs, replay); operators emit what they still hold.
 */
export type StreamElement<B> =
  | { readonly kind: 'batch'; readonly batch: B }
  | { readonly kind: 'watermark'; readonly timeMs: number }
  | { readonly kind: 'barrier'; readonly epoch: number }
  | { readonly kind: 'end' }
