import { describe } from 'node:test'
import { basicConformance } from './conformance/basic.js'
import { compactionConformance } from './conformance/compaction.js'
import { consumerOffsetsConformance } from './conformance/consumer-offsets.js'
import { idempotenceConformance } from './conformance/idempotence.js'
import { retentionConformance } from './conformance/retention.js'
import { transactionConformance } from './conformance/transactions.js'
import type { LogConformanceHarness } from './conformance/harness.js'

export type { LogConformanceHarness, LogUnderTest } from './conformance/harness.js'

/**
 * The one conformance suite of the log seam. Every implementation runs it from its own test file
 * (Hono's `common.case.test.ts` pattern), so `embedded` and `kafka` are held to the same semantics:
 *
 * ```ts
 * runLogConformance({ name: 'embedded', open: async () => makeEmbeddedUnderTest() })
 * ```
 */
export function runLogConformance(harness: LogConformanceHarness): void {
  describe(`log conformance: ${harness.name}`, () => {
    basicConformance(harness)
    idempotenceConformance(harness)
    transactionConformance(harness)
    consumerOffsetsConformance(harness)
    retentionConformance(harness)
    compactionConformance(harness)
  })
}
