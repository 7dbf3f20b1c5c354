import * as fs from 'node:fs'
import { createRequire, syncBuiltinESMExports } from 'node:module'
import * as path from 'node:path'

/**
 * Simulated power loss for crash tests. `kill -9` keeps the page cache, so it cannot catch an
 * append acknowledged before its fsync; a power loss can. Without a fault-injecting filesystem we
 * approximate one:
 *
 * - the child calls `installFsyncJournal(file)`: every successful fsync/fdatasync of a segment file appends
 *   `<path>\t<size at the start of the fsync>` to the journal *before* the fsync's waiters run,
 *   so any acknowledgement the child prints is preceded by the journal line that covers it;
 * - after the kill, `simulatePowerLoss` cuts every segment file back to a random point between its
 *   last durable size (journal, or the size at the start of the run) and its current size, and may
 *   zero a range of the lost-able tail (a page the disk never got) or tear new sidecars.
 *
 * Every outcome it produces is one a real power loss could, so an acknowledged batch must survive.
 * Linux only (`/proc/self/fd`).
 */
export function installFsyncJournal(journal: string): void {
  const require = createRequire(import.meta.url)
  const cjs = require('node:fs') as typeof fs
  const segmentAt = (fd: number): { file: string; size: number } | undefined => {
    try {
      const file = cjs.readlinkSync(`/proc/self/fd/${fd}`)
      return file.endsWith('.log') ? { file, size: cjs.fstatSync(fd).size } : undefined
    } catch {
      return undefined
    }
  }
  const record = (seg: { file: string; size: number } | undefined): void => {
    if (seg !== undefined) cjs.appendFileSync(journal, `${seg.file}\t${seg.size}\n`)
  }
  type Callback = (err: NodeJS.ErrnoException | null) => void
  const wrapAsync = (real: (fd: number, cb: Callback) => void) => (fd: number, callback: Callback) => {
    const seg = segmentAt(fd)
    real(fd, (err) => {
      if (err === null || err === undefined) record(seg)
      callback(err)
    })
  }
  const wrapSync = (real: (fd: number) => void) => (fd: number) => {
    const seg = segmentAt(fd)
    real(fd)
    record(seg)
  }
  cjs.fsync = wrapAsync(cjs.fsync) as typeof fs.fsync
  cjs.fdatasync = wrapAsync(cjs.fdatasync) as typeof fs.fdatasync
  cjs.fsyncSync = wrapSync(cjs.fsyncSync)
  cjs.fdatasyncSync = wrapSync(cjs.fdatasyncSync)
  syncBuiltinESMExports()
}

/** Sizes of every segment file and sidecar under `dataDir`: all durable after a clean close. */
export function durableSizes(dataDir: string): Map<string, number> {
  const sizes = new Map<string, number>()
  for (const file of segmentFilesUnder(dataDir)) {
    sizes.set(file, fs.statSync(file).size)
    const sidecar = sidecarOf(file)
    if (fs.existsSync(sidecar)) sizes.set(sidecar, fs.statSync(sidecar).size)
  }
  return sizes
}

const sidecarOf = (segment: string): string => segment.replace(/\.log$/, '.index')

export interface PowerLossReport {
  /** Bytes of not-yet-durable data thrown away. */
  readonly lostBytes: number
  readonly filesCut: number
  readonly rangesZeroed: number
  readonly sidecarsTorn: number
}

/**
 * Throws away data that was not durable: `baseline` from `durableSizes` before the run, `journal`
 * as written by `installFsyncJournal` during it, `random` in [0, 1).
 */
export function simulatePowerLoss(
  dataDir: string,
  baseline: ReadonlyMap<string, number>,
  journal: string,
  random: () => number,
): PowerLossReport {
  const synced = new Map(baseline)
  const text = fs.existsSync(journal) ? fs.readFileSync(journal, 'utf8') : ''
  for (const line of text.split('\n')) {
    const [file, size] = line.split('\t')
    if (file === undefined || size === undefined) continue
    const real = fs.realpathSync.native(path.dirname(file))
    const key = path.join(real, path.basename(file))
    synced.set(key, Math.max(synced.get(key) ?? 0, Number(size)))
  }
  let lostBytes = 0
  let filesCut = 0
  let rangesZeroed = 0
  let sidecarsTorn = 0
  for (const file of segmentFilesUnder(dataDir)) {
    const size = fs.statSync(file).size
    const durable = synced.get(file) ?? 0
    if (size > durable) {
      const cut = durable + Math.floor(random() * (size - durable + 1))
      fs.truncateSync(file, cut)
      lostBytes += size - cut
      filesCut++
      if (cut > durable && random() < 0.5) {
        const start = durable + Math.floor(random() * (cut - durable))
        const length = Math.min(cut - start, 512 + Math.floor(random() * 4096))
        const fd = fs.openSync(file, 'r+')
        fs.writeSync(fd, Buffer.alloc(length), 0, length, start)
        fs.closeSync(fd)
        rangesZeroed++
      }
    }
    // Sidecars are written without fsync: one written during the run may be torn.
    const sidecar = sidecarOf(file)
    if (!baseline.has(sidecar) && fs.existsSync(sidecar) && random() < 0.5) {
      fs.truncateSync(sidecar, Math.floor(random() * fs.statSync(sidecar).size))
      sidecarsTorn++
    }
  }
  return { lostBytes, filesCut, rangesZeroed, sidecarsTorn }
}

function segmentFilesUnder(dataDir: string): string[] {
  const root = fs.realpathSync.native(path.join(dataDir, 'topics'))
  const files: string[] = []
  for (const topic of fs.readdirSync(root)) {
    const topicDir = path.join(root, topic)
    if (!fs.statSync(topicDir).isDirectory()) continue
    for (const part of fs.readdirSync(topicDir)) {
      const partDir = path.join(topicDir, part)
      if (!fs.statSync(partDir).isDirectory()) continue
      for (const f of fs.readdirSync(partDir)) if (f.endsWith('.log')) files.push(path.join(partDir, f))
    }
  }
  return files
}
