export type { AccumulatorKind, WindowAccumulator } from './accumulator.js'
export { CountSum, countSumKind } from './count-sum.js'
export {
  DEFAULT_MAX_OPEN_WINDOWS,
  KeyedWindows,
  resolveSettings as resolveWindowSettings,
} from './keyed-windows.js'
export type { KeyedWindowsOptions } from './keyed-windows.js'
export { decodeWindowsSnapshot, encodeWindowsSnapshot } from './snapshot-codec.js'
export type { DecodeSnapshotResult } from './snapshot-codec.js'
export { lastWindowStart, session, sliding, tumbling, windowKinds } from './window-assigner.js'
export type {
  FixedWindowAssigner,
  SessionWindows,
  SlidingWindows,
  TumblingWindows,
  WindowAssigner,
  WindowKind,
} from './window-assigner.js'
export { lateReasons } from './window-result.js'
export type {
  LateReason,
  LateRecord,
  WindowOutput,
  WindowResult,
  WindowRetraction,
  WindowSink,
} from './window-result.js'
export { emitModes } from './window-table.js'
export type { EmitMode, WindowSettings } from './window-table.js'
export { WINDOWS_SNAPSHOT_VERSION } from './windows-snapshot.js'
export type { KeySamplesEntry, WindowSnapshotEntry, WindowsSnapshot } from './windows-snapshot.js'
