import { pino } from 'pino'
import type { Logger } from 'pino'

export interface CliLoggerOptions {
  /** 1 = stdout (long-running commands), 2 = stderr (commands whose stdout is their output). */
  readonly fd: 1 | 2
  readonly level?: pino.LevelWithSilent
}

/**
 * The one structured (JSON lines) logger of a CLI invocation; components get children of it through
 * their settings. Writes are synchronous so nothing is lost when the CLI exits right after.
 */
export function createCliLogger(options: CliLoggerOptions): Logger {
  return pino(
    { name: 'vigil', level: options.level ?? 'info' },
    pino.destination({ dest: options.fd, sync: true }),
  )
}
