/**
 * Processing time comes only from an injected Clock (DESIGN.md invariant 5); event time comes from
 * the data. Logic never calls `Date.now()` directly, so tests can drive time by hand.
 */
export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch. */
  nowMs(): number
}

export const systemClock: Clock = {
  nowMs: () => Date.now(), // eslint-disable-line no-restricted-properties -- the one place allowed to
}
