import * as fs from 'node:fs'

/**
 * Bounds the file descriptors held for sealed segments (STYLE.md: bounded everything). Active
 * segments stay open; a sealed segment's fd is opened on first use and the least recently used one
 * is closed past `maxOpen`, to be reopened on its next read. A segment written since it was opened
 * (its last bytes before the roll) is fdatasynced before its fd is closed, so eviction never drops
 * the only handle to unsynced data before its group-commit cycle.
 */
export interface PooledFile {
  /** Closes the fd now (after an fdatasync if needed); the file reopens on next use. */
  evictFd(): void
}

export class SegmentFilePool {
  readonly #maxOpen: number
  readonly #open = new Set<PooledFile>()

  constructor(maxOpen: number) {
    this.#maxOpen = maxOpen
  }

  get size(): number {
    return this.#open.size
  }

  /** `file` was used (opened or read): most recent now; evicts the least recent past the limit. */
  touch(file: PooledFile): void {
    this.#open.delete(file)
    this.#open.add(file)
    while (this.#open.size > this.#maxOpen) {
      const oldest = this.#open.values().next().value as PooledFile
      this.#open.delete(oldest)
      oldest.evictFd()
    }
  }

  /** `file` is pinned open (became active) or closed for good: no longer managed. */
  forget(file: PooledFile): void {
    this.#open.delete(file)
  }
}

/** fdatasync, tolerating an fd that is already gone. */
export function syncBeforeClose(fd: number): void {
  try {
    fs.fdatasyncSync(fd)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EBADF') throw err
  }
}
