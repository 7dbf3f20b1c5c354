import type { CrashHistory } from './crash-history.js'
import type { VerifyReport } from './crash-verify.js'

/** What one kill/recover cycle of the crash test did. */
export interface CycleOutcome {
  readonly fsync: string
  /** The parent's verification, or undefined when the next writer had to recover the crashed log. */
  readonly report: VerifyReport | undefined
  readonly truncatedBytes: number
  readonly powerLoss: boolean
  /** Unsynced bytes dropped by the simulated power loss. */
  readonly lostBytes: number
  /** The writer started on a crashed, unrecovered log. */
  readonly writerRecovered: boolean
  readonly killedBeforeReady: boolean
}

/** Totals of the crash test's cycles, for its summary lines. */
export class CrashStats {
  cycles = 0
  dirs = 0
  powerLosses = 0
  writerRecoveries = 0
  killedBeforeReady = 0
  ackedVerified = 0
  truncatedBytes = 0
  lostBytes = 0
  acked = 0
  unackedPresent = 0
  records = 0
  txnsVisible = 0
  txnsHidden = 0
  txnsCommittedByRecovery = 0
  txnsAbortedByRecovery = 0
  resends = 0
  retries = 0
  readonly runs = new Map<string, number>()

  addCycle(c: CycleOutcome): void {
    this.cycles++
    const label = c.powerLoss ? `${c.fsync}+power-loss` : c.fsync
    this.runs.set(label, (this.runs.get(label) ?? 0) + 1)
    this.ackedVerified += c.report?.ackedVerified ?? 0
    this.truncatedBytes += c.truncatedBytes
    this.lostBytes += c.lostBytes
    if (c.powerLoss) this.powerLosses++
    if (c.writerRecovered) this.writerRecoveries++
    if (c.killedBeforeReady) this.killedBeforeReady++
  }

  /** A data dir is done: `report` is its last verification. */
  addDir(history: CrashHistory, report: VerifyReport): void {
    this.dirs++
    this.acked += history.acked.size
    this.resends += history.duplicatesChecked
    this.retries += history.retriesChecked
    this.unackedPresent += report.unackedPresent
    this.records += report.records
    this.txnsVisible += report.txnsVisible
    this.txnsHidden += report.txnsHidden
    this.txnsCommittedByRecovery += report.txnsCommittedByRecovery
    this.txnsAbortedByRecovery += report.txnsAbortedByRecovery
  }

  add(other: CrashStats): void {
    for (const key of Object.keys(this) as Array<keyof CrashStats>) {
      const value = other[key]
      if (typeof value === 'number') (this as Record<string, unknown>)[key] = (this[key] as number) + value
    }
    for (const [label, n] of other.runs) this.runs.set(label, (this.runs.get(label) ?? 0) + n)
  }

  describe(): string {
    const runs = [...this.runs].map(([p, n]) => `${p}×${n}`).join(', ')
    return (
      `${this.cycles} cycles (${runs}; ${this.writerRecoveries} where the writer itself recovered the ` +
      `crashed log, ${this.killedBeforeReady} killed during its startup) in ${this.dirs} data dir(s): ` +
      `${this.acked} batches acknowledged, ${this.ackedVerified} acknowledged-batch checks passed, ` +
      `${this.unackedPresent} unacknowledged batches kept, ${this.records} records; txns visible/hidden ` +
      `${this.txnsVisible}/${this.txnsHidden} (completed by recovery: ${this.txnsCommittedByRecovery} ` +
      `committed, ${this.txnsAbortedByRecovery} aborted); ${this.resends} re-sends and ${this.retries} ` +
      `cross-restart retries deduplicated; ${this.lostBytes} unsynced bytes dropped by simulated power ` +
      `loss, ${this.truncatedBytes} bytes truncated by recovery`
    )
  }
}
