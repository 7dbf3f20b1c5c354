import { PipelineError } from '../../core/index.js'

/**
 * Which windows an event time belongs to. Times are epoch milliseconds; every window is the
 * half-open interval [start, end). Tumbling is sliding with `slideMs === sizeMs`.
 *
 * - tumbling(size, offset): starts at `offset + k·size`.
 * - sliding(size, slide, offset): starts at `offset + k·slide`; a time is in about size/slide windows.
 * - session(gap): each record opens [ts, ts + gap); overlapping sessions of one key merge, so a
 *   silence of at least `gapMs` between two records of a key separates their sessions.
 */
export const windowKinds = ['tumbling', 'sliding', 'session'] as const
export type WindowKind = (typeof windowKinds)[number]

export interface TumblingWindows {
  readonly kind: 'tumbling'
  readonly sizeMs: number
  readonly offsetMs: number
}
export interface SlidingWindows {
  readonly kind: 'sliding'
  readonly sizeMs: number
  readonly slideMs: number
  readonly offsetMs: number
}
export interface SessionWindows {
  readonly kind: 'session'
  readonly gapMs: number
}
export type FixedWindowAssigner = TumblingWindows | SlidingWindows
export type WindowAssigner = FixedWindowAssigner | SessionWindows

export function tumbling(sizeMs: number, offsetMs = 0): TumblingWindows {
  checkPositive('sizeMs', sizeMs)
  checkOffset(offsetMs)
  return { kind: 'tumbling', sizeMs, offsetMs }
}

export function sliding(sizeMs: number, slideMs: number, offsetMs = 0): SlidingWindows {
  checkPositive('sizeMs', sizeMs)
  checkPositive('slideMs', slideMs)
  if (slideMs > sizeMs) invalid(`slideMs (${slideMs}) must not exceed sizeMs (${sizeMs})`)
  checkOffset(offsetMs)
  return { kind: 'sliding', sizeMs, slideMs, offsetMs }
}

export function session(gapMs: number): SessionWindows {
  checkPositive('gapMs', gapMs)
  return { kind: 'session', gapMs }
}

/** The slide of a fixed (tumbling or sliding) assigner. */
export function slideOf(a: FixedWindowAssigner): number {
  return a.kind === 'tumbling' ? a.sizeMs : a.slideMs
}

/**
 * The start of the latest fixed window containing `ts`; the others start `slide` earlier each,
 * while `start + size > ts`. Works for negative times too.
 */
export function lastWindowStart(ts: number, slideMs: number, offsetMs: number): number {
  const phase = (((ts - offsetMs) % slideMs) + slideMs) % slideMs
  return ts - phase
}

export function sameAssigner(a: WindowAssigner, b: WindowAssigner): boolean {
  if (a.kind === 'session' || b.kind === 'session') {
    return a.kind === 'session' && b.kind === 'session' && a.gapMs === b.gapMs
  }
  return a.kind === b.kind && a.sizeMs === b.sizeMs && slideOf(a) === slideOf(b) && a.offsetMs === b.offsetMs
}

function checkPositive(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v <= 0) invalid(`${name} must be a positive integer, got ${v}`)
}

function checkOffset(v: number): void {
  if (!Number.isSafeInteger(v)) invalid(`offsetMs must be an integer, got ${v}`)
}

function invalid(message: string): never {
  throw new PipelineError(`invalid window: ${message}`, {
    code: 'invalid_window_config',
    domain: 'user',
    retryable: false,
  })
}
