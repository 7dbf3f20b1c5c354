import assert from 'node:assert/strict'
import { countSumKind } from '../count-sum.js'
import type { CountSum } from '../count-sum.js'
import { KeyedWindows } from '../keyed-windows.js'
import type { KeyedWindowsOptions } from '../keyed-windows.js'
import type { LateReason, LateRecord, WindowOutput, WindowSink } from '../window-result.js'

/**
 * Golden tables for KeyedWindows over CountSum. Steps are strings:
 * `key@ts=value` adds a sample, `wm N` advances the watermark to N, `flush` calls flushUpdates.
 * Output lines:
 * `key [start,end) rN final|update count=C sum=S` (sessions write `key#id`),
 * `retract key#id [start,end) rN`, `late key@ts=value reason`.
 */
export type GoldenOptions = Omit<KeyedWindowsOptions<CountSum>, 'accumulator'>

export function runGolden(options: GoldenOptions, steps: readonly string[]): string[] {
  const sink = new RecordingSink(options.assigner.kind === 'session')
  const windows = new KeyedWindows({ ...options, accumulator: countSumKind }, sink)
  for (const step of steps) applyStep(windows, sink, step)
  return sink.lines
}

export function applyStep(windows: KeyedWindows<CountSum>, sink: RecordingSink, step: string): void {
  if (step === 'flush') return windows.flushUpdates()
  const wm = /^wm (-?\d+)$/.exec(step)
  if (wm !== null) return windows.advanceWatermark(Number(wm[1]))
  const add = /^([^@\s]+)@(-?\d+|NaN)=(-?[\d.]+)$/.exec(step)
  assert.ok(add !== null, `bad golden step ${step}`)
  const before = sink.lines.length
  const outcome = windows.add(add[1]!, Number(add[2]), Number(add[3]))
  assert.equal(outcome === 'late', sink.lines.length > before, `add ${step} returned ${outcome}`)
}

export class RecordingSink implements WindowSink<CountSum> {
  readonly lines: string[] = []

  constructor(readonly isSession: boolean) {}

  onResult(o: WindowOutput<CountSum>): void {
    const id = this.isSession ? `${o.key}#${o.windowId}` : o.key
    const range = `[${o.windowStart},${o.windowEnd})`
    if (o.kind === 'retract') this.lines.push(`retract ${id} ${range} r${o.revision}`)
    else {
      const state = o.final ? 'final' : 'update'
      const acc = `count=${o.accumulator.count} sum=${o.accumulator.sum}`
      this.lines.push(`${id} ${range} r${o.revision} ${state} ${acc}`)
    }
  }

  onLate(r: LateRecord, reason: LateReason): void {
    this.lines.push(`late ${r.key}@${r.ts}=${r.value} ${reason}`)
  }
}
