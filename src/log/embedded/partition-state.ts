import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  CONTROL_ABORT,
  readAttributes,
  readBaseOffset,
  readBaseSequence,
  readControlType,
  readLastOffset,
  readProducerEpoch,
  readProducerId,
  readRecordCount,
} from './batch-format.js'
import type { ProducerState } from './producer-state.js'
import type { AbortedTxn } from './segment-sidecar.js'

/**
 * Applies one stored batch to the partition's transactional/idempotence state. The live append
 * path and the recovery replay both go through here, so a restart rebuilds exactly the state the
 * writer had.
 */
export function applyBatchToState(
  buf: Buffer,
  pos: number,
  producers: ProducerState,
  aborted: AbortedTxn[],
  nowMs: number,
): void {
  const producerId = readProducerId(buf, pos)
  if (producerId < 0) return
  const attributes = readAttributes(buf, pos)
  const epoch = readProducerEpoch(buf, pos)
  if ((attributes & ATTR_CONTROL) !== 0) {
    const first = producers.onMarker(producerId, epoch, nowMs)
    if (first >= 0 && readControlType(buf, pos) === CONTROL_ABORT) {
      aborted.push({ producerId, firstOffset: first, lastOffset: readBaseOffset(buf, pos) })
    }
    return
  }
  producers.onData(
    producerId,
    epoch,
    readBaseSequence(buf, pos),
    readBaseOffset(buf, pos),
    readLastOffset(buf, pos),
    readRecordCount(buf, pos),
    (attributes & ATTR_TRANSACTIONAL) !== 0,
    nowMs,
  )
}

/** Index of the first aborted txn that may hide offsets >= `offset` (list sorted by lastOffset). */
export function firstAbortedFrom(aborted: readonly AbortedTxn[], offset: number): number {
  let lo = 0
  let hi = aborted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (aborted[mid]!.lastOffset < offset) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** True when a transactional batch of `producerId` at `baseOffset` belongs to an aborted txn. */
export function isAborted(
  aborted: readonly AbortedTxn[],
  fromIndex: number,
  producerId: number,
  baseOffset: number,
): boolean {
  for (let i = fromIndex; i < aborted.length; i++) {
    const a = aborted[i]!
    if (a.producerId === producerId && a.firstOffset <= baseOffset && baseOffset <= a.lastOffset) return true
  }
  return false
}
