/**
 * Flap suppression. An alert is *flapping* when it goes firing again after having resolved at
 * least `maxResolves` times within the last `windowMs`. A flapping alert is held firing when its
 * condition clears, until the condition has stayed clear for `quietMs` (a `keep_firing_for` that
 * only flapping alerts get); its re-fires within that time are no transitions at all. So within a
 * window, receivers see at most `maxResolves` resolve/re-fire pairs, then one firing alert, then one
 * resolution once it is quiet. `maxResolves: 0` turns suppression off.
 */
export interface FlapPolicy {
  readonly maxResolves: number
  readonly windowMs: number
  readonly quietMs: number
}

export const DEFAULT_FLAP_POLICY: FlapPolicy = { maxResolves: 3, windowMs: 10 * 60_000, quietMs: 10 * 60_000 }

/** Whether an alert that resolved at `resolvesMs` is flapping when it goes firing at `nowMs`. */
export function isFlapping(resolvesMs: readonly number[], nowMs: number, policy: FlapPolicy): boolean {
  if (policy.maxResolves <= 0) return false
  let n = 0
  for (const t of resolvesMs) if (nowMs - t < policy.windowMs) n++
  return n >= policy.maxResolves
}

/** The resolve times still inside the window (the only ones `isFlapping` counts). */
export function recentResolves(resolvesMs: readonly number[], nowMs: number, policy: FlapPolicy): number[] {
  return resolvesMs.filter((t) => nowMs - t < policy.windowMs)
}
