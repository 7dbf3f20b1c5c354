/**
 * Limits applied to each NDJSON event. Every limit has a named default; callers pass a partial
 * object and `resolveLimits` fills in the rest. Lengths are UTF-8 bytes.
 */
export interface EventsLimits {
  /** Longest line, its terminator excluded. */
  readonly maxLineBytes: number
  /** Most fields of one event after flattening. */
  readonly maxFields: number
  /** Longest flattened key (`user.address.city`). */
  readonly maxKeyLength: number
  /** Longest field value as rendered (an array's JSON text included). */
  readonly maxValueLength: number
  /** Deepest nesting of objects and arrays; the event object itself is depth 1. */
  readonly maxDepth: number
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024
export const DEFAULT_MAX_FIELDS = 256
export const DEFAULT_MAX_KEY_LENGTH = 256
export const DEFAULT_MAX_VALUE_LENGTH = 8192
export const DEFAULT_MAX_DEPTH = 16

export const DEFAULT_EVENTS_LIMITS: EventsLimits = {
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
  maxFields: DEFAULT_MAX_FIELDS,
  maxKeyLength: DEFAULT_MAX_KEY_LENGTH,
  maxValueLength: DEFAULT_MAX_VALUE_LENGTH,
  maxDepth: DEFAULT_MAX_DEPTH,
}

/** The defaults, overridden by whatever `partial` sets. */
export function resolveLimits(partial: Partial<EventsLimits> = {}): EventsLimits {
  return { ...DEFAULT_EVENTS_LIMITS, ...partial }
}
