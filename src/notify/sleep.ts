import { setTimeout as delay } from 'node:timers/promises'

/**
 * Waits `ms`, or less when `signal` aborts first; never rejects. Injected (with the Clock and the
 * random source) so retry tests run in virtual time.
 */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>

export const realSleep: Sleep = async (ms, signal) => {
  if (signal.aborted || ms <= 0) return
  try {
    await delay(ms, undefined, { signal })
  } catch {
    // aborted: wake up early
  }
}
