/**
 * When periodic work runs, injected beside the `Clock` so tests drive both by hand
 * (`testing/manual-scheduler.ts`) instead of sleeping.
 *
 * Contract: `schedule` runs `task` once, about `delayMs` from now, unless the returned cancel
 * function was called first. The task must not reject (a rejection is swallowed by the timer
 * scheduler). One-shot rather than repeating, so a periodic component schedules its next run only
 * after the current one settled and runs never overlap.
 */
export interface Scheduler {
  schedule(delayMs: number, task: () => Promise<void>): Cancel
}

/** Cancels a scheduled task that has not started; a no-op afterwards. */
export type Cancel = () => void

/** Node timers, unref'd: a pending run never keeps the process alive. */
export const timerScheduler: Scheduler = {
  schedule(delayMs, task) {
    const timer = setTimeout(() => void task().catch(() => undefined), Math.max(0, delayMs))
    timer.unref()
    return () => clearTimeout(timer)
  },
}
