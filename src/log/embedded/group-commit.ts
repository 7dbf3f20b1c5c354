import * as fs from 'node:fs'
import type { FsyncPolicy } from './config.js'
import { LogStorageError } from '../errors.js'

/** Something with unsynced writes: a segment file, or a directory that gained an entry. */
export interface FsyncTarget {
  /** The fd to fsync, or -1 when there is nothing to sync any more (closed, deleted). */
  syncFd(): number
}

/**
 * Group commit: appends write synchronously to the page cache; fsync runs here, on the thread
 * pool, one cycle covering every file written since the previous cycle.
 *
 * Two ways in:
 * - `written(target)`: data was written; make it durable per policy. `interval`: a cycle starts at
 *   most `intervalMs` after the previous one started (start to start), so the data is fsynced
 *   within about `intervalMs` + one fsync — that is the power-loss window of an acknowledged
 *   append. `none`: nothing is scheduled (the OS writes back when it likes). `always` appends use
 *   `waitDurable` instead.
 * - `waitDurable(target)`: resolves once a cycle that started after this call completes. It asks
 *   for that cycle at once (the next macrotask, so callers in the same tick share it), whatever
 *   the policy except `none`. Used by `always` appends and by control-plane writes (transaction
 *   decisions, offset commits, producer ids), which must be durable before they are answered.
 *
 * A process crash loses nothing under any policy: written data is in the page cache. A failed
 * fsync rejects every waiter of that cycle with a retryable LogStorageError.
 */
export class GroupCommit {
  readonly #policy: FsyncPolicy
  readonly #intervalMs: number
  readonly #onSynced: (files: number, seconds: number) => void
  #dirty = new Set<FsyncTarget>()
  #next: Cycle | undefined
  #running: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  #timerIsImmediate = false
  /** Monotonic ms when the last cycle started: `interval` cycles are spaced start to start. */
  #lastCycleStart = -Infinity

  constructor(policy: FsyncPolicy, intervalMs: number, onSynced: (files: number, seconds: number) => void) {
    this.#policy = policy
    this.#intervalMs = intervalMs
    this.#onSynced = onSynced
  }

  /** Data was written to `target`: schedule its fsync per policy, without waiting for it. */
  written(target: FsyncTarget): void {
    this.#dirty.add(target)
    if (this.#policy === 'none') return
    // A cycle that is due starts right here: the fsync is issued on time even when a busy event
    // loop would run the timer late (its completion still needs a loop turn).
    if (this.#running === undefined && performance.now() - this.#lastCycleStart >= this.#intervalMs) {
      this.#clearTimer()
      void this.#runCycle()
      return
    }
    this.#schedule()
  }

  /** Marks `target` dirty and resolves once an fsync covering everything written so far completes. */
  waitDurable(target: FsyncTarget): Promise<void> {
    this.#dirty.add(target)
    if (this.#policy === 'none') return Promise.resolve()
    if (this.#next === undefined) this.#next = newCycle()
    this.#schedule()
    return this.#next.promise
  }

  /** Marks dirty without scheduling (e.g. a sealed segment's last bytes); the next cycle covers it. */
  markDirty(target: FsyncTarget): void {
    this.#dirty.add(target)
  }

  /** Runs a cycle now (after the running one) and waits for it, whatever the policy. */
  async flush(): Promise<void> {
    this.#clearTimer()
    while (this.#running !== undefined) await this.#running
    if (this.#next === undefined) this.#next = newCycle()
    await this.#runCycle()
  }

  /** Stops timers; pending waiters are rejected with `reason` (used when the log is abandoned). */
  abandon(reason: Error): void {
    this.#clearTimer()
    this.#dirty.clear()
    const next = this.#next
    this.#next = undefined
    next?.reject(reason)
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #schedule(): void {
    if (this.#running !== undefined) return // the running cycle reschedules when it ends
    // Someone waits (`waitDurable`) or the policy is `always`: now. Otherwise (`interval`): at
    // most one cycle per intervalMs, measured start to start, so under load cycles run back to back.
    const urgent = this.#next !== undefined || this.#policy === 'always'
    const delay = urgent ? 0 : Math.max(0, this.#lastCycleStart + this.#intervalMs - performance.now())
    if (this.#timer !== undefined) {
      if (delay > 0 || this.#timerIsImmediate) return
      this.#clearTimer()
    }
    this.#timerIsImmediate = delay === 0
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.#runCycle()
    }, delay)
  }

  async #runCycle(): Promise<void> {
    const cycle = this.#next
    this.#next = undefined
    const targets = [...this.#dirty]
    this.#dirty.clear()
    this.#lastCycleStart = performance.now()
    const started = process.hrtime.bigint()
    let finish!: () => void
    this.#running = new Promise((resolve) => (finish = resolve))
    try {
      const fds = targets.map((t) => t.syncFd()).filter((fd) => fd >= 0)
      await Promise.all(fds.map(fsyncFd))
      this.#onSynced(fds.length, Number(process.hrtime.bigint() - started) / 1e9)
      cycle?.resolve()
    } catch (err) {
      cycle?.reject(new LogStorageError(`fsync failed: ${(err as Error).message}`, err))
    } finally {
      this.#running = undefined
      finish()
      if (this.#next !== undefined || (this.#dirty.size > 0 && this.#policy !== 'none')) this.#schedule()
    }
  }
}

interface Cycle {
  readonly promise: Promise<void>
  readonly resolve: () => void
  readonly reject: (err: Error) => void
}

function newCycle(): Cycle {
  let resolve!: () => void
  let reject!: (err: Error) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  // A cycle nobody awaits any more (abandoned log) must not crash the process.
  promise.catch(() => undefined)
  return { promise, resolve, reject }
}

/** fdatasync: flushes the data and the metadata needed to read it back (size), skips mtime. */
function fsyncFd(fd: number): Promise<void> {
  // EBADF: the file was closed (retention, compaction) after the cycle picked it; it was synced then.
  return new Promise((resolve, reject) =>
    fs.fdatasync(fd, (err) => (err && err.code !== 'EBADF' ? reject(err) : resolve())),
  )
}

/** A directory to fsync once (after a file was created, renamed or removed in it). */
export class DirectorySync implements FsyncTarget {
  readonly #dir: string
  #fd = -1

  constructor(dir: string) {
    this.#dir = dir
  }

  syncFd(): number {
    if (this.#fd < 0) this.#fd = fs.openSync(this.#dir, 'r')
    return this.#fd
  }

  close(): void {
    if (this.#fd >= 0) fs.closeSync(this.#fd)
    this.#fd = -1
  }
}
