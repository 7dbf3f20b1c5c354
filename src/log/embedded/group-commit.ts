import * as fs from 'node:fs'
import type { FsyncPolicy } from './config.js'
import { LogStorageError } from '../errors.js'

/** Something with unsynced writes: a segment file, or a directory that gained an entry. */
export interface FsyncTarget {
  /** The fd to fsync, or -1 when there is nothing to sync any more (closed, deleted). */
  syncFd(): number
}

/**
 * Group commit: appends write synchronously to the page cache, then wait here for an fsync that
 * covers them. One fsync cycle serves every append that arrived before it started.
 *
 * - `always`: a cycle starts as soon as one is requested (on the next macrotask, so appends issued
 *   in the same tick share it), or right after the running cycle ends.
 * - `interval`: cycles start at most once per `intervalMs` (start to start): an append waits at
 *   most `intervalMs` plus one fsync. Under load, when an fsync takes longer than the interval,
 *   cycles run back to back. Appends are acknowledged only after their cycle, so no acknowledged
 *   append can be lost to a power failure; the interval bounds the added latency instead.
 * - `none`: no cycle; `waitDurable` resolves at once (the page cache survives a process crash, not
 *   a power loss). `flush()` still syncs, so a clean close is durable.
 *
 * A failed fsync rejects every waiter of that cycle with a retryable LogStorageError.
 */
export class GroupCommit {
  readonly #policy: FsyncPolicy
  readonly #intervalMs: number
  readonly #onSynced: (files: number, seconds: number) => void
  #dirty = new Set<FsyncTarget>()
  #next: Cycle | undefined
  #running: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  /** Monotonic ms when the last cycle started: cycles are spaced start-to-start. */
  #lastCycleStart = -Infinity

  constructor(policy: FsyncPolicy, intervalMs: number, onSynced: (files: number, seconds: number) => void) {
    this.#policy = policy
    this.#intervalMs = intervalMs
    this.#onSynced = onSynced
  }

  /** Marks `target` dirty and resolves once an fsync covering everything written so far completes. */
  waitDurable(target: FsyncTarget): Promise<void> {
    this.#dirty.add(target)
    if (this.#policy === 'none') return Promise.resolve()
    if (this.#next === undefined) this.#next = newCycle()
    this.#schedule()
    return this.#next.promise
  }

  /** Marks dirty without waiting (e.g. a sealed segment's last bytes). */
  markDirty(target: FsyncTarget): void {
    this.#dirty.add(target)
  }

  /** Runs a cycle now (after the running one) and waits for it. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    while (this.#running !== undefined) await this.#running
    if (this.#next === undefined) this.#next = newCycle()
    await this.#runCycle()
  }

  /** Stops timers; pending waiters are rejected with `reason` (used when the log is abandoned). */
  abandon(reason: Error): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#dirty.clear()
    const next = this.#next
    this.#next = undefined
    next?.reject(reason)
  }

  #schedule(): void {
    if (this.#running !== undefined || this.#timer !== undefined) return
    // `interval`: at most one cycle per intervalMs, measured start to start, so under load (fsync
    // slower than the interval) cycles run back to back and acks never wait for an idle gap.
    const delay =
      this.#policy === 'always' ? 0 : Math.max(0, this.#lastCycleStart + this.#intervalMs - performance.now())
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
      if (this.#next !== undefined) this.#schedule()
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
