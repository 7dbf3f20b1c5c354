import type { TaskRunner, TaskStatus } from '../runtime/task-runner.js'

export interface LoopTask {
  readonly job: string
  readonly task: number
  readonly runner: TaskRunner<unknown, unknown>
}

export interface TaskLoopSettings {
  /** Sleep this long when a round over every task read nothing (default 20 ms). */
  readonly idleSleepMs?: number
  /** Called about every `statusEveryMs` (default 1000) with every task's status. */
  readonly onStatus?: (tasks: readonly { job: string; task: number; status: TaskStatus }[]) => void
  readonly statusEveryMs?: number
  readonly nowMs: () => number
}

/**
 * Drives a set of task runners in one thread: one `poll()` round over all of them after another
 * (each commits when its epoch is due), a short sleep when nothing was read, until `stop()`; then
 * every runner commits what is pending. Used by engine worker threads and by `vigil replay`.
 */
export class TaskLoop {
  readonly #tasks: readonly LoopTask[]
  readonly #s: TaskLoopSettings
  #stopping = false
  #lastStatus = 0

  constructor(tasks: readonly LoopTask[], settings: TaskLoopSettings) {
    this.#tasks = tasks
    this.#s = settings
  }

  stop(): void {
    this.#stopping = true
  }

  /** Runs until `stop()` (or, for bounded runners, until every one is done); then commits. */
  async run(): Promise<void> {
    for (const t of this.#tasks) await t.runner.start()
    const bounded = this.#tasks.length > 0 && this.#tasks.every((t) => t.runner.bounded)
    while (!this.#stopping) {
      let read = 0
      let allDone = true
      for (const t of this.#tasks) {
        if (t.runner.done) continue
        allDone = false
        read += await t.runner.poll()
      }
      this.#report()
      if (bounded && allDone) break
      if (read === 0) await sleep(this.#s.idleSleepMs ?? 20)
    }
    for (const t of this.#tasks) {
      if (this.#stopping) await t.runner.commit()
      else await t.runner.finish()
    }
    this.#report(true)
  }

  #report(force = false): void {
    const now = this.#s.nowMs()
    if (!force && now - this.#lastStatus < (this.#s.statusEveryMs ?? 1_000)) return
    this.#lastStatus = now
    this.#s.onStatus?.(this.#tasks.map((t) => ({ job: t.job, task: t.task, status: t.runner.status() })))
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
