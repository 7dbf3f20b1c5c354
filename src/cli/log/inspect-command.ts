import { resolve } from 'node:path'
import type { CAC } from 'cac'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import { DEFAULT_DATA_DIR } from '../../pipeline/index.js'
import { createCliLogger } from '../logger.js'
import { UsageError } from '../usage-error.js'
import { writeStdout } from '../write.js'
import { assertDirectory } from './data-dir.js'
import { buildInspectReport } from './inspect-report.js'
import { renderInspectReport } from './inspect-table.js'

export function registerInspectCommand(cli: CAC): void {
  cli
    .command(
      'inspect',
      'Show topics, partition offsets, sizes and consumer-group lag (read-only; works next to a running vigil start)',
    )
    .option('--data-dir <dir>', `Data directory of the log (default: ${DEFAULT_DATA_DIR})`)
    .option('--json', 'Print one JSON document instead of tables')
    .example('  $ vigil log inspect --data-dir ./vigil-data')
    .example('  $ vigil log inspect --json | jq .groups')
    .action((options: Record<string, unknown>) => runInspect(options))
}

async function runInspect(options: Readonly<Record<string, unknown>>): Promise<number> {
  const rawDir = options['dataDir'] ?? DEFAULT_DATA_DIR
  if (Array.isArray(rawDir)) throw new UsageError('--data-dir given more than once')
  const dataDir = resolve(String(rawDir))
  await assertDirectory(dataDir, 'inspect')

  // stdout carries the report, so log events (recovery warnings) go to stderr.
  const logger = createCliLogger({ fd: 2, level: 'warn' }).child({ component: 'log' })
  const log = await openEmbeddedLog(
    { dataDir },
    { readOnly: true, onEvent: ({ level, msg, ...fields }) => logger[level](fields, msg) },
  )
  let report
  try {
    report = await buildInspectReport(log)
  } finally {
    await log.close()
  }
  await writeStdout(
    options['json'] === true
      ? JSON.stringify({ dataDir, ...report }, null, 2) + '\n'
      : renderInspectReport(dataDir, report),
  )
  return 0
}
