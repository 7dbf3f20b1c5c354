import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { LogLockedError } from '../errors.js'

/**
 * An exclusive lock on a data dir: `<dataDir>/vigil.lock` created with O_EXCL, holding the owner's
 * pid and host. A lock whose pid is no longer alive on this host is stale (the owner was killed)
 * and is taken over. Locks held by this process are tracked too, so a second `open` of the same
 * dir in one process fails the same way.
 */
const heldByThisProcess = new Set<string>()

export class DirLock {
  readonly #file: string
  #released = false

  private constructor(file: string) {
    this.#file = file
  }

  static acquire(dataDir: string): DirLock {
    const file = path.join(path.resolve(dataDir), 'vigil.lock')
    if (heldByThisProcess.has(file)) throw new LogLockedError(dataDir, 'this process (already open)')
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx')
        fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname() }))
        fs.fsyncSync(fd)
        fs.closeSync(fd)
        heldByThisProcess.add(file)
        return new DirLock(file)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      const holder = readHolder(file)
      if (
        holder !== undefined &&
        holder.host === os.hostname() &&
        isAlive(holder.pid) &&
        holder.pid !== process.pid
      ) {
        throw new LogLockedError(dataDir, `process ${holder.pid}`)
      }
      if (holder !== undefined && holder.host !== os.hostname()) {
        throw new LogLockedError(dataDir, `process ${holder.pid} on host ${holder.host}`)
      }
      // Stale: the owner died (kill -9, crash). Remove and retry the exclusive create.
      fs.rmSync(file, { force: true })
    }
    throw new LogLockedError(dataDir, 'another process racing for the lock')
  }

  release(): void {
    if (this.#released) return
    this.#released = true
    heldByThisProcess.delete(this.#file)
    fs.rmSync(this.#file, { force: true })
  }
}

function readHolder(file: string): { pid: number; host: string } | undefined {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown; host?: unknown }
    if (typeof raw.pid === 'number' && typeof raw.host === 'string') return { pid: raw.pid, host: raw.host }
  } catch {
    // Empty or torn lock file: its writer died between create and write.
  }
  return undefined
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
