import { formatProgress } from '../../gen/index.js'
import type { GenProgress } from '../../gen/index.js'

/** On a TTY the line is rewritten in place every second; elsewhere one line every 5 s. */
const PIPE_EVERY_MS = 5000

export interface ProgressReporter {
  readonly onProgress: (p: GenProgress) => void
  /** Ends the in-place line (call before printing anything else). */
  finish(): void
}

export function createProgressReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const isTty = stream.isTTY === true
  let lastLineMs = Number.NEGATIVE_INFINITY
  let dirty = false
  return {
    onProgress(p) {
      if (isTty) {
        stream.write(`\r\x1b[2K${formatProgress(p)}`)
        dirty = true
      } else if (p.elapsedMs - lastLineMs >= PIPE_EVERY_MS) {
        lastLineMs = p.elapsedMs
        stream.write(`${formatProgress(p)}\n`)
      }
    },
    finish() {
      if (dirty) stream.write('\n')
      dirty = false
    },
  }
}
