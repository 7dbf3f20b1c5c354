// STUB — being implemented. Signature is final.
import type { Clock } from '../../core/clock.js'
import type { EmbeddedLogConfig } from './config.js'
import type { Log } from '../log.js'

export interface EmbeddedLogSettings {
  readonly clock?: Clock
  /** Open without the directory lock for inspection: no recovery writes, appends rejected. */
  readonly readOnly?: boolean
  /** Called with structured warnings (recovery truncations, maintenance). */
  readonly onEvent?: (event: {
    readonly level: 'info' | 'warn' | 'error'
    readonly msg: string
    readonly [k: string]: unknown
  }) => void
}

/** Monotonic counters for self-telemetry (`/metrics`). */
export interface EmbeddedLogStats {
  appendedBatches: number
  appendedRecords: number
  appendedBytes: number
  duplicateAppends: number
  readBatches: number
  readBytes: number
  fsyncs: number
  fsyncSeconds: number
  recoveryTruncatedBytes: number
  recoverySeconds: number
  segmentsDeleted: number
  compactions: number
}

export interface EmbeddedLog extends Log {
  readonly config: EmbeddedLogConfig
  readonly stats: Readonly<EmbeddedLogStats>
  /** Runs retention and compaction now (they also run every `maintenanceIntervalMs`). */
  runMaintenance(): Promise<void>
}

export declare function openEmbeddedLog(
  config: Partial<EmbeddedLogConfig> & { readonly dataDir: string },
  settings?: EmbeddedLogSettings,
): Promise<EmbeddedLog>
export declare const EmbeddedLog: unknown
