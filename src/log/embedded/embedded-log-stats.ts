/** Monotonic counters of the embedded log, for self-telemetry (`/metrics`). */
export interface EmbeddedLogStats {
  appendedBatches: number
  appendedRecords: number
  appendedBytes: number
  duplicateAppends: number
  readBatches: number
  readRecords: number
  readBytes: number
  fsyncs: number
  fsyncSeconds: number
  recoveryTruncatedBytes: number
  recoverySeconds: number
  segmentsDeleted: number
  compactions: number
  transactionsCommitted: number
  transactionsAborted: number
}

export function newEmbeddedLogStats(): EmbeddedLogStats {
  return {
    appendedBatches: 0,
    appendedRecords: 0,
    appendedBytes: 0,
    duplicateAppends: 0,
    readBatches: 0,
    readRecords: 0,
    readBytes: 0,
    fsyncs: 0,
    fsyncSeconds: 0,
    recoveryTruncatedBytes: 0,
    recoverySeconds: 0,
    segmentsDeleted: 0,
    compactions: 0,
    transactionsCommitted: 0,
    transactionsAborted: 0,
  }
}
