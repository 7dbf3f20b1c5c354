/** The row every built-in job emits; defined with the batch formats (core/batch/result-batch.ts). */
export type { ResultBatch, ResultRow } from '../../core/batch/index.js'
