import { describe } from 'node:test'
import { corruptionConformance } from './conformance/corruption.js'
import { limitConformance } from './conformance/limits.js'
import { migrationConformance } from './conformance/migration.js'
import { modelConformance } from './conformance/model.js'
import { snapshotConformance } from './conformance/snapshots.js'
import { tableConformance } from './conformance/tables.js'
import { ttlConformance } from './conformance/ttl.js'
import type { StateBackendConformanceHarness } from './conformance/harness.js'

export type { StateBackendConformanceHarness } from './conformance/harness.js'

/**
 * The one conformance suite of the state backend seam. Every backend runs it from its own test
 * file, so memory and a future spilling backend are held to the same semantics:
 *
 * ```ts
 * runStateBackendConformance({ name: 'memory', backend: (c) => createMemoryBackend(c) })
 * ```
 */
export function runStateBackendConformance(harness: StateBackendConformanceHarness): void {
  describe(`state backend conformance: ${harness.name}`, () => {
    tableConformance(harness)
    ttlConformance(harness)
    snapshotConformance(harness)
    modelConformance(harness)
    corruptionConformance(harness)
    migrationConformance(harness)
    limitConformance(harness)
  })
}
